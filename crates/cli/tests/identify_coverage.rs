//! Black-box test: `hearth identify` says what each indicator looked at and warns when a
//! rule's `source` is misspelt (a typo would otherwise silently turn the indicator off).

use std::path::Path;
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

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run hearth");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hearth failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn rules_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules"))
}

#[test]
fn identify_reports_facts_per_indicator_and_warns_of_a_misspelt_source() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(hearth()
        .args(["synth", "--people", "400", "--seed", "7", "--out"])
        .arg(dir));
    let store = dir.join("hearth.sqlite").display().to_string();
    ok(hearth()
        .args(["import", "--store", &store])
        .arg(dir.join("sources")));
    ok(hearth().args(["link", "--store", &store, "--as-at", "2025-09-01"]));

    let out = ok(hearth().args(["identify", "--store", &store]));
    assert!(out.contains("Facts each indicator looked at"), "{out}");
    assert!(
        out.contains("crime_asb.police_crime ") && out.contains("(police incident)"),
        "{out}"
    );
    assert!(!out.contains("source named `Police`"), "{out}");

    // The same rules with one indicator's source misspelt.
    let rules = dir.join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::copy(
        rules_dir().join("unit-costs.toml"),
        rules.join("unit-costs.toml"),
    )
    .unwrap();
    let src = std::fs::read_to_string(rules_dir().join("expanded-2015.toml")).unwrap();
    std::fs::write(
        rules.join("typo.toml"),
        src.replacen("source = \"police\"", "source = \"Police\"", 1),
    )
    .unwrap();
    let out = ok(hearth()
        .args(["identify", "--store", &store, "--rules"])
        .arg(rules.join("typo.toml")));
    assert!(
        out.contains("WARNING: indicator ")
            && out.contains("looks at no fact, so nobody can meet it: no fact comes from a source named `Police`"),
        "{out}"
    );
}
