//! Accounts outside the web pages: for `hearth users add` and the demo.

use crate::access::Role;
use crate::auth::hash_password;
use crate::error::WebError;
use crate::pages::{password_long_enough, valid_user_name, MIN_PASSWORD};
use hearth_store::{NewUser, Store, UserRecord};

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
    let name = user_name.trim().to_lowercase();
    if !valid_user_name(&name) {
        return Err(WebError::Invalid(vec![(
            "user_name".into(),
            "use 3 to 64 lower-case letters, digits, dots, hyphens or underscores".into(),
        )]));
    }
    if !password_long_enough(password) {
        return Err(WebError::Invalid(vec![(
            "password".into(),
            format!("use at least {MIN_PASSWORD} characters"),
        )]));
    }
    let hash = hash_password(password)?;
    match store.user_by_name(&name)? {
        Some(existing) if replace => {
            store.update_user(existing.id, role.key(), true)?;
            store.set_password(existing.id, &hash)?;
            Ok(store.user(existing.id)?.unwrap_or(existing))
        }
        Some(_) => Err(WebError::Invalid(vec![(
            "user_name".into(),
            "an account with this user name already exists".into(),
        )])),
        None => Ok(store.create_user(
            &NewUser {
                user_name: name,
                display_name: display_name.trim().to_string(),
                role: role.key().to_string(),
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
        assert_eq!((again.id, again.role.as_str()), (u.id, "administrator"));
        assert!(crate::verify_password(
            &again.password_hash,
            "another long password"
        ));
    }
}
