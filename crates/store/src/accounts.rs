//! Accounts and sessions: web users with their roles and password hashes, signed-in
//! sessions (stored by token digest only; the caller hashes tokens), and failed sign-ins
//! counted per name for throttling. Written once over the portable [`Tx`] for both backends.
//!
//! It hashes nothing and decides no permission: the web layer does both.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, int, time, ts, vocab, Tx, Val};
use chrono::{DateTime, Utc};
use hearth_model::Role;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The account's key.
    pub id: i64,
    /// The sign-in name (lower case).
    pub user_name: String,
    /// The name shown to other users.
    pub display_name: String,
    /// What the account may see and do.
    pub role: Role,
    /// The password's PHC hash string.
    pub password_hash: String,
    /// Whether the account may sign in.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The sign-in name (lower case).
    pub user_name: String,
    /// The name shown to other users.
    pub display_name: String,
    /// What the account may see and do.
    pub role: Role,
    /// The password's PHC hash string.
    pub password_hash: String,
}

/// A signed-in session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session cookie's token.
    pub token_sha256: String,
    /// The account.
    pub user_id: i64,
    /// The session's CSRF token (sent in every form).
    pub csrf_token: String,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// The last request seen.
    pub last_seen_at: DateTime<Utc>,
}

impl Store {
    /// Creates an account (active). Fails with a database error if the name is taken.
    pub fn create_user(&mut self, user: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
        self.with_tx(|tx| create_user(tx, user, at))
    }

    /// Every account, by name.
    pub fn users(&mut self) -> Result<Vec<UserRecord>> {
        self.with_read(users)
    }

    /// The account with this sign-in name.
    pub fn user_by_name(&mut self, user_name: &str) -> Result<Option<UserRecord>> {
        self.with_read(|tx| user_by_name(tx, user_name))
    }

    /// The account with this key.
    pub fn user(&mut self, id: i64) -> Result<Option<UserRecord>> {
        self.with_read(|tx| user_by_id(tx, id))
    }

    /// Changes an account's role and whether it is active; deactivating ends its sessions.
    /// `false` if there is no such account.
    pub fn update_user(&mut self, id: i64, role: Role, active: bool) -> Result<bool> {
        self.with_tx(|tx| update_user(tx, id, role, active))
    }

    /// Replaces an account's password hash and ends its sessions. `false` if there is no such
    /// account.
    pub fn set_password(&mut self, id: i64, password_hash: &str) -> Result<bool> {
        self.with_tx(|tx| set_password(tx, id, password_hash))
    }

