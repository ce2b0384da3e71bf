//! Black-box test of `hearth claims`: a batch prepared in a window from the families'
//! results, a family never claimed twice (the second attempt names the first claim), a
//! withdrawal that keeps the claim, the claim return as CSV and xlsx, and internal audit's
//! sample the same every time.

use std::process::Command;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG")
        .env_remove("HEARTH_CONFIG");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str], store: &std::path::Path) -> (bool, String) {
    let out = hearth()
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A baseline frozen on 2016-01-04 with `present` of three headline problems at entry.
fn baseline(family: i64, present: usize) -> String {
    let problems: Vec<String> = ["crime_asb", "school_attendance", "health"]
        .iter()
        .enumerate()
        .map(|(i, k)| format!(r#"{{"key": "{k}", "present": {}}}"#, i < present))
        .collect();
    format!(
        r#"{{"family_id": {family}, "attached_on": "2016-01-04", "run_id": 1, "members": [], "problems": [{}], "indicators": [], "measures": []}}"#,
        problems.join(",")
    )
}

fn result(family: i64, kind: &str, on: &str) -> String {
    format!(
        r#"{{"family_id": {family}, "kind": "{kind}", "achieved_on": "{on}", "problems": ["school_attendance"], "evidence": [], "rules_hash": "ab"}}"#
    )
}

#[test]
fn claims_are_prepared_once_withdrawn_exported_and_sampled() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("hearth.sqlite");
    let results = dir.path().join("results.json");
    let list: Vec<String> = (1..=15)
        .map(|f| result(f, "significant_and_sustained_progress", "2016-04-20"))
        .chain([
            // Family 1's other result: a family is claimed once.
            result(1, "continuous_employment", "2016-04-25"),
            // Achieved after the day the batch is prepared: waits.
            result(16, "continuous_employment", "2016-06-01"),
            // One headline problem at attachment: never eligible, never claimed.
            result(17, "significant_and_sustained_progress", "2016-04-20"),
            // No baseline: nothing shows it was attached.
            result(18, "significant_and_sustained_progress", "2016-04-20"),
        ])
        .collect();
    let baselines: Vec<String> = (1..=16)
        .map(|f| baseline(f, 2))
        .chain([baseline(17, 1)])
        .collect();
    std::fs::write(
        &results,
        format!(
            r#"{{"results": [{}], "baselines": [{}]}}"#,
            list.join(","),
            baselines.join(",")
        ),
    )
    .unwrap();
    let results = results.to_str().unwrap();
    let prepare = [
        "claims",
        "prepare",
        "--window",
        "2016-17-q1",
        "--today",
        "2016-05-03",
        "--as",
        "po",
        "--results",
        results,
    ];
    let (ok, out) = run(&prepare, &store);
    assert!(ok, "{out}");
    assert!(
        out.contains("batch 1: 15 families claimed (£12,000 results payments)"),
        "{out}"
    );
    assert!(
        out.contains("family 1: continuous employment not claimed: claimed for significant and sustained progress instead"),
        "{out}"
    );
    assert!(
        out.contains("family 16: continuous employment not claimed: not achieved until 2016-06-01"),
        "{out}"
    );
    assert!(
        out.contains(
            "family 17: significant and sustained progress not claimed: not eligible at \
             attachment: 1 headline problem in its baseline, at least 2 needed"
        ),
        "{out}"
    );
    assert!(
        out.contains("family 18: significant and sustained progress not claimed: no baseline"),
        "{out}"
    );

    // The same results again: every family is refused, naming its claim; no batch written.
    let (ok, out) = run(&prepare, &store);
    assert!(ok, "{out}");
    assert!(
        out.contains(
            "family 3: significant and sustained progress not claimed: family 3 was already \
             claimed for significant and sustained progress (claim 3 in batch 1); a family is \
             claimed once"
        ),
        "{out}"
    );
    assert!(
        out.contains("nothing to claim in window 2016-17-q1: no batch written"),
        "{out}"
    );

    // A window that has closed is refused.
    let mut closed = prepare;
    closed[5] = "2016-07-01";
    let (ok, out) = run(&closed, &store);
    assert!(!ok);
    assert!(out.contains("closed on 2016-06-30"), "{out}");

    // Withdrawn with a reason: it stays listed.
    let (ok, out) = run(
        &[
            "claims",
            "withdraw",
            "2",
            "--reason",
            "Attendance corrected",
            "--as",
            "po",
        ],
        &store,
    );
    assert!(ok, "{out}");
    let (ok, out) = run(&["claims", "withdraw", "2", "--reason", "again"], &store);
    assert!(!ok && out.contains("already withdrawn"), "{out}");
    let (ok, out) = run(&["claims", "list", "--batch", "1"], &store);
    assert!(ok, "{out}");
    assert!(
        out.contains(
            "2,2,significant_and_sustained_progress,2016-04-20,800,withdrawn,Attendance corrected"
        ),
        "{out}"
    );
    let (ok, out) = run(&["claims", "list"], &store);
    assert!(ok, "{out}");
    assert!(
        out.contains("14 of 1930 families claimed for results (0%)"),
        "{out}"
    );

    // The withdrawn result is not claimed again by the next batch (a withdrawal is final);
    // family 2 has no other result, so nothing is written.
    let (ok, out) = run(&prepare, &store);
    assert!(ok, "{out}");
    assert!(
        out.contains(
            "family 2: significant and sustained progress not claimed: its claim 2 (batch 1) \
             was withdrawn: Attendance corrected; a withdrawn result is not claimed again"
        ),
        "{out}"
    );
    assert!(
        out.contains("nothing to claim in window 2016-17-q1: no batch written"),
        "{out}"
    );

    // The claim return.
    let csv = dir.path().join("return.csv");
    let (ok, out) = run(
        &[
            "claims",
            "export",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
        &store,
    );
    assert!(ok, "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 16);
    assert!(
        text.lines().nth(2).unwrap().contains(",withdrawn,"),
        "{text}"
    );
    let xlsx = dir.path().join("return.xlsx");
    let (ok, out) = run(
        &[
            "claims",
            "export",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
        &store,
    );
    assert!(ok, "{out}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    // Internal audit's sample: 10 of the 15 (the shipped size), the same every time.
    let (ok, first) = run(&["claims", "sample", "--batch", "1"], &store);
    assert!(ok, "{first}");
    assert!(
        first.contains("internal audit sample of 10 of 15 claims"),
        "{first}"
    );
    let (_, second) = run(&["claims", "sample", "--batch", "1"], &store);
    assert_eq!(first, second);
}

/// The whole route to a claim on a synthetic programme cohort: the families `hearth outcomes`
/// attached and judged are claimed from the store (no results file), each result once; before
/// any judgement the officer is told to run `hearth outcomes` first.
#[test]
fn results_judged_by_hearth_outcomes_are_claimed_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let store = out.join("hearth.sqlite");
    let ok = |args: &[&str]| {
        let o = hearth().args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{args:?}: {text}");
        text
    };
    let o = out.to_str().unwrap();
    let s = store.to_str().unwrap();
    ok(&[
        "synth", "--people", "3000", "--seed", "2", "--cohort", "--out", o,
    ]);
    let sources = out.join("sources");
    ok(&[
        "import",
        "--store",
        s,
        "--as-new",
        "--today",
        "2027-08-31",
        sources.to_str().unwrap(),
    ]);
    ok(&["link", "--store", s, "--as-at", "2025-09-01"]);
    ok(&["identify", "--store", s, "--as-at", "2025-09-01"]);

    // A window of the cohort's years (the shipped windows are the 2015-2020 programme's).
    let rules = out.join("claims.toml");
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/claims.toml"),
    )
    .unwrap();
    std::fs::write(
        &rules,
        format!(
            "{shipped}\n[[window]]\nkey = \"2027-28-q2\"\nlabel = \"July to September 2027\"\n\
             opens = \"2027-07-01\"\ncloses = \"2027-09-30\"\nsource = \"default\"\n"
        ),
    )
    .unwrap();
    let prepare = [
        "claims",
        "prepare",
        "--rules",
        rules.to_str().unwrap(),
        "--window",
        "2027-28-q2",
        "--today",
        "2027-08-31",
        "--as",
        "po",
    ];
    let (done, text) = run(&prepare, &store);
    assert!(!done, "{text}");
    assert!(text.contains("run `hearth outcomes` first"), "{text}");

    let attachments = out.join("programme/attachments.csv");
    ok(&[
        "outcomes",
        "--store",
        s,
        "--attach",
        attachments.to_str().unwrap(),
        "--as-at",
        "2025-09-01",
    ]);
    // The list counts the families attached by its --today (the cohort's run to 2027).
    let attached_by = |day: &str| -> u64 {
        rusqlite::Connection::open(&store)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM outcome_baseline WHERE attached_on <= ?1",
                [day],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
    };
    for day in ["2026-03-31", "2027-08-31"] {
        let (done, list) = run(
            &[
                "claims",
                "list",
                "--rules",
                rules.to_str().unwrap(),
                "--today",
                day,
            ],
            &store,
        );
        assert!(done, "{list}");
        assert!(
            list.contains(&format!("; {} attached;", attached_by(day))),
            "{day}: {list}"
        );
    }
    assert!(attached_by("2026-03-31") < attached_by("2027-08-31"));
    let judged = ok(&["outcomes", "--store", s, "--as-at", "2027-08-31"]);
    let found: usize = judged
        .lines()
        .find_map(|l| l.trim().strip_prefix("results found for the first time:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{judged}"));
    assert!(found > 0, "{judged}");

    let (done, text) = run(&prepare, &store);
    assert!(done, "{text}");
    // A family with both results is claimed once, so the batch holds at most `found`.
    let claimed: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("batch 1: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(claimed > 0 && claimed <= found, "{found} found: {text}");
    let (done, list) = run(
        &[
            "claims",
            "list",
            "--rules",
            rules.to_str().unwrap(),
            "--batch",
            "1",
        ],
        &store,
    );
    assert!(done, "{list}");
    assert_eq!(
        list.lines().filter(|l| l.ends_with(",claimed,")).count(),
        claimed,
        "{list}"
    );

    // Prepared again: nothing new to claim, every family named with its claim.
    let (done, text) = run(&prepare, &store);
    assert!(done, "{text}");
    assert!(
        text.contains("nothing to claim in window 2027-28-q2: no batch written"),
        "{text}"
    );
}
