//! Claims: a batch is written whole or not at all, a family is claimed once (the second
//! batch naming it is refused and writes nothing), a withdrawn claim stays on record with its
//! reason and frees the family, the evidence pack cannot be changed nor the claim deleted,
//! findings are kept with the claim, and the auditor's role is accepted by the accounts.

use crate::harness::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use hearth_store::{
    AuditFinding, BatchOutcome, NewClaim, NewClaimBatch, NewUser, Store, WithdrawOutcome,
};

both!(
    a_family_is_claimed_once_and_a_withdrawal_keeps_the_claim,
    claims_and_their_evidence_are_frozen,
    findings_are_kept_with_the_claim_and_the_auditor_has_an_account,
);

fn batch() -> NewClaimBatch {
    NewClaimBatch {
        window_key: "2016-17-q1".into(),
        window_label: "April to June 2016".into(),
        prepared_on: NaiveDate::from_ymd_opt(2016, 5, 1).unwrap(),
        prepared_by: "po".into(),
        prepared_at: Utc.with_ymd_and_hms(2016, 5, 1, 9, 0, 0).unwrap(),
        sample_size: 10,
        sample_seed: u64::MAX - 3,
    }
}

fn claim(family_id: i64) -> NewClaim {
    NewClaim {
        family_id,
        result_kind: "significant_and_sustained_progress".into(),
        achieved_on: NaiveDate::from_ymd_opt(2016, 4, 2).unwrap(),
        payment: 800,
        evidence_pack: format!("{{\"family_id\":{family_id}}}"),
        evidence_sha256: "00".repeat(32),
    }
}

fn a_family_is_claimed_once_and_a_withdrawal_keeps_the_claim(s: &mut Store, db: &TestDb) {
    let BatchOutcome::Prepared(first) = s.add_claim_batch(&batch(), &[claim(1), claim(2)]).unwrap()
    else {
        panic!("first batch refused")
    };
    let stored = s.claim_batch(first).unwrap().unwrap();
    assert_eq!(
        stored.sample_seed,
        u64::MAX - 3,
        "the seed keeps its 64 bits"
    );
    assert_eq!((stored.claims, stored.withdrawn), (2, 0));
    // Family 2 again, with a new one: refused whole, naming the claim.
    let out = s.add_claim_batch(&batch(), &[claim(3), claim(2)]).unwrap();
    let BatchOutcome::AlreadyClaimed(c) = out else {
        panic!("{out:?}")
    };
    assert_eq!((c.family_id, c.batch_id), (2, first));
    assert_eq!(db.count("claim_batch"), 1);
    assert_eq!(db.count("claim"), 2);
    // Behind the check, the index: a second claim for the family cannot be written at all.
    assert!(db
        .exec(&format!(
            "INSERT INTO claim (batch_id, family_id, result_kind, achieved_on, payment, \
             evidence_pack, evidence_sha256, status) VALUES ({first}, 2, \
             'continuous_employment', '2016-04-02', 800, '{{}}', 'x', 'claimed')"
        ))
        .is_err());
    // Withdrawn: it stays, with the reason; a second withdrawal changes nothing.
    let id = c.claim_id;
    let at = Utc.with_ymd_and_hms(2016, 6, 1, 9, 0, 0).unwrap();
    assert_eq!(
        s.withdraw_claim(id, "po", at, "school attendance was wrong")
            .unwrap(),
        WithdrawOutcome::Withdrawn
    );
    assert_eq!(
        s.withdraw_claim(id, "po", at, "again").unwrap(),
        WithdrawOutcome::AlreadyWithdrawn
    );
    assert_eq!(
        s.withdraw_claim(9999, "po", at, "x").unwrap(),
        WithdrawOutcome::NotFound
    );
    let w = s.claim(id).unwrap().unwrap();
    assert_eq!(w.status, "withdrawn");
    assert_eq!(
        w.withdrawal_reason.as_deref(),
        Some("school attendance was wrong")
    );
    assert_eq!(w.withdrawn_at, Some(at));
    assert_eq!(s.all_claims().unwrap().len(), 2, "withdrawn claims stay");
    assert_eq!(s.active_claims().unwrap().len(), 1);
    // The family can be claimed again once its claim is withdrawn.
    assert!(matches!(
        s.add_claim_batch(&batch(), &[claim(2)]).unwrap(),
        BatchOutcome::Prepared(_)
    ));
    assert_eq!(s.claim_batches().unwrap()[1].withdrawn, 1);
}

