//! A person's rights (issue 13): the subject access register covers every table that could
//! hold a person's data (a new table without coverage fails), subject access shows what is
//! held on one person and nothing of another's identifiers, rectification, restriction and
//! erasure (with its tombstone), and objections following their person through a partner's
//! re-sent file.

use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_model::{MemberRole, NiNumber};
use hearth_store::*;

both!(
    the_register_covers_every_table_that_could_hold_a_persons_data,
    subject_access_shows_what_is_held_on_the_person,
    rectification_corrects_every_record_and_keeps_old_values_identity_side,
    restriction_keeps_the_records_but_takes_them_out_of_processing,
    erasure_removes_identity_facts_and_results_and_leaves_only_keyed_hashes,
    an_objection_follows_its_person_through_a_replaced_file,
    a_row_from_before_two_corrections_is_still_recognised_after_erasure,
    the_officers_pages_read_identifiers_and_restrictions_and_lift_only_the_persons_own,
    objectors_and_their_families_are_found_by_scope,
);

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap()
}

fn other_person(source_row: u64) -> hearth_model::ImportedRow {
    let mut row = full_row(source_row);
    let id = &mut row.identity;
    id.source_person_id = Some("P-0002".into());
    id.given_name = Some("Adam".into());
    id.family_name = Some("Jones".into());
    id.full_name = None;
    id.middle_name = None;
    id.date_of_birth = Some(date(1980, 1, 1));
    id.nhs_number = nhs(5);
    id.ni_number = Some(NiNumber::parse("JK654321B").unwrap());
    row
}

/// Person 11 (Zoë: a police row and a health row) and person 12 (Adam: a police row), one
/// family (5), an objection by 11 and an audit line about the family. Returns the record keys
/// (police Zoë, police Adam, health Zoë).
pub(crate) fn two_people(store: &mut Store) -> [RecordId; 3] {
    imported(
        store
            .write_batch(
                &batch("police", "aa", 2),
                &[full_row(2), other_person(3)],
                &[],
            )
            .unwrap(),
    );
    let mut health = full_row(2);
    health.identity.source_person_id = Some("H-1".into());
    imported(
        store
            .write_batch(&batch("health", "bb", 1), &[health], &[])
            .unwrap(),
    );
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    let [zoe_police, adam, zoe_health] = [ids[0], ids[1], ids[2]];
    link(store, &[(zoe_police, 11), (adam, 12), (zoe_health, 11)]);
    store
        .add_objection(&NewObjection {
            subject: ObjectionSubject::Person(11),
            scope: "research".into(),
            received_on: date(2026, 2, 1),
            received_how: "letter".into(),
            recorded_by: "ig".into(),
            recorded_at: at(),
        })
        .unwrap();
    store
        .append_audit(&AuditEntry {
            id: 0,
            at: at(),
            user_id: None,
            user_name: "lw".into(),
            action: "view family".into(),
            target_kind: "family".into(),
            target_id: "5".into(),
            client_ip: "127.0.0.1".into(),
            detail: String::new(),
        })
        .unwrap();
    [zoe_police, adam, zoe_health]
}

fn link(store: &mut Store, assignment: &[(RecordId, i64)]) {
    let summary = LinkRunSummary {
        records: assignment.len() as u64,
        people: 2,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 1,
        as_at: date(2026, 3, 1),
        report: "{}".into(),
    };
    let mut people: Vec<i64> = assignment.iter().map(|a| a.1).collect();
    people.sort();
    people.dedup();
    let families = vec![StoredFamily {
        family_id: 5,
        members: people
            .iter()
            .map(|&p| FamilyMember {
                person_id: p,
                role: MemberRole::Adult,
                age: Some(30),
            })
            .collect(),
        relationships: vec![],
        area: None,
    }];
    store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment,
            changes: &[],
            review: &[],
            families: &families,
        })
        .unwrap();
}

