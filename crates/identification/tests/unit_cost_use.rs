//! Issue 12: the known misapplications of unit costs in identification's cost estimate, each
//! with a test against the SHIPPED rules and unit-cost table that failed before the fix.

mod common;
use common::*;
use hearth_identification::{identify, ErrorKind, FactRef, Family, Person, Rules, UnitCosts};

/// The shipped table's value of `key` at the rules' price year.
fn price(rules: &Rules, key: &str) -> f64 {
    let t = rules.unit_costs().unwrap();
    t.uplifted(key, t.default_price_year()).unwrap()
}

/// The evidence cost of one indicator for a one-family borough.
fn family_cost(rules: &Rules, members: &[(Option<&str>, Vec<FactRef>)], indicator: &str) -> f64 {
    let people: Vec<Person> = members
        .iter()
        .enumerate()
        .map(|(i, (dob, _))| Person {
            person_id: i as u64 + 1,
            date_of_birth: dob.map(d),
        })
        .collect();
    let facts: Vec<Vec<FactRef>> = members.iter().map(|(_, f)| f.clone()).collect();
    let families = [Family {
        family_id: 1,
        members: (0..members.len()).collect(),
    }];
    let r = identify(rules, &people, &facts, &families, as_at()).unwrap();
    r.families[0]
        .problems
        .iter()
        .flat_map(|p| &p.evidence)
        .filter(|e| e.indicator == indicator)
        .map(|e| e.estimated_annual_cost)
        .sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn incident(id: u64, occurrence: &str, date: &str, category: &str, involvement: &str) -> FactRef {
    fact(
        id,
        "police",
        "incident",
        date,
        None,
        &[
            ("occurrence_ref", text(occurrence)),
            ("incident_category", text(category)),
            ("offence", text("")),
            ("involvement", text(involvement)),
        ],
    )
}

#[test]
fn domestic_abuse_is_costed_per_incident_not_per_person_in_it() {
    // One incident: the victim, the perpetrator and a child witness. Before the fix the cost
    // was charged per person (three times).
    for rules in [expanded(), supporting()] {
        let key = "domestic_abuse.police_incident";
        let one = |id, who| vec![incident(id, "DA1", "2025-05-01", "Domestic Abuse", who)];
        let cost = family_cost(
            &rules,
            &[
                (Some("1990-01-01"), one(1, "Victim")),
                (Some("1988-01-01"), one(2, "Suspect")),
                (Some("2015-01-01"), one(3, "Witness")),
            ],
            key,
        );
        assert!(
            close(cost, price(&rules, "domestic_abuse_incident")),
            "{}: {cost}",
            rules.profile()
        );
        // A second incident is a second cost.
        let two = family_cost(
            &rules,
            &[(
                Some("1990-01-01"),
                vec![
                    incident(1, "DA1", "2025-05-01", "Domestic Abuse", "Victim"),
                    incident(2, "DA2", "2025-06-01", "Domestic Abuse", "Victim"),
                ],
            )],
            key,
        );
        assert!(close(two, 2.0 * price(&rules, "domestic_abuse_incident")));
    }
}

fn youth_offence(id: u64, date: &str) -> FactRef {
    fact(
        id,
        "youth_justice",
        "youth_offence",
        date,
        None,
        &[("outcome", text("Referral Order")), ("proven", yes(true))],
    )
}

#[test]
fn a_first_time_entrant_is_costed_once_not_per_proven_offence() {
    let rules = expanded();
    let fte = price(&rules, "first_time_entrant");
    // Three proven offences in the year, the first ever among them: one first-time entrant.
    let three = vec![
        youth_offence(1, "2024-11-01"),
        youth_offence(2, "2025-01-01"),
        youth_offence(3, "2025-03-01"),
    ];
    let cost = family_cost(
        &rules,
        &[(Some("2010-01-01"), three)],
        "crime_asb.child_proven_offence",
    );
    assert!(close(cost, fte), "{cost}");
    // A child whose first proven offence was years ago is not a first-time entrant now.
    let old = vec![
        youth_offence(1, "2022-01-01"),
        youth_offence(2, "2025-03-01"),
    ];
    let cost = family_cost(
        &rules,
        &[(Some("2010-01-01"), old)],
        "crime_asb.child_proven_offence",
    );
    assert!(close(cost, 0.0), "{cost}");
}

#[test]
fn a_suspect_or_offender_incident_is_not_priced_as_an_arrest() {
    let rules = expanded();
    let facts = vec![
        incident(1, "C1", "2025-02-01", "Crime", "Suspect"),
        incident(2, "C2", "2025-03-01", "Crime", "Offender"),
    ];
    let cost = family_cost(
        &rules,
        &[(Some("1990-01-01"), facts)],
        "crime_asb.police_crime",
    );
    assert!(
        close(cost, 2.0 * price(&rules, "police_crime_investigation")),
        "{cost}"
    );
    // Where the police file records an arrest with detention, that incident is an arrest.
    let mut arrested = incident(3, "C3", "2025-04-01", "Crime", "Suspect");
    arrested
        .fact
        .attributes
        .insert("arrest".into(), text("Detained"));
    let cost = family_cost(
        &rules,
        &[(Some("1990-01-01"), vec![arrested])],
        "crime_asb.police_crime",
    );
    assert!(close(cost, price(&rules, "police_arrest")), "{cost}");
}

fn housing(id: u64, date: &str, notice: &str) -> FactRef {
    fact(
        id,
        "housing",
        "housing_account",
        date,
        None,
        &[
            ("tenancy_ref", text("T1")),
            ("arrears_balance", num(800.0)),
            ("notice_type", text(notice)),
        ],
    )
}

#[test]
fn a_notice_of_seeking_possession_is_not_priced_as_an_eviction() {
    for rules in [expanded(), supporting()] {
        let key = rules
            .indicators()
            .iter()
            .find(|i| {
                i.costs
                    .iter()
                    .any(|c| c.item == "notice_seeking_possession")
            })
            .unwrap()
            .key
            .clone();
        let nosp = family_cost(
            &rules,
            &[(Some("1990-01-01"), vec![housing(1, "2025-03-01", "NOSP")])],
            &key,
        );
        assert!(close(nosp, price(&rules, "notice_seeking_possession")));
        assert!(nosp < price(&rules, "eviction"));
        let eviction = family_cost(
            &rules,
            &[(
                Some("1990-01-01"),
                vec![housing(1, "2025-03-01", "Eviction")],
            )],
            &key,
        );
        assert!(close(eviction, price(&rules, "eviction")));
    }
}

fn claim(id: u64, benefit: &str) -> FactRef {
    fact(
        id,
        "dwp",
        "benefit_claim",
        "2024-01-01",
        None,
        &[("benefit_type", text(benefit))],
    )
}

#[test]
fn each_out_of_work_benefit_has_its_own_rate_not_jsas() {
    for rules in [expanded(), supporting()] {
        let key = rules
            .indicators()
            .iter()
            .find(|i| i.costs.iter().any(|c| c.item == "jsa_claimant_year"))
            .unwrap()
            .key
            .clone();
        let mut rates = Vec::new();
        for (benefit, item) in [
            ("JSA", "jsa_claimant_year"),
            ("ESA", "esa_claimant_year"),
            ("IS", "is_lone_parent_claimant_year"),
            ("IB", "ib_claimant_year"),
            ("UC", "uc_no_earnings_claimant_year"),
        ] {
            let cost = family_cost(
                &rules,
                &[(Some("1985-01-01"), vec![claim(1, benefit)])],
                &key,
            );
            assert!(close(cost, price(&rules, item)), "{benefit}: {cost}");
            rates.push(cost);
        }
        // Not one rate for all five.
        let jsa = rates[0];
        assert!(rates[1..].iter().all(|r| !close(*r, jsa)), "{rates:?}");
    }
}

#[test]
fn the_adults_mental_health_cost_is_not_charged_to_children() {
    for rules in [expanded(), supporting()] {
        let mh = |id| health(id, "2025-03-01", "Mental health contact");
        let child = family_cost(
            &rules,
            &[(Some("2012-01-01"), vec![mh(1)])],
            "health.mental_health",
        );
        assert!(close(child, price(&rules, "mental_health_child_year")));
        let adult = family_cost(
            &rules,
            &[(Some("1980-01-01"), vec![mh(1)])],
            "health.mental_health",
        );
        assert!(close(adult, price(&rules, "mental_health_adult_year")));
        assert!(!close(child, adult));
    }
}

fn lac(id: u64, placement: Option<&str>) -> FactRef {
    let mut f = fact(
        id,
        "social_care",
        "care_episode",
        "2024-01-01",
        None,
        &[("episode_type", text("LAC"))],
    );
    if let Some(p) = placement {
        f.fact.attributes.insert("placement_type".into(), text(p));
    }
    f
}

#[test]
fn looked_after_children_are_priced_by_placement_type() {
    for rules in [expanded(), supporting()] {
        let key = rules
            .indicators()
            .iter()
            .find(|i| i.costs.iter().any(|c| c.item == "foster_care_week"))
            .unwrap()
            .key
            .clone();
        let weeks = |placement| {
            family_cost(
                &rules,
                &[(Some("2012-01-01"), vec![lac(1, placement)])],
                &key,
            )
        };
        // Open for the whole year before the as-at date: 366 days (2024-09-01..2025-09-01).
        let year_weeks = 366.0 / 7.0;
        let foster = weeks(Some("Foster"));
        let residential = weeks(Some("Residential"));
        let unknown = weeks(None);
        assert!(close(
            foster,
            year_weeks * price(&rules, "foster_care_week")
        ));
        assert!(close(
            residential,
            year_weeks * price(&rules, "residential_care_week")
        ));
        assert!(close(
            unknown,
            year_weeks * price(&rules, "looked_after_child_week")
        ));
        assert!(residential > unknown && unknown > foster);
    }
}

/// The check that keeps the misapplications out of councils' own rules files: a cost's unit
/// decides how it may be counted.
#[test]
fn counting_a_cost_in_a_way_its_unit_does_not_allow_is_refused() {
    let table = UnitCosts::from_toml_str(
        &std::fs::read_to_string(rules_dir().join("unit-costs.toml")).unwrap(),
        "unit-costs.toml",
    )
    .unwrap();
    let base = r#"
profile = "local"
[eligibility]
min_problems = 1
[[problems]]
key = "p"
title = "P"
[[indicators]]
key = "p.i"
problem = "p"
source = "youth_justice"
event_type = "youth_offence"
window = { kind = "months", months = 12 }
"#;
    for (costs, needle) in [
        // A first-time entrant counted per proven offence.
        (
            r#"costs = [{ item = "first_time_entrant", per = "fact" }]"#,
            "first_time",
        ),
        // A per-incident cost counted per person in it.
        (
            r#"costs = [{ item = "domestic_abuse_incident", per = "person" }]"#,
            "incident",
        ),
        // A yearly claimant cost counted per claim.
        (
            r#"costs = [{ item = "jsa_claimant_year", per = "fact" }]"#,
            "per = \"person\"",
        ),
        // Counting incidents needs the attribute that names an incident.
        (
            r#"costs = [{ item = "domestic_abuse_incident", per = "incident" }]"#,
            "distinct_by",
        ),
    ] {
        let e = Rules::parse(
            &format!("{base}{costs}\n"),
            "local.toml",
            Some(table.clone()),
        )
        .expect_err(costs);
        assert_eq!(e.kind(), Some(ErrorKind::CostUnitMismatch), "{e}");
        assert!(e.to_string().contains(needle), "{e}");
        assert!(e.to_string().contains("indicator `p.i`"), "{e}");
    }
}
