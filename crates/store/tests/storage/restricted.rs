//! A restriction of processing is withheld from every view of a family from the moment it is
//! recorded (UK GDPR Art. 18), not from the next linkage run: `Store::family_view` reads the
//! restrictions in force with the rest and leaves out the person's evidence, records,
//! identifiers and the assessment entries about them, saying who was withheld; exports find
//! the family through the restriction; lifting puts the person back at once.

use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_model::MemberRole;
use hearth_store::*;
use std::collections::BTreeSet;

both!(a_restriction_is_withheld_from_the_family_view_at_once_and_lifting_brings_it_back,);

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap()
}

/// Zoë (person 11, a child of 15: a children's services record) and Adam (person 12, an adult:
/// a police record) in family 5, each with evidence of a problem of their own. Returns the
/// run's key and the two records.
fn family(store: &mut Store) -> (i64, [RecordId; 2]) {
    let mut adam = full_row(3);
    adam.identity.given_name = Some("Adam".into());
    adam.identity.source_person_id = Some("P-0002".into());
    imported(
        store
            .write_batch(&batch("police", "aa", 2), &[full_row(2), adam], &[])
            .unwrap(),
    );
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    let (zoe, adam) = (ids[0], ids[1]);
    let member = |person_id, role, age| FamilyMember {
        person_id,
        role,
        age: Some(age),
    };
    let link_run = store
        .save_linkage(&LinkageResults {
            summary: &LinkRunSummary {
                records: 2,
                people: 2,
                candidate_pairs: 0,
                matched_pairs: 0,
                review_pairs: 0,
                threshold: 0.0,
                families: 1,
                as_at: date(2026, 3, 1),
                report: "{}".into(),
            },
            assignment: &[(zoe, 11), (adam, 12)],
            changes: &[],
            review: &[],
            families: &[StoredFamily {
                family_id: 5,
                members: vec![
                    member(11, MemberRole::Child, 15),
                    member(12, MemberRole::Adult, 40),
                ],
                relationships: vec![],
                area: None,
            }],
        })
        .unwrap();
    let evidence = |problem: &str, person_id, record: RecordId| EvidenceRow {
        family_id: 5,
        problem_key: problem.into(),
        indicator_key: format!("{problem}.x"),
        person_id,
        record_ids: vec![record.0],
        value: None,
    };
    let run = store
        .save_identification(
            &IdentificationRun {
                id: 0,
                as_at: date(2026, 3, 1),
                profile: "expanded-2015".into(),
                rules_sha256: "ab".repeat(32),
                link_run_id: link_run,
                families_assessed: 1,
                families_eligible: 1,
                labels: Default::default(),
            },
            &[],
            &[
                evidence("children_need_help", 11, zoe),
                evidence("crime_asb", 12, adam),
            ],
        )
        .unwrap();
    (run, [zoe, adam])
}

fn view(
    store: &mut Store,
    run: i64,
    people: &[i64],
    with_evidence: bool,
    read_under: Option<&BTreeSet<i64>>,
) -> FamilyView {
    store
        .family_view(
            FamilyViewRequest {
                family_id: 5,
                run_id: Some(run),
                with_evidence,
                people,
                case: CaseSource::Known(None),
                evidence_restrictions: read_under,
            },
            |_| {
                Some(FamilyReads {
                    identifiers: true,
                    notes: true,
                    work: true,
                })
            },
        )
        .unwrap()
}

fn people_of(v: &FamilyView) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let mut evidence: Vec<i64> = v.evidence.iter().map(|e| e.person_id).collect();
    evidence.sort();
    let mut records: Vec<i64> = v.record_people.iter().map(|r| r.1).collect();
    records.sort();
    let mut identities: Vec<i64> = v.identities.iter().map(|i| i.person_id).collect();
    identities.sort();
    identities.dedup();
    (evidence, records, identities)
}

fn a_restriction_is_withheld_from_the_family_view_at_once_and_lifting_brings_it_back(
    store: &mut Store,
    _db: &TestDb,
) {
    let (run, [zoe, adam]) = family(store);
    let before = view(store, run, &[11, 12], true, None);
    assert_eq!(
        people_of(&before),
        (vec![11, 12], vec![11, 12], vec![11, 12])
    );
    assert!(before.withheld.is_empty() && before.restricted.is_empty());
    assert_eq!(before.trails.len(), 2);

    let id = store
        .restrict(&RightsRequest {
            person_id: 11,
            reason: "accuracy contested".into(),
            ground: "Art. 18(1)(a)".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap();

    // At once, with the run's members as they were (a server's cache of the run).
    let after = view(store, run, &[11, 12], true, None);
    assert_eq!(people_of(&after), (vec![12], vec![12], vec![12]));
    assert_eq!(
        after.trails.iter().map(|t| t.record_id).collect::<Vec<_>>(),
        vec![adam]
    );
    assert_eq!(after.withheld, BTreeSet::from([11]));
    assert_eq!(
        after.withheld_problems,
        BTreeSet::from(["children_need_help".to_string()])
    );
    assert_eq!(after.restricted.ids, BTreeSet::from([id]));
    assert!(after.restricted.hides_record(zoe.0));
    // With the current members (a server started since): still withheld, by the family the
    // restriction kept.
    assert_eq!(
        store.families().unwrap()[0]
            .members
            .iter()
            .map(|m| m.person_id)
            .collect::<Vec<_>>(),
        vec![12]
    );
    assert_eq!(
        view(store, run, &[12], false, None).withheld,
        BTreeSet::from([11])
    );
    // Evidence the caller read under other restrictions is read again; under these, not.
    let none = BTreeSet::new();
    let stale = view(store, run, &[11, 12], false, Some(&none));
    assert!(stale.evidence_read);
    assert_eq!(people_of(&stale).0, vec![12]);
    let fresh = view(store, run, &[11, 12], false, Some(&after.restricted.ids));
    assert!(!fresh.evidence_read && fresh.evidence.is_empty());
    // Every output that leaves Hearth finds the family through the restriction.
    assert_eq!(
        store.families_of(&BTreeSet::from([11])).unwrap(),
        BTreeSet::from([5])
    );

    // Lifted: put back as they were, and shown again at once.
    assert!(store.lift_restriction(id, "dpo", at()).unwrap());
    let mut assignment = store.person_assignment().unwrap();
    assignment.sort();
    assert_eq!(assignment, vec![(zoe, 11), (adam, 12)]);
    let members: Vec<(i64, MemberRole, Option<i64>)> = store.families().unwrap()[0]
        .members
        .iter()
        .map(|m| (m.person_id, m.role, m.age))
        .collect();
    assert!(
        members.contains(&(11, MemberRole::Child, Some(15))),
        "{members:?}"
    );
    assert!(!store.person_identities(&[11]).unwrap().is_empty());
    let lifted = view(store, run, &[11, 12], true, None);
    assert_eq!(
        people_of(&lifted),
        (vec![11, 12], vec![11, 12], vec![11, 12])
    );
    assert!(lifted.withheld.is_empty() && lifted.withheld_problems.is_empty());
    assert!(store
        .families_of(&BTreeSet::from([11]))
        .unwrap()
        .contains(&5));
}