fn section<'a>(sar: &'a SubjectAccess, table: &str) -> &'a SarSection {
    sar.sections.iter().find(|s| s.table == table).unwrap()
}

fn all_text(sar: &SubjectAccess) -> String {
    serde_json::to_string(sar).unwrap()
}

fn the_register_covers_every_table_that_could_hold_a_persons_data(store: &mut Store, db: &TestDb) {
    let schema = store.schema_tables().unwrap();
    assert!(schema.iter().any(|(t, _)| t == "identity"), "{schema:?}");
    let gaps = sar_coverage_gaps(&schema);
    assert!(gaps.is_empty(), "{gaps:#?}");
    // A table added later with a person's key and no subject access coverage fails.
    db.exec("CREATE TABLE outcome_claim_example (id BIGINT, family_id BIGINT, paid_on TEXT)")
        .unwrap();
    let gaps = sar_coverage_gaps(&store.schema_tables().unwrap());
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert!(gaps[0].contains("outcome_claim_example") && gaps[0].contains("family_id"));
    // A table with nothing that could reach a person does not.
    db.exec("CREATE TABLE unit_cost_example (item TEXT, pounds REAL)")
        .unwrap();
    assert_eq!(sar_coverage_gaps(&store.schema_tables().unwrap()).len(), 1);
}

fn subject_access_shows_what_is_held_on_the_person(store: &mut Store, _db: &TestDb) {
    let [zoe_police, adam, zoe_health] = two_people(store);
    let sar = store.subject_access(11).unwrap().unwrap();
    assert_eq!(sar.records, vec![zoe_police.0, zoe_health.0]);
    assert_eq!(sar.families, vec![5]);
    assert_eq!(
        sar.sources,
        vec!["health".to_string(), "police".to_string()]
    );
    assert!(!sar.restricted);
    // Every covered table has a section, in the register's order.
    assert_eq!(
        sar.sections
            .iter()
            .map(|s| s.table.as_str())
            .collect::<Vec<_>>(),
        SAR_TABLES.iter().map(|t| t.table).collect::<Vec<_>>()
    );
    assert_eq!(section(&sar, "identity").rows.len(), 2);
    assert_eq!(section(&sar, "record").rows.len(), 2);
    assert_eq!(section(&sar, "person_record").rows.len(), 2);
    assert_eq!(section(&sar, "import_batch").rows.len(), 2);
    assert_eq!(section(&sar, "family").rows.len(), 1);
    assert_eq!(section(&sar, "objection").rows.len(), 1);
    assert_eq!(section(&sar, "objection_record").rows.len(), 2);
    assert_eq!(section(&sar, "audit_log").rows.len(), 1);
    let identity = section(&sar, "identity");
    let nhs_col = identity
        .columns
        .iter()
        .position(|c| c == "nhs_number")
        .unwrap();
    assert_eq!(identity.rows[0][nhs_col].as_deref(), Some("9434765919"));
    let text = all_text(&sar);
    assert!(
        text.contains("Zoë"),
        "the person's own identifiers are shown"
    );
    assert!(
        !text.contains("Adam"),
        "another person's identifiers are not"
    );
    // The other person sees their own, not Zoë's; an unknown person is none.
    let adams = store.subject_access(12).unwrap().unwrap();
    assert_eq!(adams.records, vec![adam.0]);
    assert!(!all_text(&adams).contains("Zoë"));
    assert!(store.subject_access(999).unwrap().is_none());
}

