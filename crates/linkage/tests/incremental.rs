//! Incremental linking (`LookupIndex::link_new`): new records linked into the last run's
//! people keep every existing person ID, agree with a full re-link where the evidence is
//! clear, merge people a new record bridges, stay bounded on identical records, and are
//! refused when the last run's model is missing or the settings changed.

use hearth_linkage::{
    link, Constraints, IdChange, IncrementalRefusal, LinkRecord, LookupIndex, ModelParameters,
    Settings,
};
use std::collections::HashMap;

fn rec(source: u16, key: &str, given: &str, family: &str, dob: &str, pc: &str) -> LinkRecord {
    let mut r = LinkRecord::new(source, key);
    r.given_name = Some(given.into());
    r.family_name = Some(family.into());
    r.date_of_birth = hearth_linkage::standardise::parse_dob(dob, "%Y-%m-%d").unwrap();
    r.postcode = Some(pc.into());
    r.address = Some(format!("1 {family} Street"));
    r
}

/// 40 people, three records each.
fn borough() -> Vec<LinkRecord> {
    let given = [
        "Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Harry",
    ];
    let family = ["Smith", "Jones", "Taylor", "Brown", "Wilson"];
    let mut out = Vec::new();
    for (g, gn) in given.iter().enumerate() {
        for (f, fnm) in family.iter().enumerate() {
            let dob = format!("19{}-0{}-1{}", 60 + g * 3 + f, 1 + f, g);
            let pc = format!("M{} {}AB", 10 + f, g);
            for copy in 0..3u16 {
                out.push(rec(copy, &format!("r{}", out.len()), gn, fnm, &dob, &pc));
            }
        }
    }
    out
}

/// A month's new records: a fourth record (nickname, lower case) of ten known people, and
/// two people never seen before, each twice.
fn new_month() -> Vec<LinkRecord> {
    let mut out = Vec::new();
    for (g, gn) in ["ALICE", "bob", "Carol", "Dan", "EVE"].iter().enumerate() {
        for f in 0..2usize {
            let fnm = ["smith", "JONES"][f];
            let dob = format!("19{}-0{}-1{}", 60 + g * 3 + f, 1 + f, g);
            let pc = format!("m{}{}ab", 10 + f, g);
            out.push(rec(3, &format!("n{}", out.len()), gn, fnm, &dob, &pc));
        }
    }
    for copy in 0..2 {
        out.push(rec(
            3,
            &format!("z{copy}"),
            "Zebedee",
            "Quixote",
            "2001-12-25",
            "ZZ9 9ZZ",
        ));
        out.push(rec(
            3,
            &format!("y{copy}"),
            "Yolanda",
            "Ximenez",
            "1999-02-14",
            "YY1 1YY",
        ));
    }
    out
}

/// The last run (person IDs from 101) and its index.
fn last_run(old: &[LinkRecord], settings: &Settings) -> (Vec<i64>, LookupIndex) {
    let linkage = link(old, settings, &Constraints::default());
    let people: Vec<i64> = linkage.person_of.iter().map(|&p| p as i64 + 101).collect();
    let kept = serde_json::to_string(&ModelParameters::of_run(&linkage.model, settings)).unwrap();
    let model = serde_json::from_str::<ModelParameters>(&kept)
        .unwrap()
        .model_for(settings)
        .unwrap();
    let index = LookupIndex::build(old, &people, model, settings);
    (people, index)
}

/// Whether two labellings put the same records together.
fn same_partition(a: &[i64], b: &[i64]) -> bool {
    let mut ab: HashMap<i64, i64> = HashMap::new();
    let mut ba: HashMap<i64, i64> = HashMap::new();
    a.iter()
        .zip(b)
        .all(|(&x, &y)| *ab.entry(x).or_insert(y) == y && *ba.entry(y).or_insert(x) == x)
}

