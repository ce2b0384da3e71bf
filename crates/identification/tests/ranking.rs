//! Prioritisation order and its tie-break; changes between runs.

mod common;
use common::*;
use hearth_identification::{changes, Identification, Rules, UnitCosts};

/// Three problems, two of them costed, weights chosen so the arithmetic is easy to follow.
fn rules(cost_weight: f64) -> Rules {
    let costs = UnitCosts::from_toml_str(
        r#"
default_price_year = "2024-25"
[[deflators]]
year = "2023-24"
index = 50.0
[[deflators]]
year = "2024-25"
index = 100.0
[[costs]]
key = "ae"
description = "A&E attendance"
value = 500.0
unit = "incident"
price_year = "2023-24"
agency = "NHS"
source = "test"
[[costs]]
key = "claimant"
description = "Claimant per year"
value = 10000.0
unit = "year"
price_year = "2024-25"
agency = "DWP"
source = "test"
"#,
        "costs.toml",
    )
    .unwrap();
    let src = format!(
        r#"
profile = "ranking"
[eligibility]
min_problems = 2
[priority]
problem_weight = 1.0
cost_weight = {cost_weight}
cost_per_point = 10000.0
intergenerational_weight = 0.5
[[problems]]
key = "crime"
title = "Crime"
[[problems]]
key = "health"
title = "Health"
[[problems]]
key = "work"
title = "Work"
[[indicators]]
key = "crime.any"
problem = "crime"
source = "police"
event_type = "incident"
window = {{ kind = "months", months = 12 }}
[[indicators]]
key = "health.ae"
problem = "health"
source = "health"
event_type = "health_contact"
window = {{ kind = "months", months = 12 }}
costs = [{{ item = "ae", per = "fact" }}]
[[indicators]]
key = "work.claim"
problem = "work"
source = "dwp"
event_type = "benefit_claim"
who = "adult"
window = {{ kind = "open_on_as_at" }}
costs = [{{ item = "claimant", per = "person" }}]
"#
    );
    Rules::parse(&src, "ranking.toml", Some(costs)).unwrap()
}

const ADULT: Option<&str> = Some("1990-01-01");
const CHILD: Option<&str> = Some("2012-01-01");

fn borough() -> World {
    let mut w = World::default();
    let mut next = 0u64;
    let mut rec = || {
        next += 1;
        next
    };
    // Family 10: three problems, a claimant (£10,000) and one A&E visit (£1,000):
    // score 3 + 1.1 = 4.1.
    let a = w.person(101, ADULT);
    w.add(a, police(rec(), "2025-01-01", "Crime", "Offender"));
    w.add(a, health(rec(), "2025-01-01", "A&E attendance"));
    let b = w.person(102, ADULT);
    w.add(b, claim(rec(), "2024-01-01", None));
    w.family(10, &[a, b]);
    // Family 20: two problems, two claimants (£20,000) + A&E (£1,000): 2 + 2.1 = 4.1. Ties
    // with family 10 on score; family 10 has more problems, so it ranks first.
    let c = w.person(201, ADULT);
    w.add(c, claim(rec(), "2024-01-01", None));
    w.add(c, health(rec(), "2025-01-01", "A&E attendance"));
    let c2 = w.person(202, ADULT);
    w.add(c2, claim(rec(), "2024-01-01", None));
    w.family(20, &[c, c2]);
    // Families 40 and 30: identical (two problems, crime in parent and child:
    // 2 + 0.1 + 0.5 = 2.6). Full tie: lower family ID first.
    for fid in [40u64, 30] {
        let p = w.person(fid * 10 + 1, ADULT);
        let k = w.person(fid * 10 + 2, CHILD);
        w.add(p, police(rec(), "2025-01-01", "Crime", "Offender"));
        w.add(k, police(rec(), "2025-01-01", "ASB", "Suspect"));
        w.add(k, health(rec(), "2025-01-01", "A&E attendance"));
        w.family(fid, &[p, k]);
    }
    // Family 50: one very costly problem, not eligible: ranked after every eligible family.
    let e = w.person(501, ADULT);
    for _ in 0..30 {
        w.add(e, health(rec(), "2025-01-01", "A&E attendance"));
    }
    w.family(50, &[e]);
    // Family 60: nothing.
    let f = w.person(601, ADULT);
    w.family(60, &[f]);
    w
}

