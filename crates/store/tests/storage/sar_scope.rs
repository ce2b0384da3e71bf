//! Subject access holds the subject's own rows only (QA round "roles", item 4): another
//! family member's evidence, membership and records under a family's objection are left
//! out, and so are internal hashes; people named only in referrals are found and their
//! own entry is held; the audit log's search by person covers their families by the same
//! rule ([`PersonScope`]).

use crate::fixtures::*;
use crate::harness::TestDb;
use crate::subject_access::two_people;
use chrono::{TimeZone, Utc};
use hearth_store::*;

both!(
    subject_access_leaves_out_other_members_rows_and_internal_hashes,
    people_named_in_referrals_are_found_and_hold_their_own_entry_only,
    the_audit_search_by_person_covers_their_families_as_subject_access_does,
    rows_set_aside_at_import_that_name_the_subject_are_in_their_pack,
);

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap()
}

fn section<'a>(sar: &'a SubjectAccess, table: &str) -> &'a SarSection {
    sar.sections.iter().find(|s| s.table == table).unwrap()
}

/// Both people's evidence in family 5, and an objection by the family.
fn evidence_and_family_objection(store: &mut Store) {
    let (link_run, _) = store.latest_link_run().unwrap().unwrap();
    let run = IdentificationRun {
        id: 0,
        as_at: date(2026, 3, 1),
        profile: "p".into(),
        rules_sha256: "ab".repeat(32),
        link_run_id: link_run,
        families_assessed: 1,
        families_eligible: 1,
        labels: RunLabels::default(),
    };
    let assess = FamilyAssessment {
        family_id: 5,
        eligible: true,
        problems: vec!["health".into(), "crime_asb".into()],
        estimated_cost: 1.0,
        score: 1.0,
        priority_rank: Some(1),
    };
    let evidence = |person_id, indicator: &str| EvidenceRow {
        family_id: 5,
        problem_key: indicator.split('.').next().unwrap().into(),
        indicator_key: indicator.into(),
        person_id,
        record_ids: vec![],
        value: Some(0.123456789),
    };
    store
        .save_identification(
            &run,
            &[assess],
            &[
                evidence(11, "crime_asb.police_asb"),
                evidence(12, "health.substance_misuse"),
            ],
        )
        .unwrap();
    store
        .add_objection(&NewObjection {
            subject: ObjectionSubject::Family(5),
            scope: "all".into(),
            received_on: date(2026, 2, 2),
            received_how: "letter".into(),
            recorded_by: "ig".into(),
            recorded_at: at(),
        })
        .unwrap();
}

fn subject_access_leaves_out_other_members_rows_and_internal_hashes(
    store: &mut Store,
    _db: &TestDb,
) {
    let [zoe_police, adam, zoe_health] = two_people(store);
    evidence_and_family_objection(store);
    let gaps = sar_coverage_gaps(&store.schema_tables().unwrap());
    assert!(gaps.is_empty(), "{gaps:#?}");
    let sar = store.subject_access(11).unwrap().unwrap();
    let text = serde_json::to_string(&sar).unwrap();
    assert!(text.contains("crime_asb.police_asb"), "her own evidence");
    assert!(!text.contains("substance_misuse"), "not Adam's: {text}");
    assert_eq!(section(&sar, "evidence").rows.len(), 1);
    assert_eq!(section(&sar, "family_member").rows.len(), 1);
    // The family's objection covers Adam's record too: only hers are shown.
    let covered = section(&sar, "objection_record");
    let records: Vec<String> = covered
        .rows
        .iter()
        .map(|r| {
            r[covered
                .columns
                .iter()
                .position(|c| c == "record_id")
                .unwrap()]
            .clone()
            .unwrap()
        })
        .collect();
    assert!(!records.contains(&adam.0.to_string()), "{records:?}");
    assert!(records.contains(&zoe_police.0.to_string()));
    assert!(records.contains(&zoe_health.0.to_string()));
    // No internal hashes or other people's contact details as columns.
    for s in &sar.sections {
        for c in &s.columns {
            assert!(!left_out(&s.table, c), "{}.{c}", s.table);
        }
    }
    assert!(!section(&sar, "import_batch")
        .columns
        .iter()
        .any(|c| c == "row_fingerprints" || c == "file_sha256"));
    assert!(!section(&sar, "audit_log")
        .columns
        .iter()
        .any(|c| c.contains("hash")));
}

