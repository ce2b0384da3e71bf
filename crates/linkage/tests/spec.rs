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
