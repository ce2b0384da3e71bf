//! `hearth serve`'s single sign-on settings (OpenID Connect), by flag, environment variable
//! or the settings file (a flag wins over its environment variable, which wins over the
//! file, which wins over the default); see docs/single-sign-on.md.

use super::config::ServeFile;
use anyhow::{bail, Context};
use hearth_web::{OidcConfig, RoleMap};
use std::path::PathBuf;

/// The environment variable holding the client secret (never a command-line argument,
/// which other users of the machine can see).
pub const CLIENT_SECRET_ENV: &str = "HEARTH_OIDC_CLIENT_SECRET";

/// The provider's name on the sign-in button when none is set.
const DEFAULT_PROVIDER_NAME: &str = "your work account";
/// The ID token claim listing groups when none is set.
const DEFAULT_GROUPS_CLAIM: &str = "groups";

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
    /// The provider's name as staff know it, shown as "Sign in with NAME" [default: your
    /// work account].
    #[arg(long, env = "HEARTH_OIDC_PROVIDER_NAME")]
    pub oidc_provider_name: Option<String>,
    /// The ID token claim that lists the person's groups [default: groups].
    #[arg(long, env = "HEARTH_OIDC_GROUPS_CLAIM")]
    pub oidc_groups_claim: Option<String>,
    /// GROUP=ROLE: people in GROUP get ROLE (referrer, lead_worker, performance_officer,
    /// data_analyst, ig_officer, auditor, administrator). Repeat, or separate with commas;
    /// the first entry that matches one of a person's groups wins.
    #[arg(long = "oidc-role", env = "HEARTH_OIDC_ROLES", value_delimiter = ',')]
    pub oidc_roles: Vec<String>,
    /// Scopes to ask for besides openid (repeat, or separate with commas), e.g. profile.
    #[arg(long = "oidc-scope", env = "HEARTH_OIDC_SCOPES", value_delimiter = ',')]
    pub oidc_scopes: Vec<String>,
}

/// Where the client secret comes from, in order: a secret file named by flag or
/// environment, the environment variable, a secret file named in the settings file, the
/// settings file's own value.
fn client_secret(
    args: &OidcArgs,
    secret_from_env: Option<String>,
    file: &ServeFile,
) -> anyhow::Result<Option<String>> {
    let read = |path: &PathBuf| -> anyhow::Result<String> {
        Ok(std::fs::read_to_string(path)
            .with_context(|| {
                format!(
                    "single sign-on: reading the client secret file {}",
                    path.display()
                )
            })?
            .trim()
            .to_string())
    };
    if let Some(path) = &args.oidc_client_secret_file {
        return read(path).map(Some);
    }
    if let Some(secret) = secret_from_env.filter(|s| !s.is_empty()) {
        return Ok(Some(secret));
    }
    if let Some(path) = &file.oidc_client_secret_file {
        return read(path).map(Some);
    }
    Ok(file.oidc_client_secret.clone().filter(|s| !s.is_empty()))
}

