//! Measures bulk write and load speed of a store.
//!
//! ```text
//! cargo run --release -p hearth-store --example store_bench -- sqlite:/tmp/bench.sqlite 1000000
//! cargo run --release -p hearth-store --example store_bench -- \
//!     postgres://postgres@127.0.0.1:5432/test 1000000 hearth_bench
//! ```
//!
//! Arguments: store address, number of rows, and (PostgreSQL) a schema, which is dropped and
//! recreated first. Use a fresh SQLite path: the file is deleted first.

use chrono::{NaiveDate, Utc};
use hearth_model::{AttrValue, Fact, Identity, ImportedRow, NhsNumber, Postcode, Sex};
use hearth_store::{NewBatch, OpenOptions, Store};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let address = args
        .first()
        .expect("usage: store_bench ADDRESS ROWS [SCHEMA]");
    let n: usize = args.get(1).map_or(1_000_000, |s| s.parse().expect("ROWS"));
    let schema = args.get(2).cloned();
    if let Some(path) = address.strip_prefix("sqlite:") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    if let Some(schema) = &schema {
        let mut c = postgres::Client::connect(address, postgres::NoTls).expect("connect");
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .expect("drop schema");
    }
    let options = OpenOptions { pg_schema: schema };

    let postcode = Postcode::parse("M33 7AB").unwrap();
    let nhs = NhsNumber::parse("9434765919").unwrap();
    let rows: Vec<ImportedRow> = (0..n)
        .map(|i| {
            let mut attributes = BTreeMap::new();
            attributes.insert("academic_year".into(), AttrValue::Text("2023/24".into()));
            attributes.insert("term".into(), AttrValue::Text("Autumn".into()));
            attributes.insert("sessions_possible".into(), AttrValue::Number(128.0));
            attributes.insert("sessions_missed".into(), AttrValue::Number((i % 40) as f64));
            attributes.insert("permanent_exclusion".into(), AttrValue::Bool(i % 97 == 0));
            ImportedRow {
                source_row: i as u64 + 2,
                identity: Identity {
                    given_name: Some(format!("Given{i}")),
                    family_name: Some(format!("Family{}", i % 5000)),
                    date_of_birth: NaiveDate::from_ymd_opt(2010, 1 + (i % 12) as u32, 1),
                    sex: Some(if i % 2 == 0 { Sex::Female } else { Sex::Male }),
                    address: Some(format!("{} High Street, Sale", i % 300)),
                    postcode: Some(postcode.clone()),
                    nhs_number: (i % 3 == 0).then(|| nhs.clone()),
                    ..Identity::default()
                },
                fact: Fact {
                    event_type: "attendance".into(),
                    event_date: NaiveDate::from_ymd_opt(2023, 9, 1),
                    end_date: NaiveDate::from_ymd_opt(2023, 12, 20),
                    attributes,
                },
            }
        })
        .collect();
    let meta = NewBatch {
        source: "schools".into(),
        file_name: "schools.csv".into(),
        file_sha256: format!("bench-{n}"),
        imported_by: "bench".into(),
        imported_at: Utc::now(),
        rows_read: n as u64,
        source_name: None,
    };

    let mut store = Store::open_with(address, &options).expect("open");
    let t = Instant::now();
    store.write_batch(&meta, &rows, &[]).expect("write");
    let write = t.elapsed();
    let t = Instant::now();
    let ids = store.load_identities().expect("load identities");
    let load_ids = t.elapsed();
    let t = Instant::now();
    let facts = store.load_facts().expect("load facts");
    let load_facts = t.elapsed();
    assert_eq!((ids.len(), facts.len()), (n, n));
    println!(
        "{} rows on {}: write {:.2}s, load_identities {:.2}s, load_facts {:.2}s",
        n,
        store.backend(),
        write.as_secs_f64(),
        load_ids.as_secs_f64(),
        load_facts.as_secs_f64()
    );
}
