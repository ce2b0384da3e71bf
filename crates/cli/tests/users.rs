//! Black-box tests of `hearth users` as a council's IT runs it: a guessable password is
//! refused, adding an account and unlocking one are audited under the operating system's
//! user, and an account nobody has cannot be unlocked.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn hearth(store: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env("SUDO_USER", "it.admin")
        .args(args)
        .args(["--store", store])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hearth");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn accounts_from_the_command_line_are_checked_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("hearth.sqlite");
    let store = store.to_str().unwrap();
    let add = [
        "users",
        "add",
        "--name",
        "first.admin",
        "--role",
        "administrator",
        "--password-stdin",
    ];
    let weak = hearth(store, &add, "password1234\n");
    assert!(!weak.status.success(), "{}", text(&weak));
    assert!(text(&weak).contains("hard to guess"), "{}", text(&weak));
    let added = hearth(store, &add, "Tulips in March 1987\n");
    assert!(added.status.success(), "{}", text(&added));

    let unknown = hearth(store, &["users", "unlock", "--name", "nobody"], "");
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("there is no account \"nobody\""));
    let unlocked = hearth(store, &["users", "unlock", "--name", "first.admin"], "");
    assert!(unlocked.status.success(), "{}", text(&unlocked));

    let db = rusqlite::Connection::open(store).unwrap();
    let lines: Vec<(String, String, String)> = db
        .prepare("SELECT user_name, action, target_id FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for action in ["add account", "clear failed sign-ins"] {
        assert!(
            lines
                .iter()
                .any(|(by, a, target)| by == "it.admin" && a == action && target == "first.admin"),
            "{action}: {lines:?}"
        );
    }
}
