//! FEBRL4 through the library: F1 of the links against the truth must be at least 0.99.

use std::collections::HashMap;
use std::path::PathBuf;

#[test]
fn febrl4_f1_at_least_0_99() {
    // The public FEBRL4 files are kept in the repository (tests/data/febrl4, with their
    // licence); the benchmark's spec names them relative to itself.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("tests/data/febrl4");
    let spec_path = root.join("../../bench/febrl4.toml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let summary = hearth_linkage::spec::run(&spec_path, &out).unwrap();
    assert_eq!(summary.records, 10_000);

    let truth: HashMap<String, String> = csv::Reader::from_path(data.join("truth.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_owned(), r[0].to_owned())
        })
        .collect();
    let mut tp = 0usize;
    let mut predicted = 0usize;
    for r in csv::Reader::from_path(out.join("pairs.csv"))
        .unwrap()
        .records()
    {
        let r = r.unwrap();
        predicted += 1;
        let (a, b) = if &r[0] == "a" {
            (&r[1], &r[3])
        } else {
            (&r[3], &r[1])
        };
        if truth.get(b).map(String::as_str) == Some(a) {
            tp += 1;
        }
    }
    let precision = tp as f64 / predicted as f64;
    let recall = tp as f64 / truth.len() as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    assert!(
        f1 >= 0.99,
        "F1 {f1:.4} (precision {precision:.4}, recall {recall:.4})"
    );
}
