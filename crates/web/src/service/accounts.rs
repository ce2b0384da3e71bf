//! Accounts: listing them, adding one, changing one's role or deactivating it (on the
//! administrators' page), and creating or resetting one outside the pages (`hearth users`,
//! the demo).
//!
//! Takes validated names and passwords (`domain`); the page's form handling is the page's.

use crate::actor::CurrentUser;
use crate::domain::{DisplayName, Password, PasswordRefused, UserName, MIN_PASSWORD};
use crate::error::WebError;
use crate::service::session::{self, hash_blocking, hash_password};
use crate::service::{audit, invalid};
use crate::state::AppState;
use hearth_model::Role;
use hearth_store::{NewUser, Store, UserRecord};

/// A new account, checked.
#[derive(Debug, Clone)]
pub(crate) struct NewAccount {
    pub user_name: UserName,
    pub display_name: DisplayName,
    pub role: Role,
    pub password: Password,
}

/// Every account.
pub(crate) async fn list(state: &AppState) -> Result<Vec<UserRecord>, WebError> {
    state.store().run(|s| s.users()).await
}

/// The message when a user name is taken.
const TAKEN: &str = "An account with this user name already exists";

/// Whether an account has this name (to say so beside the other mistakes of a form).
pub(crate) async fn name_taken(state: &AppState, name: &UserName) -> Result<bool, WebError> {
    let n = name.as_str().to_string();
    Ok(state
        .store()
        .run(move |s| s.user_by_name(&n))
        .await?
        .is_some())
}

/// Adds an account (`Invalid` on `user_name` if the name is taken).
pub(crate) async fn add(
    state: &AppState,
    user: &CurrentUser,
    new: NewAccount,
) -> Result<UserRecord, WebError> {
    let hash = hash_blocking(&new.password).await?;
    let role = new.role;
    let record = NewUser {
        user_name: new.user_name.as_str().to_string(),
        display_name: new.display_name.as_str().to_string(),
        role,
        password_hash: hash,
    };
    let now = state.now();
    let created = state
        .store()
        .run(move |s| {
            if s.user_by_name(&record.user_name)?.is_some() {
                return Ok(None);
            }
            s.create_user(&record, now).map(Some)
        })
        .await?
        .ok_or_else(|| invalid("user_name", TAKEN))?;
    state.caches().cases_changed();
    audit::record(
        state,
        user,
        "add account",
        ("user", created.id.to_string()),
        format!("role {}", role.key()),
    )
    .await?;
    Ok(created)
}

/// The error for a taken name, as [`add`] words it.
pub(crate) fn taken() -> (String, String) {
    ("user_name".into(), TAKEN.into())
}

/// Changes account `id`'s role and whether it may sign in (not the administrator's own:
/// `Invalid` on `role`); `NotFound` if there is no such account. Its sessions are looked up
/// again with the next request.
pub(crate) async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    role: Role,
    active: bool,
) -> Result<(), WebError> {
    if id == user.user.id {
        return Err(invalid("role", "You cannot change your own account"));
    }
    let key = role;
    let updated = state
        .store()
        .run(move |s| s.update_user(id, key, active))
        .await?;
    state.caches().cases_changed();
    state.caches().forget_sessions();
    if !updated {
        return Err(WebError::NotFound);
    }
    audit::record(
        state,
        user,
        "change account",
        ("user", id.to_string()),
        format!("role {}, active {active}", role.key()),
    )
    .await
}

