//! The audit log: append-only (the database itself refuses updates and deletes) and
//! searchable by account, target and time, newest first.

use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_store::Store;

both!(
    audit_log_is_append_only_and_searchable,
    audit_log_refuses_updates_and_deletes,
    the_audit_chain_holds_for_every_way_of_writing,
    the_audit_chain_names_the_first_changed_line,
    the_audit_chain_sees_a_removed_line_and_a_cut_off_end,
    writers_in_parallel_keep_one_chain,
    audit_searches_by_part_of_a_name_or_action_and_pages_through_everything,
);

fn audit_searches_by_part_of_a_name_or_action_and_pages_through_everything(
    store: &mut Store,
    _db: &TestDb,
) {
    use hearth_store::{AuditEntry, AuditQuery};
    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
    let names = ["Jane.Smith", "jsmith", "po_1", "p%o"];
    let entries: Vec<AuditEntry> = (0..1203)
        .map(|i| AuditEntry {
            id: 0,
            at: t0 + chrono::Duration::seconds(i),
            user_id: None,
            user_name: names[i as usize % 4].into(),
            action: if i % 2 == 0 {
                "view family"
            } else {
                "search audit log"
            }
            .into(),
            target_kind: "family".into(),
            target_id: (i % 7).to_string(),
            client_ip: "127.0.0.1".into(),
            detail: String::new(),
        })
        .collect();
    store.append_audits(&entries).unwrap();
    let q = |user: Option<&str>, action: Option<&str>| AuditQuery {
        user_contains: user.map(Into::into),
        action_contains: action.map(Into::into),
        limit: 5000,
        ..AuditQuery::default()
    };
    let n = |store: &mut Store, query: AuditQuery| store.audit_log(&query).unwrap().len();
    assert_eq!(n(store, q(Some("SMITH"), None)), 602);
    // `_` and `%` are themselves, not wildcards.
    assert_eq!(n(store, q(Some("o_"), None)), 301);
    assert_eq!(n(store, q(Some("%"), None)), 300);
    assert_eq!(n(store, q(None, Some("VIEW"))), 602);
    assert_eq!(n(store, q(Some("smith"), Some("audit"))), 301);
    // Pages of 500 reach every line once.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .audit_log(&AuditQuery {
                before_id: before,
                limit: 500,
                ..AuditQuery::default()
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        seen.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(seen.len(), 1203);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
}

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

fn line(n: i64) -> hearth_store::AuditEntry {
    hearth_store::AuditEntry {
        id: 0,
        at: Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap() + chrono::Duration::seconds(n),
        user_id: if n % 2 == 0 { Some(n) } else { None },
        user_name: format!("user{n}"),
        action: "view family".into(),
        target_kind: "family".into(),
        target_id: n.to_string(),
        client_ip: "127.0.0.1".into(),
        detail: "quote \" and newline \n kept".into(),
    }
}

/// Past the database's refusal of updates and deletes, as someone with the database's
/// owner's rights could go.
fn without_append_only(db: &TestDb, sql: &str) {
    if db.pg.is_some() {
        db.exec(&format!(
            "ALTER TABLE audit_log DISABLE TRIGGER USER; {sql}; ALTER TABLE audit_log ENABLE TRIGGER USER"
        ))
        .unwrap();
    } else {
        db.exec(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; {sql}"
        ))
        .unwrap();
    }
}

fn the_audit_chain_holds_for_every_way_of_writing(store: &mut Store, _db: &TestDb) {
    let fresh = store.verify_audit_chain().unwrap();
    assert_eq!((fresh.lines, fresh.broken.clone()), (0, None));
    store.append_audit(&line(1)).unwrap();
    store
        .append_audits(&(2..40).map(line).collect::<Vec<_>>())
        .unwrap();
    store.append_audits(&[]).unwrap();
    store.append_audit(&line(40)).unwrap();
    let r = store.verify_audit_chain().unwrap();
    assert_eq!(r.broken, None);
    assert_eq!(r.lines, 40);
    let (id, hash) = r.head.expect("a head");
    assert_eq!(hash.len(), 64);
    assert_eq!(
        store
            .audit_log(&hearth_store::AuditQuery::default())
            .unwrap()[0]
            .id,
        id
    );
}

fn the_audit_chain_names_the_first_changed_line(store: &mut Store, db: &TestDb) {
    store
        .append_audits(&(1..=5).map(line).collect::<Vec<_>>())
        .unwrap();
    let ids: Vec<i64> = store
        .audit_log(&hearth_store::AuditQuery::default())
        .unwrap()
        .iter()
        .map(|e| e.id)
        .rev()
        .collect();
    without_append_only(
        db,
        &format!(
            "UPDATE audit_log SET target_id = '999' WHERE id = {}",
            ids[2]
        ),
    );
    let r = store.verify_audit_chain().unwrap();
    let broken = r.broken.expect("a break");
    assert_eq!(broken.id, ids[2]);
    assert!(broken.reason.contains("changed"), "{}", broken.reason);
}

fn the_audit_chain_sees_a_removed_line_and_a_cut_off_end(store: &mut Store, db: &TestDb) {
    store
        .append_audits(&(1..=5).map(line).collect::<Vec<_>>())
        .unwrap();
    let ids: Vec<i64> = store
        .audit_log(&hearth_store::AuditQuery::default())
        .unwrap()
        .iter()
        .map(|e| e.id)
        .rev()
        .collect();
    without_append_only(db, &format!("DELETE FROM audit_log WHERE id = {}", ids[4]));
    let end = store
        .verify_audit_chain()
        .unwrap()
        .broken
        .expect("a cut-off end");
    assert_eq!(end.id, 0);
    assert!(end.reason.contains("cut off"), "{}", end.reason);
    without_append_only(db, &format!("DELETE FROM audit_log WHERE id = {}", ids[1]));
    let middle = store
        .verify_audit_chain()
        .unwrap()
        .broken
        .expect("a removed line");
    assert_eq!(middle.id, ids[2]);
}

fn writers_in_parallel_keep_one_chain(_store: &mut Store, db: &TestDb) {
    std::thread::scope(|scope| {
        for w in 0..4 {
            scope.spawn(move || {
                let mut s = db.open();
                for k in 0..10 {
                    let n = w * 100 + k;
                    if k % 2 == 0 {
                        s.append_audit(&line(n)).unwrap();
                    } else {
                        s.append_audits(&[line(n), line(n + 50)]).unwrap();
                    }
                }
            });
        }
    });
    let r = db.open().verify_audit_chain().unwrap();
    assert_eq!(r.broken, None);
    assert_eq!(r.lines, 4 * (5 + 10));
}