fn order(id: &Identification) -> Vec<u64> {
    id.families.iter().map(|f| f.family_id).collect()
}

#[test]
fn priority_order_and_tie_breaks() {
    let id = borough().run(&rules(1.0));
    assert_eq!(order(&id), [10, 20, 30, 40, 50, 60]);
    let ranks: Vec<usize> = id.families.iter().map(|f| f.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    let f20 = id.family(20).unwrap();
    // £500 at 2023-24 prices doubled by the deflator, plus the £10,000 claimant.
    assert!(
        (f20.estimated_annual_cost - 21_000.0).abs() < 1e-6,
        "{}",
        f20.estimated_annual_cost
    );
    assert_eq!(f20.priority_score, 4.1);
    assert_eq!(id.family(10).unwrap().priority_score, 4.1);
    let f30 = id.family(30).unwrap();
    assert_eq!(f30.intergenerational_count(), 1);
    assert_eq!(f30.priority_score, 2.6);
    assert!(!id.family(50).unwrap().eligible);
}

#[test]
fn weights_are_configuration() {
    // With cost weighted heavily, family 20 (£21,000) overtakes family 10 (£11,000).
    let id = borough().run(&rules(10.0));
    assert_eq!(order(&id)[..2], [20, 10]);
}

#[test]
fn output_is_deterministic_whatever_the_input_order() {
    let rules = rules(1.0);
    let w = borough();
    let a = w.run(&rules);
    let mut w2 = borough();
    w2.families.reverse();
    for facts in &mut w2.facts {
        facts.reverse();
    }
    let b = w2.run(&rules);
    assert_eq!(a, b);
}

#[test]
fn changes_between_runs() {
    let rules = rules(1.0);
    let before = borough();
    let mut after = borough();
    // Family 60 gains two problems: newly eligible.
    let f = after
        .families
        .iter()
        .find(|f| f.family_id == 60)
        .unwrap()
        .members[0];
    after.add(f, police(900, "2025-06-01", "Crime", "Offender"));
    after.add(f, claim(901, "2025-06-01", None));
    // Family 20's claim ends: one problem left, no longer eligible.
    for c in after
        .families
        .iter()
        .find(|f| f.family_id == 20)
        .unwrap()
        .members
        .clone()
    {
        after.facts[c].retain(|x| &*x.source != "dwp");
    }
    // Family 10: another A&E visit (new record, same indicator) and the second adult's
    // offence (a new person for an existing problem).
    let m = after
        .families
        .iter()
        .find(|f| f.family_id == 10)
        .unwrap()
        .members
        .clone();
    after.add(m[0], health(902, "2025-07-01", "A&E attendance"));
    after.add(m[1], police(903, "2025-07-01", "Crime", "Suspect"));
    // Family 30: nothing changes.
    let ch = changes(&before.run(&rules), &after.run(&rules));
    assert_eq!(ch.newly_eligible, [60]);
    assert_eq!(ch.no_longer_eligible, [20]);
    let got: Vec<(u64, &str, u64, Vec<u64>, bool)> = ch
        .new_evidence
        .iter()
        .map(|e| {
            (
                e.family_id,
                e.indicator.as_str(),
                e.person_id,
                e.record_ids.clone(),
                e.new_problem,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (10, "crime.any", 102, vec![903], false),
            (10, "health.ae", 101, vec![902], false),
        ]
    );
    // No change, no changes.
    let same = changes(&before.run(&rules), &before.run(&rules));
    assert_eq!(same, Default::default());
}
