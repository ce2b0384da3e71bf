//! Helpers shared by the pipeline's test files: the shipped rules and mappings, a synthetic
//! borough written to a folder, its files imported, linked and identified, and a store on
//! SQLite in a temporary folder or in a PostgreSQL schema of its own.
#![allow(dead_code)]

use chrono::NaiveDate;
use hearth_pipeline::import::{self, FileOutcome};
use hearth_pipeline::{identify, link};
use hearth_store::Store;
use std::path::{Path, PathBuf};

/// A file shipped with the repository (`mappings`, `rules/…`).
pub fn shipped(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The synthetic borough's as-at date.
pub fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
}

fn written(dir: &Path, config: hearth_synth::Config) -> Vec<PathBuf> {
    let borough = hearth_synth::generate(&config).unwrap();
    hearth_synth::write(&borough, dir).unwrap();
    import::partner_files(&[dir.join("sources")]).unwrap()
}

/// A synthetic borough of `people` from `seed` written under `dir`; its partner files.
pub fn borough(dir: &Path, people: usize, seed: u64) -> Vec<PathBuf> {
    written(
        dir,
        hearth_synth::Config {
            people,
            seed,
            ..Default::default()
        },
    )
}

/// Like [`borough`], with the programme cohort past the as-at date (its later extracts and
/// the council's attachment list, `programme/attachments.csv`).
pub fn cohort_borough(dir: &Path, people: usize, seed: u64) -> Vec<PathBuf> {
    written(
        dir,
        hearth_synth::Config {
            people,
            seed,
            cohort: Some(hearth_synth::cohort::Cohort::default()),
            ..Default::default()
        },
    )
}

/// Imports `files` with the shipped mappings, as at `on`.
pub fn import_all(store: &mut Store, files: &[PathBuf], on: NaiveDate) -> Vec<FileOutcome> {
    import::import_files(store, files, &shipped("mappings"), "tester", Some(on)).unwrap()
}

/// Identifies the linked store as at `at` with the shipped expanded rules.
pub fn identify_at(store: &mut Store, at: NaiveDate) -> identify::IdentifyReport {
    let (rules, sha) = identify::load_rules(&shipped("rules/expanded-2015.toml")).unwrap();
    identify::identify_store(store, &rules, &sha, at).unwrap()
}

/// Imports `files` as at `imported_on`, then links and identifies as at `at`.
pub fn import_link_identify(
    store: &mut Store,
    files: &[PathBuf],
    imported_on: NaiveDate,
    at: NaiveDate,
) -> identify::IdentifyReport {
    import_all(store, files, imported_on);
    link::link_store(store, at).unwrap();
    identify_at(store, at)
}

/// A SQLite store in `dir`.
pub fn sqlite_store(dir: &Path) -> Store {
    Store::open(&dir.join("hearth.sqlite").to_string_lossy()).unwrap()
}

/// Runs `test` on a store in a PostgreSQL schema of its own (named from `schema_prefix`) and a
/// temporary folder, then drops the schema. `HEARTH_TEST_POSTGRES_URL` must be set.
pub fn on_postgresql(schema_prefix: &str, test: impl FnOnce(&mut Store, &Path)) {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("{schema_prefix}_{}", std::process::id());
    let options = hearth_store::OpenOptions {
        pg_schema: Some(schema.clone()),
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open_with(&url, &options).unwrap();
    test(&mut store, tmp.path());
    drop(store);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}
