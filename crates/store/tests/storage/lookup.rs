//! Identifiers by key: a review pair's records as recorded, and the people a search by name
//! or NHS number finds (through the latest linkage).

use crate::fixtures::*;
use crate::harness::TestDb;
use hearth_store::*;

both!(
    record_identities_read_back_as_recorded,
    people_are_found_by_name_words_or_nhs_number,
    people_are_found_whatever_the_accents_of_names_as_stored,
);

fn linked(store: &mut Store) -> Vec<RecordId> {
    link_rows(
        store,
        vec![full_row(2), empty_row(3)],
        &"d".repeat(64),
        &[100, 200],
    )
}

/// Imports `rows` as one police batch (file hash `sha`) and links the records, in order, to
/// the people `persons`; the records' keys.
fn link_rows(
    store: &mut Store,
    rows: Vec<hearth_model::ImportedRow>,
    sha: &str,
    persons: &[i64],
) -> Vec<RecordId> {
    store
        .write_batch(&batch("police", sha, rows.len() as u64), &rows, &[])
        .unwrap();
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    let fresh = &ids[ids.len() - persons.len()..];
    let assignment: Vec<(RecordId, i64)> =
        fresh.iter().copied().zip(persons.iter().copied()).collect();
    let summary = LinkRunSummary {
        records: persons.len() as u64,
        people: persons.len() as u64,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 0,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment,
            changes: &[],
            review: &[],
            families: &[],
        })
        .unwrap();
    fresh.to_vec()
}

fn record_identities_read_back_as_recorded(store: &mut Store, _db: &TestDb) {
    let ids = linked(store);
    let found = store
        .record_identities(&[ids[1], ids[0], RecordId(999_999)])
        .unwrap();
    assert_eq!(found.len(), 2, "a key not stored is left out");
    assert_eq!(found[0].record_id, ids[0]);
    let full = &found[0];
    assert_eq!(full.source, "police");
    assert_eq!(full.given_name.as_deref(), Some("Zoë"));
    assert_eq!(full.family_name.as_deref(), Some("O'Brien-Smith \\ Jr"));
    assert_eq!(full.date_of_birth.as_deref(), Some("2010-02-28"));
    assert_eq!(full.sex.as_deref(), Some("F"));
    assert_eq!(full.postcode.as_deref(), Some("M33 7AB"));
    assert_eq!(full.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(full.ni_number.as_deref(), Some("AB123456C"));
    assert_eq!(full.source_person_id.as_deref(), Some("P-0001"));
    assert_eq!(found[1].given_name, None);
    assert_eq!(found[1].nhs_number, None);
}

fn people_are_found_by_name_words_or_nhs_number(store: &mut Store, _db: &TestDb) {
    linked(store);
    let mut find = |q: PeopleQuery| store.find_people(&q).unwrap();
    let words = |w: &[&str]| PeopleQuery {
        name_words: w.iter().map(|w| w.to_string()).collect(),
        ..PeopleQuery::default()
    };
    assert_eq!(find(words(&["zoë"])), vec![100]);
    // Accents ignored, either way round (QA round "users", item 4).
    assert_eq!(find(words(&["Zoe"])), vec![100], "Zoe finds Zoë");
    assert_eq!(find(words(&["ZOE", "O'BRIEN"])), vec![100]);
    assert_eq!(
        find(words(&["Zoa"])),
        Vec::<i64>::new(),
        "letters still count"
    );
    assert_eq!(
        find(words(&["ZOË", "o'brien"])),
        vec![100],
        "every word, any case"
    );
    assert_eq!(find(words(&["zoë", "jones"])), Vec::<i64>::new());
    assert_eq!(
        find(words(&["%"])),
        Vec::<i64>::new(),
        "a pattern character is text"
    );
    assert_eq!(find(words(&["\\"])), vec![100], "the name has a backslash");
    let nhs = |n: &str| PeopleQuery {
        nhs_number: Some(n.into()),
        ..PeopleQuery::default()
    };
    assert_eq!(find(nhs("9434765919")), vec![100]);
    assert_eq!(find(nhs("4010232137")), Vec::<i64>::new());
    assert_eq!(
        find(PeopleQuery::default()),
        Vec::<i64>::new(),
        "an empty query finds no one"
    );
}

/// A name stored with accents in capitals (`SINÉAD`) is found by "sinead" and by "Sinéad":
/// SQLite's `LOWER` knows only ASCII, so the folding is Hearth's own on both backends.
fn people_are_found_whatever_the_accents_of_names_as_stored(store: &mut Store, _db: &TestDb) {
    let mut row = full_row(2);
    row.identity.given_name = Some("SINÉAD".into());
    row.identity.family_name = Some("NÍ BHRIAIN".into());
    link_rows(store, vec![row], &"e".repeat(64), &[300]);
    for typed in [
        &["sinead"][..],
        &["Sinéad", "ni"],
        &["SINEAD", "Ní", "Bhriain"],
    ] {
        let q = PeopleQuery {
            name_words: typed.iter().map(|w| w.to_string()).collect(),
            ..PeopleQuery::default()
        };
        assert_eq!(store.find_people(&q).unwrap(), vec![300], "{typed:?}");
    }
}
