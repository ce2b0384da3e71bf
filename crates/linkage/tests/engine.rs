//! Black-box tests of the engine through its public API.

use hearth_linkage::{
    assign_stable_ids, explain, link, parse_level, Constraints, IdChange, LinkRecord, Settings,
};
use std::collections::BTreeMap;

fn rec(key: &str, given: &str, family: &str, dob: &str, postcode: &str) -> LinkRecord {
    let mut r = LinkRecord::new(0, key);
    r.given_name = Some(given.into());
    r.family_name = Some(family.into());
    r.date_of_birth = hearth_linkage::standardise::parse_dob(dob, "%Y-%m-%d").unwrap();
    r.postcode = Some(postcode.into());
    r.address = Some(format!("{} {} Road", given.len() + family.len(), family));
    r
}

/// A small borough: a few people with several records each, plus background people so the
/// model has non-matches to learn from.
fn borough() -> Vec<LinkRecord> {
    let mut v = Vec::new();
    let givens = [
        "amelia", "oliver", "isla", "jack", "noah", "grace", "leo", "ruby", "ava", "harry",
    ];
    let families = [
        "ashdown",
        "brookfield",
        "carlton",
        "dunmore",
        "elmley",
        "fairford",
        "greenwood",
        "hartley",
    ];
    let mut n = 0;
    for (fi, f) in families.iter().enumerate() {
        for (gi, g) in givens.iter().enumerate() {
            let dob = format!(
                "{}-{:02}-{:02}",
                1970 + (fi * 7 + gi * 3) % 40,
                1 + gi % 12,
                1 + (fi * 3 + gi) % 28
            );
            let pc = format!("LS{} {}AB", 1 + fi, 1 + gi % 9);
            for k in 0..3 {
                n += 1;
                let mut r = rec(&format!("r{n}"), g, f, &dob, &pc);
                if k == 1 {
                    // a typo in the given name, surname in capitals
                    let mut chars: Vec<char> = g.chars().collect();
                    chars.swap(1, 2);
                    r.given_name = Some(chars.into_iter().collect());
                    r.family_name = Some(f.to_uppercase());
                }
                if k == 2 {
                    // no date of birth, address written differently
                    r.date_of_birth = None;
                    r.postcode = Some(pc.to_lowercase().replace(' ', ""));
                    r.address = Some(format!("{} {} Rd", g.len() + f.len(), f));
                }
                v.push(r);
            }
        }
    }
    v
}

#[test]
fn links_a_small_borough_into_its_people() {
    let recs = borough();
    let l = link(&recs, &Settings::default(), &Constraints::default());
    assert_eq!(l.people, 80);
    for (i, p) in l.person_of.iter().enumerate() {
        assert_eq!(*p, l.person_of[i / 3 * 3], "record {i}");
    }
}

#[test]
fn deterministic_across_runs() {
    let recs = borough();
    let a = link(&recs, &Settings::default(), &Constraints::default());
    let b = link(&recs, &Settings::default(), &Constraints::default());
    assert_eq!(a.person_of, b.person_of);
    assert_eq!(a.pairs, b.pairs);
    assert_eq!(a.report.candidate_pairs, b.report.candidate_pairs);
}

#[test]
fn explanation_adds_up_to_the_weight() {
    let l = link(&borough(), &Settings::default(), &Constraints::default());
    let p = l
        .pairs
        .iter()
        .find(|p| p.tf_given != 0.0 || p.tf_family != 0.0)
        .unwrap_or(&l.pairs[0]);
    let e = explain(p, &l.model);
    let total: f64 = e.iter().map(|c| c.weight).sum();
    assert!(
        (total - p.match_weight).abs() < 1e-6,
        "{total} vs {}",
        p.match_weight
    );
    assert_eq!(e[0].comparison, "prior");
    assert!(e.iter().any(|c| c.comparison == "given_name"));
}

/// Different NHS numbers keep two records apart unless everything else agrees exactly (one
/// person registered twice, under a temporary number: issue #15).
#[test]
fn different_nhs_numbers_merge_only_when_all_else_agrees_exactly() {
    let mut recs = borough();
    let mut a = rec("x1", "zebedee", "quimby", "1990-01-01", "M1 1AE");
    a.nhs_number = Some("943 476 5919".into());
    let mut b = a.clone();
    b.key = "x2".into();
    b.nhs_number = Some("943 476 5870".into());
    let mut c = rec("y1", "yolanda", "quimby", "1990-03-01", "M1 1AE");
    c.nhs_number = Some("943 476 5919".into());
    let mut d = rec("y2", "yolanda", "quimby", "1990-03-02", "M1 1AE");
    d.nhs_number = Some("943 476 5870".into());
    recs.extend([a, b, c, d]);
    let l = link(&recs, &Settings::default(), &Constraints::default());
    let n = recs.len();
    assert_eq!(l.person_of[n - 4], l.person_of[n - 3], "all else exact");
    assert_ne!(
        l.person_of[n - 2],
        l.person_of[n - 1],
        "dates one digit apart"
    );
}

