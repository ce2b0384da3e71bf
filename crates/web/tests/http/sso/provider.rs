//! A small OpenID Connect provider for the HTTP tests, on a loopback port: discovery, keys
//! and the token endpoint, issuing RS256 ID tokens. It checks what a provider checks of
//! Hearth (client secret, redirect URL, PKCE S256) but, unlike a real one, accepts a code
//! more than once, so that the tests show Hearth's own refusal of a replayed callback.
//! (The browser tests sign in through a real provider: oidc-provider from npm.)

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use hearth_web::{OidcConfig, RoleMap};
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AdditionalClaims, Audience, EndUserName, EndUserUsername, IdToken, IdTokenClaims, IssuerUrl,
    JsonWebKeyId, Nonce, PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims,
    SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "hearth-tests";
pub const CLIENT_SECRET: &str = "test-client-secret";
pub const REDIRECT: &str = "http://127.0.0.1/sign-in/sso/callback";
const KEY: &str = include_str!("test-only-signing-key.pem");
const ROGUE_KEY: &str = include_str!("test-only-rogue-key.pem");

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Groups {
    groups: Vec<String>,
}
impl AdditionalClaims for Groups {}

type Token =
    IdToken<Groups, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// Who the provider's login page signed in, for one code.
#[derive(Clone)]
pub struct Person {
    pub subject: &'static str,
    pub login: &'static str,
    pub name: &'static str,
    pub groups: Vec<&'static str>,
    /// Sign the ID token with a key the provider does not publish.
    pub rogue_key: bool,
    /// Put another nonce in the ID token than the one Hearth sent.
    pub wrong_nonce: bool,
}

impl Person {
    pub fn new(subject: &'static str, login: &'static str, groups: &[&'static str]) -> Person {
        Person {
            subject,
            login,
            name: "Sam Staff",
            groups: groups.to_vec(),
            rogue_key: false,
            wrong_nonce: false,
        }
    }
}

struct Grant {
    person: Person,
    nonce: String,
    challenge: String,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
    token_requests: Arc<AtomicUsize>,
}

pub struct TestProvider {
    shared: Shared,
}

impl TestProvider {
    pub async fn start() -> TestProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            issuer,
            grants: Arc::default(),
            token_requests: Arc::default(),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestProvider { shared }
    }

    /// Hearth's configuration for this provider: `staff-lw` → lead worker, `staff-po` →
    /// performance officer.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer: self.shared.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            redirect_url: REDIRECT.into(),
            provider_name: "Council account".into(),
            groups_claim: "groups".into(),
            roles: RoleMap::parse(["staff-lw=lead_worker", "staff-po=performance_officer"])
                .unwrap(),
            scopes: vec!["profile".into()],
        }
    }

    /// Token requests received so far.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// What the provider's login page does once `person` signs in, for the browser Hearth
    /// sent to `authorize_url`: checks the request and issues a code; returns the callback's
    /// query (code and state).
    pub fn log_in(&self, authorize_url: &str, person: Person) -> String {
        let url = authorize_url
            .strip_prefix(&format!("{}/authorize?", self.shared.issuer))
            .unwrap_or_else(|| panic!("not this provider's authorize URL: {authorize_url}"));
        let q: HashMap<String, String> = serde_urlencoded::from_str(url).unwrap();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], CLIENT_ID);
        assert_eq!(q["redirect_uri"], REDIRECT);
        assert_eq!(q["code_challenge_method"], "S256", "PKCE with S256");
        assert!(
            q["scope"].split(' ').any(|s| s == "openid"),
            "{}",
            q["scope"]
        );
        assert!(q["state"].len() >= 16 && q["nonce"].len() >= 16);
        let code = format!("code-{}", self.shared.grants.lock().unwrap().len() + 1);
        self.shared.grants.lock().unwrap().insert(
            code.clone(),
            Grant {
                person,
                nonce: q["nonce"].clone(),
                challenge: q["code_challenge"].clone(),
            },
        );
        serde_urlencoded::to_string([("code", code.as_str()), ("state", q["state"].as_str())])
            .unwrap()
    }
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("test-key".into()))).unwrap()
}

async fn discovery(State(s): State<Shared>) -> Json<serde_json::Value> {
    let i = &s.issuer;
    Json(serde_json::json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![
        signing_key(KEY).as_verification_key()
    ]))
}

fn refuse(error: &str) -> (StatusCode, Json<serde_json::Value>) {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": error })),
    )
}

async fn token(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, Json<serde_json::Value>) {
    s.token_requests.fetch_add(1, Ordering::SeqCst);
    let basic = format!(
        "Basic {}",
        base64_standard(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return refuse("invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code")
        || form.get("redirect_uri").map(String::as_str) != Some(REDIRECT)
    {
        return refuse("invalid_request");
    }
    let grants = s.grants.lock().unwrap();
    let Some(grant) = form.get("code").and_then(|c| grants.get(c)) else {
        return refuse("invalid_grant");
    };
    let verifier = PkceCodeVerifier::new(form.get("code_verifier").cloned().unwrap_or_default());
    if PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str() != grant.challenge {
        return refuse("invalid_grant");
    }
    let p = &grant.person;
    let now = chrono::Utc::now();
    let nonce = if p.wrong_nonce {
        "not-the-nonce-hearth-sent".to_string()
    } else {
        grant.nonce.clone()
    };
    let claims = IdTokenClaims::new(
        IssuerUrl::new(s.issuer.clone()).unwrap(),
        vec![Audience::new(CLIENT_ID.into())],
        now + chrono::Duration::minutes(5),
        now,
        StandardClaims::new(SubjectIdentifier::new(p.subject.into()))
            .set_preferred_username(Some(EndUserUsername::new(p.login.into())))
            .set_name(Some(EndUserName::new(p.name.into()).into())),
        Groups {
            groups: p.groups.iter().map(|g| g.to_string()).collect(),
        },
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let key = signing_key(if p.rogue_key { ROGUE_KEY } else { KEY });
    let id_token = Token::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    (
        StatusCode::OK,
        Json(serde_json::json!({
            "access_token": "opaque-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token.to_string(),
        })),
    )
}

fn base64_standard(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
