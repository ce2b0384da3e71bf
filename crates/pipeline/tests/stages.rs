//! The pipeline's stages against a temporary store: a small synthetic borough imported,
//! linked and identified, then run again. SQLite in a temporary folder; the same on
//! PostgreSQL when `HEARTH_TEST_POSTGRES_URL` is set at build time.

mod support;

use chrono::NaiveDate;
use hearth_model::{MemberRole, RelationshipBasis};
use hearth_pipeline::import::FileOutcome;
use hearth_pipeline::{identify, link};
use hearth_store::{ReviewDecision, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::{as_at, borough, identify_at, import_all, on_postgresql, shipped, sqlite_store};

fn imported_rows(outcomes: &[FileOutcome]) -> u64 {
    outcomes
        .iter()
        .map(|o| match o {
            FileOutcome::Imported(s) => s.rows_imported,
            FileOutcome::AlreadyImported { file, .. } => panic!("{file} was already imported"),
            FileOutcome::Failed { file, error } => panic!("{file}: {error}"),
            _ => panic!("unexpected outcome"),
        })
        .sum()
}

/// Import, link, identify; then link and identify again on the same data: counts agree with
/// what was imported, person and family IDs are kept, and nothing is reported as changed.
fn the_stages_run_and_a_second_run_keeps_ids_and_changes_nothing(store: &mut Store, dir: &Path) {
    let files = borough(dir, 600, 7);
    assert!(files.len() >= 2, "{files:?}");
    let outcomes = import_all(store, &files, as_at());
    let rows = imported_rows(&outcomes);
    assert!(rows > 0);
    for o in import_all(store, &files, as_at()) {
        assert!(
            matches!(o, FileOutcome::AlreadyImported { .. }),
            "a file imported twice"
        );
    }

    let first = link::link_store(store, as_at()).unwrap();
    assert_eq!(first.records as u64, rows);
    assert!(first.people > 0 && first.people < first.records, "{first}");
    assert_eq!(first.new_people, first.people, "{first}");
    assert_eq!((first.merges, first.splits), (0, 0), "{first}");
    assert!(
        first.families > 0 && first.families <= first.households,
        "{first}"
    );
    assert_eq!(first.decisions_applied, 0);
    let people_before = store.person_assignment().unwrap();
    let families_before = store.families().unwrap();
    assert_eq!(families_before.len(), first.families);
    assert_eq!(store.pending_review().unwrap().len(), first.review_pairs);
    // A child's parent, read back, is one of the family's adults.
    for f in &families_before {
        for r in &f.relationships {
            let role_of = |p| f.members.iter().find(|m| m.person_id == p).map(|m| m.role);
            assert_eq!(role_of(r.parent_person_id), Some(MemberRole::Adult));
            assert!(RelationshipBasis::ALL.contains(&r.basis));
        }
    }

    let identified = identify_at(store, as_at());
    let id = &identified.identification;
    assert!(!identified.had_previous);
    assert_eq!(id.families.len(), first.families);
    let eligible: Vec<i64> = id.eligible().map(|f| f.family_id as i64).collect();
    assert!(!eligible.is_empty(), "{identified}");
    assert_eq!(identified.newly_eligible, eligible);
    let assessments = store.assessments(identified.run_id).unwrap();
    assert_eq!(assessments.len(), id.families.len());
    let ranks: Vec<i64> = assessments.iter().filter_map(|a| a.priority_rank).collect();
    assert_eq!(ranks, (1..=eligible.len() as i64).collect::<Vec<_>>());

    let second = link::link_store(store, as_at()).unwrap();
    assert_eq!(
        (second.records, second.people),
        (first.records, first.people)
    );
    assert_eq!(
        (second.new_people, second.merges, second.splits),
        (0, 0, 0),
        "{second}"
    );
    assert_eq!(store.person_assignment().unwrap(), people_before);
    assert_eq!(store.families().unwrap(), families_before);

    let again = identify_at(store, as_at());
    assert!(again.had_previous);
    assert!(again.newly_eligible.is_empty(), "{again}");
    assert!(again.no_longer_eligible.is_empty(), "{again}");
    assert!(again.new_evidence.is_empty(), "{again}");
    assert_eq!(
        again.identification.eligible().next().map(|f| f.family_id),
        id.eligible().next().map(|f| f.family_id)
    );
    assert!(again.to_string().contains(
        "Since the previous run: 0 newly eligible, 0 no longer eligible, 0 with new evidence"
    ));
}

#[test]
fn the_stages_run_on_sqlite_and_a_second_run_keeps_ids_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    the_stages_run_and_a_second_run_keeps_ids_and_changes_nothing(&mut store, tmp.path());
}

#[test]
fn a_later_run_reports_the_families_that_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    import_all(&mut store, &borough(tmp.path(), 600, 7), as_at());
    link::link_store(&mut store, as_at()).unwrap();
    let first = identify_at(&mut store, as_at());
    let before: BTreeSet<i64> = first
        .identification
        .eligible()
        .map(|f| f.family_id as i64)
        .collect();

    // Three years on, the evidence has aged out of the rules' windows.
    let later = NaiveDate::from_ymd_opt(2028, 9, 1).unwrap();
    let second = identify_at(&mut store, later);
    let now: BTreeSet<i64> = second
        .identification
        .eligible()
        .map(|f| f.family_id as i64)
        .collect();
    assert!(second.had_previous);
    assert!(!second.no_longer_eligible.is_empty(), "{second}");
    assert_eq!(
        second.no_longer_eligible,
        before.difference(&now).copied().collect::<Vec<_>>()
    );
    assert_eq!(
        second.newly_eligible,
        now.difference(&before).copied().collect::<Vec<_>>()
    );
    assert!(second
        .new_evidence
        .iter()
        .all(|f| before.contains(f) && now.contains(f)));
}

