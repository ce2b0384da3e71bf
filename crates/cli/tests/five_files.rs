//! Issue 14's "done when": five partner files of one small borough, laid out unlike the
//! synthetic borough (month-name dates, `yyyymmdd`, two-digit years, codes needing
//! translation, postcodes inside addresses, mixed name orders, files without dates), go
//! through `hearth import → link → identify` with mappings alone. The fixture and what it
//! should give are described in `tests/data/five_files/README.md`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run hearth");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "hearth failed: {stdout}\n{stderr}");
    stdout
}

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/five_files")
}

#[test]
fn five_partner_files_in_their_own_layouts_go_through_with_mappings_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("hearth.sqlite");
    let store = store.to_str().unwrap();

    let imported = ok(hearth()
        .args([
            "import",
            "--today",
            "2017-06-30",
            "--store",
            store,
            "--mappings",
        ])
        .arg(data().join("mappings"))
        .arg(data().join("files")));
    for (file, rows) in [
        ("police_extract.csv", 5),
        ("school_census.csv", 5),
        ("dwp_claims.csv", 3),
        ("rents.csv", 4),
        ("childrens_services.csv", 3),
    ] {
        let line = imported
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported:\n{imported}"));
        assert!(
            line.contains(&format!("{rows} rows read, {rows} imported, 0 quarantined")),
            "{file}: every row should be imported:\n{imported}"
        );
    }

    let linked = ok(hearth().args(["link", "--store", store, "--as-at", "2017-06-30"]));
    assert!(linked.contains("Linked"), "{linked}");

    let identified = ok(hearth().args([
        "identify",
        "--store",
        store,
        "--rules",
        "rules/expanded-2015.toml",
    ]));
    assert!(
        identified.contains("4 families assessed, 3 eligible"),
        "{identified}"
    );

    // Each eligible family's problems, from its evidence.
    let ids: Vec<String> = identified
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 3, "{identified}");
    let mut found = BTreeSet::new();
    for id in &ids {
        let shown = ok(hearth().args(["family", "show", "--store", store, id]));
        let problems: BTreeSet<String> = shown
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Problem: "))
            .map(|p| p.split_whitespace().next().unwrap_or_default().to_string())
            .collect();
        found.insert(problems.into_iter().collect::<Vec<_>>().join(" "));
    }
    let expected: BTreeSet<String> = [
        // Ellery: police domestic abuse, Cody's attendance (85%), Adam's open JSA claim.
        "domestic_abuse school_attendance worklessness",
        // Kaur: a possession notice with £750 arrears, Jasleen's child-in-need episode.
        "children_need_help worklessness",
        // Okafor: Daniel's theft and violence, attendance (70%) and exclusions, Ruth's child
        // protection plan, Grace's open ESA claim.
        "children_need_help crime_asb school_attendance worklessness",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(found, expected, "{identified}");
}
