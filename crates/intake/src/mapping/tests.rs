//! Tests of loading mappings: good ones, unknown keys, broken rules, headers and patterns.

use super::names::glob_match;
use super::*;

const GOOD: &str = r#"
source = "police"
files = ["police*.csv"]
event_type = "incident"
[identity]
family_name = "Surname"
date_of_birth = { column = "DOB", formats = ["dd/mm/yyyy"] }
address = ["Address 1", "Address 2"]
[fact]
event_date = "Occurrence Date"
[attributes.incident_category]
column = "Incident Category"
type = "text"
required = true
allowed = ["Crime", "ASB"]
"#;

fn err(text: &str) -> String {
    Mapping::parse(text, "m.toml").unwrap_err().to_string()
}

#[test]
fn good_mapping_loads() {
    let m = Mapping::parse(GOOD, "m.toml").unwrap();
    assert_eq!(m.source(), "police");
    assert_eq!(
        m.columns(),
        [
            "Surname",
            "DOB",
            "Address 1",
            "Address 2",
            "Occurrence Date",
            "Incident Category"
        ]
    );
    assert!(m.applies_to("Police_2024.CSV"));
    assert!(!m.applies_to("schools.csv"));
}

#[test]
fn unknown_keys_are_errors() {
    let e = err(&GOOD.replace("event_type", "evnt_type"));
    assert!(e.contains("m.toml") && e.contains("evnt_type"), "{e}");
    let e = err(&GOOD.replace("required = true", "requird = true"));
    assert!(e.contains("requird"), "{e}");
    let e = err(&GOOD.replace("formats = [\"dd/mm/yyyy\"]", "format = [\"dd/mm/yyyy\"]"));
    assert!(e.contains("format"), "{e}");
    let e = err(&GOOD.replace("\"dd/mm/yyyy\"]", "\"mm/dd/yyyy\"]"));
    assert!(e.contains("mm/dd/yyyy"), "{e}");
    let e = err(&GOOD.replace("type = \"text\"", "type = \"string\""));
    assert!(e.contains("string"), "{e}");
}

#[test]
fn rule_breaks_are_errors() {
    let e = err(&GOOD.replace("family_name = \"Surname\"", "family_name = [\"A\", \"B\"]"));
    assert!(
        e.contains("only `identity.address` may join several"),
        "{e}"
    );
    let e = err(&GOOD.replace("type = \"text\"", "type = \"number\""));
    assert!(e.contains("only text attributes"), "{e}");
    let e = err(&GOOD.replace("\"police\"", "\"Police Force\""));
    assert!(e.contains("`source`"), "{e}");
    let e = err(&GOOD.replace(
        "family_name = \"Surname\"",
        "family_name = { column = \"Surname\", pattern = \"Forename Surname\" }",
    ));
    assert!(
        e.contains("only `identity.full_name` takes a name pattern"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "family_name = \"Surname\"",
        "full_name = { column = \"Name\", pattern = \"Surname First\" }",
    ));
    assert!(e.contains("unknown name pattern"), "{e}");
}

#[test]
fn header_check_names_mapping_and_columns() {
    let m = Mapping::parse(GOOD, "mappings/police.toml").unwrap();
    let header = [
        "Surname",
        "dob ",
        "Address 1",
        "Address 2",
        "Occurrence Date",
        "Incident Category",
    ];
    m.check_header(&header).unwrap();
    let e = m
        .check_header(&[
            "Surname",
            "Date of Birth",
            "Address 1",
            "Address 2",
            "Occurrence Date",
            "Incident Category",
        ])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "mapping mappings/police.toml names column(s) \"DOB\" that the file's header does not have; \
         the header has: \"Surname\", \"Date of Birth\", \"Address 1\", \"Address 2\", \
         \"Occurrence Date\", \"Incident Category\""
    );
    let e = m
        .check_header(&[
            "Surname",
            "DOB",
            "DOB",
            "Address 1",
            "Address 2",
            "Occurrence Date",
            "Incident Category",
        ])
        .unwrap_err();
    assert!(matches!(e, MappingError::DuplicateColumn { .. }));
}

#[test]
fn globs() {
    assert!(glob_match("police*.csv", "police.csv"));
    assert!(glob_match("police*.csv", "police_2024_q1.csv"));
    assert!(glob_match("*.xlsx", "Social Care.XLSX"));
    assert!(glob_match("file?.csv", "file1.csv"));
    assert!(!glob_match("file?.csv", "file10.csv"));
    assert!(!glob_match("police.csv", "police.csv.bak"));
    assert!(glob_match("*a*b*", "xxaxxbxx"));
}

