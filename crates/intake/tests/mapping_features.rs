//! The mapping features a council needs for partner files laid out its own way: month-name
//! and packed dates, translation tables, fixed and derived values, a postcode inside the
//! address, and whole names in mixed order — each read from a CSV as a data officer would.

mod common;

use common::{options, quarantined};
use hearth_intake::{read_bytes, FileImport, Mapping, Problem};
use hearth_model::AttrValue;

fn import(mapping: &str, csv: &str) -> FileImport {
    let m = Mapping::parse(mapping, "partner.toml").unwrap();
    read_bytes("partner.csv", csv.as_bytes(), &m, &options()).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}

const POLICE: &str = r#"
source = "police"
files = ["police*.csv"]
event_type = "incident"
date_formats = ["%d-%b-%Y", "%d %B %Y", "%Y%m%d", "%d/%m/%y"]
two_digit_year_pivot = 26
[identity]
full_name = { column = "Person", pattern = "detect" }
date_of_birth = "Born"
sex = { column = "Gender", translate = { "1" = "M", "2" = "F" } }
address = "Home Address"
[fact]
event_date = "When"
[attributes.incident_category]
column = "Type"
type = "text"
required = true
allowed = ["Crime", "ASB", "Domestic Abuse"]
translate = { "domestic_abuse" = "Domestic Abuse", "asb_personal" = "ASB", "crime" = "Crime" }
"#;

#[test]
fn police_file_with_month_names_codes_mixed_names_and_postcodes_in_addresses() {
    let csv = "Person,Born,Gender,Home Address,When,Type\n\
               \"ELLERY, Adam\",04-Jun-1980,1,\"12 High St, Anytown AB1 2DE\",31-Mar-2017,domestic_abuse\n\
               Beth Ellery,19820117,2,\"12 High St, Anytown AB1 2DE\",31 March 2017,DOMESTIC_ABUSE\n\
               KAUR Simran,03/02/99,2,\"4 Mill Lane, Anytown\",20170401,Crime\n\
               Tom Reid,05/06/20,1,\"9 Low Rd AB1 3EF\",01-APR-2017,burglary\n";
    let out = import(POLICE, csv);
    assert_eq!(out.rows.len(), 3, "{:#?}", out.quarantined);

    let adam = &out.rows[0];
    assert_eq!(adam.identity.given_name.as_deref(), Some("Adam"));
    assert_eq!(adam.identity.family_name.as_deref(), Some("ELLERY"));
    assert_eq!(adam.identity.date_of_birth, date(1980, 6, 4));
    assert_eq!(adam.identity.sex.map(|s| s.code()), Some("M"));
    assert_eq!(
        adam.identity.address.as_deref(),
        Some("12 High St, Anytown")
    );
    assert_eq!(
        adam.identity.postcode.as_ref().map(|p| p.as_str()),
        Some("AB1 2DE")
    );
    assert_eq!(adam.fact.event_date, date(2017, 3, 31));
    assert_eq!(
        adam.fact.attributes.get("incident_category"),
        Some(&AttrValue::Text("Domestic Abuse".into()))
    );

    let beth = &out.rows[1];
    assert_eq!(beth.identity.given_name.as_deref(), Some("Beth"));
    assert_eq!(beth.identity.family_name.as_deref(), Some("Ellery"));
    assert_eq!(beth.identity.date_of_birth, date(1982, 1, 17));
    assert_eq!(beth.fact.event_date, date(2017, 3, 31));

    let simran = &out.rows[2];
    assert_eq!(simran.identity.given_name.as_deref(), Some("Simran"));
    assert_eq!(simran.identity.family_name.as_deref(), Some("KAUR"));
    // Pivot 26: 99 is 1999.
    assert_eq!(simran.identity.date_of_birth, date(1999, 2, 3));
    assert_eq!(simran.identity.postcode, None);
    assert_eq!(
        simran.identity.address.as_deref(),
        Some("4 Mill Lane, Anytown")
    );
    assert_eq!(simran.fact.event_date, date(2017, 4, 1));

    // A code the table lacks quarantines the row, naming the partner's column and value.
    let q = quarantined(&out, 5);
    assert_eq!(q.field.as_deref(), Some("Type"));
    assert!(
        q.reason
            .contains("Type \"burglary\" is not in the mapping's translation table"),
        "{}",
        q.reason
    );
    assert!(out
        .summary
        .problems
        .iter()
        .any(|p| p.problem == Problem::NotInTable && p.example_row == 5));
}

