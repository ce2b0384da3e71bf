//! Evaluation: which people meet which indicators, which families have which problems, who is
//! eligible, and in what order. [`identify`] runs it: checks the inputs, evaluates every person
//! and family in parallel (`context`), gathers diagnostics (`diagnostics`) and ranks the
//! families. The result types are in `results`. It does not read rules files or compare runs.

mod context;
mod coverage;
mod diagnostics;
mod results;

pub use coverage::{coverage, Coverage, IndicatorCoverage};
pub use results::{
    Diagnostic, Evidence, FamilyProblem, FamilyResult, Identification, IdentifyError, PersonResult,
    ProblemInfo,
};

use crate::expr::EvalFailure;
use crate::input::{FactRef, Family, Person};
use crate::rules::Rules;
use chrono::NaiveDate;
use context::{calendar_periods, EvalContext, PersonEval};
use diagnostics::absent_attributes;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Evaluates `rules` for every person and family as at `as_at`.
///
/// `facts_by_person[i]` holds the facts of `people[i]`; `Family::members` index `people`.
/// The result is deterministic: the same inputs give the same output, in the same order,
/// whatever the thread count.
pub fn identify(
    rules: &Rules,
    people: &[Person],
    facts_by_person: &[Vec<FactRef>],
    families: &[Family],
    as_at: NaiveDate,
) -> Result<Identification, IdentifyError> {
    if people.len() != facts_by_person.len() {
        return Err(IdentifyError::LengthMismatch {
            people: people.len(),
            facts: facts_by_person.len(),
        });
    }
    let mut seen = BTreeSet::new();
    for f in families {
        if !seen.insert(f.family_id) {
            return Err(IdentifyError::DuplicateFamily(f.family_id));
        }
        if let Some(&index) = f.members.iter().find(|&&m| m >= people.len()) {
            return Err(IdentifyError::MemberOutOfRange {
                family_id: f.family_id,
                index,
                people: people.len(),
            });
        }
    }
    let mut ctx = EvalContext::new(rules, as_at);
    ctx.periods = calendar_periods(rules, facts_by_person, as_at);

    let evals: Vec<PersonEval> = people
        .par_iter()
        .zip(facts_by_person.par_iter())
        .map(|(p, facts)| ctx.person(p, facts))
        .collect();

    let mut failures: BTreeMap<(usize, EvalFailure), u64> = BTreeMap::new();
    for e in &evals {
        for f in &e.failures {
            *failures.entry(f.clone()).or_default() += 1;
        }
    }
    let mut diagnostics: Vec<Diagnostic> = failures
        .into_iter()
        .map(|((i, f), n)| Diagnostic {
            indicator: rules.indicators()[i].key.clone(),
            message: f.to_string(),
            facts: n,
        })
        .collect();
    diagnostics.extend(absent_attributes(rules, facts_by_person));
    diagnostics.sort_by(|a, b| (&a.indicator, &a.message).cmp(&(&b.indicator, &b.message)));

    let mut people_out: Vec<PersonResult> = people
        .iter()
        .zip(&evals)
        .filter(|(_, e)| !e.hits.is_empty())
        .map(|(p, e)| PersonResult {
            person_id: p.person_id,
            age: e.age,
            evidence: e
                .hits
                .iter()
                .map(|h| ctx.evidence(p.person_id, e.age, h, h.own_incident_cost()))
                .collect(),
        })
        .collect();
    people_out.sort_by_key(|p| p.person_id);

    let mut fams: Vec<FamilyResult> = families
        .par_iter()
        .map(|f| ctx.family(f, people, &evals))
        .collect();
    fams.sort_by(ranking_order);
    for (i, f) in fams.iter_mut().enumerate() {
        f.rank = i + 1;
    }

    Ok(Identification {
        profile: rules.profile().to_string(),
        as_at,
        price_year: rules.unit_costs().and(rules.priority().price_year.clone()),
        problems: rules
            .problems()
            .iter()
            .map(|p| ProblemInfo {
                key: p.key.clone(),
                title: p.title.clone(),
            })
            .collect(),
        families: fams,
        people: people_out,
        diagnostics,
    })
}

/// Priority order: eligible first; then higher score; more problems; higher cost; lower
/// family ID (the final, deterministic tie-break).
fn ranking_order(a: &FamilyResult, b: &FamilyResult) -> Ordering {
    b.eligible
        .cmp(&a.eligible)
        .then_with(|| b.priority_score.total_cmp(&a.priority_score))
        .then_with(|| b.problems.len().cmp(&a.problems.len()))
        .then_with(|| b.estimated_annual_cost.total_cmp(&a.estimated_annual_cost))
        .then_with(|| a.family_id.cmp(&b.family_id))
}