impl OidcArgs {
    /// The configuration, or `None` without an issuer (`--oidc-issuer` or the file's
    /// `oidc_issuer`); `secret_from_env` is the value of [`CLIENT_SECRET_ENV`], if set. Each
    /// setting is the flag's (or its environment variable's), else the settings file's, else
    /// the default.
    pub fn config(
        &self,
        secret_from_env: Option<String>,
        file: &ServeFile,
    ) -> anyhow::Result<Option<OidcConfig>> {
        let pick = |arg: &Option<String>, file: &Option<String>| {
            arg.clone()
                .filter(|s| !s.trim().is_empty())
                .or_else(|| file.clone().filter(|s| !s.trim().is_empty()))
        };
        let list = |arg: &Vec<String>, file: &Option<Vec<String>>| {
            if arg.is_empty() {
                file.clone().unwrap_or_default()
            } else {
                arg.clone()
            }
        };
        let Some(issuer) = pick(&self.oidc_issuer, &file.oidc_issuer) else {
            return Ok(None);
        };
        let Some(client_id) = pick(&self.oidc_client_id, &file.oidc_client_id) else {
            bail!("single sign-on: an issuer is set (--oidc-issuer or oidc_issuer), so set --oidc-client-id (or oidc_client_id) too");
        };
        let Some(redirect_url) = pick(&self.oidc_redirect_url, &file.oidc_redirect_url) else {
            bail!("single sign-on: set --oidc-redirect-url (or oidc_redirect_url): Hearth's address followed by /sign-in/sso/callback");
        };
        let client_secret = client_secret(self, secret_from_env, file)?;
        let roles = list(&self.oidc_roles, &file.oidc_roles);
        let roles = RoleMap::parse(roles.iter().map(String::as_str))
            .context("single sign-on: in --oidc-role (oidc_roles)")?;
        let config = OidcConfig {
            // As given: the ID token's `iss` must match it exactly (some providers end it in `/`).
            issuer: issuer.trim().to_string(),
            client_id,
            client_secret,
            redirect_url,
            provider_name: pick(&self.oidc_provider_name, &file.oidc_provider_name)
                .unwrap_or_else(|| DEFAULT_PROVIDER_NAME.into())
                .trim()
                .to_string(),
            groups_claim: pick(&self.oidc_groups_claim, &file.oidc_groups_claim)
                .unwrap_or_else(|| DEFAULT_GROUPS_CLAIM.into())
                .trim()
                .to_string(),
            roles,
            scopes: list(&self.oidc_scopes, &file.oidc_scopes)
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s != "openid")
                .collect(),
        };
        config.validate().context("single sign-on")?;
        Ok(Some(config))
    }
}