/// Sets account `id`'s password (typed by an administrator, not their own account:
/// `Invalid` on `password`), ends its sessions and clears its failed sign-ins, audited;
/// `NotFound` if there is no such account.
pub(crate) async fn reset_password(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    password: &Password,
) -> Result<(), WebError> {
    if id == user.user.id {
        return Err(invalid(
            "password",
            "Change your own password on the change-your-password page",
        ));
    }
    let hash = hash_blocking(password).await?;
    let name = state
        .store()
        .run(move |s| {
            let Some(u) = s.user(id)? else {
                return Ok(None);
            };
            s.set_password(id, &hash)?;
            s.clear_sign_in_failures(&u.user_name)?;
            Ok(Some(u.user_name))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    session::forget_failures(state, &name);
    state.caches().forget_sessions();
    audit::record(
        state,
        user,
        "reset password",
        ("user", id.to_string()),
        "sessions ended, failed sign-ins cleared".into(),
    )
    .await
}

/// Clears account `id`'s failed sign-ins, so that it can sign in again at once from
/// anywhere, audited; `NotFound` if there is no such account.
pub(crate) async fn clear_failures(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(), WebError> {
    let name = state
        .store()
        .run(move |s| {
            let Some(u) = s.user(id)? else {
                return Ok(None);
            };
            s.clear_sign_in_failures(&u.user_name)?;
            Ok(Some(u.user_name))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    session::forget_failures(state, &name);
    audit::record(
        state,
        user,
        "clear failed sign-ins",
        ("user", id.to_string()),
        String::new(),
    )
    .await
}

/// Creates an account, or — with `replace` — resets an existing one's password, role and
/// name (and re-activates it). Validates the user name (3–64 lower-case letters, digits,
/// `.`, `-`, `_`) and the password (at least 12 characters).
pub fn create_account(
    store: &mut Store,
    user_name: &str,
    display_name: &str,
    role: Role,
    password: &str,
    replace: bool,
) -> Result<UserRecord, WebError> {
    let name = UserName::parse(user_name).map_err(|_| {
        invalid(
            "user_name",
            "use 3 to 64 lower-case letters, digits, dots, hyphens or underscores",
        )
    })?;
    let password = Password::parse(password, user_name).map_err(|e| {
        invalid(
            "password",
            match e {
                PasswordRefused::TooShort => format!("use at least {MIN_PASSWORD} characters"),
                PasswordRefused::Guessable => format!("use a password {}", e.rule()),
            },
        )
    })?;
    let display_name = DisplayName::parse(display_name).map_err(|m| invalid("display_name", m))?;
    let hash = hash_password(password.expose())?;
    match store.user_by_name(name.as_str())? {
        Some(existing) if replace => {
            store.update_user(existing.id, role, true)?;
            store.set_password(existing.id, &hash)?;
            Ok(store.user(existing.id)?.unwrap_or(existing))
        }
        Some(_) => Err(invalid(
            "user_name",
            "an account with this user name already exists",
        )),
        None => Ok(store.create_user(
            &NewUser {
                user_name: name.as_str().to_string(),
                display_name: display_name.as_str().to_string(),
                role,
                password_hash: hash,
            },
            chrono::Utc::now(),
        )?),
    }
}

/// A random password of 20 letters and digits (for demo accounts).
pub fn random_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_validated_and_replaceable() {
        let mut store = Store::open("sqlite::memory:").unwrap();
        let pw = random_password();
        assert_eq!(pw.len(), 20);
        let u = create_account(
            &mut store,
            "Lead.Worker",
            "Lee",
            Role::LeadWorker,
            &pw,
            false,
        )
        .unwrap();
        assert_eq!(u.user_name, "lead.worker");
        assert!(crate::verify_password(&u.password_hash, &pw));
        assert!(create_account(
            &mut store,
            "lead.worker",
            "Lee",
            Role::LeadWorker,
            &pw,
            false
        )
        .is_err());
        assert!(create_account(&mut store, "x y", "X", Role::LeadWorker, &pw, false).is_err());
        assert!(create_account(
            &mut store,
            "short.pw",
            "X",
            Role::LeadWorker,
            "short",
            false
        )
        .is_err());
        let again = create_account(
            &mut store,
            "lead.worker",
            "Lee",
            Role::Administrator,
            "another long password",
            true,
        )
        .unwrap();
        assert_eq!((again.id, again.role), (u.id, Role::Administrator));
        assert!(crate::verify_password(
            &again.password_hash,
            "another long password"
        ));
    }
}
