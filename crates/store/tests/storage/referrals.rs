//! Referrals: a referral round-trips with its members apart from its facts, earlier
//! referrals are found by person and by match key, and a decision is written once: the
//! second officer deciding the same version is told it was decided, and accepting a known
//! family opens its case in the same transaction. A returned referral is sent again once, as a
//! new referral naming it; the returned one stays as it was.

use crate::harness::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use hearth_store::{
    DecisionOutcome, FamilyCase, ReferralDecision, ReferralMember, ResubmitOutcome, Store,
    StoredReferral,
};

both!(
    a_referral_round_trips_and_earlier_ones_are_found,
    a_referral_is_decided_once,
    a_returned_referral_is_sent_again_once_and_stays_as_it_was,
);

fn referral(referrer: Option<i64>) -> StoredReferral {
    StoredReferral {
        id: 0,
        referrer_user_id: referrer,
        entered_by: "referrer".into(),
        agency: "Test Primary".into(),
        referrer_name: "Sam".into(),
        referrer_email: "sam@example.org".into(),
        referrer_phone: String::new(),
        channel: "online".into(),
        submitted_at: Utc.with_ymd_and_hms(2025, 9, 2, 10, 0, 0).unwrap(),
        consent: "given".into(),
        problems: r#"[{"key":"crime_asb","evidence":"x"}]"#.into(),
        criteria_met: true,
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
    }
}

fn member(given: &str) -> ReferralMember {
    ReferralMember {
        given_name: given.into(),
        family_name: "Example".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1985, 3, 2).unwrap(),
        address: "1 Test Street".into(),
        postcode: Some("TS1 1AA".into()),
        relationship: "parent_or_carer".into(),
        match_key: format!("{}|example|1985-03-02", given.to_lowercase()),
    }
}

fn a_referral_round_trips_and_earlier_ones_are_found(store: &mut Store, db: &TestDb) {
    let first = store
        .add_referral(
            &referral(Some(5)),
            &[member("Alice"), member("Bob")],
            &[101],
        )
        .unwrap();
    let second = store
        .add_referral(&referral(None), &[member("Zed")], &[])
        .unwrap();
    assert!(second > first);
    let back = store.referral(first).unwrap().unwrap();
    assert_eq!(
        back,
        StoredReferral {
            id: first,
            ..referral(Some(5))
        }
    );
    assert_eq!(
        store.referral_members(first).unwrap(),
        vec![member("Alice"), member("Bob")]
    );
    // The facts table holds no identifiers.
    let columns = db.columns("referral");
    for c in [
        "given_name",
        "family_name",
        "date_of_birth",
        "address",
        "postcode",
    ] {
        assert!(!columns.iter().any(|k| k == c), "{c} in referral");
    }
    assert_eq!(store.referrals(Some(5)).unwrap().len(), 1);
    assert_eq!(store.referrals(Some(6)).unwrap().len(), 0);
    let all: Vec<i64> = store
        .referrals(None)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(all, vec![second, first]);
    let by_person = store.earlier_referrals(&[101], &[]).unwrap();
    assert_eq!(by_person.len(), 1);
    assert_eq!(by_person[0].id, first);
    assert_eq!(by_person[0].person_ids, vec![101]);
    let by_key = store
        .earlier_referrals(&[999], &["zed|example|1985-03-02".to_string()])
        .unwrap();
    assert_eq!(
        by_key.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![second]
    );
    assert!(store.earlier_referrals(&[], &[]).unwrap().is_empty());
    assert!(store.referral(first + 100).unwrap().is_none());
}