fn rectification_corrects_every_record_and_keeps_old_values_identity_side(
    store: &mut Store,
    db: &TestDb,
) {
    let [zoe_police, _, zoe_health] = two_people(store);
    let done = store
        .rectify(&NewRectification {
            person_id: 11,
            field: IdentifierField::DateOfBirth,
            value: "2010-03-01".into(),
            reason: "birth certificate seen".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap();
    assert_eq!(done.records, 2);
    // What linkage reads is corrected on both records, the other person's untouched.
    for (r, _, identity) in store.load_identities().unwrap() {
        let expected = if r == zoe_police || r == zoe_health {
            date(2010, 3, 1)
        } else {
            date(1980, 1, 1)
        };
        assert_eq!(identity.date_of_birth, Some(expected), "{r:?}");
    }
    // Pages' identifiers at once.
    let shown = store.person_identities(&[11]).unwrap();
    assert!(shown
        .iter()
        .all(|i| i.date_of_birth == Some(date(2010, 3, 1))));
    // The old value is kept in the rectification register (identity-side), shown to the person.
    let sar = store.subject_access(11).unwrap().unwrap();
    let rect = section(&sar, "rectification");
    assert_eq!(rect.rows.len(), 1);
    assert!(all_text(&sar).contains("2010-02-28"));
    assert_eq!(db.count("rectification"), 1);
    // An unknown person is refused, nothing written.
    let err = store
        .rectify(&NewRectification {
            person_id: 999,
            field: IdentifierField::GivenName,
            value: "X".into(),
            reason: "r".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(db.count("rectification"), 1);
}

fn restriction_keeps_the_records_but_takes_them_out_of_processing(store: &mut Store, db: &TestDb) {
    let [zoe_police, adam, zoe_health] = two_people(store);
    let request = RightsRequest {
        person_id: 11,
        reason: "accuracy contested".into(),
        ground: "Art. 18(1)(a)".into(),
        by: "dpo".into(),
        at: at(),
    };
    let id = store.restrict(&request).unwrap();
    let held: Vec<i64> = store.restricted_records().unwrap().into_iter().collect();
    assert_eq!(held, vec![zoe_police.0, zoe_health.0]);
    assert_eq!(
        store
            .restricted_people()
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![11]
    );
    // Kept: identity and facts.
    assert_eq!(db.count("identity"), 3);
    assert_eq!(db.count("record"), 3);
    // Out of the current people and families (so of identification, extracts and pages).
    assert_eq!(store.person_assignment().unwrap(), vec![(adam, 12)]);
    let families = store.families().unwrap();
    assert_eq!(
        families[0]
            .members
            .iter()
            .map(|m| m.person_id)
            .collect::<Vec<_>>(),
        vec![12]
    );
    assert!(store.person_identities(&[11]).unwrap().is_empty());
    // The data protection officer still sees everything held, marked restricted.
    let sar = store.subject_access(11).unwrap().unwrap();
    assert!(sar.restricted);
    assert_eq!(section(&sar, "identity").rows.len(), 2);
    assert_eq!(section(&sar, "restriction").rows.len(), 1);
    // Lifted: nothing held back any more.
    assert!(store.lift_restriction(id, "dpo", at()).unwrap());
    assert!(!store.lift_restriction(id, "dpo", at()).unwrap());
    assert!(store.restricted_records().unwrap().is_empty());
}

fn erasure_removes_identity_facts_and_results_and_leaves_only_keyed_hashes(
    store: &mut Store,
    db: &TestDb,
) {
    let [_, adam, _] = two_people(store);
    store
        .rectify(&NewRectification {
            person_id: 11,
            field: IdentifierField::Address,
            value: "2 Low Road, Sale".into(),
            reason: "moved".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap();
    let done = store
        .erase(&RightsRequest {
            person_id: 11,
            reason: "asked in writing".into(),
            ground: "Art. 17(1)(a)".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap();
    assert_eq!(done.records, 2);
    assert!(done.tombstones >= 4, "{done:?}");
    // Identity, facts and results: only the other person's are left.
    assert_eq!(db.count("identity"), 1);
    assert_eq!(db.count("record"), 1);
    assert_eq!(store.person_assignment().unwrap(), vec![(adam, 12)]);
    assert_eq!(db.count("objection_record"), 0);
    assert_eq!(db.count("rectification"), 0);
    assert!(store.person_identities(&[11]).unwrap().is_empty());
    assert!(store.subject_access(11).unwrap().is_none());
    // Nothing readable is left of them: the tombstone and the erasure hold no identifier.
    for table in ["erasure", "erasure_tombstone", "objection_key"] {
        for row in db.dump(table) {
            for word in [
                "Zoë",
                "Brien",
                "9434765919",
                "AB123456C",
                "P-0001",
                "2010-02-28",
            ] {
                assert!(!row.contains(word), "{table}: {row}");
            }
        }
    }
    // The same partner row again is recognised, the other person's is not.
    let t = store.tombstones().unwrap();
    let f = full_row(2);
    let dob = f
        .identity
        .date_of_birth
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let fields = KeyFields {
        source: "police",
        source_person_id: f.identity.source_person_id.as_deref(),
        given_name: f.identity.given_name.as_deref(),
        family_name: f.identity.family_name.as_deref(),
        full_name: f.identity.full_name.as_deref(),
        date_of_birth: Some(&dob),
        nhs_number: f.identity.nhs_number.as_ref().map(|n| n.as_str()),
        ni_number: None,
    };
    assert_eq!(t.erased_on(&fields), Some(date(2026, 3, 4)));
    let o = other_person(3);
    let adam_fields = KeyFields {
        source: "police",
        given_name: o.identity.given_name.as_deref(),
        family_name: o.identity.family_name.as_deref(),
        date_of_birth: Some("1980-01-01"),
        ..KeyFields::default()
    };
    assert_eq!(t.erased_on(&adam_fields), None);
    assert!(matches!(
        store.erase(&RightsRequest {
            person_id: 11,
            reason: "again".into(),
            ground: "g".into(),
            by: "dpo".into(),
            at: at(),
        }),
        Err(StoreError::NotFound(_))
    ));
}

fn an_objection_follows_its_person_through_a_replaced_file(store: &mut Store, _db: &TestDb) {
    let [zoe_police, adam, zoe_health] = two_people(store);
    // The police re-send their file: the new batch supersedes the old, whose records go.
    let old = store.current_batches("police").unwrap()[0].batch.id;
    let version = BatchVersion {
        fingerprints: None,
        supersedes: vec![old],
        seen_up_to: None,
    };
    imported(
        store
            .write_batch_version(
                &batch("police", "cc", 2),
                &[full_row(2), other_person(3)],
                &[],
                &version,
            )
            .unwrap(),
    );
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert!(!ids.contains(&zoe_police) && !ids.contains(&adam));
    // New records are written in row order: Zoë's first, then Adam's.
    let new: Vec<RecordId> = ids.iter().copied().filter(|r| *r != zoe_health).collect();
    let (new_zoe, new_adam) = (new[0], new[1]);
    // The next linkage gives the re-sent Zoë a new person ID (no record of hers in common).
    link(store, &[(zoe_health, 11), (new_zoe, 31), (new_adam, 32)]);
    assert_eq!(
        store
            .objecting_people(&["research"])
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![11]
    );
    let added = store.refresh_objection_coverage().unwrap();
    assert!(added >= 1);
    // Her re-sent record is covered again by its keyed identifiers; Adam is not.
    assert_eq!(
        store
            .objecting_people(&["research"])
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![11, 31]
    );
    // Running it again adds nothing.
    assert_eq!(store.refresh_objection_coverage().unwrap(), 0);
}

/// A partner re-sending its row from before two corrections (given name and date of birth)
/// carries both old values at once: the tombstone must know that combination too.
fn a_row_from_before_two_corrections_is_still_recognised_after_erasure(
    store: &mut Store,
    _db: &TestDb,
) {
    two_people(store);
    for (field, value) in [
        (IdentifierField::GivenName, "Zoe"),
        (IdentifierField::DateOfBirth, "2010-03-01"),
    ] {
        store
            .rectify(&NewRectification {
                person_id: 11,
                field,
                value: value.into(),
                reason: "seen".into(),
                by: "dpo".into(),
                at: at(),
            })
            .unwrap();
    }
    store
        .erase(&RightsRequest {
            person_id: 11,
            reason: "asked".into(),
            ground: "Art. 17(1)(a)".into(),
            by: "dpo".into(),
            at: at(),
        })
        .unwrap();
    let f = full_row(2);
    let dob = f
        .identity
        .date_of_birth
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let as_first_sent = KeyFields {
        source: "elsewhere",
        given_name: f.identity.given_name.as_deref(),
        family_name: f.identity.family_name.as_deref(),
        date_of_birth: Some(&dob),
        ..KeyFields::default()
    };
    assert_eq!(
        store.tombstones().unwrap().erased_on(&as_first_sent),
        Some(date(2026, 3, 4))
    );
}

fn the_officers_pages_read_identifiers_and_restrictions_and_lift_only_the_persons_own(
    store: &mut Store,
    _db: &TestDb,
) {
    two_people(store);
    let held = store.identifier_values(11).unwrap().unwrap();
    assert_eq!(held.records, 2);
    let given = &held
        .values
        .iter()
        .find(|(f, _)| *f == IdentifierField::GivenName)
        .unwrap()
        .1;
    assert_eq!(given, &["Zoë".to_string()]);
    assert!(store.identifier_values(99).unwrap().is_none());
    let request = RightsRequest {
        person_id: 11,
        reason: "contested".into(),
        ground: "Art. 18(1)(a)".into(),
        by: "dpo".into(),
        at: at(),
    };
    let id = store.restrict_as_received(&request, "letter").unwrap();
    let r = store.restrictions(11).unwrap();
    assert_eq!(
        (r.len(), r[0].received_how.as_deref(), r[0].in_force()),
        (1, Some("letter"), true)
    );
    // Still the person's records while restricted: the pages find them.
    assert_eq!(store.identifier_values(11).unwrap().unwrap().records, 2);
    assert!(
        !store
            .lift_restriction_of(12, id, "dpo", at(), "x", "email")
            .unwrap(),
        "not 12's"
    );
    assert!(store
        .lift_restriction_of(11, id, "dpo", at(), "checked", "email")
        .unwrap());
    assert!(!store
        .lift_restriction_of(11, id, "dpo", at(), "again", "email")
        .unwrap());
    assert!(!store.restrictions(11).unwrap()[0].in_force());
    assert!(store.restrictions(12).unwrap().is_empty());
}

/// What every export asks (`hearth_pipeline::sharing::excluded`): the people under an
/// objection in a scope, and their families. A person-level research objection is not an
/// objection to all sharing; a family-level one covers every member.
fn objectors_and_their_families_are_found_by_scope(store: &mut Store, _: &TestDb) {
    two_people(store);
    let research = store.objecting_people(&["research", "all"]).unwrap();
    assert_eq!(research.iter().copied().collect::<Vec<_>>(), vec![11]);
    assert!(store.objecting_people(&["all"]).unwrap().is_empty());
    assert_eq!(
        store
            .families_of(&research)
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![5]
    );
    assert!(store.families_of(&Default::default()).unwrap().is_empty());
    assert!(store.families_of(&[99].into()).unwrap().is_empty());
    store
        .add_objection(&NewObjection {
            subject: ObjectionSubject::Family(5),
            scope: "all".into(),
            received_on: date(2026, 2, 2),
            received_how: "phone".into(),
            recorded_by: "ig".into(),
            recorded_at: at(),
        })
        .unwrap();
    let all = store.objecting_people(&["all"]).unwrap();
    assert_eq!(all.iter().copied().collect::<Vec<_>>(), vec![11, 12]);
    assert_eq!(
        store
            .families_of(&all)
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![5]
    );
}