#[test]
fn new_records_join_their_people_keep_every_id_and_agree_with_a_full_relink() {
    let settings = Settings::default();
    let old = borough();
    let new = new_month();
    let (people, mut index) = last_run(&old, &settings);
    let inc = index.link_new(&new, &Constraints::default());

    // Every existing person keeps their ID; nothing merged.
    assert!(inc.moved.is_empty(), "{:?}", inc.moved);
    // Known people's new records take their IDs.
    for (k, r) in new.iter().take(10).enumerate() {
        let twin = old
            .iter()
            .position(|o| {
                o.date_of_birth == r.date_of_birth
                    && o.family_name.as_deref().map(str::to_lowercase)
                        == r.family_name.as_deref().map(str::to_lowercase)
            })
            .unwrap();
        assert_eq!(inc.new_person_ids[k], people[twin], "new record {k}");
    }
    // Two new people, each with both records, numbered after the largest ID.
    let max_old = *people.iter().max().unwrap();
    let z = &inc.new_person_ids[10..];
    assert_eq!(z, &[max_old + 1, max_old + 2, max_old + 1, max_old + 2]);
    assert_eq!(
        inc.changes,
        vec![
            IdChange::New {
                id: max_old as u64 + 1
            },
            IdChange::New {
                id: max_old as u64 + 2
            }
        ]
    );

    // A full re-link of everything finds the same people.
    let all: Vec<LinkRecord> = old.iter().chain(&new).cloned().collect();
    let full = link(&all, &settings, &Constraints::default());
    let full_of: Vec<i64> = full.person_of.iter().map(|&p| p as i64).collect();
    let incremental: Vec<i64> = people.iter().chain(&inc.new_person_ids).copied().collect();
    assert!(same_partition(&incremental, &full_of));
    // Only pairs with a new record were compared.
    assert!(inc.pairs.iter().all(|p| p.right >= old.len() as u32));
}

#[test]
fn a_new_record_that_bridges_two_people_merges_them_and_says_so() {
    let settings = Settings::default();
    let old = borough();
    // The last run kept Alice Smith's three records as two people (as if a reviewer's
    // evidence had been missing): records 0 and 1 as 101, record 2 as 9001.
    let (mut people, _) = last_run(&old, &settings);
    assert_eq!(people[0], people[2]);
    people[2] = 9001;
    let linkage = link(&old, &settings, &Constraints::default());
    let model = ModelParameters::of_run(&linkage.model, &settings)
        .model_for(&settings)
        .unwrap();
    let mut index = LookupIndex::build(&old, &people, model, &settings);
    let new = vec![rec(3, "n0", "Alice", "Smith", "1960-01-10", "M10 0AB")];
    let inc = index.link_new(&new, &Constraints::default());
    assert_eq!(inc.new_person_ids, vec![people[0]]);
    assert_eq!(inc.moved, vec![(2, people[0])]);
    assert_eq!(
        inc.changes,
        vec![IdChange::Merge {
            kept: people[0] as u64,
            absorbed: vec![9001]
        }]
    );
}

#[test]
fn identical_new_records_are_one_person_compared_once() {
    let settings = Settings::default();
    let old = borough();
    let (_, mut index) = last_run(&old, &settings);
    let new: Vec<LinkRecord> = (0..2_000)
        .map(|i| rec(3, &format!("p{i}"), "Not", "Known", "1985-05-05", "ZZ1 1ZZ"))
        .collect();
    let inc = index.link_new(&new, &Constraints::default());
    let first = inc.new_person_ids[0];
    assert!(inc.new_person_ids.iter().all(|&p| p == first));
    // Each duplicate paired once with the first: not 2,000 × 1,999 / 2.
    assert!(inc.candidate_pairs < 100, "{}", inc.candidate_pairs);
    assert_eq!(inc.pairs.len(), 1_999);
}

#[test]
fn a_model_without_settings_or_under_other_settings_is_refused() {
    let settings = Settings::default();
    let old = borough();
    let linkage = link(&old, &settings, &Constraints::default());
    // Kept by a run that did not record its settings (before incremental runs existed).
    assert_eq!(
        ModelParameters::of(&linkage.model)
            .model_for(&settings)
            .err(),
        Some(IncrementalRefusal::SettingsChanged)
    );
    let kept = ModelParameters::of_run(&linkage.model, &settings);
    assert!(kept.model_for(&settings).is_ok());
    // The settings changed since.
    let other = Settings {
        max_block_size: 100,
        ..Settings::default()
    };
    assert_eq!(
        kept.model_for(&other).err(),
        Some(IncrementalRefusal::SettingsChanged)
    );
    let other = Settings {
        review_band: (0.1, 0.9),
        ..Settings::default()
    };
    assert_eq!(
        kept.model_for(&other).err(),
        Some(IncrementalRefusal::SettingsChanged)
    );
    // Kept by a build with other comparisons.
    let foreign = ModelParameters {
        levels: vec![],
        ..kept
    };
    assert_eq!(
        foreign.model_for(&settings).err(),
        Some(IncrementalRefusal::OtherBuild)
    );
}
