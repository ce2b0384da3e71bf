//! The engine's input record ([`LinkRecord`]): one partner record's identity fields as written.
//! It does not standardise anything (that is `prepare`, through `standardise`).

use crate::standardise::Dob;

/// One record to link: the engine's own standardisation input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkRecord {
    /// Which source (dataset) it came from.
    pub source: u16,
    /// The record's key, unique across the run (used for stable IDs).
    pub key: String,
    /// Given (first) name(s).
    pub given_name: Option<String>,
    /// Middle name(s).
    pub middle_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// A whole name in one field (`Forename Surname` or `SURNAME, Forename`), used for any
    /// part the separate fields lack.
    pub full_name: Option<String>,
    /// Date of birth as written (see `standardise::parse_dob`).
    pub date_of_birth: Option<Dob>,
    /// Sex as recorded (`F`, `Male`, `2`…).
    pub sex: Option<String>,
    /// Address lines.
    pub address: Option<String>,
    /// Postcode (any spacing or case).
    pub postcode: Option<String>,
    /// NHS number (invalid check digits are ignored).
    pub nhs_number: Option<String>,
    /// National Insurance number (invalid ones are ignored).
    pub ni_number: Option<String>,
    /// Unique Pupil Number (invalid check letters are ignored).
    pub upn: Option<String>,
    /// Other identifiers: (kind, value), e.g. `("social_care_id", "SC123")`. Up to three
    /// kinds (by name order) are used.
    pub other_ids: Vec<(String, String)>,
}

impl LinkRecord {
    /// An empty record of a source with a key.
    pub fn new(source: u16, key: impl Into<String>) -> Self {
        LinkRecord {
            source,
            key: key.into(),
            ..Default::default()
        }
    }

    /// From a canonical partner identity.
    pub fn from_identity(source: u16, key: impl Into<String>, id: &hearth_model::Identity) -> Self {
        let dob = id.date_of_birth.map(|d| {
            use chrono::Datelike;
            Dob::from_ymd(d.year().max(0) as u32, d.month(), d.day())
        });
        let mut other_ids = Vec::new();
        if let Some(s) = &id.source_person_id {
            other_ids.push((format!("source_person_id_{source}"), s.clone()));
        }
        LinkRecord {
            source,
            key: key.into(),
            given_name: id.given_name.clone(),
            middle_name: id.middle_name.clone(),
            family_name: id.family_name.clone(),
            full_name: id.full_name.clone(),
            date_of_birth: dob,
            sex: id.sex.map(|s| s.code().to_owned()),
            address: id.address.clone(),
            postcode: id.postcode.as_ref().map(|p| p.as_str().to_owned()),
            nhs_number: id.nhs_number.as_ref().map(|p| p.as_str().to_owned()),
            ni_number: id.ni_number.as_ref().map(|p| p.as_str().to_owned()),
            upn: id.upn.as_ref().map(|p| p.as_str().to_owned()),
            other_ids,
        }
    }
}