/// What `hearth serve` says at start when single sign-on has no client secret: most
/// providers (Microsoft Entra ID among them) register a web application as a confidential
/// client and refuse to exchange its code without the secret, so every sign-in would fail.
/// Says where to put it; never quotes a secret.
pub fn missing_secret_warning(config: &OidcConfig) -> Option<String> {
    config.client_secret.is_none().then(|| {
        format!(
            "warning: single sign-on is set up without a client secret, so Hearth will \
             sign in to {} as a public client. Most identity providers (Microsoft Entra ID \
             among them) expect a web application to send its client secret, and will refuse \
             every sign-in without it. Put the secret in the HEARTH_OIDC_CLIENT_SECRET \
             environment variable, or in a file named by --oidc-client-secret-file \
             (oidc_client_secret_file in the settings file). If the provider registered \
             Hearth as a public client, nothing needs to change",
            config.issuer
        )
    })
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
        assert_eq!(
            parse(&[])
                .config(Some("x".into()), &ServeFile::default())
                .unwrap(),
            None
        );
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
        let c = parse(&args)
            .config(Some("s3cret".into()), &ServeFile::default())
            .unwrap()
            .unwrap();
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
            .config(Some("from-env".into()), &ServeFile::default())
            .unwrap()
            .unwrap();
        assert_eq!(c.client_secret.as_deref(), Some("from-file"));
        let mut args = GOOD.to_vec();
        args.extend(["--oidc-client-secret-file", "/no/such/secret"]);
        let e = format!(
            "{:#}",
            parse(&args)
                .config(None, &ServeFile::default())
                .unwrap_err()
        );
        assert!(
            e.contains("reading the client secret file /no/such/secret"),
            "{e}"
        );
    }

    #[test]
    fn incomplete_or_wrong_settings_are_refused_with_what_to_fix() {
        let e = format!(
            "{:#}",
            parse(&GOOD[..2])
                .config(None, &ServeFile::default())
                .unwrap_err()
        );
        assert!(
            e.contains("set --oidc-client-id (or oidc_client_id)"),
            "{e}"
        );
        let mut args = GOOD[..6].to_vec();
        args.extend(["--oidc-role", "g=janitor"]);
        let e = format!(
            "{:#}",
            parse(&args)
                .config(None, &ServeFile::default())
                .unwrap_err()
        );
        assert!(
            e.contains("in --oidc-role") && e.contains("unknown role \"janitor\""),
            "{e}"
        );
        let e = format!(
            "{:#}",
            parse(&GOOD[..6])
                .config(None, &ServeFile::default())
                .unwrap_err()
        );
        assert!(e.contains("the role table is empty"), "{e}");
        let mut args = GOOD.to_vec();
        args[1] = "http://idp.example.com";
        let e = format!(
            "{:#}",
            parse(&args)
                .config(None, &ServeFile::default())
                .unwrap_err()
        );
        assert!(e.contains("must use https"), "{e}");
    }

    /// The settings file (`hearth serve --settings`) carries every single sign-on setting,
    /// under the flag's name with `_` for `-` (lists for the repeated flags); a flag or its
    /// environment variable wins over the file, and the file over the default.
    #[test]
    fn the_settings_file_gives_single_sign_on_under_the_flags_names() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "from-secret-file\n").unwrap();
        let path = dir.path().join("hearth.toml");
        std::fs::write(
            &path,
            format!(
                r#"
                oidc_issuer = "https://login.microsoftonline.com/t/v2.0"
                oidc_client_id = "file-client"
                oidc_client_secret = "file-secret"
                oidc_redirect_url = "https://hearth.example.gov.uk/sign-in/sso/callback"
                oidc_provider_name = "Council account"
                oidc_groups_claim = "roles"
                oidc_roles = ["g-admins=administrator", "g-workers=lead_worker"]
                oidc_scopes = ["profile", "email"]
                oidc_client_secret_file = {secret:?}
                "#
            ),
        )
        .unwrap();
        let file = ServeFile::read(&path).unwrap();
        // The file alone: its settings, and its secret file over its own secret value.
        let c = parse(&[]).config(None, &file).unwrap().unwrap();
        assert_eq!(c.issuer, "https://login.microsoftonline.com/t/v2.0");
        assert_eq!(c.client_id, "file-client");
        assert_eq!(c.client_secret.as_deref(), Some("from-secret-file"));
        assert_eq!(c.provider_name, "Council account");
        assert_eq!(c.groups_claim, "roles");
        assert_eq!(c.scopes, ["profile", "email"]);
        assert_eq!(c.roles.0.len(), 2);
        // The environment's secret over the file's; flags over the file's settings.
        let c = parse(&GOOD)
            .config(Some("from-env".into()), &file)
            .unwrap()
            .unwrap();
        assert_eq!(c.client_secret.as_deref(), Some("from-env"));
        assert_eq!(c.client_id, "abc");
        assert_eq!(c.issuer, "https://login.microsoftonline.com/t/v2.0/");
        assert_eq!(c.roles.0[0].0, "g-admins");
        assert_eq!(c.provider_name, "Council account", "the file's: no flag");
        // Without a secret file, the file's secret value.
        let mut plain = ServeFile::read(&path).unwrap();
        plain.oidc_client_secret_file = None;
        let c = parse(&[]).config(None, &plain).unwrap().unwrap();
        assert_eq!(c.client_secret.as_deref(), Some("file-secret"));
        // The defaults when neither gives them.
        plain.oidc_provider_name = None;
        plain.oidc_groups_claim = None;
        let c = parse(&[]).config(None, &plain).unwrap().unwrap();
        assert_eq!(c.provider_name, "your work account");
        assert_eq!(c.groups_claim, "groups");
        // A mistake in the file is named as the file names it.
        plain.oidc_roles = Some(vec!["g=janitor".into()]);
        let e = format!("{:#}", parse(&[]).config(None, &plain).unwrap_err());
        assert!(e.contains("oidc_roles") && e.contains("janitor"), "{e}");
    }

    /// A configuration without a client secret is warned of in plain words that say where
    /// the secret goes; one with a secret is not.
    #[test]
    fn a_configuration_without_a_client_secret_is_warned_of() {
        let without = parse(&GOOD)
            .config(None, &ServeFile::default())
            .unwrap()
            .unwrap();
        let w = missing_secret_warning(&without).expect("a warning");
        assert!(w.contains("without a client secret"), "{w}");
        assert!(
            w.contains("HEARTH_OIDC_CLIENT_SECRET") && w.contains("oidc_client_secret_file"),
            "{w}"
        );
        let with = parse(&GOOD)
            .config(Some("s3cret".into()), &ServeFile::default())
            .unwrap()
            .unwrap();
        assert_eq!(missing_secret_warning(&with), None);
    }
}
