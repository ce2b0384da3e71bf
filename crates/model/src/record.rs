//! The canonical partner record: identity apart from facts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Recorded sex or gender, as partner systems give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Any other recorded value (not known, not stated, other).
    Other,
}

impl Sex {
    /// Parses the usual partner codes: `F`/`Female`/`Girl`/`2`, `M`/`Male`/`Boy`/`1`;
    /// `U`, `X`, `9`, `0`, `Not known`, `Other`... become [`Sex::Other`]. Returns `None` for
    /// anything unrecognised.
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f" | "female" | "girl" | "woman" | "2" => Some(Sex::Female),
            "m" | "male" | "boy" | "man" | "1" => Some(Sex::Male),
            "u" | "x" | "o" | "0" | "9" | "other" | "unknown" | "not known" | "not stated"
            | "indeterminate" => Some(Sex::Other),
            _ => None,
        }
    }

    /// One-letter code: `F`, `M` or `U`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Other => "U",
        }
    }
}

/// Who a partner record is about. Everything here is an identifier: it lives in the identity
/// store, apart from the facts, and never leaves it in a pseudonymised extract.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The agency's own reference for the person (e.g. social care person ID), if any.
    pub source_person_id: Option<String>,
    /// Given (first) name as recorded.
    pub given_name: Option<String>,
    /// Middle name(s) as recorded.
    pub middle_name: Option<String>,
    /// Family name (surname) as recorded.
    pub family_name: Option<String>,
    /// A whole name in one field, where the source does not split it.
    pub full_name: Option<String>,
    /// Date of birth, if recorded and valid.
    pub date_of_birth: Option<NaiveDate>,
    /// Recorded sex.
    pub sex: Option<Sex>,
    /// Address lines, joined with ", ".
    pub address: Option<String>,
    /// Postcode, validated and normalised.
    pub postcode: Option<crate::Postcode>,
    /// NHS number, check digit verified.
    pub nhs_number: Option<crate::NhsNumber>,
    /// National Insurance number, format checked.
    pub ni_number: Option<crate::NiNumber>,
    /// Unique Pupil Number, check letter verified.
    pub upn: Option<crate::Upn>,
}

/// A typed attribute value carried by a [`Fact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// A yes/no flag.
    Bool(bool),
    /// A number (counts, sessions, money).
    Number(f64),
    /// Text (codes, categories). Dates are carried as ISO `yyyy-mm-dd` text.
    Text(String),
}

/// What a partner record says happened: the facts, apart from the identity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The kind of event in Hearth's vocabulary, fixed per source mapping
    /// (e.g. `attendance`, `incident`, `benefit_claim`, `health_contact`).
    pub event_type: String,
    /// When it happened or started.
    pub event_date: Option<NaiveDate>,
    /// When it ended (claims, plans, terms); `None` while open.
    pub end_date: Option<NaiveDate>,
    /// The source's other fields, mapped to Hearth's names (e.g. `incident_type`,
    /// `sessions_missed`). Kept sorted so that storage is deterministic.
    pub attributes: BTreeMap<String, AttrValue>,
}

/// One validated row of a partner file, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedRow {
    /// The row's number as a spreadsheet shows it: the header is row 1, the first data
    /// row is row 2. Error messages, quarantine and ground truth all use this numbering.
    pub source_row: u64,
    /// Who the row is about.
    pub identity: Identity,
    /// What the row says.
    pub fact: Fact,
}

/// A row that failed validation: kept aside with where and why, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedRow {
    /// The row's number as a spreadsheet shows it (header = row 1).
    pub source_row: u64,
    /// The Hearth field (or the file's column) that failed, if the failure is about one field.
    pub field: Option<String>,
    /// A plain-English reason that says how to fix it.
    pub reason: String,
    /// The raw cells of the row as read, so that a data officer can correct and re-send it.
    /// Kept only in the store, never logged.
    pub raw: Vec<String>,
}
