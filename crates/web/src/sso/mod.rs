//! Single sign-on through an OpenID Connect provider (Microsoft Entra ID or another): its
//! configuration ([`OidcConfig`]), the table from the provider's group claim to Hearth roles
//! ([`RoleMap`]), and the account name a first sign-in creates ([`account_name`]). Pure.
//!
//! Talking to the provider (discovery, the code exchange, checking the ID token against the
//! provider's keys) is [`provider`]'s; signing the person in is `service::sso`'s.

pub(crate) mod provider;

use hearth_model::Role;

/// How Hearth signs staff in through an OpenID Connect provider (authorisation code flow
/// with PKCE, `state` and `nonce`; the ID token's signature checked against the provider's
/// published keys).
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The provider's issuer URL, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`;
    /// its discovery document is at `{issuer}/.well-known/openid-configuration`. Must be
    /// `https`, except on a loopback address (tests).
    pub issuer: String,
    /// The client (application) ID registered with the provider.
    pub client_id: String,
    /// The client secret, if the provider issued one (from the environment or a file, never
    /// a command-line argument).
    pub client_secret: Option<String>,
    /// Where the provider sends people back: Hearth's own address followed by
    /// `/sign-in/sso/callback`, exactly as registered with the provider.
    pub redirect_url: String,
    /// The provider's name as staff know it, shown on the sign-in button ("Sign in with …").
    pub provider_name: String,
    /// The ID token claim holding the person's groups (`groups` for Entra ID).
    pub groups_claim: String,
    /// Which group gives which role.
    pub roles: RoleMap,
    /// Scopes to ask for besides `openid` (e.g. `profile`, `email`).
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| ".."))
            .field("redirect_url", &self.redirect_url)
            .field("provider_name", &self.provider_name)
            .field("groups_claim", &self.groups_claim)
            .field("roles", &self.roles)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A configuration that cannot work, named so that whoever set it can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcConfigError {
    /// A URL that does not parse, or is plain `http` on an address that is not loopback.
    #[error("{what} {value:?}: {reason}")]
    Url {
        /// Which setting.
        what: &'static str,
        /// As given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry of the role table that is not `GROUP=ROLE` with a known role.
    #[error("role table entry {entry:?}: {reason}")]
    RoleEntry {
        /// The entry as given.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required setting left empty.
    #[error("{0} is empty")]
    Empty(&'static str),
}

impl OidcConfig {
    /// Checks the settings that can be checked without asking the provider: the issuer
    /// and redirect URLs, a client ID, a non-empty role table and claim name.
    pub fn validate(&self) -> Result<(), OidcConfigError> {
        check_url("issuer", &self.issuer)?;
        check_url("redirect URL", &self.redirect_url)?;
        if !self.redirect_url.ends_with(CALLBACK_PATH) {
            return Err(OidcConfigError::Url {
                what: "redirect URL",
                value: self.redirect_url.clone(),
                reason: format!("must end with {CALLBACK_PATH}"),
            });
        }
        if self.client_id.trim().is_empty() {
            return Err(OidcConfigError::Empty("the client ID"));
        }
        if self.groups_claim.trim().is_empty() {
            return Err(OidcConfigError::Empty("the groups claim's name"));
        }
        if self.roles.0.is_empty() {
            return Err(OidcConfigError::Empty("the role table"));
        }
        Ok(())
    }
}

/// Where the provider sends people back, on Hearth's own address.
pub(crate) const CALLBACK_PATH: &str = "/sign-in/sso/callback";

/// Whether `host` is a loopback name or address (where plain `http` is allowed, for tests).
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
}

fn check_url(what: &'static str, value: &str) -> Result<(), OidcConfigError> {
    let bad = |reason: &str| OidcConfigError::Url {
        what,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = value
        .split_once("://")
        .ok_or_else(|| bad("not a URL (it has no https://)"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    if host.is_empty() {
        return Err(bad("it names no host"));
    }
    match scheme {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(bad(
            "must use https (plain http only on a loopback address)",
        )),
        _ => Err(bad("must use https")),
    }
}

/// Which group (a value of the provider's group claim) gives which Hearth role, in order:
/// a person in several mapped groups gets the role of the first entry that matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap(pub Vec<(String, Role)>);

impl RoleMap {
    /// Parses entries `GROUP=ROLE` (a role key such as `lead_worker`), one per item; empty
    /// items are skipped. A group is compared exactly (Entra ID sends group object IDs).
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = &'a str>,
    ) -> Result<RoleMap, OidcConfigError> {
        let mut map = Vec::new();
        for entry in entries {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let bad = |reason: String| OidcConfigError::RoleEntry {
                entry: entry.to_string(),
                reason,
            };
            let (group, role) = entry
                .rsplit_once('=')
                .ok_or_else(|| bad("write it as GROUP=ROLE".into()))?;
            let group = group.trim();
            if group.is_empty() {
                return Err(bad("the group is empty".into()));
            }
            let role = Role::parse(role.trim()).map_err(|_| {
                bad(format!(
                    "unknown role {:?} (one of: {})",
                    role.trim(),
                    ROLE_KEYS.join(", ")
                ))
            })?;
            if map.iter().any(|(g, _)| g == group) {
                return Err(bad("the group is already in the table".into()));
            }
            map.push((group.to_string(), role));
        }
        Ok(RoleMap(map))
    }

    /// The role for a person in `groups`: the first entry whose group is among them.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        self.0
            .iter()
            .find(|(g, _)| groups.iter().any(|have| have == g))
            .map(|(_, role)| *role)
    }
}

const ROLE_KEYS: [&str; 6] = [
    "referrer",
    "lead_worker",
    "performance_officer",
    "data_analyst",
    "ig_officer",
    "administrator",
];

/// The groups in a claim's value: a string (one group, or several separated by spaces or
/// commas, as some providers send them) or an array of strings; anything else is none.
pub(crate) fn groups_in(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::String(s)) => s
            .split([' ', ','])
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The account name a first sign-in creates: the provider's `preferred_username` (else
/// `email`) up to any `@`, lower-cased, with characters an account name cannot hold
/// turned into `-`; when that leaves fewer than 3 characters, `sso-` and the start of the
/// subject's SHA-256.
pub(crate) fn account_name(preferred: Option<&str>, subject: &str) -> String {
    let local = preferred
        .map(|p| p.split('@').next().unwrap_or(""))
        .unwrap_or("")
        .trim()
        .to_lowercase();
    let mut name: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.trim_matches('-').len() < 3 {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(subject.as_bytes());
        name = "sso-".to_string();
        for b in &digest[..6] {
            name.push_str(&format!("{b:02x}"));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OidcConfig {
        OidcConfig {
            issuer: "https://login.microsoftonline.com/tenant/v2.0".into(),
            client_id: "hearth".into(),
            client_secret: Some("s3cret".into()),
            redirect_url: "https://hearth.council.example/sign-in/sso/callback".into(),
            provider_name: "Council account".into(),
            groups_claim: "groups".into(),
            roles: RoleMap::parse(["staff-lw=lead_worker"]).unwrap(),
            scopes: vec![],
        }
    }

    #[test]
    fn the_role_table_parses_in_order_and_the_first_matching_group_wins() {
        let map = RoleMap::parse([
            "a1b2-admins = administrator",
            "",
            "workers=lead_worker",
            "team=with=equals=performance_officer",
        ])
        .unwrap();
        assert_eq!(map.0.len(), 3);
        assert_eq!(map.0[2].0, "team=with=equals");
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(map.role_for(&groups(&["workers"])), Some(Role::LeadWorker));
        assert_eq!(
            map.role_for(&groups(&["workers", "a1b2-admins"])),
            Some(Role::Administrator),
            "the table's order decides, not the claim's"
        );
        assert_eq!(
            map.role_for(&groups(&["Workers", "finance"])),
            None,
            "exact match only"
        );
        assert_eq!(map.role_for(&[]), None);
    }

    #[test]
    fn bad_role_table_entries_are_named() {
        let e = RoleMap::parse(["workers=caretaker"]).unwrap_err();
        assert!(e.to_string().contains("\"workers=caretaker\""), "{e}");
        assert!(e.to_string().contains("unknown role \"caretaker\""), "{e}");
        assert!(RoleMap::parse(["workers"]).is_err());
        assert!(RoleMap::parse(["=lead_worker"]).is_err());
        assert!(RoleMap::parse(["x=lead_worker", "x=administrator"]).is_err());
    }

    #[test]
    fn group_claims_are_read_as_arrays_or_strings() {
        let v = serde_json::json!(["a", "b", 3, {"x": 1}]);
        assert_eq!(groups_in(Some(&v)), ["a", "b", "3"]);
        assert_eq!(
            groups_in(Some(&serde_json::json!("a b,c"))),
            ["a", "b", "c"]
        );
        assert!(groups_in(Some(&serde_json::json!(true))).is_empty());
        assert!(groups_in(None).is_empty());
    }

    #[test]
    fn configurations_must_use_https_except_on_loopback() {
        assert_eq!(config().validate(), Ok(()));
        let mut c = config();
        c.issuer = "http://login.example.com/tenant".into();
        let e = c.validate().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("issuer \"http://login.example.com/tenant\": must use https"),
            "{e}"
        );
        for ok in [
            "http://127.0.0.1:4000",
            "http://localhost:4000/oidc",
            "http://[::1]:9/x",
        ] {
            c.issuer = ok.into();
            assert_eq!(c.validate(), Ok(()), "{ok}");
        }
        c.issuer = "login.example.com".into();
        assert!(c.validate().is_err());
        let mut c = config();
        c.redirect_url = "https://hearth.council.example/callback".into();
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("must end with /sign-in/sso/callback"));
        let mut c = config();
        c.roles = RoleMap::default();
        assert_eq!(c.validate(), Err(OidcConfigError::Empty("the role table")));
        assert!(
            !format!("{:?}", config()).contains("s3cret"),
            "the secret is never printed"
        );
    }

    #[test]
    fn account_names_come_from_the_preferred_user_name() {
        assert_eq!(
            account_name(Some("Sam.Worker@council.gov.uk"), "s"),
            "sam.worker"
        );
        assert_eq!(account_name(Some("o'brien smith"), "s"), "o-brien-smith");
        let fallback = account_name(Some("@x"), "subject-1");
        assert!(
            fallback.starts_with("sso-") && fallback.len() == 16,
            "{fallback}"
        );
        assert_eq!(account_name(None, "subject-1"), fallback);
        assert_ne!(account_name(None, "subject-2"), fallback);
        assert_eq!(account_name(Some(&"a".repeat(100)), "s").len(), 64);
    }
}
