//! Fixtures: deterministic batches and rows (every field set, awkward characters included,
//! or every optional field empty), valid identifiers built from check digits.
//!
//! Synthetic data only; no check lives here.

use chrono::{NaiveDate, TimeZone, Utc};
use hearth_model::{
    AttrValue, Fact, Identity, ImportedRow, NhsNumber, NiNumber, Postcode, QuarantinedRow, Sex, Upn,
};
use hearth_store::{NewBatch, WriteOutcome};
use std::collections::BTreeMap;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn batch(source: &str, sha: &str, rows_read: u64) -> NewBatch {
    NewBatch {
        source: source.into(),
        file_name: format!("{source}.csv"),
        file_sha256: sha.into(),
        imported_by: "test.officer".into(),
        imported_at: Utc.with_ymd_and_hms(2025, 9, 1, 10, 30, 0).unwrap()
            + chrono::Duration::microseconds(123_456),
        rows_read,
        source_name: None,
    }
}

/// A valid UPN built from a 12-character body.
pub fn upn(body: &str) -> Upn {
    let b: [u8; 12] = body.as_bytes().try_into().unwrap();
    Upn::parse(&format!("{}{body}", Upn::check_letter(&b).unwrap())).unwrap()
}

/// A valid NHS number from nine digits (when they have a check digit).
pub fn nhs(n: u32) -> Option<NhsNumber> {
    let s = format!("{:09}", 400_000_000 + n);
    let d: Vec<u32> = s.bytes().map(|b| (b - b'0') as u32).collect();
    let c = NhsNumber::check_digit(d.try_into().unwrap())?;
    Some(NhsNumber::parse(&format!("{s}{c}")).unwrap())
}

/// A row with every field set, awkward characters included.
pub fn full_row(source_row: u64) -> ImportedRow {
    let mut attributes = BTreeMap::new();
    attributes.insert("flag".into(), AttrValue::Bool(true));
    attributes.insert("off".into(), AttrValue::Bool(false));
    attributes.insert("count".into(), AttrValue::Number(7.0));
    attributes.insert("money".into(), AttrValue::Number(1234.5));
    attributes.insert("negative".into(), AttrValue::Number(-0.1));
    attributes.insert("huge".into(), AttrValue::Number(1e300));
    attributes.insert("tiny".into(), AttrValue::Number(5e-324));
    attributes.insert("code".into(), AttrValue::Text("ASB".into()));
    attributes.insert("looks_true".into(), AttrValue::Text("true".into()));
    attributes.insert("looks_number".into(), AttrValue::Text("3".into()));
    attributes.insert("empty".into(), AttrValue::Text(String::new()));
    attributes.insert(
        "awkward".into(),
        AttrValue::Text("tab\there \"quoted\" back\\slash\nnew line £ é 🏠".into()),
    );
    ImportedRow {
        source_row,
        identity: Identity {
            source_person_id: Some("P-0001".into()),
            given_name: Some("Zoë".into()),
            middle_name: Some("Anne\tMarie".into()),
            family_name: Some("O'Brien-Smith \\ Jr".into()),
            full_name: Some("Zoë O'Brien-Smith\nsecond line".into()),
            date_of_birth: Some(date(2010, 2, 28)),
            sex: Some(Sex::Female),
            address: Some("1 High Street, Flat \"B\", Sale".into()),
            postcode: Some(Postcode::parse("m33 7ab").unwrap()),
            nhs_number: Some(NhsNumber::parse("943 476 5919").unwrap()),
            ni_number: Some(NiNumber::parse("AB123456C").unwrap()),
            upn: Some(upn("820200100001")),
        },
        fact: Fact {
            event_type: "incident".into(),
            event_date: Some(date(2024, 12, 31)),
            end_date: Some(date(2025, 1, 1)),
            attributes,
        },
    }
}

/// A row with every optional field empty.
pub fn empty_row(source_row: u64) -> ImportedRow {
    ImportedRow {
        source_row,
        identity: Identity::default(),
        fact: Fact {
            event_type: "benefit_claim".into(),
            ..Fact::default()
        },
    }
}

/// `n` varied, deterministic rows.
pub fn sample_rows(n: usize) -> Vec<ImportedRow> {
    (0..n)
        .map(|i| {
            let mut row = if i % 3 == 0 {
                empty_row(i as u64 + 2)
            } else {
                full_row(i as u64 + 2)
            };
            row.identity.given_name = Some(format!("Given{i}"));
            row.identity.nhs_number = nhs(i as u32);
            row.identity.sex = [Some(Sex::Male), Some(Sex::Other), None][i % 3];
            row.fact
                .attributes
                .insert("i".into(), AttrValue::Number(i as f64));
            row
        })
        .collect()
}

pub fn quarantined(source_row: u64) -> QuarantinedRow {
    QuarantinedRow {
        source_row,
        field: Some("date_of_birth".into()),
        reason: "not a date: use dd/mm/yyyy".into(),
        raw: vec![
            "32/13/2020".into(),
            String::new(),
            "comma, \"quote\"".into(),
            "nul\0byte".into(),
            "tab\tnew\nline\\".into(),
        ],
    }
}

pub fn imported(outcome: WriteOutcome) -> hearth_store::BatchInfo {
    match outcome {
        WriteOutcome::Imported(b) => b,
        WriteOutcome::AlreadyImported(b) => panic!("expected a new batch, got {:?}", b.id),
    }
}
