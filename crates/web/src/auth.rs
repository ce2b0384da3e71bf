//! Passwords, sessions, the signed-in user extractor, CSRF-checked forms and throttling.

use crate::access::Role;
use crate::error::WebError;
use crate::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::request::Parts;
use hearth_store::{SessionRecord, UserRecord};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "hearth_session";
/// The sign-in form's CSRF cookie (before there is a session).
pub(crate) const SIGN_IN_COOKIE: &str = "hearth_sign_in";
/// Failed sign-ins allowed per account name in [`THROTTLE_WINDOW_MINUTES`].
pub(crate) const MAX_FAILURES: u64 = 5;
/// The throttling window.
pub(crate) const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Hashes a password with argon2id and a random salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| WebError::Internal("hashing a password failed".into()))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that the time taken does
/// not say which names are accounts.
pub(crate) fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

pub(crate) fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request.
pub(crate) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure when configured.
pub(crate) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    if state.settings().secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The client's address, for the audit log.
pub(crate) fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The signed-in user. Extracting it checks the session cookie and the idle timeout, and
/// records the request on the session.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser {
    pub user: UserRecord,
    pub role: Role,
    pub session: SessionRecord,
    pub client_ip: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let token = cookie(parts, SESSION_COOKIE).ok_or(WebError::SignInRequired)?;
        let digest = sha256_hex(token);
        let now = state.now();
        let idle = state.settings().idle_timeout;
        // A session looked up within the last second, not idle and not due a touch, is
        // taken as it was (see `AppState::cached_session`); otherwise it is looked up.
        if let Some((session, user)) = state
            .cached_session(&digest)
            .filter(|(s, _)| now - s.last_seen_at <= idle && !touch_due(s.last_seen_at, now, idle))
        {
            return signed_in(parts, session, user);
        }
        let key = digest.clone();
        let generation = state.sessions_generation();
        let found = state
            .db(move |s| {
                // The session and its account in one query.
                let Some((session, user)) = s.session_with_user(&digest)? else {
                    return Ok(Err(WebError::SignInRequired));
                };
                if now - session.last_seen_at > idle {
                    s.delete_session(&digest)?;
                    return Ok(Err(WebError::SessionExpired));
                }
                if !user.active {
                    s.delete_session(&digest)?;
                    return Ok(Err(WebError::SignInRequired));
                }
                // Writes at most once a minute per session (see `touch_due`).
                let mut session = session;
                if touch_due(session.last_seen_at, now, idle) {
                    s.touch_session(&digest, now)?;
                    session.last_seen_at = now;
                }
                Ok(Ok((session, user)))
            })
            .await?;
        let (session, user) = match found {
            Ok(found) => found,
            Err(e) => {
                state.forget_session(&key);
                return Err(e);
            }
        };
        state.keep_session(generation, &key, &session, &user);
        signed_in(parts, session, user)
    }
}

/// The signed-in user of a request, also left in its extensions for later extractors.
fn signed_in(
    parts: &mut Parts,
    session: SessionRecord,
    user: UserRecord,
) -> Result<CurrentUser, WebError> {
    let role = Role::parse(&user.role).ok_or(WebError::Forbidden)?;
    let current = CurrentUser {
        user,
        role,
        session,
        client_ip: client_ip(parts),
    };
    parts.extensions.insert(current.clone());
    Ok(current)
}

/// Whether a request at `now` should record itself on a session last seen at `last_seen`:
/// once a minute at most (a write per request would cost more than the request), and
/// never less often than a tenth of the idle timeout, so that the session of a user who
/// keeps making requests is never taken for idle: `last_seen` lags the latest request by at
/// most `min(60 s, idle / 10)`, so a session ends between `idle - lag` and `idle` after the
/// last request.
pub(crate) fn touch_due(
    last_seen: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    idle: chrono::Duration,
) -> bool {
    let every = std::cmp::min(chrono::Duration::seconds(60), idle / 10);
    now - last_seen >= every
}

/// A form posted by a signed-in user, its CSRF token checked against the session's. Takes
/// `application/x-www-form-urlencoded` only (415 otherwise); the body limit gives 413.
pub(crate) struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let bytes = form_bytes(parts, body, state).await?;
        let csrf: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::Csrf)?;
        if !same_token(&csrf.csrf_token, &user.session.csrf_token) {
            tracing::warn!(user = %user.user.user_name, "form posted without a valid CSRF token");
            return Err(WebError::Csrf);
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("the form's fields are not as expected".into()))?;
        Ok(CsrfForm { user, form })
    }
}

/// A form body: checks the content type (415) and the size limit (413).
pub(crate) async fn form_bytes(
    parts: Parts,
    body: axum::body::Body,
    state: &AppState,
) -> Result<axum::body::Bytes, WebError> {
    let is_form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(WebError::UnsupportedMediaType);
    }
    axum::body::to_bytes(body, state.settings().body_limit)
        .await
        .map_err(|_| WebError::PayloadTooLarge)
}

/// The outcome of checking a sign-in.
pub(crate) enum SignIn {
    Ok(UserRecord),
    Wrong,
    Throttled,
}

/// Checks a name and password, counting failures per name (known or not) and refusing more
/// than [`MAX_FAILURES`] in the window without looking at the password.
pub(crate) async fn check_sign_in(
    state: &AppState,
    user_name: &str,
    password: &str,
) -> Result<SignIn, WebError> {
    let name = user_name.trim().to_lowercase();
    let now = state.now();
    let since = now - chrono::Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let n = name.clone();
    let (failures, user) = state
        .db(move |s| Ok((s.sign_in_failures_since(&n, since)?, s.user_by_name(&n)?)))
        .await?;
    if failures >= MAX_FAILURES {
        return Ok(SignIn::Throttled);
    }
    let password = password.to_string();
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let good = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    match user {
        Some(u) if good && u.active => {
            let n = name.clone();
            state.db(move |s| s.clear_sign_in_failures(&n)).await?;
            Ok(SignIn::Ok(u))
        }
        _ => {
            state
                .db(move |s| s.record_sign_in_failure(&name, now))
                .await?;
            Ok(SignIn::Wrong)
        }
    }
}

/// Starts a session for `user`: returns the cookie's token (only its digest is stored).
pub(crate) async fn start_session(state: &AppState, user: &UserRecord) -> Result<String, WebError> {
    let token = random_token();
    let now = state.now();
    let record = SessionRecord {
        token_sha256: sha256_hex(&token),
        user_id: user.id,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
    };
    state.db(move |s| s.create_session(&record)).await?;
    Ok(token)
}
