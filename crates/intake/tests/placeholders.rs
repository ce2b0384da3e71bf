//! Placeholder postcodes and addresses: an NHS pseudo-postcode or "NFA" is no postcode (the
//! row kept), a placeholder address is kept as written, each with a warning.

mod common;

use common::*;
use hearth_intake::{read_bytes, Mapping, Problem};

/// NHS pseudo-postcodes (ZZ99 3VZ: no fixed abode) and "NFA" / "UNKNOWN" written as a
/// postcode are no postcode: the row and its event are kept, with a warning counted, and a
/// placeholder address is kept as written with a warning of its own.
#[test]
fn pseudo_postcodes_and_placeholders_are_read_as_no_postcode() {
    let csv = "NHS Number,Patient Name,Date of Birth,Gender,Address,Postcode,Contact Type,Contact Date,Outcome\n\
        ,Karen Lee,03/04/1987,F,,ZZ99 3VZ,A&E attendance,03/04/2025,\n\
        ,Tyler Ross,05/09/2012,M,,zz99 3vz,Substance misuse,05/05/2025,\n\
        ,Amy Kerr,05/09/1980,F,No fixed abode,NFA,Mental health contact,05/05/2025,\n\
        ,Bob Kerr,05/09/1981,M,Unknown,UNKNOWN,Mental health contact,05/05/2025,\n\
        ,Cal Moss,05/09/1982,M,12 High St,ZZ99 3WZ,Mental health contact,05/05/2025,\n\
        ,Dee Moss,05/09/1983,F,12 High St,ZZ,Mental health contact,05/05/2025,\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &shipped("health"), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4, 5, 6]);
    assert!(import.rows.iter().all(|r| r.identity.postcode.is_none()));
    assert!(import.rows.iter().all(|r| r.fact.event_date.is_some()));
    assert_eq!(
        import.rows[2].identity.address.as_deref(),
        Some("No fixed abode")
    );
    let warned = |p: Problem| {
        let w = import.summary.warnings.iter().find(|g| g.problem == p);
        w.map(|w| (w.field.clone().unwrap_or_default(), w.rows, w.example_row))
    };
    assert_eq!(
        warned(Problem::PostcodePlaceholder),
        Some(("Postcode".into(), 5, 2))
    );
    assert_eq!(
        warned(Problem::AddressPlaceholder),
        Some(("Address".into(), 2, 4))
    );
    // A postcode that is merely wrong still quarantines its row, said once.
    assert_quarantined(
        &import,
        7,
        Some("Postcode"),
        r#"Postcode "ZZ" is not a valid UK postcode: a UK postcode looks like M1 1AE, B33 8TH or SW1A 2AA"#,
    );
}

/// A police file with no postcode column: "Address withheld, NE4 7QT" keeps the postcode and
/// says there is no address; "No fixed abode ZZ99 3WZ" has neither.
#[test]
fn a_placeholder_address_keeps_the_real_postcode_written_after_it() {
    let text = std::fs::read_to_string(mappings_dir().join("police.toml"))
        .unwrap()
        .replace("postcode = \"Postcode\"\n", "");
    let mapping = Mapping::parse(&text, "police.toml").unwrap();
    let csv = "Occurrence Ref,Occurrence Date,Incident Category,Offence Description,Involvement,Surname,Forename,DOB,Sex,Address\n\
        A1,05/03/2024,Crime,Theft,Suspect,BROWN,Lee,06/06/2012,M,\"Address withheld, ne4 7qt\"\n\
        A2,05/03/2024,Crime,Theft,Suspect,GREEN,Amy,06/06/1982,F,No fixed abode ZZ99 3WZ\n";
    let import = read_bytes("police.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3], "{:?}", import.quarantined);
    let (a, b) = (&import.rows[0].identity, &import.rows[1].identity);
    assert_eq!(a.address.as_deref(), Some("Address withheld"));
    assert_eq!(a.postcode.as_ref().map(|p| p.as_str()), Some("NE4 7QT"));
    assert_eq!(b.address.as_deref(), Some("No fixed abode"));
    assert_eq!(b.postcode, None);
}

/// An event dated after the day of import (a booked appointment, or a typing error) is kept
/// and counted as a warning naming the column and the first row, so the officer sees it.
#[test]
fn an_event_after_the_day_of_import_is_kept_and_warned_of() {
    let csv = "NHS Number,Patient Name,Date of Birth,Gender,Address,Postcode,Contact Type,Contact Date,Outcome\n\
        ,Karen Lee,03/04/1987,F,1 High St,M1 1AE,A&E attendance,03/04/2025,\n\
        ,Tyler Ross,05/09/2012,M,2 High St,M1 1AE,A&E attendance,05/05/2026,\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &shipped("health"), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3]);
    let w = import
        .summary
        .warnings
        .iter()
        .find(|g| g.problem == Problem::FutureEvent)
        .expect("a warning for the future date");
    assert_eq!(
        (w.field.as_deref(), w.rows, w.example_row),
        (Some("Contact Date"), 1, 3)
    );
}
