//! Evaluation never panics, whatever the attribute values: wrong types, NaN, infinities,
//! huge numbers, odd text, missing dates.

mod common;
use common::*;
use hearth_identification::{identify, FactRef, Family, Person};
use hearth_model::{AttrValue, Fact};
use proptest::prelude::*;

fn attr() -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        any::<bool>().prop_map(AttrValue::Bool),
        any::<f64>().prop_map(AttrValue::Number),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(1e300),
            Just(9.3e18)
        ]
        .prop_map(AttrValue::Number),
        ".{0,12}".prop_map(AttrValue::Text),
        prop_oneof![
            Just("Crime"),
            Just("Domestic Abuse"),
            Just("A&E attendance"),
            Just("CIN"),
            Just("NOSP")
        ]
        .prop_map(|s| AttrValue::Text(s.into())),
    ]
}

const KINDS: [(&str, &str); 7] = [
    ("schools", "attendance"),
    ("police", "incident"),
    ("dwp", "benefit_claim"),
    ("health", "health_contact"),
    ("social_care", "care_episode"),
    ("housing", "housing_account"),
    ("youth_justice", "youth_offence"),
];

const NAMES: [&str; 12] = [
    "sessions_possible",
    "sessions_missed",
    "fixed_term_exclusions",
    "permanent_exclusion",
    "incident_category",
    "involvement",
    "contact_type",
    "episode_type",
    "notice_type",
    "arrears_balance",
    "proven",
    "benefit_type",
];

fn date() -> impl Strategy<Value = Option<chrono::NaiveDate>> {
    prop_oneof![
        Just(None),
        (-4000i32..4000)
            .prop_map(|days| Some(d("2025-01-01") + chrono::Duration::days(days as i64))),
        Just(Some(chrono::NaiveDate::MIN)),
        Just(Some(chrono::NaiveDate::MAX)),
    ]
}

fn fact_ref() -> impl Strategy<Value = FactRef> {
    (
        0usize..KINDS.len(),
        0u64..50,
        date(),
        date(),
        proptest::collection::vec((0usize..NAMES.len(), attr()), 0..8),
    )
        .prop_map(|(k, record_id, start, end, attrs)| FactRef {
            record_id,
            source: KINDS[k].0.into(),
            fact: Fact {
                event_type: KINDS[k].1.into(),
                event_date: start,
                end_date: end,
                attributes: attrs
                    .into_iter()
                    .map(|(n, v)| (NAMES[n].to_string(), v))
                    .collect(),
            },
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn evaluation_never_panics(
        people in proptest::collection::vec((date(), proptest::collection::vec(fact_ref(), 0..12)), 1..6),
        as_at in date(),
    ) {
        let as_at = as_at.unwrap_or(as_at_default());
        let persons: Vec<Person> = people
            .iter()
            .enumerate()
            .map(|(i, (dob, _))| Person { person_id: i as u64, date_of_birth: *dob })
            .collect();
        let facts: Vec<Vec<FactRef>> = people.into_iter().map(|(_, f)| f).collect();
        let families = vec![Family { family_id: 1, members: (0..persons.len()).collect() }];
        for rules in [expanded(), supporting()] {
            let id = identify(&rules, &persons, &facts, &families, as_at).unwrap();
            prop_assert_eq!(id.families.len(), 1);
            prop_assert!(id.families[0].estimated_annual_cost.is_finite());
            prop_assert!(id.families[0].priority_score.is_finite());
        }
    }
}

fn as_at_default() -> chrono::NaiveDate {
    as_at()
}
