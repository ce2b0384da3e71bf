//! A police CSV file of any bytes: read and validated with the shipped mapping. Intake must
//! never panic on input, and every row is imported or quarantined.
#![no_main]

use hearth_intake::{read_bytes, Mapping, ReadOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn mapping() -> &'static Mapping {
    static M: OnceLock<Mapping> = OnceLock::new();
    M.get_or_init(|| {
        Mapping::parse(include_str!("../../mappings/police.toml"), "police.toml").unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        today: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
    };
    if let Ok(import) = read_bytes("police.csv", data, mapping(), &options) {
        // Every record read is imported, quarantined or a skipped blank row.
        assert!(import.rows.len() + import.quarantined.len() <= import.rows_read as usize);
    }
});
