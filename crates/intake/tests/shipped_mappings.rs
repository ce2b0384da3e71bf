//! Every shipped mapping loads and matches the header in docs/partner-sources.md exactly.

mod common;

use common::*;
use hearth_intake::{Encoding, Mapping};

/// The headers as docs/partner-sources.md lists them, in order.
const SOURCES: [(&str, &str, &str); 8] = [
    ("schools", "schools.csv", "UPN,Legal Surname,Forename,Middle Names,DOB,Gender,Address,Postcode,Academic Year,Term,Term Start,Term End,Possible Sessions,Sessions Missed,Unauthorised Absences,Fixed Term Exclusions,Permanent Exclusion"),
    ("police", "police.csv", "Occurrence Ref,Occurrence Date,Incident Category,Offence Description,Involvement,Surname,Forename,DOB,Sex,Address,Postcode"),
    ("dwp", "dwp.csv", "NINO,Title,First Name,Surname,Date of Birth,Address,Postcode,Benefit Type,Claim Start,Claim End"),
    ("health", "health.csv", "NHS Number,Patient Name,Date of Birth,Gender,Address,Postcode,Contact Type,Contact Date,Outcome"),
    ("social_care", "social_care.xlsx", "Person ID,First Name,Last Name,DOB,Gender,Address,Postcode,Episode Type,Start Date,End Date"),
    ("housing", "housing.csv", "Tenancy Ref,Tenant Name,Date of Birth,Address,Record Date,Arrears Balance,Notice Type"),
    ("youth_justice", "youth_justice.csv", "YOT Ref,Forename,Surname,DOB,Gender,Postcode,Offence Date,Outcome,Proven"),
    ("employment", "employment.csv", "NINO,First Name,Surname,Date of Birth,Postcode,Employment Start,Employment End,Benefit Left"),
];

/// The attributes and event type docs/partner-sources.md gives each source.
const FACTS: [(&str, &str, &[&str]); 8] = [
    (
        "schools",
        "attendance",
        &[
            "academic_year",
            "term",
            "sessions_possible",
            "sessions_missed",
            "unauthorised_absences",
            "fixed_term_exclusions",
            "permanent_exclusion",
        ],
    ),
    (
        "police",
        "incident",
        &[
            "occurrence_ref",
            "incident_category",
            "offence",
            "involvement",
        ],
    ),
    ("dwp", "benefit_claim", &["benefit_type"]),
    ("health", "health_contact", &["contact_type", "outcome"]),
    ("social_care", "care_episode", &["episode_type"]),
    (
        "housing",
        "housing_account",
        &["tenancy_ref", "notice_type", "arrears_balance"],
    ),
    ("youth_justice", "youth_offence", &["outcome", "proven"]),
    ("employment", "employment_spell", &["benefit_left"]),
];

#[test]
fn every_shipped_mapping_loads_and_matches_its_header() {
    let all = Mapping::load_dir(mappings_dir()).unwrap();
    assert_eq!(all.len(), SOURCES.len());
    for (source, file, header) in SOURCES {
        let m = shipped(source);
        assert_eq!(m.source(), source);
        let header: Vec<&str> = header.split(',').collect();
        m.check_header(&header)
            .unwrap_or_else(|e| panic!("{source}: {e}"));
        // Every column but DWP's Title is used.
        let unused: Vec<&str> = header
            .iter()
            .copied()
            .filter(|h| !m.columns().contains(h))
            .collect();
        let expected_unused: &[&str] = if source == "dwp" { &["Title"] } else { &[] };
        assert_eq!(unused, expected_unused, "{source}");
        // find_for picks it for the file synth writes.
        assert_eq!(
            Mapping::find_for(mappings_dir(), format!("/out/sources/{file}"))
                .unwrap()
                .source(),
            source
        );
    }
}

#[test]
fn shipped_mappings_have_the_documented_event_types_and_attributes() {
    for (source, event_type, attributes) in FACTS {
        let m = shipped(source);
        assert_eq!(m.event_type(), event_type, "{source}");
        let mut want: Vec<&str> = attributes.to_vec();
        want.sort();
        assert_eq!(m.attribute_names(), want, "{source}");
    }
    assert_eq!(shipped("housing").encoding(), Encoding::Windows1252);
    assert_eq!(shipped("health").encoding(), Encoding::Utf8);
    assert_eq!(shipped("social_care").sheet(), Some("Episodes"));
}