fn people_named_in_referrals_are_found_and_hold_their_own_entry_only(
    store: &mut Store,
    _db: &TestDb,
) {
    let member = |given: &str, family: &str, born| ReferralMember {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: born,
        address: "Flat 2 Rd".into(),
        postcode: None,
        relationship: "child".into(),
        match_key: format!("{}|{}|{born}", given.to_lowercase(), family.to_lowercase()),
    };
    let referral = StoredReferral {
        id: 0,
        referrer_user_id: None,
        entered_by: "po".into(),
        agency: "Halton Primary".into(),
        referrer_name: "Sam Sender".into(),
        referrer_email: "sam@example.org".into(),
        referrer_phone: "0161 496 0000".into(),
        channel: "email".into(),
        submitted_at: at(),
        consent: "given".into(),
        problems: r#"[{"key":"health","evidence":"Mum says she is struggling"}]"#.into(),
        criteria_met: false,
        matches: "[]".into(),
        flags: "[]".into(),
        status: "submitted".into(),
        version: 0,
        decided_by: None,
        decided_at: None,
        return_reason: None,
        decision_note: None,
        family_id: None,
        resubmits: None,
        resent_as: None,
    };
    let id = store
        .add_referral(
            &referral,
            &[
                member("Zoë", "Ng", date(2012, 3, 27)),
                member("Mae", "Ng", date(1985, 1, 1)),
            ],
            &[],
        )
        .unwrap();
    let found = store
        .referral_members_named(&["ng".into(), "ZOË".into()], date(2012, 3, 27))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].referral_id, found[0].position, found[0].person),
        (id, 0, None)
    );
    assert!(store
        .referral_members_named(&["ng".into()], date(2012, 3, 28))
        .unwrap()
        .is_empty());
    let sar = store
        .subject_access_of(&SarSubject {
            person: None,
            referral_members: vec![(id, 0)],
            ..SarSubject::default()
        })
        .unwrap()
        .unwrap();
    assert_eq!(sar.person_id, None);
    assert_eq!(sar.referrals, vec![id]);
    let text = serde_json::to_string(&sar).unwrap();
    assert!(text.contains("Zoë") && text.contains("Mum says she is struggling"));
    assert!(text.contains("Halton Primary"));
    for other in ["Mae", "Sam Sender", "sam@example.org", "0161 496 0000"] {
        assert!(!text.contains(other), "{other}: {text}");
    }
    assert!(store
        .subject_access_of(&SarSubject::default())
        .unwrap()
        .is_none());
}

fn the_audit_search_by_person_covers_their_families_as_subject_access_does(
    store: &mut Store,
    _db: &TestDb,
) {
    two_people(store);
    let scope = store.person_scope(12).unwrap();
    assert_eq!(
        scope.families_now.iter().copied().collect::<Vec<_>>(),
        vec![5]
    );
    let lines = store
        .audit_log(&AuditQuery {
            any_of: scope.audit_targets(),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(lines.len(), 1, "the view of family 5: {lines:?}");
    assert_eq!(
        (lines[0].target_kind.as_str(), lines[0].target_id.as_str()),
        ("family", "5")
    );
    let sar = store.subject_access(12).unwrap().unwrap();
    assert_eq!(section(&sar, "audit_log").rows.len(), lines.len());
    // Nothing concerns an unknown person but themselves.
    let nobody = store.person_scope(999).unwrap();
    assert_eq!(
        nobody.audit_targets(),
        vec![("person".to_string(), vec!["999".to_string()])]
    );
}

/// Rows a partner sent that failed the checks (the quarantine) are the subject's when they
/// give one of their numbers, or their name with their date of birth (QA round "users").
fn rows_set_aside_at_import_that_name_the_subject_are_in_their_pack(
    store: &mut Store,
    _db: &TestDb,
) {
    two_people(store);
    let row = |n: u64, cells: &[&str]| hearth_model::QuarantinedRow {
        source_row: n,
        field: None,
        reason: "bad date".into(),
        raw: cells.iter().map(|c| c.to_string()).collect(),
    };
    store
        .write_batch(
            &batch("school", "cc", 3),
            &[],
            &[
                row(2, &["ZOE", "O'BRIEN-SMITH JR", "28/02/2010", "row two"]),
                row(3, &["x", "943 476 5919", "row three"]),
                row(4, &["Zoe", "O'Brien-Smith Jr", "1/3/2010", "row four"]),
            ],
        )
        .unwrap();
    let sar = store.subject_access(11).unwrap().unwrap();
    assert_eq!(sar.quarantined.len(), 2, "{:?}", sar.quarantined);
    let rows = &section(&sar, "quarantine").rows;
    let text = format!("{rows:?}");
    assert!(
        text.contains("row two") && text.contains("row three"),
        "{text}"
    );
    assert!(!text.contains("row four"), "born another day: {text}");
    assert!(sar.sources.contains(&"school".to_string()));
    // Adam (12) has none of them.
    let adam = store.subject_access(12).unwrap().unwrap();
    assert!(adam.quarantined.is_empty());
    // Someone known only there is found by what the request gives.
    let found = store
        .quarantined_rows_naming(&QuarantineQuery {
            names: vec![("Zoë O'Brien-Smith".into(), date(2010, 3, 1))],
            numbers: Vec::new(),
        })
        .unwrap();
    assert_eq!(found.len(), 1);
}
