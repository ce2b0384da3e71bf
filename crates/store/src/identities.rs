//! Accounts signed in through single sign-on: an OpenID Connect identity (issuer and
//! subject, which the provider never reassigns) linked to the Hearth account it signs in as.
//!
//! [`Store::external_sign_in`] does a whole sign-in in one transaction: finds or creates the
//! account, brings its role in line with the provider's groups, and stores the session. It
//! checks no token and maps no group: the web layer does both.

use crate::accounts::{create_session, create_user, user_by_id, user_by_name, NewUser};
use crate::error::Result;
use crate::handle::Store;
use crate::sql::{int, ts, Tx};
use crate::{SessionRecord, UserRecord};
use chrono::{DateTime, Utc};
use hearth_model::Role;

/// The password hash of an account created by single sign-on: not a PHC string, so no
/// password ever matches it and the account cannot sign in with the local form.
pub const NO_PASSWORD: &str = "!single-sign-on";

/// A sign-in the provider vouched for, as the web layer checked and mapped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalSignIn {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The provider's subject for this person.
    pub subject: String,
    /// The account name to create at the first sign-in (lower case).
    pub user_name: String,
    /// The name shown to other users, for a new account.
    pub display_name: String,
    /// The role the provider's groups map to.
    pub role: Role,
    /// The session to start (its `user_id` is filled in here).
    pub session: SessionRecord,
}

/// What an external sign-in came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalOutcome {
    /// Signed in: the account (as it is now), whether it was created by this sign-in, and
    /// its role before, if the provider's groups changed it.
    Started {
        /// The account.
        user: UserRecord,
        /// Created by this sign-in.
        created: bool,
        /// The role it had, when this sign-in changed it.
        previous_role: Option<Role>,
    },
    /// The identity's account has been deactivated: no session was started.
    Inactive(UserRecord),
    /// A first sign-in whose account name is already another account's: nothing was
    /// written.
    NameTaken,
}

impl Store {
    /// Signs an external identity in, in one transaction (see the module's documentation).
    pub fn external_sign_in(
        &mut self,
        sign_in: &ExternalSignIn,
        at: DateTime<Utc>,
    ) -> Result<ExternalOutcome> {
        self.with_tx(|tx| external_sign_in(tx, sign_in, at))
    }

    /// The account an external identity is linked to, if any.
    pub fn user_by_identity(&mut self, issuer: &str, subject: &str) -> Result<Option<UserRecord>> {
        self.with_read(|tx| match linked_user(tx, issuer, subject)? {
            Some(id) => user_by_id(tx, id),
            None => Ok(None),
        })
    }
}

fn linked_user(tx: &mut dyn Tx, issuer: &str, subject: &str) -> Result<Option<i64>> {
    tx.query(
        "SELECT user_id FROM web_user_identity WHERE issuer = $1 AND subject = $2",
        &[issuer.into(), subject.into()],
    )?
    .first()
    .map(|r| int(r, 0, "web_user_identity", "user_id"))
    .transpose()
}

