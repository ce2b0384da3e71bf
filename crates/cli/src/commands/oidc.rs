//! `hearth serve`'s single sign-on settings (OpenID Connect), by flag or environment
//! variable; see docs/single-sign-on.md.

use anyhow::{bail, Context};
use hearth_web::{OidcConfig, RoleMap};
use std::path::PathBuf;

/// The environment variable holding the client secret (never a command-line argument,
/// which other users of the machine can see).
pub const CLIENT_SECRET_ENV: &str = "HEARTH_OIDC_CLIENT_SECRET";

/// Single sign-on through an OpenID Connect provider (off unless `--oidc-issuer` is set).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OidcArgs {
    /// The OpenID Connect provider's issuer URL, e.g.
    /// https://login.microsoftonline.com/TENANT-ID/v2.0 (turns single sign-on on).
    #[arg(long, env = "HEARTH_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client (application) ID registered with the provider.
    #[arg(long, env = "HEARTH_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// A file holding the client secret (else it is read from HEARTH_OIDC_CLIENT_SECRET).
    #[arg(long, env = "HEARTH_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// Hearth's address followed by /sign-in/sso/callback, as registered with the provider.
    #[arg(long, env = "HEARTH_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// The provider's name as staff know it, shown as "Sign in with NAME".
    #[arg(
        long,
        env = "HEARTH_OIDC_PROVIDER_NAME",
        default_value = "your work account"
    )]
    pub oidc_provider_name: String,
    /// The ID token claim that lists the person's groups.
    #[arg(long, env = "HEARTH_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,
    /// GROUP=ROLE: people in GROUP get ROLE (referrer, lead_worker, performance_officer,
    /// data_analyst, ig_officer, administrator). Repeat, or separate with commas; the first
    /// entry that matches one of a person's groups wins.
    #[arg(long = "oidc-role", env = "HEARTH_OIDC_ROLES", value_delimiter = ',')]
    pub oidc_roles: Vec<String>,
    /// Scopes to ask for besides openid (repeat, or separate with commas), e.g. profile.
    #[arg(long = "oidc-scope", env = "HEARTH_OIDC_SCOPES", value_delimiter = ',')]
    pub oidc_scopes: Vec<String>,
}

impl OidcArgs {
    /// The configuration, or `None` without `--oidc-issuer`; `secret_from_env` is the value
    /// of [`CLIENT_SECRET_ENV`], if set.
    pub fn config(&self, secret_from_env: Option<String>) -> anyhow::Result<Option<OidcConfig>> {
        let Some(issuer) = self.oidc_issuer.clone().filter(|s| !s.trim().is_empty()) else {
            return Ok(None);
        };
        let Some(client_id) = self.oidc_client_id.clone() else {
            bail!("single sign-on: --oidc-issuer is set, so set --oidc-client-id too");
        };
        let Some(redirect_url) = self.oidc_redirect_url.clone() else {
            bail!("single sign-on: set --oidc-redirect-url (Hearth's address followed by /sign-in/sso/callback)");
        };
        let client_secret = match &self.oidc_client_secret_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| {
                        format!(
                            "single sign-on: reading the client secret file {}",
                            path.display()
                        )
                    })?
                    .trim()
                    .to_string(),
            ),
            None => secret_from_env.filter(|s| !s.is_empty()),
        };
        let roles = RoleMap::parse(self.oidc_roles.iter().map(String::as_str))
            .context("single sign-on: in --oidc-role")?;
        let config = OidcConfig {
            // As given: the ID token's `iss` must match it exactly (some providers end it in `/`).
            issuer: issuer.trim().to_string(),
            client_id,
            client_secret,
            redirect_url,
            provider_name: self.oidc_provider_name.trim().to_string(),
            groups_claim: self.oidc_groups_claim.trim().to_string(),
            roles,
            scopes: self
                .oidc_scopes
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s != "openid")
                .collect(),
        };
        config.validate().context("single sign-on")?;
        Ok(Some(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        oidc: OidcArgs,
    }

    fn parse(args: &[&str]) -> OidcArgs {
        Cli::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))
            .unwrap()
            .oidc
    }

    const GOOD: [&str; 8] = [
        "--oidc-issuer",
        "https://login.microsoftonline.com/t/v2.0/",
        "--oidc-client-id",
        "abc",
        "--oidc-redirect-url",
        "https://hearth.example.gov.uk/sign-in/sso/callback",
        "--oidc-role",
        "g-admins=administrator,g-workers=lead_worker",
    ];

    #[test]
    fn without_an_issuer_single_sign_on_is_off() {
        assert_eq!(parse(&[]).config(Some("x".into())).unwrap(), None);
    }

    #[test]
    fn flags_make_a_configuration_with_the_secret_from_the_environment() {
        let mut args = GOOD.to_vec();
        args.extend([
            "--oidc-role",
            "g-po=performance_officer",
            "--oidc-scope",
            "openid,profile",
        ]);
        let c = parse(&args).config(Some("s3cret".into())).unwrap().unwrap();
        assert_eq!(c.issuer, "https://login.microsoftonline.com/t/v2.0/");
        assert_eq!(c.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(c.groups_claim, "groups");
        assert_eq!(c.provider_name, "your work account");
        assert_eq!(c.scopes, ["profile"]);
        assert_eq!(
            c.roles
                .0
                .iter()
                .map(|(g, r)| (g.as_str(), r.key()))
                .collect::<Vec<_>>(),
            [
                ("g-admins", "administrator"),
                ("g-workers", "lead_worker"),
                ("g-po", "performance_officer")
            ]
        );
    }

    #[test]
    fn the_secret_file_wins_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let mut args = GOOD.to_vec();
        let p = path.to_str().unwrap();
        args.extend(["--oidc-client-secret-file", p]);
        let c = parse(&args)
            .config(Some("from-env".into()))
            .unwrap()
            .unwrap();
        assert_eq!(c.client_secret.as_deref(), Some("from-file"));
        let mut args = GOOD.to_vec();
        args.extend(["--oidc-client-secret-file", "/no/such/secret"]);
        let e = format!("{:#}", parse(&args).config(None).unwrap_err());
        assert!(
            e.contains("reading the client secret file /no/such/secret"),
            "{e}"
        );
    }

    #[test]
    fn incomplete_or_wrong_settings_are_refused_with_what_to_fix() {
        let e = format!("{:#}", parse(&GOOD[..2]).config(None).unwrap_err());
        assert!(e.contains("set --oidc-client-id"), "{e}");
        let mut args = GOOD[..6].to_vec();
        args.extend(["--oidc-role", "g=janitor"]);
        let e = format!("{:#}", parse(&args).config(None).unwrap_err());
        assert!(
            e.contains("in --oidc-role") && e.contains("unknown role \"janitor\""),
            "{e}"
        );
        let e = format!("{:#}", parse(&GOOD[..6]).config(None).unwrap_err());
        assert!(e.contains("the role table is empty"), "{e}");
        let mut args = GOOD.to_vec();
        args[1] = "http://idp.example.com";
        let e = format!("{:#}", parse(&args).config(None).unwrap_err());
        assert!(e.contains("must use https"), "{e}");
    }
}
