// A real OpenID Connect provider for the browser tests: panva's oidc-provider (certified
// OpenID Connect), with its development login and consent pages (any password), one client
// for Hearth and three staff with a `groups` claim. Started by scripts/browser-tests:
//   OIDC_PORT           the port to listen on (127.0.0.1 only)
//   OIDC_REDIRECT_URI   Hearth's callback, http://127.0.0.1:PORT/sign-in/sso/callback
//   OIDC_CLIENT_SECRET  the client secret Hearth is given
// Test data only: synthetic people, never a real directory.
import Provider from 'oidc-provider'

const port = Number(process.env.OIDC_PORT)
const redirect = process.env.OIDC_REDIRECT_URI
const secret = process.env.OIDC_CLIENT_SECRET
if (!port || !redirect || !secret) throw new Error('set OIDC_PORT, OIDC_REDIRECT_URI and OIDC_CLIENT_SECRET')

// login → claims. Hearth maps `hearth-lead-workers` and `hearth-performance` to roles;
// `all-staff` maps to nothing, so the outsider is refused.
export const accounts = {
  'sso.worker': { name: 'Sol Worker', groups: ['all-staff', 'hearth-lead-workers'] },
  'sso.officer': { name: 'Sky Officer', groups: ['all-staff', 'hearth-performance'] },
  'sso.outsider': { name: 'Oli Outsider', groups: ['all-staff'] },
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'hearth',
    client_secret: secret,
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'groups'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
  // Put the requested claims in the ID token (Hearth reads the groups from it, as from
  // Entra ID), not only at the userinfo endpoint.
  conformIdTokenClaims: false,
  findAccount: (ctx, id) => {
    const a = accounts[id]
    if (!a) return undefined
    return {
      accountId: id,
      claims: () => ({ sub: id, preferred_username: `${id}@council.example`, name: a.name, groups: a.groups }),
    }
  },
  cookies: { keys: ['hearth-browser-tests-only-not-a-secret'] },
  features: { devInteractions: { enabled: true } },
})
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`)
})
