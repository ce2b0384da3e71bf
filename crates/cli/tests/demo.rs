//! Black-box test of `hearth demo`: the whole job on a small synthetic borough with a
//! programme cohort leaves the store holding referrals, frozen baselines, judged outcomes and
//! results, a claim batch, a savings run and an impact evaluation; its web application
//! counts the attached families alike on every page and has the demo's claim window open;
//! running it again adds none of them twice.

use std::path::Path;
use std::process::Command;

fn demo(dir: &Path) -> String {
    demo_in(dir, &[])
}

fn demo_in(dir: &Path, store: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .args([
            "demo",
            "--people",
            "3000",
            "--seed",
            "2",
            "--no-serve",
            "--dir",
        ])
        .arg(dir)
        .args(store)
        .output()
        .expect("run hearth");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "hearth demo failed: {out}");
    out
}

fn count(db: &rusqlite::Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// A running `hearth demo`, killed when dropped.
struct Served {
    child: std::process::Child,
    addr: String,
    out: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `hearth demo` serving on a free port, and returns once it serves (with what it
/// printed until then).
fn demo_served(dir: &Path) -> Served {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .env_remove("HEARTH_ADDR")
        .args([
            "demo",
            "--people",
            "3000",
            "--seed",
            "2",
            "--addr",
            "127.0.0.1:0",
            "--dir",
        ])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run hearth");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    let addr = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("hearth demo stopped before serving: {out}");
        };
        out.push_str(&line);
        out.push('\n');
        if let Some(rest) = line.strip_prefix("Hearth is serving on http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    Served { child, addr, out }
}

/// One HTTP/1.0 exchange over a plain socket: the whole answer, headers and body.
fn http(addr: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// A cookie's value from an answer's `Set-Cookie` headers.
fn cookie(answer: &str, name: &str) -> String {
    let line = answer
        .lines()
        .find(|l| {
            l.to_ascii_lowercase().starts_with("set-cookie:") && l.contains(&format!("{name}="))
        })
        .unwrap_or_else(|| panic!("no cookie {name} in {answer}"));
    let at = line.find(&format!("{name}=")).unwrap() + name.len() + 1;
    line[at..].split(';').next().unwrap().to_string()
}

/// Signs `user` in to the demo's server with the password it wrote; returns the session.
fn sign_in(addr: &str, dir: &Path, user: &str) -> String {
    let sign_ins: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("demo-sign-ins.json")).unwrap())
            .unwrap();
    let password = sign_ins["accounts"][user]["password"].as_str().unwrap();
    let form = http(addr, "GET /sign-in HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let token = cookie(&form, "hearth_sign_in");
    let body = format!("csrf_token={token}&user_name={user}&password={password}&next=");
    let answer = http(
        addr,
        &format!(
            "POST /sign-in HTTP/1.0\r\nHost: localhost\r\nCookie: hearth_sign_in={token}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    cookie(&answer, "hearth_session")
}

/// A signed-in GET's body.
fn get(addr: &str, session: &str, path: &str) -> String {
    let answer = http(
        addr,
        &format!(
            "GET {path} HTTP/1.0\r\nHost: localhost\r\nCookie: hearth_session={session}\r\n\r\n"
        ),
    );
    assert!(
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
        "{path}: {answer}"
    );
    answer.split_once("\r\n\r\n").unwrap().1.to_string()
}

/// A figure as published (a dashboard's `"12"`, an evaluation's `{"kind": "shown",
/// "value": 12}`), or `None` where withheld.
fn figure(v: &serde_json::Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .or_else(|| {
            (v["kind"] == "shown")
                .then(|| v["value"].as_u64())
                .flatten()
        })
}

#[test]
fn demo_runs_the_whole_job_and_a_second_run_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let served = demo_served(dir.path());
    let out = served.out.clone();
    {
        let po = sign_in(&served.addr, dir.path(), "performance.officer");
        // One notion of attached: the dashboard's families worked with, the claims page's
        // families attached (for attachment fees) and the evaluation's programme families.
        let dashboard: serde_json::Value =
            serde_json::from_str(&get(&served.addr, &po, "/api/dashboard")).unwrap();
        let area = dashboard["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "area")
            .unwrap();
        let worked_with = figure(&area["totals"][1]).expect("worked with is published");
        let claims: serde_json::Value =
            serde_json::from_str(&get(&served.addr, &po, "/api/claims")).unwrap();
        let attached = claims["payments"]["attached_families"].as_u64().unwrap();
        let evaluation: serde_json::Value =
            serde_json::from_str(&get(&served.addr, &po, "/api/evaluation")).unwrap();
        let programme = figure(&evaluation["report"]["published"]["programme"]["total"])
            .expect("the programme's total is published");
        assert!(attached >= 5, "{attached} attached");
        assert_eq!(
            (worked_with, programme),
            (attached, attached),
            "dashboard, evaluation and claims disagree"
        );
        assert!(claims["payments"]["attachment_total"].as_u64().unwrap() > 0);
        // The demo serves with the claim window it claimed in, open on its today.
        let page = get(&served.addr, &po, "/claims");
        assert!(page.contains("value=\"2027-28-q2\""), "{page}");
        assert!(!page.contains("id=\"no-open-window\""), "{page}");
    }
    drop(served);
    for stage in [
        "Partners' referrals",
        "Attach the programme cohort",
        "Judge outcomes (as at 2027-08-31)",
        "Claim results",
        "Cost savings",
        "Local impact evaluation",
        "Retention policy (dry run",
        "Web application",
    ] {
        assert!(out.contains(stage), "no stage {stage:?}: {out}");
    }
    assert!(out.contains("batch 1: "), "no claim batch: {out}");

    let db = rusqlite::Connection::open(dir.path().join("hearth.sqlite")).unwrap();
    let tables = [
        "referral",
        "outcome_baseline",
        "family_outcome",
        "outcome_result",
        "claim_batch",
        "claim",
        "savings_run",
        "savings_family",
        "impact_evaluation",
    ];
    let first: Vec<i64> = tables.iter().map(|t| count(&db, t)).collect();
    for (t, n) in tables.iter().zip(&first) {
        assert!(*n > 0, "{t} is empty after the demo");
    }
    assert_eq!(first[4], 1, "one claim batch");
    // Every claim is one of the judged results, claimed once.
    let unclaimed: i64 = db
        .query_row(
            "SELECT count(*) FROM claim c WHERE NOT EXISTS (SELECT 1 FROM outcome_result r \
             WHERE r.family_id = c.family_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unclaimed, 0, "claims of families with no judged result");
    drop(db);
    assert!(dir.path().join("demo-sign-ins.json").exists());

    // Again on the same folder: files, referrals, baselines and claims are not added twice;
    // outcomes are judged, and savings and the evaluation run, once more.
    let again = demo(dir.path());
    assert!(
        again.contains("nothing to claim in window 2027-28-q2"),
        "{again}"
    );
    let db = rusqlite::Connection::open(dir.path().join("hearth.sqlite")).unwrap();
    let second: Vec<i64> = tables.iter().map(|t| count(&db, t)).collect();
    for (i, t) in tables.iter().enumerate() {
        match *t {
            "savings_run" | "impact_evaluation" => assert_eq!(second[i], first[i] + 1, "{t}"),
            "family_outcome" | "savings_family" => assert!(second[i] >= first[i], "{t}"),
            _ => assert_eq!(second[i], first[i], "{t} changed on a second run"),
        }
    }
    drop(db);

    // `hearth savings` on the demo's store names what it cannot measure: the items with no
    // record of their kind, and those whose data stop before the families' months after end
    // (the synthetic housing partner sends no later extract), apart from the measured ones.
    let o = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_CONFIG")
        .current_dir(dir.path())
        .arg("savings")
        .arg("--store")
        .arg(dir.path().join("hearth.sqlite"))
        .args(["--as-at", "2027-08-31"])
        .output()
        .expect("run hearth savings");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("items are not measured (shown [x]"), "{text}");
    assert!(
        text.contains("no record of their kind in the partners' files: "),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  notices_seeking_possession: not measured (data reach ")),
        "{text}"
    );
    assert!(text.contains("Gross change per family: mean £"), "{text}");
}

/// The same job on PostgreSQL (attaching by name and date of birth casts the days to DATE).
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn demo_runs_the_whole_job_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_demo_test_{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let out = demo_in(dir.path(), &["--store", &url, "--pg-schema", &schema]);
    assert!(out.contains("batch 1: "), "no claim batch: {out}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for table in [
        "family_outcome",
        "claim",
        "savings_family",
        "impact_evaluation",
    ] {
        let n: i64 = client
            .query_one(&format!("SELECT count(*) FROM \"{schema}\".{table}"), &[])
            .unwrap()
            .get(0);
        assert!(n > 0, "{table} is empty after the demo on PostgreSQL");
    }
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}
