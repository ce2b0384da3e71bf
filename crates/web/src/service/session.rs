//! Sessions and sign-in: password hashes, tokens, checking a sign-in (with its throttle),
//! starting, finding and ending a session, and changing one's own password.
//!
//! Cookies, forms and redirects are `auth`'s and the pages'; this module sees only names,
//! passwords and token digests.

use crate::actor::CurrentUser;
use crate::domain::Password;
use crate::error::WebError;
use crate::service::audit;
use crate::state::throttle::Reservation;
use crate::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use hearth_model::Role;
use hearth_store::{SessionRecord, UserRecord};
use sha2::{Digest, Sha256};

/// Failed sign-ins allowed per account name from one client address in
/// [`THROTTLE_WINDOW_MINUTES`]: past it, that address cannot sign in to that account (the
/// owner signing in from elsewhere still can).
pub(crate) const MAX_FAILURES: u64 = 5;
/// Failed sign-ins allowed per account name from all addresses together in the window: the
/// ceiling that stops a guesser spread over many addresses.
pub(crate) const MAX_ACCOUNT_FAILURES: u64 = 50;
/// Failed sign-ins allowed from one client address, whatever the account names, in the
/// window: stops one wrong guess for each of many accounts.
pub(crate) const MAX_ADDRESS_FAILURES: u64 = 20;
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

/// Hashes a password off the async threads.
pub(crate) async fn hash_blocking(password: &Password) -> Result<String, WebError> {
    let password = password.expose().to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| WebError::Internal("hashing task failed".into()))?
}

/// A hash to verify against when the account does not exist, so that the time taken does
/// not say which names are accounts.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

/// A token's digest, as sessions are stored.
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

/// The outcome of checking a password.
pub(crate) enum Check {
    Ok(UserRecord),
    Wrong,
    Throttled,
}

/// The throttle's counters for a sign-in as `name` from `client_ip`, each with its limit.
fn throttle_keys(name: &str, client_ip: &str) -> [(String, u64); 3] {
    [
        (format!("pair\u{0}{name}\u{0}{client_ip}"), MAX_FAILURES),
        (format!("account\u{0}{name}"), MAX_ACCOUNT_FAILURES),
        (format!("address\u{0}{client_ip}"), MAX_ADDRESS_FAILURES),
    ]
}

/// Forgets `name`'s failed sign-ins, from every address, in this server's counters (the
/// store's are the caller's to clear).
pub(crate) fn forget_failures(state: &AppState, name: &str) {
    let pair = format!("pair\u{0}{name}\u{0}");
    let account = format!("account\u{0}{name}");
    state
        .sign_in_attempts()
        .clear_where(|k| k == account || k.starts_with(&pair));
}

/// An attempt let through the throttle: settled when dropped (as neither a failure nor a
/// success, if it was not settled: a store error must not leave it counted as being
/// checked for ever).
struct Attempt<'a> {
    state: &'a AppState,
    reservation: Option<Reservation>,
}

impl Attempt<'_> {
    fn settle(mut self, failed_at: Option<chrono::DateTime<chrono::Utc>>, clear: &[String]) {
        if let Some(r) = self.reservation.take() {
            self.state.sign_in_attempts().settle(r, failed_at, clear);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(r) = self.reservation.take() {
            self.state.sign_in_attempts().settle(r, None, &[]);
        }
    }
}

/// Checks a name and password from `client_ip`, refusing without looking at the password
/// when a throttle's limit is reached: [`MAX_FAILURES`] for this name from this address,
/// [`MAX_ACCOUNT_FAILURES`] for this name, [`MAX_ADDRESS_FAILURES`] from this address, in
/// the window. Attempts still being checked count towards the limits, so parallel attempts
/// cannot get past them. Failures are counted per name, known or not, and also written to
/// the store (whose count per name, from every server, is held to the per-account limit).
/// With `session`, a good password also starts a session: its token is returned with the
/// account (the failures are cleared and the session stored in one store hop).
async fn check(
    state: &AppState,
    name: &str,
    password: &str,
    client_ip: &str,
    session: bool,
) -> Result<(Check, Option<String>), WebError> {
    let name = name.trim().to_lowercase();
    let now = state.now();
    let since = now - chrono::Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let keys = throttle_keys(&name, client_ip);
    let attempt = match state.sign_in_attempts().reserve(&keys, since) {
        Ok(r) => Attempt {
            state,
            reservation: Some(r),
        },
        Err(_) => return Ok((Check::Throttled, None)),
    };
    let n = name.clone();
    let (failures, user) = state
        .store()
        .run(move |s| Ok((s.sign_in_failures_since(&n, since)?, s.user_by_name(&n)?)))
        .await?;
    if failures >= MAX_ACCOUNT_FAILURES {
        return Ok((Check::Throttled, None));
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
            let token = session.then(random_token);
            let record = token.as_ref().map(|token| SessionRecord {
                token_sha256: sha256_hex(token),
                user_id: u.id,
                csrf_token: random_token(),
                created_at: now,
                last_seen_at: now,
            });
            state
                .store()
                .run(move |s| {
                    s.clear_sign_in_failures(&name)?;
                    match record {
                        Some(record) => s.create_session(&record),
                        None => Ok(()),
                    }
                })
                .await?;
            let [(pair, _), (account, _), _] = keys;
            attempt.settle(None, &[pair, account]);
            Ok((Check::Ok(u), token))
        }
        _ => {
            state
                .store()
                .run(move |s| s.record_sign_in_failure(&name, now))
                .await?;
            attempt.settle(Some(now), &[]);
            Ok((Check::Wrong, None))
        }
    }
}

