//! The shipped profiles load; malformed rules files get clear errors naming the file, the
//! indicator and what is wrong.

mod common;
use common::*;
use hearth_identification::{
    Aggregate, ErrorKind, Rules, RulesError, UnitCosts, Who, Window, WindowBasis,
};

#[test]
fn expanded_2015_profile_loads_with_the_default_table() {
    let r = expanded();
    assert_eq!(r.profile(), "expanded-2015");
    let keys: Vec<&str> = r.problems().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "crime_asb",
            "school_attendance",
            "children_need_help",
            "worklessness",
            "domestic_abuse",
            "health"
        ]
    );
    assert_eq!(r.eligibility().min_problems, 2);
    assert!(!r.eligibility().require_dependent_child);
    assert!(r.problems_without_indicators().is_empty());
    let att = r
        .indicators()
        .iter()
        .find(|i| i.key == "school_attendance.persistent_absence")
        .unwrap();
    assert_eq!(att.source, "schools");
    assert_eq!(att.who, Who::Child);
    assert_eq!(att.window, Window::LastPeriods { count: 3 });
    assert!(matches!(att.aggregate, Aggregate::Ratio { at_least, .. } if at_least == 0.10));
    let cin = r
        .indicators()
        .iter()
        .find(|i| i.key == "children_need_help.child_in_need")
        .unwrap();
    assert_eq!(
        cin.window,
        Window::Months {
            months: 12,
            basis: WindowBasis::Overlaps
        }
    );
    // Every indicator reads from one of the seven partner sources.
    let sources = [
        "schools",
        "police",
        "dwp",
        "health",
        "social_care",
        "housing",
        "youth_justice",
    ];
    assert!(r
        .indicators()
        .iter()
        .all(|i| sources.contains(&i.source.as_str())));
}

#[test]
fn supporting_families_profile_loads() {
    let r = supporting();
    assert_eq!(r.problems().len(), 10);
    assert_eq!(r.eligibility().min_problems, 3);
    assert!(r.eligibility().require_dependent_child);
    let uncovered: Vec<&str> = r
        .problems_without_indicators()
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    assert_eq!(uncovered, ["early_years", "family_relationships"]);
}

#[test]
fn unit_costs_load_and_uplift() {
    let r = expanded();
    let costs = r.unit_costs().unwrap();
    assert_eq!(costs.get("ae_attendance_admitted").unwrap().value, 138.0);
    assert_eq!(
        costs.get("ae_attendance_not_admitted").unwrap().value,
        114.0
    );
    assert_eq!(
        costs.get("domestic_abuse_victim_total").unwrap().value,
        34_015.0
    );
    assert_eq!(costs.get("domestic_abuse_police").unwrap().value, 645.0);
    assert_eq!(costs.get("abc_contract").unwrap().value, 230.0);
    // Uplift to the same year changes nothing; to a later year raises the value.
    assert_eq!(
        costs.uplifted("ae_attendance_admitted", "2013-14"),
        Some(138.0)
    );
    let later = costs.uplifted("ae_attendance_admitted", "2024-25").unwrap();
    assert!(later > 138.0 && later < 200.0, "{later}");
    // The cost mapped into the rules is the uplifted one.
    let ae = r
        .indicators()
        .iter()
        .find(|i| i.key == "health.frequent_ae")
        .unwrap();
    assert!(
        (ae.costs[0].unit_value
            - costs
                .uplifted("ae_attendance_not_admitted", "2024-25")
                .unwrap())
        .abs()
            < 1e-9
    );
}

const BASE: &str = r#"
profile = "test"
[eligibility]
min_problems = 1
[[problems]]
key = "crime_asb"
title = "Crime"
"#;

const INDICATOR: &str = r#"
[[indicators]]
key = "local.knife_crime"
problem = "crime_asb"
source = "police"
event_type = "incident"
condition = 'offence == "Knife"'
window = { kind = "months", months = 12 }
aggregate = { kind = "any" }
"#;

