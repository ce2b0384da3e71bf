//! Spec runs: outputs and clear errors for bad specs.

use hearth_linkage::spec::run;
use std::fs;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

const PEOPLE: &str =
    "id,first,last,born,pc\n1,Ann,Quimby,03/04/2012,LS1 4AB\n2,Bob,Zed,01/01/1980,M1 1AE\n";

fn spec(date_col: &str, file: &str) -> String {
    format!(
        "[[source]]\nname = \"s\"\nfile = \"{file}\"\nrecord_id = \"id\"\ndate_format = \"%d/%m/%Y\"\n\
         [source.columns]\ngiven_name = \"first\"\nfamily_name = \"last\"\ndate_of_birth = \"{date_col}\"\npostcode = \"pc\"\n"
    )
}

#[test]
fn writes_clusters_pairs_and_model() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "p.csv", PEOPLE);
    write(d.path(), "t.toml", &spec("born", "p.csv"));
    let out = d.path().join("out");
    let s = run(&d.path().join("t.toml"), &out).unwrap();
    assert_eq!((s.records, s.people), (2, 2));
    let clusters = fs::read_to_string(out.join("clusters.csv")).unwrap();
    assert_eq!(clusters, "source,record_id,person_id\ns,1,1\ns,2,2\n");
    let pairs = fs::read_to_string(out.join("pairs.csv")).unwrap();
    assert!(pairs
        .starts_with("source_l,record_id_l,source_r,record_id_r,match_probability,match_weight\n"));
    assert!(out.join("model.json").is_file());
    assert!(s.to_string().contains("people: 2"));
}

#[test]
fn unknown_column_names_file_column_and_columns() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "p.csv", PEOPLE);
    write(d.path(), "t.toml", &spec("dob", "p.csv"));
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: no column \"dob\" (wanted as date_of_birth); the file's columns are: id, first, last, born, pc",
            d.path().join("p.csv").display()
        )
    );
}

#[test]
fn missing_file_is_named() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.toml", &spec("born", "nope.csv"));
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "source \"s\": input file {} does not exist",
            d.path().join("nope.csv").display()
        )
    );
}

#[test]
fn wrong_date_format_names_file_row_column_value_and_format() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.csv",
        "id,first,last,born,pc\n1,Ann,Quimby,03/04/2012,LS1 4AB\n2,Bob,Zed,1980-01-01,M1 1AE\n",
    );
    write(d.path(), "t.toml", &spec("born", "p.csv"));
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}, row 3, column \"born\": date of birth \"1980-01-01\" does not match the format \"%d/%m/%Y\"",
            d.path().join("p.csv").display()
        )
    );
}

#[test]
fn unknown_spec_keys_are_rejected() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "p.csv", PEOPLE);
    write(
        d.path(),
        "t.toml",
        &spec("born", "p.csv").replace("record_id", "recordid"),
    );
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("is not valid") && msg.contains("recordid"),
        "{msg}"
    );
}

#[test]
fn duplicate_record_ids_are_refused_with_their_rows() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.csv",
        "id,first,last,born,pc\n1,Ann,Quimby,03/04/2012,LS1 4AB\n2,Bob,Zed,01/01/1980,M1 1AE\n\
         1,Ann,Quimby,03/04/2012,LS1 4AB\n7,Cy,Ode,01/02/1990,M1 1AE\n 7 ,Cy,Ode,01/02/1990,M1 1AE\n",
    );
    write(d.path(), "t.toml", &spec("born", "p.csv"));
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: record ids in column \"id\" must be unique, but these are repeated: \
             \"1\" on rows 2, 4; \"7\" on rows 5, 6",
            d.path().join("p.csv").display()
        )
    );
    assert!(!d.path().join("out").exists(), "nothing is written");
}

#[test]
fn empty_record_ids_are_refused_with_their_rows() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.csv",
        "id,first,last,born,pc\n1,Ann,Quimby,03/04/2012,LS1 4AB\n,Bob,Zed,01/01/1980,M1 1AE\n  ,Cy,Ode,01/02/1990,M1 1AE\n",
    );
    write(d.path(), "t.toml", &spec("born", "p.csv"));
    let e = run(&d.path().join("t.toml"), &d.path().join("out")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}, rows 3, 4: no record id in column \"id\"; every row needs one",
            d.path().join("p.csv").display()
        )
    );
}

