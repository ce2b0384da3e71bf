//! Accounts and sessions: accounts round-trip with typed roles, sessions end when an
//! account is deactivated or its password changes, an unknown role is refused by the schema
//! and reads back as a typed error, and failed sign-ins are counted in a window.

use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_model::Role;
use hearth_store::{Store, StoreError};

both!(
    web_accounts_and_sessions_round_trip,
    roles_are_typed_and_an_unknown_stored_role_is_a_typed_error,
    sign_in_failures_are_counted_in_a_window,
);

/// Creates an active account with this name and role.
pub fn web_user(store: &mut Store, name: &str, role: Role) -> hearth_store::UserRecord {
    store
        .create_user(
            &hearth_store::NewUser {
                user_name: name.into(),
                display_name: format!("{name} (display)"),
                role,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
            Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap(),
        )
        .unwrap()
}

fn web_accounts_and_sessions_round_trip(store: &mut Store, db: &TestDb) {
    use hearth_store::SessionRecord;
    let admin = web_user(store, "admin", Role::Administrator);
    let lw = web_user(store, "lw", Role::LeadWorker);
    assert!(admin.active && admin.id != lw.id);
    assert_eq!(store.user_by_name("lw").unwrap().unwrap(), lw);
    assert_eq!(store.user(admin.id).unwrap().unwrap(), admin);
    assert_eq!(store.user_by_name("nobody").unwrap(), None);
    let names: Vec<String> = store
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.user_name)
        .collect();
    assert_eq!(names, ["admin", "lw"]);
    // A taken name is refused.
    assert!(store
        .create_user(
            &hearth_store::NewUser {
                user_name: "lw".into(),
                display_name: "x".into(),
                role: Role::LeadWorker,
                password_hash: "x".into(),
            },
            Utc::now()
        )
        .is_err());
    // An unknown role is refused by the schema (the API can no longer name one).
    assert!(db
        .exec(
            "INSERT INTO web_user (user_name, display_name, role, password_hash, active, \
             created_at) VALUES ('boss', 'x', 'superuser', 'x', 1, '2025-09-01T09:00:00Z')"
        )
        .is_err());

    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap()
        + chrono::Duration::microseconds(123_456);
    let s = SessionRecord {
        token_sha256: "ab".repeat(32),
        user_id: lw.id,
        csrf_token: "csrf".into(),
        created_at: t0,
        last_seen_at: t0,
    };
    store.create_session(&s).unwrap();
    assert_eq!(store.session(&s.token_sha256).unwrap().unwrap(), s);
    let t1 = t0 + chrono::Duration::minutes(5);
    store.touch_session(&s.token_sha256, t1).unwrap();
    assert_eq!(
        store
            .session(&s.token_sha256)
            .unwrap()
            .unwrap()
            .last_seen_at,
        t1
    );
    // Deactivating an account ends its sessions.
    assert!(store.update_user(lw.id, Role::LeadWorker, false).unwrap());
    assert_eq!(store.session(&s.token_sha256).unwrap(), None);
    assert!(!store.user(lw.id).unwrap().unwrap().active);
    store.create_session(&s).unwrap();
    assert!(store.delete_session(&s.token_sha256).unwrap());
    assert!(!store.delete_session(&s.token_sha256).unwrap());
    // A new password ends sessions too.
    store.create_session(&s).unwrap();
    assert!(store.set_password(lw.id, "new-hash").unwrap());
    assert_eq!(store.session(&s.token_sha256).unwrap(), None);
    assert_eq!(
        store.user(lw.id).unwrap().unwrap().password_hash,
        "new-hash"
    );
    assert!(!store.update_user(9999, Role::LeadWorker, true).unwrap());
}

fn sign_in_failures_are_counted_in_a_window(store: &mut Store, _db: &TestDb) {
    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
    for m in [0, 5, 10, 20] {
        store
            .record_sign_in_failure("lw", t0 + chrono::Duration::minutes(m))
            .unwrap();
    }
    store.record_sign_in_failure("other", t0).unwrap();
    let since = |m| t0 + chrono::Duration::minutes(m);
    assert_eq!(store.sign_in_failures_since("lw", since(0)).unwrap(), 4);
    assert_eq!(store.sign_in_failures_since("lw", since(6)).unwrap(), 2);
    assert_eq!(store.sign_in_failures_since("nobody", since(0)).unwrap(), 0);
    store.clear_sign_in_failures("lw").unwrap();
    assert_eq!(store.sign_in_failures_since("lw", since(0)).unwrap(), 0);
    assert_eq!(store.sign_in_failures_since("other", since(0)).unwrap(), 1);
}

fn roles_are_typed_and_an_unknown_stored_role_is_a_typed_error(store: &mut Store, db: &TestDb) {
    for role in Role::ALL {
        let name = format!("u_{}", role.key());
        let user = web_user(store, &name, *role);
        assert_eq!(user.role, *role);
        assert_eq!(store.user_by_name(&name).unwrap().unwrap().role, *role);
    }
    let lw = store.user_by_name("u_lead_worker").unwrap().unwrap();
    assert!(store.update_user(lw.id, Role::IgOfficer, true).unwrap());
    assert_eq!(store.user(lw.id).unwrap().unwrap().role, Role::IgOfficer);
    // Stored by key.
    assert!(db
        .dump("web_user")
        .iter()
        .any(|r| r.contains("ig_officer") && r.contains("u_lead_worker")));

    // A role the schema does not know (its check lifted, as a hand-edited or damaged
    // database might have it) reads as a typed error naming the table and column.
    match db.pg {
        None => db.exec(
            "PRAGMA ignore_check_constraints = ON; \
             UPDATE web_user SET role = 'superuser' WHERE user_name = 'u_administrator'",
        ),
        Some(_) => db.exec(
            "ALTER TABLE web_user DROP CONSTRAINT web_user_role_check; \
             UPDATE web_user SET role = 'superuser' WHERE user_name = 'u_administrator'",
        ),
    }
    .unwrap();
    let err = store.users().unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                table: "web_user",
                column: "role",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("web_user.role"), "{err}");
    assert!(store.user_by_name("u_administrator").is_err());
    assert!(store.user_by_name("u_referrer").unwrap().is_some());
}