fn external_sign_in(
    tx: &mut dyn Tx,
    e: &ExternalSignIn,
    at: DateTime<Utc>,
) -> Result<ExternalOutcome> {
    let (mut user, created) = match linked_user(tx, &e.issuer, &e.subject)? {
        Some(id) => match user_by_id(tx, id)? {
            Some(user) => (user, false),
            None => return Ok(ExternalOutcome::NameTaken),
        },
        None => {
            if user_by_name(tx, &e.user_name)?.is_some() {
                return Ok(ExternalOutcome::NameTaken);
            }
            let user = create_user(
                tx,
                &NewUser {
                    user_name: e.user_name.clone(),
                    display_name: e.display_name.clone(),
                    role: e.role,
                    password_hash: NO_PASSWORD.to_string(),
                },
                at,
            )?;
            tx.exec(
                "INSERT INTO web_user_identity (issuer, subject, user_id, created_at, \
                 last_sign_in_at) VALUES ($1, $2, $3, $4, $4)",
                &[
                    e.issuer.as_str().into(),
                    e.subject.as_str().into(),
                    user.id.into(),
                    ts(at).into(),
                ],
            )?;
            (user, true)
        }
    };
    if !user.active {
        return Ok(ExternalOutcome::Inactive(user));
    }
    let mut previous_role = None;
    if user.role != e.role {
        tx.exec(
            "UPDATE web_user SET role = $1 WHERE id = $2",
            &[e.role.key().into(), user.id.into()],
        )?;
        previous_role = Some(user.role);
        user.role = e.role;
    }
    if !created {
        tx.exec(
            "UPDATE web_user_identity SET last_sign_in_at = $1 WHERE issuer = $2 AND subject = $3",
            &[
                ts(at).into(),
                e.issuer.as_str().into(),
                e.subject.as_str().into(),
            ],
        )?;
    }
    let session = SessionRecord {
        user_id: user.id,
        ..e.session.clone()
    };
    create_session(tx, &session)?;
    Ok(ExternalOutcome::Started {
        user,
        created,
        previous_role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_in(subject: &str, name: &str, role: Role, token: &str) -> ExternalSignIn {
        let at = Utc::now();
        ExternalSignIn {
            issuer: "https://login.example.test/tenant/v2.0".into(),
            subject: subject.into(),
            user_name: name.into(),
            display_name: "Sam Example".into(),
            role,
            session: SessionRecord {
                token_sha256: token.into(),
                user_id: 0,
                csrf_token: "csrf".into(),
                created_at: at,
                last_seen_at: at,
            },
        }
    }

    #[test]
    fn the_first_sign_in_creates_the_account_and_later_ones_follow_the_groups() {
        let mut s = Store::open("sqlite::memory:").unwrap();
        let now = Utc::now();
        let first = s
            .external_sign_in(&sign_in("sub-1", "sam", Role::LeadWorker, "t1"), now)
            .unwrap();
        let ExternalOutcome::Started {
            user,
            created,
            previous_role,
        } = first
        else {
            panic!("not started: {first:?}")
        };
        assert!(created);
        assert_eq!(previous_role, None);
        assert_eq!(user.password_hash, NO_PASSWORD);
        assert_eq!(s.session("t1").unwrap().unwrap().user_id, user.id);
        // The same subject again, under another name and with another role: the same
        // account, its role changed.
        let again = s
            .external_sign_in(
                &sign_in("sub-1", "renamed", Role::PerformanceOfficer, "t2"),
                now,
            )
            .unwrap();
        let ExternalOutcome::Started {
            user: u2,
            created,
            previous_role,
        } = again
        else {
            panic!("not started: {again:?}")
        };
        assert_eq!((u2.id, created), (user.id, false));
        assert_eq!(previous_role, Some(Role::LeadWorker));
        assert_eq!(
            s.user(user.id).unwrap().unwrap().role,
            Role::PerformanceOfficer
        );
        assert_eq!(
            s.user_by_identity("https://login.example.test/tenant/v2.0", "sub-1")
                .unwrap()
                .unwrap()
                .id,
            user.id
        );
    }

    #[test]
    fn a_taken_name_or_an_inactive_account_starts_no_session() {
        let mut s = Store::open("sqlite::memory:").unwrap();
        let now = Utc::now();
        s.create_user(
            &NewUser {
                user_name: "admin".into(),
                display_name: "Break glass".into(),
                role: Role::Administrator,
                password_hash: "x".into(),
            },
            now,
        )
        .unwrap();
        let taken = s
            .external_sign_in(&sign_in("sub-2", "admin", Role::Administrator, "t3"), now)
            .unwrap();
        assert_eq!(taken, ExternalOutcome::NameTaken);
        assert!(s.session("t3").unwrap().is_none());
        assert!(s
            .user_by_identity("https://login.example.test/tenant/v2.0", "sub-2")
            .unwrap()
            .is_none());

        let ExternalOutcome::Started { user, .. } = s
            .external_sign_in(&sign_in("sub-3", "kim", Role::LeadWorker, "t4"), now)
            .unwrap()
        else {
            panic!("not started")
        };
        s.update_user(user.id, Role::LeadWorker, false).unwrap();
        let refused = s
            .external_sign_in(&sign_in("sub-3", "kim", Role::LeadWorker, "t5"), now)
            .unwrap();
        assert!(matches!(refused, ExternalOutcome::Inactive(_)));
        assert!(s.session("t5").unwrap().is_none());
    }
}
