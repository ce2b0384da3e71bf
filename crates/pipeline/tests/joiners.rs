//! The Outcomes Plan's joiners (`[household]`): a small synthetic borough with its cohort
//! imported, linked, identified and attached; a family claimed for significant and sustained
//! progress is then joined at its home by someone no attached family holds, whose new
//! out-of-work benefit claim (a later DWP extract) holds the family's progress back, and only
//! with the rule on. SQLite in a temporary folder; the same on PostgreSQL when
//! `HEARTH_TEST_POSTGRES_URL` is set at build time.

mod support;

use chrono::{NaiveDate, Utc};
use hearth_model::standardise::address::address_key;
use hearth_outcomes::{Baseline, FamilyOutcome, Plan, ResultKind, JOINED_HOUSEHOLD};
use hearth_pipeline::link::LinkMode;
use hearth_pipeline::{import, link, outcomes};
use hearth_store::Store;
use std::path::Path;
use support::{
    cohort_borough, import_all, import_link_identify, on_postgresql, shipped, sqlite_store,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn progress_on(store: &mut Store, family: i64) -> (Option<NaiveDate>, FamilyOutcome) {
    let stored = store.family_outcome(family).unwrap().expect("judged");
    let o: FamilyOutcome = serde_json::from_str(&stored.outcome).unwrap();
    let on = o
        .results
        .iter()
        .find(|r| r.kind == ResultKind::SignificantAndSustainedProgress)
        .map(|r| r.achieved_on);
    (on, o)
}

fn judge(store: &mut Store, plan: &Plan, as_at: NaiveDate) -> outcomes::OutcomesReport {
    outcomes::evaluate(store, plan, "sha", as_at, Utc::now()).unwrap()
}

fn a_joiners_new_claim_holds_the_familys_progress_back(store: &mut Store, dir: &Path) {
    let identified_on = d(2025, 9, 1);
    let judged_on = d(2027, 8, 31);
    let files = cohort_borough(dir, 3_000, 7);
    import_link_identify(store, &files, judged_on, identified_on);
    let (on, _) = outcomes::load_plan(&shipped("rules/outcomes-cheshire-east-2015.toml")).unwrap();
    assert!(on.household.as_ref().is_some_and(|h| h.joiners));
    let mut off = on.clone();
    off.household.as_mut().unwrap().joiners = false;
    let listed = outcomes::read_attachments(&dir.join("programme/attachments.csv")).unwrap();
    outcomes::attach(store, &off, &listed, Utc::now(), "test").unwrap();
    judge(store, &off, judged_on);

    // A family claimed for progress on day `claimed`, and a day in (attachment, claimed] on
    // which a member was recorded at an address: the family lives there then.
    let baselines: Vec<Baseline> = store
        .baselines()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_str(&b.baseline).unwrap())
        .collect();
    let mut chosen = None;
    for b in &baselines {
        let Some(claimed) = progress_on(store, b.family_id).0 else {
            continue;
        };
        let members: Vec<i64> = b.members.iter().map(|m| m.person_id).collect();
        let home = store
            .dated_addresses_of(&members)
            .unwrap()
            .into_iter()
            .filter(|a| a.on > b.attached_on && a.on <= claimed)
            .filter(|a| address_key(a.address.as_deref(), a.postcode.as_deref()).is_some())
            .max_by_key(|a| a.on);
        if let Some(home) = home {
            chosen = Some((b.clone(), claimed, home));
            break;
        }
    }
    let (family, claimed, home) = chosen.expect("a family claimed for progress");

    // Someone new at the family's home, on JSA from that day (their only record).
    let extra = dir.join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    let mut w = csv::Writer::from_path(extra.join("dwp_joiner.csv")).unwrap();
    w.write_record([
        "NINO",
        "First Name",
        "Surname",
        "Date of Birth",
        "Address",
        "Postcode",
        "Claim Start",
        "Claim End",
        "Benefit Type",
    ])
    .unwrap();
    let start = home.on.to_string();
    w.write_record([
        "",
        "Zebedee",
        "Quillfeather",
        "1988-02-29",
        home.address.as_deref().unwrap_or_default(),
        home.postcode.as_deref().unwrap_or_default(),
        start.as_str(),
        "",
        "JSA",
    ])
    .unwrap();
    w.flush().unwrap();
    drop(w);
    let files = import::partner_files(&[extra]).unwrap();
    let imported = import_all(store, &files, judged_on);
    assert!(
        matches!(&imported[..], [import::FileOutcome::Imported(s)] if s.rows_imported == 1),
        "the joiner's row was not imported as a new batch"
    );
    link::link_store_with(store, identified_on, LinkMode::Incremental).unwrap();

    // Without the rule the family is still claimed; with it, the joiner's claim holds it back.
    judge(store, &off, judged_on);
    assert_eq!(progress_on(store, family.family_id).0, Some(claimed));
    let report = judge(store, &on, judged_on);
    assert!(report.joined.0 >= 1, "{report}");
    let (now, outcome) = progress_on(store, family.family_id);
    assert!(
        now.is_none(),
        "claimed on {now:?} despite the joiner's claim from {}",
        home.on
    );
    assert!(
        outcome
            .joined
            .iter()
            .all(|e| e.measure_key == JOINED_HOUSEHOLD),
        "every joiner is shown as joined_household"
    );
    let theirs = outcome
        .joined
        .iter()
        .find(|e| e.from == home.on)
        .expect("the joiner, from the day of their claim");
    assert_eq!(theirs.source.as_deref(), Some("dwp"));
    assert!(family
        .members
        .iter()
        .all(|m| Some(m.person_id) != theirs.person_id));
}

#[test]
fn a_joiners_new_claim_holds_the_familys_progress_back_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    a_joiners_new_claim_holds_the_familys_progress_back(&mut store, tmp.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_joiners_new_claim_holds_the_familys_progress_back_on_postgresql() {
    on_postgresql(
        "hearth_joiners_test",
        a_joiners_new_claim_holds_the_familys_progress_back,
    );
}