fn costs() -> UnitCosts {
    UnitCosts::from_toml_str(
        r#"
default_price_year = "2024-25"
[[deflators]]
year = "2024-25"
index = 100.0
[[costs]]
key = "arrest"
description = "Arrest"
value = 100.0
unit = "incident"
price_year = "2024-25"
agency = "Police"
source = "test"
[[costs]]
key = "care_week"
description = "Week in care"
value = 1000.0
unit = "week"
price_year = "2024-25"
agency = "Council"
source = "test"
"#,
        "costs.toml",
    )
    .unwrap()
}

/// Parses BASE + the indicator with `from` replaced by `to`.
fn with(from: &str, to: &str) -> Result<Rules, RulesError> {
    assert!(INDICATOR.contains(from), "{from}");
    Rules::parse(
        &format!("{BASE}{}", INDICATOR.replace(from, to)),
        "local.toml",
        Some(costs()),
    )
}

fn expect(r: Result<Rules, RulesError>, kind: ErrorKind, parts: &[&str]) {
    let e = r.expect_err("should not load");
    let msg = e.to_string();
    assert_eq!(e.kind(), Some(kind), "{msg}");
    assert!(msg.starts_with("local.toml: "), "names the file: {msg}");
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from: {msg}");
    }
}

#[test]
fn the_base_indicator_is_valid() {
    let r = with("Knife", "Knife").unwrap();
    assert_eq!(r.indicators().len(), 1);
}

