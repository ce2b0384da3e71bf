//! Attaching the council's list when its member is not found: a small synthetic borough with
//! its cohort imported, linked and identified; the list's rows then name nobody any record
//! carries, so only the family's address the list gives can find the family. SQLite in a
//! temporary folder; the same on PostgreSQL when `HEARTH_TEST_POSTGRES_URL` is set at build
//! time.

mod support;

use chrono::Utc;
use hearth_pipeline::outcomes::{self, AttachmentRow, ListedAddress};
use hearth_store::Store;
use std::collections::BTreeSet;
use std::path::Path;
use support::{as_at, cohort_borough, import_link_identify, on_postgresql, shipped, sqlite_store};

/// A valid NHS number no synthetic record carries (the generator's start with 4).
fn unknown_nhs_number(i: u32) -> String {
    (i..)
        .map(|n| format!("999{n:06}"))
        .find_map(|nine| {
            let sum: u32 = nine
                .bytes()
                .zip((2..=10).rev())
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            let check = 11 - sum % 11;
            match check {
                11 => Some(format!("{nine}0")),
                10 => None,
                c => Some(format!("{nine}{c}")),
            }
        })
        .unwrap()
}

fn attached_families(store: &mut Store) -> BTreeSet<i64> {
    store
        .baselines()
        .unwrap()
        .iter()
        .map(|b| b.family_id)
        .collect()
}

fn members_found_only_by_the_listed_address(store: &mut Store, dir: &Path) {
    let files = cohort_borough(dir, 3_000, 7);
    import_link_identify(store, &files, as_at(), as_at());
    let (plan, _) =
        outcomes::load_plan(&shipped("rules/outcomes-cheshire-east-2015.toml")).unwrap();

    let listed = outcomes::read_attachments(&dir.join("programme/attachments.csv")).unwrap();
    assert!(listed.len() >= 10, "{}", listed.len());
    assert!(listed.iter().all(|r| r.address.is_some()));
    // Nobody any record carries: a new NHS number, no names.
    let unknown: Vec<AttachmentRow> = listed
        .iter()
        .enumerate()
        .map(|(i, r)| AttachmentRow {
            nhs_number: unknown_nhs_number(i as u32 * 20),
            name_and_birth: None,
            ..r.clone()
        })
        .collect();

    // Without the address, or at an address where no family is recorded: nothing attached.
    let no_address: Vec<AttachmentRow> = unknown
        .iter()
        .map(|r| AttachmentRow {
            address: None,
            ..r.clone()
        })
        .collect();
    let report = outcomes::attach(store, &plan, &no_address, Utc::now(), "test").unwrap();
    assert_eq!(
        (report.frozen, report.by_listed_address),
        (0, 0),
        "{report}"
    );
    assert_eq!(report.not_found.len(), listed.len(), "{report}");
    let elsewhere: Vec<AttachmentRow> = unknown
        .iter()
        .map(|r| AttachmentRow {
            address: Some(ListedAddress {
                line: Some("1 Nowhere Road".into()),
                postcode: Some(hearth_model::Postcode::parse("ZE1 0AA").unwrap()),
            }),
            ..r.clone()
        })
        .collect();
    let report = outcomes::attach(store, &plan, &elsewhere, Utc::now(), "test").unwrap();
    assert_eq!(report.frozen, 0, "{report}");
    assert_eq!(report.not_found.len(), listed.len(), "{report}");
    assert!(attached_families(store).is_empty());

    // With the family's address: most rows attach their family by it.
    let report = outcomes::attach(store, &plan, &unknown, Utc::now(), "test").unwrap();
    assert_eq!(report.by_address, 0, "{report}");
    assert_eq!(report.by_listed_address, report.frozen, "{report}");
    assert!(
        report.frozen * 10 >= listed.len() * 9,
        "{} of {}: {report}",
        report.frozen,
        listed.len()
    );
    assert_eq!(
        report.frozen + report.not_found.len(),
        listed.len(),
        "{report}"
    );
    let by_address = attached_families(store);

    // The same families as the list's own NHS numbers find.
    let report = outcomes::attach(store, &plan, &listed, Utc::now(), "test").unwrap();
    let all = attached_families(store);
    assert!(all.is_superset(&by_address));
    assert!(
        report.already * 10 >= by_address.len() * 9,
        "{} of {} families attached by address are the list's own: {report}",
        report.already,
        by_address.len()
    );
}

#[test]
fn a_member_no_record_carries_is_attached_by_the_listed_address_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    members_found_only_by_the_listed_address(&mut store, tmp.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_member_no_record_carries_is_attached_by_the_listed_address_on_postgresql() {
    on_postgresql(
        "hearth_attach_test",
        members_found_only_by_the_listed_address,
    );
}

/// A lead worker records in the casework that a family agreed to take part: the next judging
/// freezes its baseline, dated that day, and judges it; a family only contacted is not
/// attached, and a baseline once frozen is not frozen again.
fn families_agreed_in_the_casework_are_attached_at_the_next_judging(store: &mut Store, dir: &Path) {
    use hearth_model::CaseStatus;
    let files = cohort_borough(dir, 3_000, 7);
    import_link_identify(store, &files, as_at(), as_at());
    let (plan, sha) =
        outcomes::load_plan(&shipped("rules/outcomes-cheshire-east-2015.toml")).unwrap();
    let families = store.families().unwrap();
    let (agreed, contacted) = (families[0].family_id, families[1].family_id);
    let day = |d: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, 10, d)
            .unwrap()
            .and_hms_opt(11, 0, 0)
            .unwrap()
            .and_utc()
    };
    for (family, status) in [
        (agreed, CaseStatus::Agreed),
        (contacted, CaseStatus::Contacted),
    ] {
        let mut case = hearth_store::FamilyCase::new(family, day(1), "lw1");
        case.set_status(CaseStatus::Contacted, day(2), "lw1");
        store.save_family_case(&case).unwrap();
        case.set_status(status, day(6), "lw1");
        store.save_family_case(&case).unwrap();
    }
    assert!(store.baseline(agreed).unwrap().is_none());
    let history = store.case_history(agreed).unwrap();

    let report = outcomes::attach_from_casework(store, &plan, Utc::now(), "test").unwrap();
    assert_eq!(report.frozen, 1, "{report}");
    assert!(report.not_in_run.is_empty(), "{report}");
    let baseline = store.baseline(agreed).unwrap().expect("frozen");
    assert_eq!(baseline.attached_on, day(6).date_naive());
    assert!(store.baseline(contacted).unwrap().is_none());
    assert_eq!(
        store.case_history(agreed).unwrap(),
        history,
        "the case's history is left as the lead worker made it"
    );

    let again = outcomes::attach_from_casework(store, &plan, Utc::now(), "test").unwrap();
    assert_eq!(again.frozen, 0, "{again}");
    let end = chrono::NaiveDate::from_ymd_opt(2027, 8, 31).unwrap();
    outcomes::evaluate(store, &plan, &sha, end, Utc::now()).unwrap();
    assert!(store.family_outcome(agreed).unwrap().is_some());
    assert!(store.family_outcome(contacted).unwrap().is_none());
}

#[test]
fn families_agreed_in_the_casework_are_attached_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    families_agreed_in_the_casework_are_attached_at_the_next_judging(&mut store, tmp.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn families_agreed_in_the_casework_are_attached_on_postgresql() {
    on_postgresql(
        "hearth_attach_casework_test",
        families_agreed_in_the_casework_are_attached_at_the_next_judging,
    );
}