#[test]
fn date_formats_take_the_grammar_and_the_old_names() {
    let formats = |f: &str| {
        let m = Mapping::parse(&GOOD.replace("[\"dd/mm/yyyy\"]", f), "m.toml").unwrap();
        m.identity.date_of_birth.unwrap().formats.unwrap()
    };
    assert_eq!(
        formats(r#"["dd/mm/yyyy", "yyyy-mm-dd", "excel-serial"]"#),
        formats(r#"["%d/%m/%Y", "%Y-%m-%d", "%E"]"#)
    );
    assert_eq!(formats(r#"["%d.%m.%Y"]"#)[0].label(), "dd.mm.yyyy");
    let e = err(&GOOD.replace("\"dd/mm/yyyy\"]", "\"%d/%m\"]"));
    assert!(e.contains("date format \"%d/%m\" must give"), "{e}");
    // An unsupported directive is named when the mapping is loaded, with the mapping file.
    let e = err(&GOOD.replace("\"dd/mm/yyyy\"]", "\"%d/%m/%Y %H:%M\"]"));
    assert!(e.contains("m.toml") && e.contains("uses %H"), "{e}");
    let m = Mapping::parse(
        &GOOD
            .replace("[\"dd/mm/yyyy\"]", r#"["%d-%b-%y", "%Y%m%d"]"#)
            .replace("event_type", "two_digit_year_pivot = 20\nevent_type"),
        "m.toml",
    )
    .unwrap();
    let f = m.identity.date_of_birth.unwrap().formats.unwrap();
    assert_eq!(f[0].label(), "dd-mmm-yy");
    assert_eq!(f[0].pivot(), 20);
    assert_eq!(
        f[0].date("05-MAR-19"),
        Ok(chrono::NaiveDate::from_ymd_opt(2019, 3, 5).unwrap())
    );
    let e = err(&GOOD.replace("event_type", "two_digit_year_pivot = 101\nevent_type"));
    assert!(e.contains("two_digit_year_pivot"), "{e}");
}

#[test]
fn translation_tables_fixed_and_derived_values_are_checked() {
    let with = |extra: &str| format!("{GOOD}{extra}");
    let ok = |extra: &str| Mapping::parse(&with(extra), "m.toml").unwrap();
    let m = ok(r#"
[attributes.code]
column = "Code"
type = "text"
translate = { "da" = "Domestic Abuse" }
untranslated = "keep"
[attributes.sessions_possible]
value = 190
type = "number"
[attributes.sessions_missed]
column = "Attendance %"
type = "number"
percent_of = "sessions_possible"
percent_complement = true
"#);
    // A fixed value names no column.
    assert!(m.columns().contains(&"Attendance %"));
    assert!(!m.columns().iter().any(|c| c.contains("sessions")));
    for (extra, says) in [
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"text\"\ntranslate = {}\n",
            "`attributes.x.translate` is empty",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"text\"\ntranslate = { a = \"B\", A = \"C\" }\n",
            "lists the code",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"text\"\nallowed = [\"Crime\"]\ntranslate = { da = \"Domestic Abuse\" }\n",
            "not in its `allowed` list",
        ),
        (
            "[attributes.x]\ntype = \"number\"\n",
            "needs `column`",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\nvalue = 3\ntype = \"number\"\n",
            "has `column` and `value`",
        ),
        (
            "[attributes.x]\nvalue = \"lots\"\ntype = \"number\"\n",
            "is not a number value",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"number\"\npercent_of = \"y\"\n",
            "has no attribute `y`",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"number\"\npercent_of = \"incident_category\"\n",
            "must be another number attribute",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"text\"\nsubtract_from = \"x\"\n",
            "must be \"number\"",
        ),
        (
            "[attributes.x]\ncolumn = \"X\"\ntype = \"number\"\npercent_complement = true\n",
            "no `percent_of`",
        ),
    ] {
        let e = err(&with(extra));
        assert!(e.contains(says), "{extra}: {e}");
    }
    // Fixed fact dates and sex codes.
    let m = Mapping::parse(
        &GOOD
            .replace("event_date = \"Occurrence Date\"", "event_date = { value = \"2024-03-31\" }")
            .replace("family_name = \"Surname\"", "family_name = \"Surname\"\nsex = { column = \"Sex\", translate = { \"1\" = \"M\", \"2\" = \"F\" } }"),
        "m.toml",
    )
    .unwrap();
    assert!(!m.columns().contains(&"Occurrence Date"));
    let e = err(&GOOD.replace(
        "event_date = \"Occurrence Date\"",
        "event_date = { value = \"31/03/2024\" }",
    ));
    assert!(e.contains("yyyy-mm-dd"), "{e}");
    let e = err(&GOOD.replace(
        "family_name = \"Surname\"",
        "family_name = { column = \"Surname\", value = \"2024-01-01\" }",
    ));
    assert!(
        e.contains("not both") || e.contains("only `fact.event_date`"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "family_name = \"Surname\"",
        "family_name = { column = \"Surname\", translate = { a = \"b\" } }",
    ));
    assert!(e.contains("only `sex`"), "{e}");
    let e = err(&GOOD.replace(
        "family_name = \"Surname\"",
        "full_name = { column = \"Name\", pattern = \"guess\" }",
    ));
    assert!(e.contains("detect"), "{e}");
    assert!(Mapping::parse(
        &GOOD.replace(
            "family_name = \"Surname\"",
            "full_name = { column = \"Name\", pattern = \"detect\" }",
        ),
        "m.toml"
    )
    .is_ok());
}

#[test]
fn delimiter_and_header_row_are_checked() {
    let m = Mapping::parse(GOOD, "m.toml").unwrap();
    assert_eq!((m.delimiter(), m.header_row()), (',', None));
    let with = |keys: &str| GOOD.replace("event_type =", &format!("{keys}\nevent_type ="));
    let m = Mapping::parse(&with("delimiter = \";\"\nheader_row = 3"), "m.toml").unwrap();
    assert_eq!((m.delimiter(), m.header_row()), (';', Some(3)));
    let m = Mapping::parse(&with("delimiter = \"\\t\""), "m.toml").unwrap();
    assert_eq!(m.delimiter(), '\t');
    let e = err(&with("delimiter = \";;\""));
    assert!(
        e.contains("m.toml") && e.contains("`delimiter` must be \",\""),
        "{e}"
    );
    let e = err(&with("header_row = 0"));
    assert!(
        e.contains("m.toml") && e.contains("`header_row` counts from 1"),
        "{e}"
    );
    let e = err(&with("header_row = -2"));
    assert!(e.contains("m.toml") && e.contains("header_row"), "{e}");
    let e = err(&with("delimter = \";\""));
    assert!(e.contains("unknown field `delimter`"), "{e}");
}