fn a_referral_is_decided_once(store: &mut Store, db: &TestDb) {
    let id = store
        .add_referral(&referral(Some(5)), &[member("Alice")], &[101])
        .unwrap();
    let at = Utc.with_ymd_and_hms(2025, 9, 3, 10, 0, 0).unwrap();
    let accept = ReferralDecision {
        referral_id: id,
        version: 0,
        status: "accepted".into(),
        by: "po".into(),
        at,
        return_reason: None,
        note: None,
        case: Some(FamilyCase::new(1, at, "po")),
    };
    let ret = ReferralDecision {
        status: "returned".into(),
        by: "po2".into(),
        return_reason: Some("criteria_not_met".into()),
        case: None,
        ..accept.clone()
    };
    assert_eq!(
        store.decide_referral(&accept).unwrap(),
        DecisionOutcome::Decided
    );
    match store.decide_referral(&ret).unwrap() {
        DecisionOutcome::AlreadyDecided(r) => {
            assert_eq!((r.status.as_str(), r.version), ("accepted", 1));
            assert_eq!(r.decided_by.as_deref(), Some("po"));
        }
        other => panic!("{other:?}"),
    }
    let r = store.referral(id).unwrap().unwrap();
    assert_eq!((r.family_id, r.decided_at), (Some(1), Some(at)));
    assert_eq!(
        store.family_case(1).unwrap(),
        Some(FamilyCase::new(1, at, "po"))
    );
    // A family that already has a case keeps it as it is.
    let case = FamilyCase::new(2, at - chrono::Duration::days(30), "earlier");
    store.save_family_case(&case).unwrap();
    let other = store
        .add_referral(&referral(None), &[member("Carol")], &[])
        .unwrap();
    let decision = ReferralDecision {
        referral_id: other,
        case: Some(FamilyCase::new(2, at, "po")),
        ..accept.clone()
    };
    assert_eq!(
        store.decide_referral(&decision).unwrap(),
        DecisionOutcome::Decided
    );
    assert_eq!(store.family_case(2).unwrap(), Some(case));
    assert_eq!(
        store
            .decide_referral(&ReferralDecision {
                referral_id: other + 50,
                ..accept
            })
            .unwrap(),
        DecisionOutcome::NotFound
    );
    assert!(db.exec("UPDATE referral SET status = 'lost'").is_err());
}

fn a_returned_referral_is_sent_again_once_and_stays_as_it_was(store: &mut Store, db: &TestDb) {
    let at = Utc.with_ymd_and_hms(2026, 3, 3, 10, 0, 0).unwrap();
    let decide = |id: i64, status: &str| ReferralDecision {
        referral_id: id,
        version: 0,
        status: status.into(),
        by: "po".into(),
        at,
        return_reason: (status == "returned").then(|| "criteria_not_met".into()),
        note: None,
        case: None,
    };
    let returned = store
        .add_referral(&referral(Some(5)), &[member("Alice")], &[101])
        .unwrap();
    let waiting = store
        .add_referral(&referral(Some(5)), &[member("Bob")], &[])
        .unwrap();
    let accepted = store
        .add_referral(&referral(Some(5)), &[member("Carol")], &[])
        .unwrap();
    for (id, status) in [(returned, "returned"), (accepted, "accepted")] {
        assert_eq!(
            store.decide_referral(&decide(id, status)).unwrap(),
            DecisionOutcome::Decided
        );
    }
    let before = store.referral(returned).unwrap().unwrap();
    assert_eq!((before.resubmits, before.resent_as), (None, None));
    let corrected = StoredReferral {
        problems: r#"[{"key":"crime_asb","evidence":"x"},{"key":"health","evidence":"y"}]"#.into(),
        ..referral(Some(5))
    };
    let members = [member("Alice"), member("Bob")];
    let new = match store
        .resubmit_referral(returned, &corrected, &members, &[101])
        .unwrap()
    {
        ResubmitOutcome::Added(id) => id,
        other => panic!("{other:?}"),
    };
    // The new referral names the one it sends again, and that one names it back; it is
    // otherwise exactly as it was decided.
    let back = store.referral(new).unwrap().unwrap();
    assert_eq!(back.resubmits, Some(returned));
    assert_eq!(back.resent_as, None);
    assert_eq!(back.status, "submitted");
    assert_eq!(store.referral_members(new).unwrap(), members.to_vec());
    let after = store.referral(returned).unwrap().unwrap();
    assert_eq!(
        after,
        StoredReferral {
            resent_as: Some(new),
            ..before
        }
    );
    let listed = store.referrals(Some(5)).unwrap();
    let row = listed.iter().find(|r| r.id == returned).unwrap();
    assert_eq!(row.resent_as, Some(new));
    // Once only: a second attempt stores nothing and names the first.
    let count = db.count("referral");
    assert_eq!(
        store
            .resubmit_referral(returned, &corrected, &members, &[101])
            .unwrap(),
        ResubmitOutcome::AlreadyResent(new)
    );
    // Only a returned one: waiting and accepted referrals are refused as they are.
    for id in [waiting, accepted] {
        match store
            .resubmit_referral(id, &corrected, &members, &[])
            .unwrap()
        {
            ResubmitOutcome::NotReturned(r) => assert_eq!(r.id, id),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        store
            .resubmit_referral(new + 100, &corrected, &members, &[])
            .unwrap(),
        ResubmitOutcome::NotFound
    );
    assert_eq!(db.count("referral"), count);
    // The schema backs "once" whatever the caller: a second row naming the same referral
    // is refused by the unique index.
    let twice = StoredReferral {
        resubmits: Some(returned),
        ..corrected.clone()
    };
    assert!(store.add_referral(&twice, &members, &[]).is_err());
    assert_eq!(db.count("referral"), count);
}
