//! The OpenID Connect provider, as Hearth talks to it: discovery (cached for ten minutes,
//! fetched again when an ID token's key is not among those known), the authorisation
//! request with PKCE (S256), `state` and `nonce`, and the code exchange, whose ID token is
//! checked (signature against the provider's published keys, issuer, audience, expiry,
//! nonce) by the `openidconnect` crate.
//!
//! A sign-in started here is remembered in this server's memory for ten minutes, under a
//! random key the browser holds in a cookie, and can be finished once: a second callback
//! with the same key (a replayed code) finds nothing.
//!
//! HTTP goes through hyper's client with rustls (no redirects are followed, so that a
//! provider cannot send Hearth's requests elsewhere); answers are limited to 1 MiB and ten
//! seconds.

use super::{groups_in, is_loopback, OidcConfig};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a started sign-in may take to come back.
pub(crate) const PENDING_MINUTES: i64 = 10;
/// Started sign-ins remembered at once (beyond it, new ones are refused until some expire):
/// the memory an anonymous flood of `/sign-in/sso` can take.
const MAX_PENDING: usize = 10_000;
/// How long discovery and the provider's keys are used before being fetched again.
const METADATA_SECONDS: i64 = 600;
/// The most read from the provider in one answer.
const MAX_ANSWER: usize = 1024 * 1024;
/// How long one request to the provider may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Claims besides the standard ones (the group claim is among them), as sent.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct OtherClaims {
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a single sign-on failed. Messages carry no personal data (they are logged).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SsoError {
    /// The provider's discovery document or keys could not be had.
    #[error("discovery failed: {0}")]
    Discovery(String),
    /// The code could not be exchanged for tokens.
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    /// The ID token is missing or failed its checks.
    #[error("the ID token was refused: {0}")]
    IdToken(String),
    /// The callback's key names no sign-in started here (never started, already finished,
    /// or started on another server).
    #[error("no sign-in was started with this key (or it was already finished)")]
    UnknownAttempt,
    /// The sign-in was started too long ago.
    #[error("the sign-in was started more than {PENDING_MINUTES} minutes ago")]
    Expired,
    /// The callback's `state` is not the one sent.
    #[error("the callback's state does not match")]
    StateMismatch,
    /// Too many sign-ins are under way.
    #[error("too many sign-ins are under way")]
    Busy,
}

/// What the provider vouched for, the ID token checked.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub issuer: String,
    pub subject: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    started: DateTime<Utc>,
}

/// A client built from discovery, with when.
type Discovered = (DateTime<Utc>, Arc<OidcClient>);