#[test]
fn untranslated_values_can_be_kept_with_a_warning() {
    let mapping = POLICE.replace(
        "allowed = [\"Crime\", \"ASB\", \"Domestic Abuse\"]\n",
        "untranslated = \"keep\"\n",
    );
    let csv = "Person,Born,Gender,Home Address,When,Type\n\
               Tom Reid,,1,9 Low Rd,01-Apr-2017,burglary\n";
    let out = import(&mapping, csv);
    assert_eq!(out.rows.len(), 1);
    assert_eq!(
        out.rows[0].fact.attributes.get("incident_category"),
        Some(&AttrValue::Text("burglary".into()))
    );
    assert!(out
        .summary
        .warnings
        .iter()
        .any(|w| w.problem == Problem::KeptUntranslated && w.field.as_deref() == Some("Type")));
}

#[test]
fn a_comma_is_never_split_into_a_forename() {
    let mapping = POLICE.replace("pattern = \"detect\"", "pattern = \"Forename Surname\"");
    let csv = "Person,Born,Gender,Home Address,When,Type\n\
               \"ELLERY, Adam\",,1,,31-Mar-2017,crime\n";
    let out = import(&mapping, csv);
    let id = &out.rows[0].identity;
    assert_eq!(
        (id.given_name.as_deref(), id.family_name.as_deref()),
        (Some("Adam"), Some("ELLERY"))
    );
    assert!(out
        .summary
        .warnings
        .iter()
        .any(|w| w.problem == Problem::NameOrderDiffers));
}

const SCHOOLS: &str = r#"
source = "schools"
files = ["schools*.csv"]
event_type = "attendance"
date_formats = ["%Y%m%d"]
[identity]
given_name = "First"
family_name = "Last"
[fact]
event_date = { value = "2017-01-03" }
end_date = { value = "2017-03-31" }
[attributes.sessions_possible]
value = 120
type = "number"
[attributes.census_day]
value = "2017-01-19"
type = "date"
[attributes.sessions_missed]
column = "Attendance %"
type = "number"
required = true
percent_of = "sessions_possible"
percent_complement = true
[attributes.unauthorised_absences]
column = "Attended"
type = "number"
subtract_from = "sessions_possible"
[attributes.exclusions]
column = "Exclusions"
type = "number"
"#;

#[test]
fn files_without_dates_and_percentages_become_sessions() {
    let csv = "First,Last,Attendance %,Attended,Exclusions\n\
               Amy,Reid,87.5%,100,3\n\
               Bob,Reid,100,,0\n\
               Cat,Reid,112,,0\n\
               Dan,Reid,80,130,0\n\
               Eve,Reid,,,0\n";
    let out = import(SCHOOLS, csv);
    let amy = &out.rows[0];
    assert_eq!(amy.fact.event_date, date(2017, 1, 3));
    assert_eq!(amy.fact.end_date, date(2017, 3, 31));
    let attr = |r: &hearth_model::ImportedRow, k: &str| r.fact.attributes.get(k).cloned();
    assert_eq!(
        attr(amy, "sessions_possible"),
        Some(AttrValue::Number(120.0))
    );
    assert_eq!(attr(amy, "sessions_missed"), Some(AttrValue::Number(15.0)));
    assert_eq!(
        attr(amy, "unauthorised_absences"),
        Some(AttrValue::Number(20.0))
    );
    assert_eq!(attr(amy, "exclusions"), Some(AttrValue::Number(3.0)));
    // A fixed date is yyyy-mm-dd even when the file's dates are yyyymmdd.
    assert_eq!(
        attr(amy, "census_day"),
        Some(AttrValue::Text("2017-01-19".into()))
    );
    let bob = &out.rows[1];
    assert_eq!(attr(bob, "sessions_missed"), Some(AttrValue::Number(0.0)));
    assert_eq!(attr(bob, "unauthorised_absences"), None);
    assert_eq!(out.rows.len(), 2, "{:#?}", out.quarantined);

    let q = quarantined(&out, 4);
    assert_eq!(q.field.as_deref(), Some("Attendance %"));
    assert!(
        q.reason.contains("\"112\" is not a percentage"),
        "{}",
        q.reason
    );
    let q = quarantined(&out, 5);
    assert_eq!(q.field.as_deref(), Some("Attended"));
    assert!(
        q.reason.contains("more than sessions_possible (120)"),
        "{}",
        q.reason
    );
    let q = quarantined(&out, 6);
    assert!(q.reason.contains("Attendance % is empty"), "{}", q.reason);
}
