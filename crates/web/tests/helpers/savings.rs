//! The test borough's cost savings run.

use super::date;
use chrono::NaiveDate;
use hearth_model::Fact;
use hearth_store::Store;
use std::path::PathBuf;

/// A cost savings run (the shipped rules): families 1 and 2 of the borough and six more
/// attached on 1 January 2024, seen as at 1 September 2025. Eight families came off JSA at
/// attachment; six had a domestic abuse incident before; families 1 and 2 also came off ESA
/// (a count of 2: suppressed, [c]).
pub fn savings_families() -> Vec<hearth_savings::SavingsFamily> {
    use hearth_identification::FactRef;
    use hearth_model::AttrValue;
    let text = |s: &str| AttrValue::Text(s.into());
    let fact = |id: u64,
                source: &str,
                event_type: &str,
                start: NaiveDate,
                end: Option<NaiveDate>,
                attrs: Vec<(&str, AttrValue)>| FactRef {
        record_id: id,
        source: source.into(),
        fact: Fact {
            event_type: event_type.into(),
            event_date: Some(start),
            end_date: end,
            attributes: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        },
    };
    [1u64, 2, 11, 12, 13, 14, 15, 16]
        .into_iter()
        .map(|family_id| {
            let mut facts = vec![fact(
                family_id * 10,
                "dwp",
                "benefit_claim",
                date(2022, 1, 1),
                Some(date(2023, 12, 31)),
                vec![("benefit_type", text("JSA"))],
            )];
            if family_id <= 2 {
                facts.push(fact(
                    family_id * 10 + 2,
                    "dwp",
                    "benefit_claim",
                    date(2022, 1, 1),
                    Some(date(2023, 12, 31)),
                    vec![("benefit_type", text("ESA"))],
                ));
            }
            if family_id <= 14 {
                facts.push(fact(
                    family_id * 10 + 1,
                    "police",
                    "incident",
                    date(2023, 6, 1),
                    None,
                    vec![
                        ("occurrence_ref", text(&format!("DA{family_id}"))),
                        ("incident_category", text("Domestic Abuse")),
                        ("offence", text("Common assault")),
                        ("involvement", text("Victim")),
                    ],
                ));
            }
            hearth_savings::SavingsFamily {
                family_id,
                attached_on: date(2024, 1, 1),
                members: vec![hearth_savings::Member {
                    person_id: family_id * 100 + 1,
                    date_of_birth: Some(date(1985, 1, 1)),
                    facts,
                }],
            }
        })
        .collect()
}

pub(super) fn seed_savings(store: &mut Store) {
    let rules = hearth_savings::SavingsRules::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/savings.toml"),
    )
    .unwrap();
    // Every item's data reach the as-at date except the housing file's evictions, which stop
    // at an earlier extract: not measured (not a saving).
    let coverage = hearth_savings::Coverage::reaching(&rules, date(2025, 9, 1)).with_reach(
        &rules,
        "evictions",
        Some(date(2024, 3, 31)),
    );
    let calc = hearth_savings::calculate(&rules, &savings_families(), date(2025, 9, 1), &coverage);
    let families: Vec<(i64, String)> = calc
        .families
        .iter()
        .map(|f| (f.family_id as i64, serde_json::to_string(f).unwrap()))
        .collect();
    store
        .save_savings_run(
            date(2025, 9, 1),
            &"c".repeat(64),
            &serde_json::to_string(&calc.cohort).unwrap(),
            &families,
        )
        .unwrap();
}
