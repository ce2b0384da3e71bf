//! Linkage results: runs, people and families round-trip and are replaced by the next run
//! (decided review pairs kept), each person's distinct identifiers are grouped, and the
//! vocabularies (member role, relationship basis, change kind) are stored by key and read
//! back typed, old relationship text included.

use crate::fixtures::*;
use crate::harness::TestDb;
use hearth_model::{MemberRole, PersonChangeKind, RelationshipBasis};
use hearth_store::*;

both!(
    linkage_results_round_trip_and_replace,
    person_identities_follow_the_linkage,
    vocabularies_are_stored_by_key_and_older_text_still_reads,
);

fn linkage_results_round_trip_and_replace(store: &mut Store, _db: &TestDb) {
    assert_eq!(store.latest_link_run().unwrap(), None);
    let family = |id: i64, people: &[i64]| StoredFamily {
        family_id: id,
        members: people
            .iter()
            .map(|&p| FamilyMember {
                person_id: p,
                role: if p % 2 == 0 {
                    MemberRole::Child
                } else {
                    MemberRole::Adult
                },
                age: if p % 2 == 0 { Some(9) } else { None },
            })
            .collect(),
        relationships: vec![FamilyRelationship {
            parent_person_id: people[0],
            child_person_id: people[1],
            basis: RelationshipBasis::AgeGapAndFamilyName,
        }],
        area: (id % 2 == 1).then(|| format!("WA7 {id}")),
    };
    let summary = LinkRunSummary {
        records: 4,
        people: 3,
        candidate_pairs: 6,
        matched_pairs: 1,
        review_pairs: 2,
        threshold: 7.5,
        families: 1,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let review = vec![
        ReviewPair {
            record_l: RecordId(1),
            record_r: RecordId(3),
            match_probability: 0.6,
            match_weight: 0.5,
            explanation: "[]".into(),
        },
        ReviewPair {
            record_l: RecordId(2),
            record_r: RecordId(4),
            match_probability: 0.3,
            match_weight: -1.0,
            explanation: "[]".into(),
        },
    ];
    let assignment = vec![
        (RecordId(1), 11),
        (RecordId(2), 12),
        (RecordId(3), 11),
        (RecordId(4), 13),
    ];
    let families = vec![family(5, &[11, 12])];
    let run = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment,
            changes: &[PersonChange {
                kind: PersonChangeKind::New,
                person_id: 11,
                detail: "".into(),
            }],
            review: &review,
            families: &families,
        })
        .unwrap();
    assert_eq!(
        store.latest_link_run().unwrap(),
        Some((run, date(2025, 9, 1)))
    );
    assert_eq!(store.person_assignment().unwrap(), assignment);
    assert_eq!(store.families().unwrap(), families);
    assert_eq!(store.pending_review().unwrap(), review);

    // A reviewer decides one pair; the next run replaces the pending queue and the
    // families but keeps the decision and does not queue the decided pair again.
    let decision = ReviewDecision {
        record_l: RecordId(1),
        record_r: RecordId(3),
        is_match: false,
    };
    assert!(store.decide_review(&decision, "reviewer").unwrap());
    assert!(!store
        .decide_review(
            &ReviewDecision {
                record_l: RecordId(7),
                record_r: RecordId(8),
                is_match: true
            },
            "reviewer"
        )
        .unwrap());
    let families2 = vec![family(5, &[11, 12]), family(6, &[13, 14])];
    let run2 = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment[..2],
            changes: &[],
            review: &review,
            families: &families2,
        })
        .unwrap();
    assert!(run2 > run);
    assert_eq!(store.person_assignment().unwrap(), assignment[..2].to_vec());
    assert_eq!(store.families().unwrap(), families2);
    assert_eq!(store.pending_review().unwrap(), review[1..].to_vec());
    assert_eq!(store.review_decisions().unwrap(), vec![decision]);
}

fn person_identities_follow_the_linkage(store: &mut Store, _db: &TestDb) {
    let rows = vec![full_row(2), full_row(3), empty_row(4)];
    let info = imported(
        store
            .write_batch(&batch("police", &"c".repeat(64), 3), &rows, &[])
            .unwrap(),
    );
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    assert_eq!(ids.len(), 3, "{info:?}");
    let summary = LinkRunSummary {
        records: 3,
        people: 2,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 0,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let assignment = [(ids[0], 100), (ids[1], 100), (ids[2], 200)];
    store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment,
            changes: &[],
            review: &[],
            families: &[],
        })
        .unwrap();
    let found = store.person_identities(&[100]).unwrap();
    assert_eq!(found.iter().map(|p| p.records).sum::<i64>(), 2);
    assert_eq!(found.len(), 1, "the same identifiers twice are read once");
    assert!(found.iter().all(|p| p.person_id == 100));
    let expected = &rows[0].identity;
    assert_eq!(found[0].record_id, ids[0].0);
    assert_eq!(found[0].family_name, expected.family_name);
    assert_eq!(found[0].given_name, expected.given_name);
    assert_eq!(found[0].date_of_birth, expected.date_of_birth);
    assert_eq!(found[0].address, expected.address);
    assert_eq!(
        found[0].postcode.as_deref(),
        expected.postcode.as_ref().map(|p| p.as_str())
    );
    let empty = store.person_identities(&[200]).unwrap();
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].family_name, None);
    assert!(store.person_identities(&[999]).unwrap().is_empty());
}

fn vocabularies_are_stored_by_key_and_older_text_still_reads(store: &mut Store, db: &TestDb) {
    let summary = LinkRunSummary {
        records: 3,
        people: 3,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 1,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let member = |person_id, role| FamilyMember {
        person_id,
        role,
        age: None,
    };
    let families = vec![StoredFamily {
        family_id: 1,
        members: vec![
            member(10, MemberRole::Adult),
            member(11, MemberRole::Adult),
            member(12, MemberRole::Child),
        ],
        relationships: vec![
            FamilyRelationship {
                parent_person_id: 10,
                child_person_id: 12,
                basis: RelationshipBasis::AgeGapAndFamilyName,
            },
            FamilyRelationship {
                parent_person_id: 11,
                child_person_id: 12,
                basis: RelationshipBasis::AgeGap,
            },
        ],
        area: None,
    }];
    let changes: Vec<PersonChange> = PersonChangeKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| PersonChange {
            kind,
            person_id: 10 + i as i64,
            detail: String::new(),
        })
        .collect();
    store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &[],
            changes: &changes,
            review: &[],
            families: &families,
        })
        .unwrap();
    assert_eq!(store.families().unwrap(), families);
    // Stored by key.
    let relationships = db.dump("family_relationship").join("\n");
    assert!(
        relationships.contains("age_gap_and_family_name"),
        "{relationships}"
    );
    let kinds = db.dump("person_change").join("\n");
    for kind in ["new", "merged", "split"] {
        assert!(kinds.contains(kind), "{kinds}");
    }

    // Rows written before the basis was typed hold its words; they read the same.
    db.exec(
        "UPDATE family_relationship SET basis = 'age gap and family name' \
         WHERE parent_person_id = 10; \
         UPDATE family_relationship SET basis = 'age gap' WHERE parent_person_id = 11",
    )
    .unwrap();
    assert_eq!(store.families().unwrap(), families);

    // Anything else is a typed error naming the table and column, not a panic.
    db.exec("UPDATE family_relationship SET basis = 'hunch' WHERE parent_person_id = 11")
        .unwrap();
    let err = store.families().unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                table: "family_relationship",
                column: "basis",
                ..
            }
        ),
        "{err:?}"
    );
}
