//! The cohort: the period's files unchanged, determinism, attachments, the truth's results
//! consistent with the facts, and the files written.

use crate::{generate, Borough, Config};
use std::sync::OnceLock;

fn pair() -> &'static (Borough, Borough) {
    static B: OnceLock<(Borough, Borough)> = OnceLock::new();
    B.get_or_init(|| {
        let plain = Config {
            people: 4_000,
            seed: 5,
            ..Default::default()
        };
        let cohort = Config {
            cohort: Some(super::Cohort::default()),
            ..plain.clone()
        };
        (
            generate(&plain).expect("plain"),
            generate(&cohort).expect("cohort"),
        )
    })
}

#[test]
fn the_periods_files_are_the_same_with_or_without_a_cohort() {
    let (plain, cohort) = pair();
    assert_eq!(plain.sources(), cohort.sources());
    assert_eq!(plain.facts(), cohort.facts());
    assert!(plain.followup().is_none());
}

#[test]
fn the_cohort_is_deterministic_and_attaches_eligible_families_over_two_years() {
    let (_, b) = pair();
    let again = generate(b.config()).expect("again");
    let (fu, fu2) = (b.followup().unwrap(), again.followup().unwrap());
    assert_eq!(fu.sources, fu2.sources);
    assert_eq!(fu.employment, fu2.employment);
    assert_eq!(fu.attachments, fu2.attachments);
    let families = crate::truth::families(b);
    let eligible = families.iter().filter(|f| f.eligible()).count();
    assert_eq!(fu.attachments.len(), eligible);
    let attached: Vec<_> = fu.attachments.iter().filter(|a| a.attached).collect();
    assert!(
        attached.len() * 3 > eligible && attached.len() < eligible,
        "{} of {eligible}",
        attached.len()
    );
    let c = &fu.cohort;
    assert!(attached
        .iter()
        .all(|a| a.date >= c.attach_from && a.date <= c.attach_to));
    // Every event of the follow-up falls after the as-at date (restated spells start before).
    assert!(fu
        .facts
        .incidents
        .iter()
        .all(|i| i.date > crate::dates::AS_AT));
    assert!(fu.facts.attendance.iter().all(|a| a.term >= 9));
    assert!(!fu.employment.is_empty());
}

#[test]
fn true_results_fall_after_attachment_and_employment_follows_a_claim() {
    let (_, b) = pair();
    let fu = b.followup().unwrap();
    let results = super::oracle::outcomes(b, fu);
    assert!(!results.is_empty());
    for r in &results {
        let a = fu
            .attachments
            .iter()
            .find(|a| a.household == r.household)
            .unwrap();
        assert!(a.attached);
        assert!(r.achieved_on >= a.date);
        if r.kind == super::oracle::SSP {
            // Sustained for six months after attachment at the earliest.
            assert!(r.achieved_on >= a.date + chrono::Months::new(6) - chrono::Days::new(1));
        } else {
            let members = &b.households()[r.household].members;
            assert!(fu
                .employment
                .iter()
                .any(|j| members.contains(&j.person) && j.start <= r.achieved_on));
        }
    }
    assert!(results.iter().any(|r| r.kind == super::oracle::CE));
}

#[test]
fn the_cohorts_files_are_written_beside_the_periods() {
    let (_, b) = pair();
    let dir = tempfile::tempdir().unwrap();
    crate::write(b, dir.path()).unwrap();
    for f in [
        "sources/police_followup.csv",
        "sources/schools_followup.csv",
        "sources/dwp_followup.csv",
        "sources/social_care_followup.xlsx",
        "sources/employment.csv",
        "programme/attachments.csv",
        "truth/outcomes.csv",
        "truth/service_use.csv",
        "truth/attachments.csv",
        "truth/effects.toml",
        "truth/followup_records.csv",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let employment = std::fs::read_to_string(dir.path().join("sources/employment.csv")).unwrap();
    assert!(employment.starts_with("NINO,First Name,Surname,Date of Birth,Postcode,Employment Start,Employment End,Benefit Left\r\n"));
    let use_ = std::fs::read_to_string(dir.path().join("truth/service_use.csv")).unwrap();
    assert_eq!(
        use_.lines().count(),
        1 + 5 * b.followup().unwrap().attachments.len()
    );
    // Spells starting in a band (what the evaluation counts) beside children with one open:
    // a child who starts a spell in a band has one open in it.
    let mut reader = csv::Reader::from_reader(use_.as_bytes());
    let h = reader.headers().unwrap().clone();
    let at = |name: &str| h.iter().position(|c| c == name).unwrap();
    let pairs = [
        (at("looked_after_starts"), at("children_looked_after")),
        (at("child_protection_starts"), at("child_protection_plans")),
    ];
    for row in reader.records().map(Result::unwrap) {
        for (starts, open) in pairs {
            let n = |i: usize| row[i].parse::<u32>().unwrap();
            assert!(n(starts) == 0 || n(open) > 0, "{row:?}");
        }
    }
}

#[test]
fn the_attachment_list_gives_each_familys_home_on_its_attachment_date() {
    let (_, b) = pair();
    let dir = tempfile::tempdir().unwrap();
    crate::write(b, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("programme/attachments.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        super::write::ATTACHMENT_HEADER.to_vec()
    );
    let fu = b.followup().unwrap();
    let mut listed: Vec<_> = fu.attachments.iter().filter(|a| a.attached).collect();
    listed.sort_by_key(|a| (a.date, a.household));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), listed.len());
    for (row, a) in rows.iter().zip(&listed) {
        let hh = &b.households[a.household];
        let home = b.geo.address(hh.address_on(a.date));
        assert_eq!(&row[5], format!("{}, {}", home.line, home.town));
        assert_eq!(&row[6], home.postcode);
        if let Some((old, moved)) = hh.moved_from.filter(|(_, moved)| *moved <= a.date) {
            // A family that moved before its attachment is listed at its new home.
            let old = b.geo.address(old);
            assert!(
                row[5] != format!("{}, {}", old.line, old.town) || row[6] != old.postcode,
                "moved on {moved}"
            );
        }
    }
}
