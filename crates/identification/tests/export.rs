//! Exports: the ranked list and evidence, with names only for a full-access view.

mod common;
use calamine::{Reader, Xlsx};
use common::*;
use hearth_identification::export::{
    self, ExportView, IdentifierAccess, IdentityLookup, PersonDetails,
};
use hearth_identification::Identification;
use std::cell::Cell;

/// Synthetic names, never real people.
struct Names {
    calls: Cell<usize>,
}

impl IdentityLookup for Names {
    fn person(&self, person_id: u64) -> Option<PersonDetails> {
        self.calls.set(self.calls.get() + 1);
        Some(PersonDetails {
            name: format!("Zebedee Quixote{person_id}"),
            date_of_birth: Some(d("1990-01-01")),
        })
    }
    fn family_address(&self, family_id: u64) -> Option<String> {
        self.calls.set(self.calls.get() + 1);
        Some(format!("{family_id} Nowhere Lane, Testborough"))
    }
}

fn identification() -> Identification {
    let mut w = World::default();
    let mum = w.person(1, Some("1990-01-01"));
    let son = w.person(2, Some("2012-01-01"));
    w.add(mum, police(10, "2025-02-01", "Domestic Abuse", "Victim"));
    w.add(son, youth_offence(20, "2025-04-01", true));
    w.add(son, youth_offence(21, "2025-05-01", true));
    w.family(77, &[mum, son]);
    let other = w.person(3, Some("1980-01-01"));
    w.add(other, health(30, "2025-02-01", "Mental health contact"));
    w.family(78, &[other]);
    w.run(&expanded())
}

const NAME_PARTS: [&str; 4] = ["Zebedee", "Quixote", "Nowhere Lane", "1990-01-01"];

#[test]
fn pseudonymised_csv_has_reference_numbers_and_no_names() {
    let id = identification();
    let view = ExportView::pseudonymised();
    let mut ranked = Vec::new();
    export::csv(&id, &mut ranked, &view).unwrap();
    let mut evidence = Vec::new();
    export::evidence_csv(&id, &mut evidence, &view).unwrap();
    let ranked = String::from_utf8(ranked).unwrap();
    let evidence = String::from_utf8(evidence).unwrap();
    for part in NAME_PARTS {
        assert!(!ranked.contains(part) && !evidence.contains(part), "{part}");
    }
    let mut lines = ranked.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,family_id,eligible,problem_count,problems,intergenerational,estimated_annual_cost,priority_score,member_count,member_ids,has_dependent_child"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("1,77,Y,2,crime_asb;domestic_abuse,,"),
        "{row}"
    );
    assert!(row.ends_with(",2,1 2,Y"), "{row}");
    assert_eq!(lines.next(), None, "only eligible families");
    assert!(
        evidence.contains("1,77,crime_asb,crime_asb.child_proven_offence,2,13,20 21,2,"),
        "{evidence}"
    );
    assert!(!evidence.lines().next().unwrap().contains("name"));
}

#[test]
fn full_csv_has_names_from_the_lookup() {
    let id = identification();
    let names = Names {
        calls: Cell::new(0),
    };
    let view = ExportView {
        access: IdentifierAccess::Full(&names),
        eligible_only: false,
    };
    let mut ranked = Vec::new();
    export::csv(&id, &mut ranked, &view).unwrap();
    let ranked = String::from_utf8(ranked).unwrap();
    assert!(
        ranked.contains("Zebedee Quixote1; Zebedee Quixote2"),
        "{ranked}"
    );
    assert!(ranked.contains("77 Nowhere Lane, Testborough"));
    assert!(
        ranked.contains(",78,N,"),
        "families with a problem, eligible or not"
    );
    let mut evidence = Vec::new();
    export::evidence_csv(&id, &mut evidence, &view).unwrap();
    let evidence = String::from_utf8(evidence).unwrap();
    assert!(evidence
        .lines()
        .next()
        .unwrap()
        .ends_with(",name,date_of_birth"));
    assert!(evidence.contains("Zebedee Quixote2,1990-01-01"));
    assert!(names.calls.get() > 0);
}

fn sheet_text(path: &std::path::Path) -> (Vec<String>, String) {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names().to_vec();
    let mut all = String::new();
    for n in &names {
        let range = wb.worksheet_range(n).unwrap();
        for row in range.rows() {
            for c in row {
                all.push_str(&c.to_string());
                all.push('|');
            }
            all.push('\n');
        }
    }
    (names, all)
}

#[test]
fn xlsx_has_ranked_and_evidence_sheets_and_respects_the_view() {
    let id = identification();
    let dir = tempfile::tempdir().unwrap();

    let pseudo = dir.path().join("pseudo.xlsx");
    export::xlsx(&id, &pseudo, &ExportView::pseudonymised()).unwrap();
    let (sheets, text) = sheet_text(&pseudo);
    assert_eq!(sheets, ["Ranked families", "Evidence"]);
    assert!(text.contains("crime_asb.child_proven_offence"));
    for part in NAME_PARTS {
        assert!(!text.contains(part), "{part} in pseudonymised workbook");
    }

    let names = Names {
        calls: Cell::new(0),
    };
    let full = dir.path().join("full.xlsx");
    let view = ExportView {
        access: IdentifierAccess::Full(&names),
        eligible_only: true,
    };
    export::xlsx(&id, &full, &view).unwrap();
    let (_, text) = sheet_text(&full);
    assert!(text.contains("Zebedee Quixote1"));
}

#[test]
fn csv_text_cannot_become_a_formula() {
    let id = identification();
    struct Evil;
    impl IdentityLookup for Evil {
        fn person(&self, _: u64) -> Option<PersonDetails> {
            Some(PersonDetails {
                name: "=HYPERLINK(\"http://example.invalid\")".into(),
                date_of_birth: None,
            })
        }
        fn family_address(&self, _: u64) -> Option<String> {
            None
        }
    }
    let view = ExportView {
        access: IdentifierAccess::Full(&Evil),
        eligible_only: true,
    };
    let mut out = Vec::new();
    export::evidence_csv(&id, &mut out, &view).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("\"'=HYPERLINK"), "{out}");
}
