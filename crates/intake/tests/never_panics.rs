//! Property tests: no input, however broken, makes the readers panic.

mod common;

use common::*;
use hearth_intake::{read_bytes, Mapping};
use proptest::prelude::*;

const POLICE_HEADER: &str = "Occurrence Ref,Occurrence Date,Incident Category,Offence Description,Involvement,Surname,Forename,DOB,Sex,Address,Postcode";

fn auto(source: &str) -> Mapping {
    let text = std::fs::read_to_string(mappings_dir().join(format!("{source}.toml")))
        .unwrap()
        .replace("encoding = \"utf-8\"", "encoding = \"auto\"");
    Mapping::parse(&text, "m.toml").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_as_csv(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for m in [shipped("police"), auto("police"), shipped("housing")] {
            let _ = read_bytes("police.csv", &bytes, &m, &options());
        }
    }

    #[test]
    fn arbitrary_bytes_after_a_good_header(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut file = format!("{POLICE_HEADER}\n").into_bytes();
        file.extend_from_slice(&bytes);
        let import = read_bytes("police.csv", &file, &auto("police"), &options()).unwrap();
        prop_assert!(import.rows.len() + import.quarantined.len() <= import.rows_read as usize);
        for q in &import.quarantined {
            prop_assert!(q.source_row >= 2);
            prop_assert!(!q.reason.is_empty());
        }
    }

    #[test]
    fn arbitrary_cells_in_every_column(cells in proptest::collection::vec(
        prop_oneof!["\\PC{0,16}", "[0-9/ -]{0,12}", "[A-Za-z0-9 ,£\"]{0,14}"], 0..40)
    ) {
        let mut file = String::from(POLICE_HEADER);
        for (i, c) in cells.iter().enumerate() {
            file.push(if i % 11 == 0 { '\n' } else { ',' });
            file.push_str(c);
        }
        let import = read_bytes("police.csv", file.as_bytes(), &shipped("police"), &options()).unwrap();
        prop_assert_eq!(
            import.summary.rows_imported + import.summary.rows_quarantined
                + import.summary.warnings.iter().filter(|w| w.problem == hearth_intake::Problem::BlankRow).map(|w| w.rows).sum::<u64>(),
            import.rows_read
        );
    }

    #[test]
    fn arbitrary_bytes_as_a_workbook(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&bytes);
        let _ = read_bytes("social_care.xlsx", &zip, &shipped("social_care"), &options());
        let _ = read_bytes("social_care.xlsx", &bytes, &shipped("social_care"), &options());
    }

    #[test]
    fn arbitrary_mapping_text(text in "\\PC{0,200}") {
        let _ = Mapping::parse(&text, "m.toml");
    }
}