    /// Replaces an account's password hash and ends its sessions except the one whose token
    /// has the digest `keep_session` (the one changing it), in one transaction: the number of
    /// sessions ended, or `None` if there is no such account.
    pub fn change_password(
        &mut self,
        id: i64,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<Option<u64>> {
        self.with_tx(|tx| change_password(tx, id, password_hash, keep_session))
    }

    /// Stores a new session.
    pub fn create_session(&mut self, session: &SessionRecord) -> Result<()> {
        self.with_tx(|tx| create_session(tx, session))
    }

    /// The session whose token has this digest.
    pub fn session(&mut self, token_sha256: &str) -> Result<Option<SessionRecord>> {
        self.with_read(|tx| session(tx, token_sha256))
    }

    /// The session whose token has this digest, with its account, in one query.
    pub fn session_with_user(
        &mut self,
        token_sha256: &str,
    ) -> Result<Option<(SessionRecord, UserRecord)>> {
        self.with_read(|tx| session_with_user(tx, token_sha256))
    }

    /// Records a request on a session (for the idle timeout).
    pub fn touch_session(&mut self, token_sha256: &str, at: DateTime<Utc>) -> Result<()> {
        self.with_tx(|tx| touch_session(tx, token_sha256, at))
    }

    /// Ends a session; `false` if there was none.
    pub fn delete_session(&mut self, token_sha256: &str) -> Result<bool> {
        self.with_tx(|tx| delete_session(tx, token_sha256))
    }

    /// Records a failed sign-in for a name (whether or not the account exists).
    pub fn record_sign_in_failure(&mut self, user_name: &str, at: DateTime<Utc>) -> Result<()> {
        self.with_tx(|tx| record_sign_in_failure(tx, user_name, at))
    }

    /// Failed sign-ins for a name since a time.
    pub fn sign_in_failures_since(&mut self, user_name: &str, since: DateTime<Utc>) -> Result<u64> {
        self.with_read(|tx| sign_in_failures_since(tx, user_name, since))
    }

    /// Forgets a name's failed sign-ins (after a successful one).
    pub fn clear_sign_in_failures(&mut self, user_name: &str) -> Result<()> {
        self.with_tx(|tx| clear_sign_in_failures(tx, user_name))
    }
}

const USER_COLUMNS: &str = "id, user_name, display_name, role, password_hash, active, created_at";

fn user(r: &[Val]) -> Result<UserRecord> {
    let id = int(r, 0, "web_user", "id")?;
    Ok(UserRecord {
        id,
        user_name: r[1].text().unwrap_or_default(),
        display_name: r[2].text().unwrap_or_default(),
        role: vocab(&r[3], "web_user", "role", id)?,
        password_hash: r[4].text().unwrap_or_default(),
        active: r[5].int() == Some(1),
        created_at: time(&r[6], "web_user", "created_at")?,
    })
}

pub(crate) fn create_user(tx: &mut dyn Tx, u: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
    let rows = tx.query(
        &format!(
            "INSERT INTO web_user (user_name, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING {USER_COLUMNS}"
        ),
        &[
            u.user_name.as_str().into(),
            u.display_name.as_str().into(),
            u.role.key().into(),
            u.password_hash.as_str().into(),
            ts(at).into(),
        ],
    )?;
    rows.first()
        .map(|r| user(r))
        .unwrap_or_else(|| Err(corrupt("web_user", "id", 0)))
}

fn users(tx: &mut dyn Tx) -> Result<Vec<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user ORDER BY user_name"),
        &[],
    )?
    .iter()
    .map(|r| user(r))
    .collect()
}

pub(crate) fn user_by_name(tx: &mut dyn Tx, name: &str) -> Result<Option<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user WHERE user_name = $1"),
        &[name.into()],
    )?
    .first()
    .map(|r| user(r))
    .transpose()
}

pub(crate) fn user_by_id(tx: &mut dyn Tx, id: i64) -> Result<Option<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user WHERE id = $1"),
        &[id.into()],
    )?
    .first()
    .map(|r| user(r))
    .transpose()
}

fn update_user(tx: &mut dyn Tx, id: i64, role: Role, active: bool) -> Result<bool> {
    let n = tx.exec(
        "UPDATE web_user SET role = $1, active = $2 WHERE id = $3",
        &[role.key().into(), (active as i64).into(), id.into()],
    )?;
    if !active {
        tx.exec("DELETE FROM web_session WHERE user_id = $1", &[id.into()])?;
    }
    Ok(n == 1)
}

fn set_password(tx: &mut dyn Tx, id: i64, hash: &str) -> Result<bool> {
    let n = tx.exec(
        "UPDATE web_user SET password_hash = $1 WHERE id = $2",
        &[hash.into(), id.into()],
    )?;
    tx.exec("DELETE FROM web_session WHERE user_id = $1", &[id.into()])?;
    Ok(n == 1)
}

fn change_password(
    tx: &mut dyn Tx,
    id: i64,
    hash: &str,
    keep_session: &str,
) -> Result<Option<u64>> {
    let n = tx.exec(
        "UPDATE web_user SET password_hash = $1 WHERE id = $2",
        &[hash.into(), id.into()],
    )?;
    if n != 1 {
        return Ok(None);
    }
    let ended = tx.exec(
        "DELETE FROM web_session WHERE user_id = $1 AND token_sha256 <> $2",
        &[id.into(), keep_session.into()],
    )?;
    Ok(Some(ended))
}