#[test]
fn two_thousand_identical_records_write_one_pair_each_not_every_pair() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,first,last,born,pc\n");
    for i in 0..2000 {
        csv.push_str(&format!("r{i},Ann,Quimby,03/04/2012,LS1 4AB\n"));
    }
    csv.push_str("other,Bob,Zed,01/01/1980,M1 1AE\n");
    write(d.path(), "p.csv", &csv);
    write(d.path(), "t.toml", &spec("born", "p.csv"));
    let out = d.path().join("out");
    let s = run(&d.path().join("t.toml"), &out).unwrap();
    assert_eq!((s.records, s.people, s.links), (2001, 2, 1999));
    let pairs = fs::read_to_string(out.join("pairs.csv")).unwrap();
    let lines: Vec<&str> = pairs.lines().skip(1).collect();
    assert_eq!(lines.len(), 1999);
    // Each duplicate paired with the group's first record.
    assert!(lines[0].starts_with("s,r0,s,r1,"), "{}", lines[0]);
    assert!(lines.iter().all(|l| l.starts_with("s,r0,s,r")));
}

#[test]
fn a_placeholder_list_can_replace_the_shipped_one() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.csv",
        "id,first,last,born,pc\n1,Unk,Own,01/01/1950,LS1 4AB\n2,Unk,Own,01/01/1950,M1 1AE\n",
    );
    let base = spec("born", "p.csv");
    write(d.path(), "t.toml", &base);
    let s = run(&d.path().join("t.toml"), &d.path().join("o1")).unwrap();
    assert!(
        s.report.candidate_pairs > 0,
        "same names and date: compared"
    );
    write(
        d.path(),
        "ph.toml",
        "names = [\"unk\", \"own\"]\ndates_of_birth = [\"1950-01-01\"]\n",
    );
    write(
        d.path(),
        "t.toml",
        &format!("[settings]\nplaceholders_file = \"ph.toml\"\n{base}"),
    );
    let s = run(&d.path().join("t.toml"), &d.path().join("o2")).unwrap();
    assert_eq!(
        (s.report.candidate_pairs, s.people),
        (0, 2),
        "placeholders are missing values: nothing to compare them on"
    );
}

#[test]
fn reviewers_decisions_are_applied_and_the_queue_is_written() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,first,last,born,pc\n");
    for i in 0..3 {
        csv.push_str(&format!("a{i},Ann,Quimby,03/04/2012,LS1 4AB\n"));
    }
    csv.push_str("b,Bob,Zed,01/01/1980,M1 1AE\n");
    write(d.path(), "p.csv", &csv);
    write(
        d.path(),
        "decisions.csv",
        "source_l,record_id_l,source_r,record_id_r,same\ns,a0,s,a1,false\ns,a2,s,b,yes\n",
    );
    write(
        d.path(),
        "t.toml",
        &format!(
            "[settings]\ndecisions_file = \"decisions.csv\"\n{}",
            spec("born", "p.csv")
        ),
    );
    let out = d.path().join("out");
    let s = run(&d.path().join("t.toml"), &out).unwrap();
    let clusters = fs::read_to_string(out.join("clusters.csv")).unwrap();
    let person = |id: &str| {
        clusters
            .lines()
            .find(|l| l.starts_with(&format!("s,{id},")))
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_ne!(person("a0"), person("a1"), "cannot-link honoured");
    assert_eq!(person("a2"), person("b"), "must-link honoured");
    assert!(s.people >= 2);
    let queue = fs::read_to_string(out.join("queue.csv")).unwrap();
    assert!(queue.starts_with("rank,source_l,record_id_l,source_r,record_id_r,"));

    write(
        d.path(),
        "decisions.csv",
        "source_l,record_id_l,source_r,record_id_r,same\ns,a0,s,zz,false\n",
    );
    let e = run(&d.path().join("t.toml"), &out).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: row 2: no record \"zz\" in source \"s\"",
            d.path().join("decisions.csv").display()
        )
    );
}
