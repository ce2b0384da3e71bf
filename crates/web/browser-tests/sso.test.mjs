// Single sign-on in real headless Chromium through a real OpenID Connect provider
// (oidc-provider.mjs: panva's oidc-provider, started by scripts/browser-tests), which also
// sets OIDC_URL. Hearth is served with:
//   --oidc-role hearth-lead-workers=lead_worker,hearth-performance=performance_officer
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base, signIn, newContext, screenshot, assertAccessible } from './lib.mjs'

const idp = process.env.OIDC_URL
if (!idp) throw new Error('set OIDC_URL (scripts/browser-tests does)')

// Signs in as `login` through the provider's own login and consent pages; returns the page
// where Hearth lands, its status, and the callback URL the provider sent the browser to.
async function signInThroughProvider (login) {
  const context = await newContext()
  // The provider's development pages import a web font; there is no network here.
  await context.route(/fonts\.googleapis\.com/, r => r.abort())
  const page = await context.newPage()
  let callback = null
  page.on('request', r => { if (r.url().startsWith(`${base}/sign-in/sso/callback`)) callback = r.url() })
  await page.goto(`${base}/sign-in`)
  assert.equal(await page.locator('#sign-in-sso').innerText(), 'Sign in with Council account')
  await Promise.all([page.waitForURL(u => u.href.startsWith(idp)), page.click('#sign-in-sso')])
  // The provider's login page (any password is accepted by its development pages).
  await page.fill('input[name="login"]', login)
  await page.fill('input[name="password"]', 'any password')
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign-in")')])
  // Its consent page, when it asks.
  if (page.url().startsWith(idp) && await page.locator('button:has-text("Continue")').count()) {
    await Promise.all([page.waitForURL(u => u.href.startsWith(base)), page.click('button:has-text("Continue")')])
  }
  await page.waitForURL(u => u.href.startsWith(base))
  await page.waitForLoadState()
  return { context, page, callback }
}

test('a lead worker signs in through the OpenID Connect provider and lands on their caseload', async () => {
  const { context, page, callback } = await signInThroughProvider('sso.worker')
  assert.equal(new URL(page.url()).pathname, '/caseload')
  assert.match(await page.locator('body').innerText(), /Sol Worker/)
  assert.ok(callback && /[?&]code=/.test(callback) && /[?&]state=/.test(callback), `callback: ${callback}`)
  // Hearth's own session: the same kind as a local sign-in's.
  const cookies = await context.cookies(base)
  assert.ok(cookies.some(c => c.name === 'hearth_session' && c.httpOnly), 'a session cookie')
  assert.ok(!cookies.some(c => c.name === 'hearth_sso' && c.value), 'the sign-in key is cleared')
  // A lead worker may not open the families list.
  const refused = await page.goto(`${base}/families`)
  assert.equal(refused.status(), 403)

  // The same callback again (a replayed code) is refused, signed in or not.
  const replay = await context.newPage()
  const again = await replay.goto(callback)
  assert.equal(again.status(), 400)
  assert.equal(await replay.locator('h1').innerText(), 'Sign-in could not be finished')
  await context.close()
})

test('a performance officer lands on the families list; signing in again uses the same account', async () => {
  for (const round of [1, 2]) {
    const { context, page } = await signInThroughProvider('sso.officer')
    assert.equal(new URL(page.url()).pathname, '/families', `round ${round}`)
    await context.close()
  }
  // The administrator sees one account for the officer, made by single sign-on.
  const { context, page } = await signIn('admin')
  await page.goto(`${base}/admin/users`)
  const text = await page.locator('main').innerText()
  assert.equal(text.split('sso.officer').length - 1 >= 1, true, 'the account is listed')
  assert.match(text, /Sky Officer/)
  await context.close()
})

test('someone in no group mapped to a Hearth role is refused with a plain page', async () => {
  const { context, page } = await signInThroughProvider('sso.outsider')
  assert.equal(new URL(page.url()).pathname, '/sign-in/sso/callback')
  assert.equal(await page.locator('h1').innerText(), 'You do not have access to Hearth')
  assert.match(await page.locator('main').innerText(), /not in any group that gives access to Hearth/)
  await assertAccessible(page, 'single sign-on refused', { shot: null })
  await screenshot(page, 'sso-refused', false)
  const cookies = await context.cookies(base)
  assert.ok(!cookies.some(c => c.name === 'hearth_session' && c.value), 'no session')
  const home = await page.goto(`${base}/caseload`)
  assert.match(new URL(home.url()).pathname, /^\/sign-in/)
  await context.close()
})

test('the sign-in page offers the provider and the local form (break-glass) together', async () => {
  const context = await newContext()
  const page = await context.newPage()
  await page.goto(`${base}/sign-in`)
  assert.equal(await page.locator('#sign-in-sso').count(), 1)
  assert.equal(await page.locator('#user_name').count(), 1)
  await assertAccessible(page, 'sign-in with single sign-on', { shot: null })
  await screenshot(page, 'sign-in-sso', false)
  await context.close()
})