pub(crate) fn create_session(tx: &mut dyn Tx, s: &SessionRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO web_session (token_sha256, user_id, csrf_token, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            s.token_sha256.as_str().into(),
            s.user_id.into(),
            s.csrf_token.as_str().into(),
            ts(s.created_at).into(),
            ts(s.last_seen_at).into(),
        ],
    )?;
    Ok(())
}

fn session(tx: &mut dyn Tx, token_sha256: &str) -> Result<Option<SessionRecord>> {
    tx.query(
        "SELECT token_sha256, user_id, csrf_token, created_at, last_seen_at FROM web_session \
         WHERE token_sha256 = $1",
        &[token_sha256.into()],
    )?
    .first()
    .map(|r| {
        Ok(SessionRecord {
            token_sha256: r[0].text().unwrap_or_default(),
            user_id: int(r, 1, "web_session", "user_id")?,
            csrf_token: r[2].text().unwrap_or_default(),
            created_at: time(&r[3], "web_session", "created_at")?,
            last_seen_at: time(&r[4], "web_session", "last_seen_at")?,
        })
    })
    .transpose()
}

fn touch_session(tx: &mut dyn Tx, token_sha256: &str, at: DateTime<Utc>) -> Result<()> {
    tx.exec(
        "UPDATE web_session SET last_seen_at = $1 WHERE token_sha256 = $2",
        &[ts(at).into(), token_sha256.into()],
    )?;
    Ok(())
}

fn delete_session(tx: &mut dyn Tx, token_sha256: &str) -> Result<bool> {
    Ok(tx.exec(
        "DELETE FROM web_session WHERE token_sha256 = $1",
        &[token_sha256.into()],
    )? == 1)
}

fn record_sign_in_failure(tx: &mut dyn Tx, name: &str, at: DateTime<Utc>) -> Result<()> {
    tx.exec(
        "INSERT INTO sign_in_failure (user_name, failed_at) VALUES ($1, $2)",
        &[name.into(), ts(at).into()],
    )?;
    Ok(())
}

fn sign_in_failures_since(tx: &mut dyn Tx, name: &str, since: DateTime<Utc>) -> Result<u64> {
    let rows = tx.query(
        "SELECT count(*) FROM sign_in_failure WHERE user_name = $1 AND failed_at >= $2",
        &[name.into(), ts(since).into()],
    )?;
    Ok(rows.first().and_then(|r| r[0].int()).unwrap_or(0) as u64)
}

fn clear_sign_in_failures(tx: &mut dyn Tx, name: &str) -> Result<()> {
    tx.exec(
        "DELETE FROM sign_in_failure WHERE user_name = $1",
        &[name.into()],
    )?;
    Ok(())
}

/// A session with its account, in one query (the look-up of every signed-in request).
fn session_with_user(
    tx: &mut dyn Tx,
    token_sha256: &str,
) -> Result<Option<(SessionRecord, UserRecord)>> {
    tx.query(
        "SELECT u.id, u.user_name, u.display_name, u.role, u.password_hash, u.active, \
         u.created_at, s.token_sha256, s.user_id, s.csrf_token, s.created_at, s.last_seen_at \
         FROM web_session s JOIN web_user u ON u.id = s.user_id WHERE s.token_sha256 = $1",
        &[token_sha256.into()],
    )?
    .first()
    .map(|r| {
        let session = SessionRecord {
            token_sha256: r[7].text().unwrap_or_default(),
            user_id: int(r, 8, "web_session", "user_id")?,
            csrf_token: r[9].text().unwrap_or_default(),
            created_at: time(&r[10], "web_session", "created_at")?,
            last_seen_at: time(&r[11], "web_session", "last_seen_at")?,
        };
        Ok((session, user(&r[..7])?))
    })
    .transpose()
}
