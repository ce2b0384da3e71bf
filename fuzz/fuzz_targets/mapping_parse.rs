//! A mapping file of any text: parsed and validated, then (if valid) used to read a small
//! CSV file, so that whatever a mapping allows is also safe to use.
#![no_main]

use hearth_intake::{read_bytes, Mapping, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = Mapping::parse(text, "fuzz.toml") {
        let header = m.columns().join(",");
        let row = m.columns().iter().map(|_| "01/02/2020").collect::<Vec<_>>().join(",");
        let csv = format!("{header}\n{row}\n\n{row},extra\n");
        let options = ReadOptions {
            today: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
        };
        let _ = read_bytes("fuzz.csv", csv.as_bytes(), &m, &options);
    }
});
