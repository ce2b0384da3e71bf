//! A rules profile of any text (with the shipped unit-cost table), and a unit-cost table of
//! any text: parsed and validated without panicking.
#![no_main]

use hearth_identification::{Rules, UnitCosts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let costs =
        UnitCosts::from_toml_str(include_str!("../../rules/unit-costs.toml"), "unit-costs.toml")
            .unwrap();
    let _ = Rules::parse(text, "fuzz.toml", Some(costs));
    let _ = UnitCosts::from_toml_str(text, "fuzz-costs.toml");
});