fn claims_and_their_evidence_are_frozen(s: &mut Store, db: &TestDb) {
    let BatchOutcome::Prepared(b) = s.add_claim_batch(&batch(), &[claim(7)]).unwrap() else {
        panic!()
    };
    let id = s.claims_in_batch(b, true).unwrap()[0].id;
    assert!(db
        .exec(&format!(
            "UPDATE claim SET evidence_pack = '{{}}' WHERE claim_id = {id}"
        ))
        .is_err());
    assert!(db
        .exec(&format!("DELETE FROM claim WHERE claim_id = {id}"))
        .is_err());
    assert!(db.exec("DELETE FROM claim_batch").is_err());
    let c = s.claim(id).unwrap().unwrap();
    assert_eq!(c.evidence_pack, "{\"family_id\":7}");
    // A withdrawn claim cannot come back.
    s.withdraw_claim(id, "po", Utc::now(), "wrong").unwrap();
    assert!(db
        .exec(&format!(
            "UPDATE claim SET status = 'claimed' WHERE claim_id = {id}"
        ))
        .is_err());
}

fn findings_are_kept_with_the_claim_and_the_auditor_has_an_account(s: &mut Store, db: &TestDb) {
    let BatchOutcome::Prepared(b) = s.add_claim_batch(&batch(), &[claim(4), claim(5)]).unwrap()
    else {
        panic!()
    };
    let ids: Vec<i64> = s
        .claims_in_batch(b, false)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let at = Utc.with_ymd_and_hms(2016, 7, 1, 9, 0, 0).unwrap();
    let finding = |claim_id, outcome: &str| AuditFinding {
        id: 0,
        claim_id,
        outcome: outcome.into(),
        notes: "checked the attendance returns".into(),
        recorded_by: "auditor".into(),
        recorded_at: at,
    };
    assert!(s
        .add_audit_finding(&finding(ids[0], "fail"))
        .unwrap()
        .is_some());
    assert!(s
        .add_audit_finding(&finding(ids[0], "pass"))
        .unwrap()
        .is_some());
    assert!(s
        .add_audit_finding(&finding(9999, "pass"))
        .unwrap()
        .is_none());
    assert!(s.add_audit_finding(&finding(ids[1], "maybe")).is_err());
    let all = s.audit_findings(&ids).unwrap();
    let f = &all[&ids[0]];
    assert_eq!(
        f.iter().map(|f| f.outcome.as_str()).collect::<Vec<_>>(),
        ["fail", "pass"]
    );
    assert_eq!(f[0].recorded_at, at);
    assert!(!all.contains_key(&ids[1]));
    assert!(db.exec("DELETE FROM claim_audit_finding").is_err());
    assert!(db
        .exec("UPDATE claim_audit_finding SET outcome = 'pass'")
        .is_err());
    // The internal auditor's role is accepted; an unknown one is still refused.
    let user = NewUser {
        user_name: "auditor".into(),
        display_name: "Audrey Auditor".into(),
        role: hearth_model::Role::Auditor,
        password_hash: "x".into(),
    };
    s.create_user(&user, Utc::now()).unwrap();
    assert_eq!(
        s.user_by_name("auditor").unwrap().unwrap().role,
        hearth_model::Role::Auditor
    );
    assert!(db
        .exec("UPDATE web_user SET role = 'boss' WHERE user_name = 'auditor'")
        .is_err());
    assert!(db
        .exec("UPDATE web_user SET role = NULL WHERE user_name = 'auditor'")
        .is_err());
}