/// The provider and the sign-ins under way.
pub(crate) struct Provider {
    config: OidcConfig,
    http: HttpClient,
    client: tokio::sync::Mutex<Option<Discovered>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl Provider {
    /// A provider for a checked configuration (nothing is fetched until the first sign-in).
    pub(crate) fn new(config: OidcConfig) -> Provider {
        let http = HttpClient::new(&config.issuer);
        Provider {
            config,
            http,
            client: tokio::sync::Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The client built from the provider's discovery document and keys: the cached one
    /// unless `fresh` or older than ten minutes.
    async fn client(&self, now: DateTime<Utc>, fresh: bool) -> Result<Arc<OidcClient>, SsoError> {
        let mut cached = self.client.lock().await;
        if let Some((at, client)) = cached.as_ref() {
            if !fresh && (now - *at).num_seconds() < METADATA_SECONDS {
                return Ok(client.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| SsoError::Discovery(format!("issuer: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SsoError::Discovery(error_chain(&e)))?;
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| SsoError::Discovery(format!("redirect URL: {e}")))?;
        let client: OidcClient = Client::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        let client = Arc::new(client);
        *cached = Some((now, client.clone()));
        Ok(client)
    }

    /// Starts a sign-in: the provider's authorisation URL to send the browser to, and the
    /// key the browser must bring back (in a cookie).
    pub(crate) async fn begin(&self, now: DateTime<Utc>) -> Result<(String, String), SsoError> {
        let client = self.client(now, false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let key = CsrfToken::new_random().secret().clone();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let cutoff = now - chrono::Duration::minutes(PENDING_MINUTES);
        if pending.len() >= MAX_PENDING {
            pending.retain(|_, p| p.started >= cutoff);
            if pending.len() >= MAX_PENDING {
                return Err(SsoError::Busy);
            }
        }
        pending.insert(
            key.clone(),
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                started: now,
            },
        );
        Ok((url.to_string(), key))
    }

    /// Forgets the sign-in started under `key` and checks the callback against it: the
    /// `state` must be the one sent. Done before anything else, so that a callback can be
    /// used once only, whatever follows.
    fn take(&self, key: &str, state: &str, now: DateTime<Utc>) -> Result<Pending, SsoError> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key)
            .ok_or(SsoError::UnknownAttempt)?;
        if now - pending.started > chrono::Duration::minutes(PENDING_MINUTES) {
            return Err(SsoError::Expired);
        }
        if !same(&pending.state, state) {
            return Err(SsoError::StateMismatch);
        }
        Ok(pending)
    }

    /// Ends the sign-in started under `key` without a code (the provider sent an error):
    /// it cannot be finished later.
    pub(crate) fn abandon(&self, key: &str) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    /// Finishes the sign-in started under `key`: checks `state`, exchanges `code` (with the
    /// PKCE verifier) and checks the ID token (with the nonce).
    pub(crate) async fn finish(
        &self,
        key: &str,
        state: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Verified, SsoError> {
        let pending = self.take(key, state, now)?;
        let client = self.client(now, false).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Exchange(error_chain(&e)))?;
        let nonce = Nonce::new(pending.nonce);
        match self.verify(&client, &tokens, &nonce) {
            Ok(v) => Ok(v),
            // The provider may have rotated its keys since they were fetched.
            Err(_) => {
                let client = self.client(now, true).await?;
                self.verify(&client, &tokens, &nonce)
            }
        }
    }

    fn verify(
        &self,
        client: &OidcClient,
        tokens: &Tokens,
        nonce: &Nonce,
    ) -> Result<Verified, SsoError> {
        let token = tokens
            .id_token()
            .ok_or_else(|| SsoError::IdToken("the provider sent no ID token".into()))?;
        let verifier = client.id_token_verifier().set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        ]);
        let claims = token
            .claims(&verifier, nonce)
            .map_err(|e| SsoError::IdToken(e.to_string()))?;
        Ok(Verified {
            issuer: claims.issuer().as_str().to_string(),
            subject: claims.subject().as_str().to_string(),
            preferred_username: claims
                .preferred_username()
                .map(|u| u.as_str().to_string())
                .or_else(|| claims.email().map(|e| e.as_str().to_string())),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_string()),
            groups: groups_in(
                claims
                    .additional_claims()
                    .rest
                    .get(&self.config.groups_claim),
            ),
        })
    }
}

/// Compares two secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// An error with its sources, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// Why a request to the provider failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    #[error("request to the provider: {0}")]
    Request(String),
    #[error("the provider did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the provider's answer is larger than {MAX_ANSWER} bytes or broken: {0}")]
    Body(String),
}

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// hyper's client over rustls with the web PKI's roots; plain `http` only when the issuer
/// is on a loopback address.
pub(crate) struct HttpClient {
    inner: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
}

impl HttpClient {
    fn new(issuer: &str) -> HttpClient {
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots();
        let loopback_http = issuer
            .strip_prefix("http://")
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .map(|authority| {
                let host = match authority.rsplit_once(':') {
                    Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
                    _ => authority,
                };
                is_loopback(host)
            })
            .unwrap_or(false);
        let connector = if loopback_http {
            builder.https_or_http().enable_http1().build()
        } else {
            builder.https_only().enable_http1().build()
        };
        HttpClient {
            inner:
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build(connector),
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let request = openidconnect::http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let answer = tokio::time::timeout(TIMEOUT, async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| HttpError::Request(error_chain(&e)))?;
            let (parts, body) = response.into_parts();
            let bytes = Limited::new(body, MAX_ANSWER)
                .collect()
                .await
                .map_err(|e| HttpError::Body(e.to_string()))?
                .to_bytes();
            Ok(openidconnect::http::Response::from_parts(
                parts,
                bytes.to_vec(),
            ))
        })
        .await;
        answer.unwrap_or(Err(HttpError::Timeout(TIMEOUT)))
    }
}

/// A request to the provider under way.
type Answer<'c> = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

impl<'c> openidconnect::AsyncHttpClient<'c> for HttpClient {
    type Error = HttpError;
    type Future = Answer<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
