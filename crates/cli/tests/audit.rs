//! Black-box tests of `hearth audit`: the hash chain checked and its breaks named, the log
//! exported for the data protection officer.

use std::process::Command;

fn hearth(store: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_PG_SCHEMA").env("HEARTH_STORE", store);
    c
}

/// Creates an empty store at `store` (a command that may create one).
fn create(store: &std::path::Path) {
    let (ok, text) = output(hearth(store).args(["quarantine", "list"]));
    assert!(
        ok && text.contains("a new, empty one was created"),
        "{text}"
    );
}

fn output(c: &mut Command) -> (bool, String) {
    let o = c.output().expect("run hearth");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

#[test]
fn verify_holds_then_names_the_changed_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.sqlite");
    let csv = dir.path().join("audit.csv");
    // A mistyped path is not a new, empty store whose chain "holds".
    let (ok, text) = output(hearth(&store).args(["audit", "verify"]));
    assert!(!ok && text.contains("there is no store at"), "{text}");
    assert!(!store.exists());
    create(&store);
    // Each export is itself audited: three exports, three chained lines.
    for _ in 0..3 {
        let (ok, text) = output(hearth(&store).args(["audit", "export", "--out"]).arg(&csv));
        assert!(ok, "{text}");
    }
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert!(
        exported.starts_with("id,at,user_id,user_name,action"),
        "{exported}"
    );
    assert_eq!(
        exported.lines().count(),
        1 + 2,
        "the third export saw two lines"
    );
    let (ok, text) = output(hearth(&store).args(["audit", "verify"]));
    assert!(ok, "{text}");
    assert!(
        text.contains("3 audit lines checked") && text.contains("the chain holds"),
        "{text}"
    );
    // The head as printed, written down; checked again later.
    let head = text
        .split("--expect-head ")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .expect("the head to write down")
        .to_string();
    let (ok, text) = output(hearth(&store).args(["audit", "verify", "--expect-head", &head]));
    assert!(ok && text.contains("still in the log"), "{text}");
    // Emptied, with the head row rewritten to match: the chain "holds", the written-down
    // head does not.
    {
        let copy = dir.path().join("emptied.sqlite");
        std::fs::copy(&store, &copy).unwrap();
        let db = rusqlite::Connection::open(&copy).unwrap();
        db.execute_batch("DROP TRIGGER IF EXISTS audit_log_no_delete; DELETE FROM audit_log;")
            .unwrap();
        let _ = db.execute_batch(
            "UPDATE audit_chain_head SET last_id = 0, last_hash = '0000000000000000000000000000000000000000000000000000000000000000'",
        );
        drop(db);
        let (ok, text) = output(hearth(&copy).args(["audit", "verify", "--expect-head", &head]));
        assert!(!ok && text.contains("no longer in the audit log"), "{text}");
    }

    let db = rusqlite::Connection::open(&store).unwrap();
    db.execute_batch(
        "DROP TRIGGER audit_log_no_update; \
         UPDATE audit_log SET detail = '0 lines' WHERE id = 2;",
    )
    .unwrap();
    let (ok, text) = output(hearth(&store).args(["audit", "verify"]));
    assert!(!ok, "{text}");
    assert!(text.contains("broken at line 2"), "{text}");
}

#[test]
fn export_into_a_missing_folder_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.sqlite");
    create(&store);
    let out = dir.path().join("missing/audit.csv");
    let (ok, text) = output(hearth(&store).args(["audit", "export", "--out"]).arg(&out));
    assert!(!ok);
    assert!(text.contains("missing/audit.csv"), "{text}");
}

/// A PostgreSQL role that may only read (e.g. the council's reporting role): `hearth audit
/// verify` works with it, and `hearth serve` refuses it at start, naming the role and what
/// it lacks, rather than failing on the first sign-in.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_read_only_postgresql_role_verifies_the_audit_log_but_cannot_serve() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_ro_cli_{}", std::process::id());
    let role = format!("{schema}_reader");
    let hearth_at = |store: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
        c.env_remove("HEARTH_STORE")
            .env("HEARTH_PG_SCHEMA", &schema)
            .env("HEARTH_STORE", store);
        c
    };
    // The owner migrates the schema; the reporting role may read it.
    let (ok, text) = output(hearth_at(&url).args(["users", "list"]));
    assert!(ok, "{text}");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE \"{role}\" LOGIN; GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\"; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\";"
        ))
        .unwrap();
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let as_reader = format!("{scheme}://{role}@{host}");
    let verified = output(hearth_at(&as_reader).args(["audit", "verify"]));
    // Before the check, the server started (and failed on the first sign-in): give it 30 s.
    let mut child = hearth_at(&as_reader)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let o = child.wait_with_output().unwrap();
    let served = (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    );
    admin
        .batch_execute(&format!(
            "DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"; DROP SCHEMA \"{schema}\" CASCADE"
        ))
        .unwrap();
    assert!(
        verified.0 && verified.1.contains("the chain holds"),
        "{}",
        verified.1
    );
    let (ok, text) = served;
    assert!(!ok, "{text}");
    for part in [
        role.as_str(),
        "INSERT on audit_log",
        "hearth serve records every sign-in",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}