#[test]
fn a_chain_through_a_record_without_identifiers_is_blocked() {
    // A and C have different NHS numbers (and dates of birth one digit apart); B (no NHS
    // number) matches both well. B may join one of them, never both.
    let mut recs = borough();
    let mut a = rec("a", "zebedee", "quimby", "1990-01-01", "M1 1AE");
    a.nhs_number = Some("9434765919".into());
    let mut b = rec("b", "zebedee", "quimby", "1990-01-01", "M1 1AE");
    b.sex = Some("M".into());
    let mut c = rec("c", "zebedee", "quimby", "1990-01-02", "M1 1AE");
    c.nhs_number = Some("9434765870".into());
    recs.extend([a, b, c]);
    let l = link(&recs, &Settings::default(), &Constraints::default());
    let n = recs.len();
    let (pa, pb, pc) = (l.person_of[n - 3], l.person_of[n - 2], l.person_of[n - 1]);
    assert_ne!(pa, pc);
    assert!(pb == pa || pb == pc);
}

#[test]
fn twins_stay_apart() {
    let mut recs = borough();
    recs.push(rec("t1", "amira", "quimby", "2015-06-01", "M1 1AE"));
    recs.push(rec("t2", "yusuf", "quimby", "2015-06-01", "M1 1AE"));
    let l = link(&recs, &Settings::default(), &Constraints::default());
    let n = recs.len();
    assert_ne!(l.person_of[n - 1], l.person_of[n - 2]);
}

#[test]
fn reviewers_decisions_are_obeyed() {
    let recs = borough();
    let c = Constraints {
        must_link: vec![(0, 3)],
        cannot_link: vec![(6, 7)],
    };
    let l = link(&recs, &Settings::default(), &c);
    assert_eq!(l.person_of[0], l.person_of[3]);
    assert_ne!(l.person_of[6], l.person_of[7]);
}

#[test]
fn stable_ids_keep_people_and_number_new_ones() {
    let recs = borough();
    let l = link(&recs, &Settings::default(), &Constraints::default());
    let first = assign_stable_ids(&BTreeMap::new(), &recs, &l);
    assert_eq!(first.ids.len(), recs.len());
    assert!(first
        .changes
        .iter()
        .all(|c| matches!(c, IdChange::New { .. })));
    let previous: BTreeMap<String, u64> = recs
        .iter()
        .zip(&first.ids)
        .map(|(r, id)| (r.key.clone(), *id))
        .collect();

    // Same input again: same IDs, no changes.
    let again = assign_stable_ids(&previous, &recs, &l);
    assert_eq!(again.ids, first.ids);
    assert!(again.changes.is_empty());

    // A new record of an existing person joins them; a new person gets the next ID.
    let mut more = recs.clone();
    let mut joiner = recs[0].clone();
    joiner.key = "new-1".into();
    more.push(joiner);
    more.push(rec("new-2", "zebedee", "quimby", "1990-01-01", "M1 1AE"));
    let l2 = link(&more, &Settings::default(), &Constraints::default());
    let s2 = assign_stable_ids(&previous, &more, &l2);
    let n = more.len();
    assert_eq!(s2.ids[n - 2], first.ids[0]);
    let max_prev = *first.ids.iter().max().unwrap();
    assert_eq!(s2.ids[n - 1], max_prev + 1);
    assert_eq!(s2.changes, vec![IdChange::New { id: max_prev + 1 }]);
}

#[test]
fn a_merge_keeps_the_majority_id() {
    let recs = borough();
    let l = link(&recs, &Settings::default(), &Constraints::default());
    // Previously records 0,1 were person 7 and record 2 was person 3: now they are one person.
    let mut previous = BTreeMap::new();
    previous.insert(recs[0].key.clone(), 7u64);
    previous.insert(recs[1].key.clone(), 7u64);
    previous.insert(recs[2].key.clone(), 3u64);
    let s = assign_stable_ids(&previous, &recs, &l);
    assert_eq!(s.ids[0], 7);
    assert_eq!(s.ids[2], 7);
    assert!(s.changes.contains(&IdChange::Merge {
        kept: 7,
        absorbed: vec![3]
    }));
    // And a split: previous person 7 covered records of two people now.
    let mut previous = BTreeMap::new();
    previous.insert(recs[0].key.clone(), 7u64);
    previous.insert(recs[1].key.clone(), 7u64);
    previous.insert(recs[3].key.clone(), 7u64);
    let s = assign_stable_ids(&previous, &recs, &l);
    assert_eq!(s.ids[0], 7);
    assert_ne!(s.ids[3], 7);
    assert!(s
        .changes
        .iter()
        .any(|c| matches!(c, IdChange::Split { kept: 7, .. })));
}

#[test]
fn from_identity_carries_identifiers() {
    let id = hearth_model::Identity {
        given_name: Some("Bill".into()),
        family_name: Some("Smith".into()),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(2011, 4, 3),
        nhs_number: hearth_model::NhsNumber::parse("9434765919").ok(),
        ..Default::default()
    };
    let r = LinkRecord::from_identity(2, "k", &id);
    assert_eq!(r.date_of_birth.map(|d| d.0), Some(20110403));
    assert_eq!(r.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(r.source, 2);
}

#[test]
fn level_labels_are_public() {
    assert_eq!(parse_level("date_of_birth", "day_month_swap"), Some((2, 2)));
    assert_eq!(parse_level("nope", "exact"), None);
}