/// What a sign-in came to.
pub(crate) enum SignIn {
    /// Signed in: the session cookie's token (only its digest is stored) and the role.
    Started { token: String, role: Role },
    /// Wrong name or password (or an inactive account).
    Wrong,
    /// Too many failures for this name lately.
    Throttled,
}

/// Signs `name` in with `password` from `client_ip`, audited either way. `name` is as
/// typed, trimmed and lower-cased (failures count per name, known or not).
pub(crate) async fn sign_in(
    state: &AppState,
    name: &str,
    password: &str,
    client_ip: &str,
) -> Result<SignIn, WebError> {
    let name = name.trim().to_lowercase();
    match check(state, &name, password, client_ip, true).await? {
        (Check::Ok(user), Some(token)) => {
            let role = user.role;
            audit::record_anonymous(
                state,
                &user.user_name,
                client_ip,
                "sign in",
                ("user", user.id.to_string()),
            )
            .await?;
            tracing::info!(user = %user.user_name, "signed in");
            Ok(SignIn::Started { token, role })
        }
        (Check::Ok(_), None) => Err(WebError::Internal("no session was started".into())),
        (Check::Wrong, _) => {
            audit::record_anonymous_failure(state, &name, client_ip, "sign in failed").await?;
            Ok(SignIn::Wrong)
        }
        (Check::Throttled, _) => {
            audit::record_anonymous_failure(state, &name, client_ip, "sign in throttled").await?;
            tracing::warn!("sign-in throttled");
            Ok(SignIn::Throttled)
        }
    }
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

/// The session whose cookie holds `token`, with its account: checks the idle timeout, the
/// session's lifetime ([`Config::session_lifetime`](crate::Config)) and
/// that the account is active (ending the session otherwise), and records the request on
/// the session (at most once a minute: [`touch_due`]). Sessions looked up in the last
/// second are taken from the cache. The caller adds the client's address.
pub(crate) async fn find(
    state: &AppState,
    token: &str,
) -> Result<(SessionRecord, UserRecord, Role), WebError> {
    let digest = sha256_hex(token);
    let now = state.now();
    let idle = state.settings().idle_timeout;
    let lifetime = state.settings().session_lifetime;
    let caches = state.caches();
    // A session looked up within the last second, not idle, not past its lifetime and not
    // due a touch, is taken as it was; otherwise it is looked up.
    if let Some((session, user)) = caches.session(&digest).filter(|(s, _)| {
        now - s.last_seen_at <= idle
            && now - s.created_at <= lifetime
            && !touch_due(s.last_seen_at, now, idle)
    }) {
        return with_role(session, user);
    }
    let key = digest.clone();
    let generation = caches.sessions_generation();
    let found = state
        .store()
        .run(move |s| {
            // The session and its account in one query.
            let Some((session, user)) = s.session_with_user(&digest)? else {
                return Ok(Err(WebError::SignInRequired));
            };
            if now - session.last_seen_at > idle || now - session.created_at > lifetime {
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
            caches.forget_session(&key);
            return Err(e);
        }
    };
    caches.keep_session(generation, &key, &session, &user);
    with_role(session, user)
}

fn with_role(
    session: SessionRecord,
    user: UserRecord,
) -> Result<(SessionRecord, UserRecord, Role), WebError> {
    let role = user.role;
    Ok((session, user, role))
}

/// Ends `user`'s current session.
pub(crate) async fn sign_out(state: &AppState, user: &CurrentUser) -> Result<(), WebError> {
    let digest = user.session.token_sha256.clone();
    state.caches().forget_session(&digest);
    let key = digest.clone();
    state
        .store()
        .run(move |s| s.delete_session(&digest))
        .await?;
    state.caches().forget_session(&key);
    audit::record(
        state,
        user,
        "sign out",
        ("user", user.user.id.to_string()),
        String::new(),
    )
    .await
}

/// Checks `user`'s current password as a sign-in is checked, so wrong ones count towards
/// the sign-in throttle; a wrong or throttled one is audited.
pub(crate) async fn check_current_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
) -> Result<Check, WebError> {
    let name = &user.user.user_name;
    let (action, checked) = match check(state, name, current, &user.client_ip, false).await?.0 {
        Check::Ok(u) => return Ok(Check::Ok(u)),
        Check::Wrong => ("change password failed", Check::Wrong),
        Check::Throttled => {
            tracing::warn!(user = %user.user.user_name, "password change throttled");
            ("change password throttled", Check::Throttled)
        }
    };
    audit::record(
        state,
        user,
        action,
        ("user", user.user.id.to_string()),
        String::new(),
    )
    .await?;
    Ok(checked)
}

/// Sets `user`'s password (its current one already checked) and ends every other session
/// of the account; this one continues.
pub(crate) async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    new: &Password,
) -> Result<(), WebError> {
    let hash = hash_blocking(new).await?;
    let (id, keep) = (user.user.id, user.session.token_sha256.clone());
    let ended = state
        .store()
        .run(move |s| s.change_password(id, &hash, &keep))
        .await?
        .ok_or(WebError::SignInRequired)?;
    // The other sessions were ended in the store; forget the cached ones so that they stop
    // working with the very next request.
    state.caches().forget_sessions();
    audit::record(
        state,
        user,
        "change password",
        ("user", id.to_string()),
        format!("other sessions ended: {ended}"),
    )
    .await?;
    tracing::info!(user = %user.user.user_name, ended, "password changed");
    Ok(())
}