#[test]
fn unknown_problem_key() {
    expect(
        with(r#"problem = "crime_asb""#, r#"problem = "crime""#),
        ErrorKind::UnknownProblem,
        &[
            "indicator `local.knife_crime`",
            "problem `crime`",
            "crime_asb",
        ],
    );
}

#[test]
fn bad_expression_gives_the_parsers_message() {
    expect(
        with(r#"offence == "Knife""#, r#"offence == "Knife"#),
        ErrorKind::BadExpression,
        &[
            "indicator `local.knife_crime`",
            "condition",
            "does not parse",
            "quote",
        ],
    );
    expect(
        with(r#"offence == "Knife""#, "offence = 1"),
        ErrorKind::BadExpression,
        &["indicator `local.knife_crime`", "assigns to `offence`"],
    );
}

#[test]
fn unknown_aggregation() {
    expect(
        with(
            r#"aggregate = { kind = "any" }"#,
            r#"aggregate = { kind = "average" }"#,
        ),
        ErrorKind::UnknownAggregation,
        &["indicator `local.knife_crime`", "`average`", "`ratio`"],
    );
}

#[test]
fn aggregation_missing_its_threshold() {
    expect(
        with(
            r#"aggregate = { kind = "any" }"#,
            r#"aggregate = { kind = "count" }"#,
        ),
        ErrorKind::Syntax,
        &["indicator `local.knife_crime`", "at_least"],
    );
}

#[test]
fn bad_expression_in_a_ratio() {
    expect(
        with(
            r#"aggregate = { kind = "any" }"#,
            r#"aggregate = { kind = "ratio", numerator = "a +", denominator = "b", at_least = 0.1 }"#,
        ),
        ErrorKind::BadExpression,
        &["indicator `local.knife_crime`", "numerator `a +`"],
    );
}

#[test]
fn missing_window() {
    expect(
        with("window = { kind = \"months\", months = 12 }\n", ""),
        ErrorKind::MissingWindow,
        &["indicator `local.knife_crime`", "no window"],
    );
}

#[test]
fn unknown_window() {
    expect(
        with(
            r#"kind = "months", months = 12"#,
            r#"kind = "weeks", weeks = 12"#,
        ),
        ErrorKind::UnknownWindow,
        &[
            "indicator `local.knife_crime`",
            "`weeks`",
            "`open_on_as_at`",
        ],
    );
}

#[test]
fn zero_month_window() {
    expect(
        with("months = 12", "months = 0"),
        ErrorKind::BadValue,
        &["indicator `local.knife_crime`", "months"],
    );
}

#[test]
fn unknown_field_in_an_indicator() {
    expect(
        with("source = ", "sauce = "),
        ErrorKind::Syntax,
        &["indicator `local.knife_crime`", "sauce"],
    );
}

#[test]
fn missing_field_in_an_indicator() {
    expect(
        with("event_type = \"incident\"\n", ""),
        ErrorKind::MissingField,
        &["indicator `local.knife_crime`", "event_type"],
    );
}

#[test]
fn unknown_who() {
    expect(
        with("source = ", "who = \"pensioner\"\nsource = "),
        ErrorKind::Syntax,
        &["indicator `local.knife_crime`", "pensioner", "child"],
    );
}

#[test]
fn min_age_above_max_age() {
    expect(
        with("source = ", "min_age = 16\nmax_age = 5\nsource = "),
        ErrorKind::BadValue,
        &["indicator `local.knife_crime`", "min_age 16", "max_age 5"],
    );
}

#[test]
fn duplicate_indicator_key() {
    let src = format!("{BASE}{INDICATOR}{INDICATOR}");
    expect(
        Rules::parse(&src, "local.toml", None),
        ErrorKind::Duplicate,
        &["indicator `local.knife_crime`", "twice"],
    );
}

#[test]
fn unknown_cost_item() {
    expect(
        with(
            "source = ",
            "costs = [{ item = \"knife_arrest\", per = \"fact\" }]\nsource = ",
        ),
        ErrorKind::UnknownCostItem,
        &["indicator `local.knife_crime`", "`knife_arrest`"],
    );
}

#[test]
fn weekly_cost_counted_per_fact() {
    expect(
        with(
            "source = ",
            "costs = [{ item = \"care_week\", per = \"fact\" }]\nsource = ",
        ),
        ErrorKind::CostUnitMismatch,
        &["indicator `local.knife_crime`", "`care_week`", "week_open"],
    );
}

#[test]
fn cost_mapping_without_a_unit_cost_table() {
    let src = format!(
        "{BASE}{}",
        INDICATOR.replace(
            "source = ",
            "costs = [{ item = \"arrest\", per = \"fact\" }]\nsource = "
        )
    );
    expect(
        Rules::parse(&src, "local.toml", None),
        ErrorKind::UnknownCostItem,
        &["indicator `local.knife_crime`", "no unit-cost table"],
    );
}

#[test]
fn not_toml() {
    expect(
        Rules::parse("profile = \n", "local.toml", None),
        ErrorKind::Syntax,
        &["line 1"],
    );
}

#[test]
fn eligibility_needs_more_problems_than_there_are() {
    expect(
        Rules::parse(
            &BASE.replace("min_problems = 1", "min_problems = 2"),
            "local.toml",
            None,
        ),
        ErrorKind::BadValue,
        &["[eligibility]", "min_problems"],
    );
}

#[test]
fn price_year_without_deflator() {
    let src = format!("{BASE}[priority]\nprice_year = \"1999-00\"\n");
    expect(
        Rules::parse(&src, "local.toml", Some(costs())),
        ErrorKind::UnknownPriceYear,
        &["[priority]", "1999-00"],
    );
}

#[test]
fn unit_cost_table_errors_name_the_row() {
    let e = UnitCosts::from_toml_str(
        r#"
default_price_year = "2024-25"
[[deflators]]
year = "2024-25"
index = 100.0
[[costs]]
key = "arrest"
description = "Arrest"
value = 100.0
unit = "incident"
price_year = "2010-11"
agency = "Police"
source = "test"
"#,
        "costs.toml",
    )
    .unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::UnknownPriceYear));
    assert!(
        e.to_string()
            .starts_with("costs.toml: unit cost `arrest`: "),
        "{e}"
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let e = Rules::load(std::path::Path::new("/nonexistent/rules.toml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/rules.toml"));
    assert_eq!(e.kind(), None);
}

#[test]
fn councils_can_add_a_local_indicator_without_code() {
    let rules = with("Knife", "Knife").unwrap();
    let mut w = World::default();
    let p = w.person(1, None);
    let mut f = police(10, "2025-01-01", "Crime", "Victim");
    f.fact.attributes.insert("offence".into(), text("Knife"));
    w.add(p, f);
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["local.knife_crime"]);
}
