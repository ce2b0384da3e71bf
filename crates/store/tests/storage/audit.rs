//! The audit log: append-only (the database itself refuses updates and deletes) and
//! searchable by account, target and time, newest first.

use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_store::Store;

both!(
    audit_log_is_append_only_and_searchable,
    audit_log_refuses_updates_and_deletes,
);

fn audit_log_is_append_only_and_searchable(store: &mut Store, _db: &TestDb) {
    use hearth_store::{AuditEntry, AuditQuery};
    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
    let entry = |m: i64, user: &str, family: &str| AuditEntry {
        id: 0,
        at: t0 + chrono::Duration::minutes(m),
        user_id: Some(1),
        user_name: user.into(),
        action: "view family".into(),
        target_kind: "family".into(),
        target_id: family.into(),
        client_ip: "127.0.0.1".into(),
        detail: "identifiers shown".into(),
    };
    let a = store.append_audit(&entry(0, "po", "7")).unwrap();
    let b = store.append_audit(&entry(1, "lw", "7")).unwrap();
    let c = store.append_audit(&entry(2, "po", "8")).unwrap();
    assert!(a < b && b < c);
    let all = store.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [c, b, a]);
    assert_eq!(
        all[2],
        AuditEntry {
            id: a,
            ..entry(0, "po", "7")
        }
    );
    let po = store
        .audit_log(&AuditQuery {
            user_name: Some("po".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(po.len(), 2);
    let f7 = store
        .audit_log(&AuditQuery {
            target_kind: Some("family".into()),
            target_id: Some("7".into()),
            from: Some(t0 + chrono::Duration::seconds(30)),
            to: Some(t0 + chrono::Duration::minutes(5)),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(f7.iter().map(|e| e.id).collect::<Vec<_>>(), [b]);
    let one = store
        .audit_log(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(one.len(), 1);
}

fn audit_log_refuses_updates_and_deletes(store: &mut Store, db: &TestDb) {
    // Straight SQL against the table, past the store's API.
    store
        .append_audit(&hearth_store::AuditEntry {
            id: 0,
            at: Utc::now(),
            user_id: None,
            user_name: "x".into(),
            action: "sign in".into(),
            target_kind: "session".into(),
            target_id: "-".into(),
            client_ip: "127.0.0.1".into(),
            detail: String::new(),
        })
        .unwrap();
    assert!(db.exec("UPDATE audit_log SET user_name = 'y'").is_err());
    assert!(db.exec("DELETE FROM audit_log").is_err());
    assert_eq!(db.count("audit_log"), 1);
}