#[test]
fn only_two_files_import_and_link() {
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = borough(tmp.path(), 300, 7)
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name.starts_with("schools") || name.starts_with("police")
        })
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let mut store = sqlite_store(tmp.path());
    let rows = imported_rows(&import_all(&mut store, &files, as_at()));
    let report = link::link_store(&mut store, as_at()).unwrap();
    assert_eq!(report.records as u64, rows);
    assert_eq!(store.person_assignment().unwrap().len() as u64, rows);
}

#[test]
fn identify_needs_a_linkage_run_first() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    let (rules, sha) = identify::load_rules(&shipped("rules/expanded-2015.toml")).unwrap();
    let err = identify::identify_store(&mut store, &rules, &sha, as_at())
        .err()
        .expect("no linkage run");
    assert!(err.to_string().contains("run `hearth link` first"), "{err}");
}

#[test]
fn a_reviewers_decision_is_applied_by_the_next_run_and_not_asked_again() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    import_all(&mut store, &borough(tmp.path(), 600, 7), as_at());
    link::link_store(&mut store, as_at()).unwrap();
    let pending = store.pending_review().unwrap();
    let Some(pair) = pending.first() else {
        panic!("no pair to review in a borough of 600");
    };
    let decision = ReviewDecision {
        record_l: pair.record_l,
        record_r: pair.record_r,
        is_match: false,
    };
    assert!(store.decide_review(&decision, "reviewer").unwrap());
    let again = link::link_store(&mut store, as_at()).unwrap();
    assert_eq!(again.decisions_applied, 1, "{again}");
    assert!(!store
        .pending_review()
        .unwrap()
        .iter()
        .any(|p| (p.record_l, p.record_r) == (pair.record_l, pair.record_r)));
}

/// The same on PostgreSQL, in a schema of its own.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn the_stages_run_on_postgresql_and_a_second_run_keeps_ids_and_changes_nothing() {
    on_postgresql(
        "hearth_pipeline_test",
        the_stages_run_and_a_second_run_keeps_ids_and_changes_nothing,
    );
}

/// `hearth link --incremental`: the police file arrives after the last run; only its records
/// are linked, into the last run's people. Every earlier record keeps its person ID, the new
/// records' people agree with a full re-link, and the last run's review queue is kept.
#[test]
fn an_incremental_run_links_a_new_file_into_the_people_and_keeps_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    let files = borough(tmp.path(), 600, 7);
    let (police, rest): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
        f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("police")
    });
    assert_eq!(police.len(), 1, "{police:?}");
    import_all(&mut store, &rest, as_at());
    // No earlier run: an incremental run links everything and says why.
    let first = link::link_store_with(&mut store, as_at(), link::LinkMode::Incremental).unwrap();
    assert!(
        matches!(&first.linked, link::Linked::FullInstead { reason } if reason.contains("no earlier linkage run")),
        "{first}"
    );
    let before: std::collections::HashMap<_, _> =
        store.person_assignment().unwrap().into_iter().collect();
    let pending_before = store.pending_review().unwrap().len();
    let rows = imported_rows(&import_all(&mut store, &police, as_at()));

    let inc = link::link_store_with(&mut store, as_at(), link::LinkMode::Incremental).unwrap();
    assert_eq!(
        inc.linked,
        link::Linked::Incremental {
            new_records: rows as usize
        },
        "{inc}"
    );
    assert!(inc
        .to_string()
        .contains("new records linked into the last run's people"));
    let after: std::collections::HashMap<_, _> =
        store.person_assignment().unwrap().into_iter().collect();
    assert_eq!(after.len(), before.len() + rows as usize);
    let changed = before.iter().filter(|(r, p)| after[r] != **p).count();
    assert_eq!(changed, 0, "{inc}");
    assert!(inc.families > 0);
    assert!(store.pending_review().unwrap().len() >= pending_before.min(1));
    // Police records joined people already known (not all new people).
    let known = after
        .iter()
        .filter(|(r, _)| !before.contains_key(r))
        .filter(|(_, p)| before.values().any(|q| q == *p))
        .count();
    assert!(known * 2 > rows as usize, "{known} of {rows}");

    // A full re-link puts the records together (nearly) the same way.
    let full = link::link_store(&mut store, as_at()).unwrap();
    assert_eq!(full.linked, link::Linked::Full);
    let diff = (full.people as i64 - inc.people as i64).abs();
    assert!(
        diff * 100 <= inc.people as i64,
        "people: incremental {} full {}",
        inc.people,
        full.people
    );

    // A reviewer's decision since the last run: a full re-link instead, saying why.
    let pair = store
        .pending_review()
        .unwrap()
        .into_iter()
        .next()
        .expect("a pair to review");
    let decision = ReviewDecision {
        record_l: pair.record_l,
        record_r: pair.record_r,
        is_match: false,
    };
    assert!(store.decide_review(&decision, "reviewer").unwrap());
    let refused = link::link_store_with(&mut store, as_at(), link::LinkMode::Incremental).unwrap();
    assert!(
        matches!(&refused.linked, link::Linked::FullInstead { reason } if reason.contains("reviewers")),
        "{refused}"
    );
    // And then incremental again (nothing new: nothing changes).
    let again = link::link_store_with(&mut store, as_at(), link::LinkMode::Incremental).unwrap();
    assert_eq!(
        again.linked,
        link::Linked::Incremental { new_records: 0 },
        "{again}"
    );
    assert_eq!(again.people, refused.people);
}
