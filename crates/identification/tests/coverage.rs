//! Identification says when it cannot see: facts looked at per indicator, codes no rule
//! mentions, and warnings for an indicator that matches nothing, stale sources and
//! implausibly old open-ended facts.

mod common;

use common::*;
use hearth_identification::{coverage, Rules};

#[test]
fn each_indicator_counts_its_facts_and_names_codes_no_rule_mentions() {
    let rules = expanded();
    let facts = vec![
        vec![
            fact(
                1,
                "police",
                "incident",
                "2025-05-01",
                None,
                &[
                    ("incident_category", text("Crime")),
                    ("involvement", text("Suspect")),
                ],
            ),
            fact(
                2,
                "police",
                "incident",
                "2025-06-01",
                None,
                &[
                    ("incident_category", text("domestic_abuse")),
                    ("involvement", text("Suspect")),
                ],
            ),
        ],
        vec![fact(
            3,
            "police",
            "incident",
            "2025-06-02",
            None,
            &[
                ("incident_category", text("domestic_abuse")),
                ("involvement", text("suspect")),
            ],
        )],
    ];
    let c = coverage(&rules, &facts, as_at());
    let crime = c
        .indicators
        .iter()
        .find(|i| i.source == "police" && i.indicator.contains("crime"))
        .expect("a police crime indicator");
    assert_eq!(crime.facts, 3);
    assert!(
        crime
            .unmentioned
            .contains(&("incident_category".into(), "domestic_abuse".into(), 2)),
        "{crime:?}"
    );
    assert!(
        crime
            .unmentioned
            .contains(&("involvement".into(), "suspect".into(), 1)),
        "{crime:?}"
    );
    assert!(
        !crime
            .unmentioned
            .iter()
            .any(|(_, v, _)| v == "Crime" || v == "Suspect"),
        "{crime:?}"
    );
    // Sources with no facts at all are warned of, indicator by indicator.
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("looks at no fact") && w.contains("`schools`")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn a_typo_in_source_or_event_type_and_stale_or_old_open_data_are_warned_of() {
    let src = std::fs::read_to_string(rules_dir().join("expanded-2015.toml")).unwrap();
    let typo = src
        .replacen("source = \"police\"", "source = \"Police\"", 1)
        .replacen(
            "event_type = \"care_episode\"",
            "event_type = \"care_episodes\"",
            1,
        );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        rules_dir().join("unit-costs.toml"),
        tmp.path().join("unit-costs.toml"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("typo.toml"), typo).unwrap();
    let rules = Rules::load(&tmp.path().join("typo.toml")).unwrap();
    let facts = vec![vec![
        fact(1, "police", "incident", "2023-01-01", None, &[]),
        fact(
            2,
            "social_care",
            "care_episode",
            "2010-01-01",
            None,
            &[("episode_type", text("CIN"))],
        ),
        fact(
            3,
            "social_care",
            "care_episode",
            "2025-08-01",
            Some("2025-08-20"),
            &[("episode_type", text("CPP"))],
        ),
    ]];
    let c = coverage(&rules, &facts, as_at());
    let joined = c.warnings.join("\n");
    assert!(
        joined.contains("no fact comes from a source named `Police`")
            && joined.contains("the data has: police, social_care"),
        "{joined}"
    );
    assert!(
        joined.contains("`social_care` facts have event types care_episode, not `care_episodes`"),
        "{joined}"
    );
    assert!(
        joined.contains("the newest `police` `incident` fact is dated 2023-01-01"),
        "{joined}"
    );
    assert!(
        joined.contains(
            "1 `social_care` `care_episode` facts have no end date and started more than 10 years"
        ) && joined.contains("the oldest on 2010-01-01"),
        "{joined}"
    );
    assert!(!joined.contains("the newest `social_care`"), "{joined}");
}
