//! Evaluation: which people meet which indicators, which families have which problems, who is
//! eligible, and in what order.

use crate::expr::EvalFailure;
use crate::input::{FactRef, Family, Person};
use crate::rules::{Aggregate, CostBasis, Indicator, Rules, Who, Window, WindowBasis};
use chrono::{Months, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Tolerance when comparing a computed ratio or sum with its threshold, so that a value that
/// is exactly at the threshold in decimal (e.g. 30 ÷ 300 = 10%) is not lost to rounding.
const EPSILON: f64 = 1e-9;

/// The inputs to [`identify`] do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifyError {
    /// `facts_by_person` must have one entry per person.
    #[error(
        "{people} people but {facts} fact lists: facts_by_person[i] must hold person i's facts"
    )]
    LengthMismatch {
        /// Number of people.
        people: usize,
        /// Number of fact lists.
        facts: usize,
    },
    /// A family lists a member index beyond the people slice.
    #[error("family {family_id} lists member index {index}, but there are only {people} people")]
    MemberOutOfRange {
        /// The family.
        family_id: u64,
        /// The bad index.
        index: usize,
        /// Number of people.
        people: usize,
    },
    /// Two families share an ID.
    #[error("family ID {0} appears twice; family IDs must be unique")]
    DuplicateFamily(u64),
}

/// One indicator met by one person: the evidence for a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The problem's key.
    pub problem: String,
    /// The indicator's key.
    pub indicator: String,
    /// The person who meets it.
    pub person_id: u64,
    /// Their age in whole years at the as-at date, if known.
    pub age: Option<u32>,
    /// The records of the facts that meet it, sorted (duplicates of one fact included).
    pub record_ids: Vec<u64>,
    /// The computed value: the number of matching facts (`any`, `count`), the sum (`sum`) or
    /// the ratio (`ratio`, e.g. 0.12 for 12% of sessions missed).
    pub value: f64,
    /// Estimated annual cost to the public purse of what this evidence stands for, in pounds
    /// at the rules' price year (0 when the indicator maps to no unit cost).
    pub estimated_annual_cost: f64,
}

/// The indicators one person meets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonResult {
    /// The person.
    pub person_id: u64,
    /// Age at the as-at date, if known.
    pub age: Option<u32>,
    /// What they meet, in rules order.
    pub evidence: Vec<Evidence>,
}

/// One problem of one family, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyProblem {
    /// The problem's key.
    pub key: String,
    /// Whether an adult and a child of the family both have it.
    pub intergenerational: bool,
    /// The evidence, sorted by indicator (rules order) then person.
    pub evidence: Vec<Evidence>,
}

/// One family's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyResult {
    /// Linkage's stable family ID.
    pub family_id: u64,
    /// Position in the priority order, from 1.
    pub rank: usize,
    /// Whether the family meets the eligibility rule.
    pub eligible: bool,
    /// Whether any member is a dependent child (under the rules' age) at the as-at date.
    pub has_dependent_child: bool,
    /// Member person IDs, sorted.
    pub member_ids: Vec<u64>,
    /// The family's problems, in rules order.
    pub problems: Vec<FamilyProblem>,
    /// Estimated annual cost to the public purse, in pounds at the rules' price year.
    pub estimated_annual_cost: f64,
    /// The priority score (see `RULES.md`).
    pub priority_score: f64,
}

impl FamilyResult {
    /// Number of problems.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Number of intergenerational problems.
    pub fn intergenerational_count(&self) -> usize {
        self.problems.iter().filter(|p| p.intergenerational).count()
    }

    /// The family's problem keys, in rules order.
    pub fn problem_keys(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.key.as_str()).collect()
    }
}

/// A condition or value that could not be evaluated on some facts (those facts were treated
/// as not matching). Names attributes, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The indicator.
    pub indicator: String,
    /// What went wrong.
    pub message: String,
    /// How many facts.
    pub facts: u64,
}

/// A problem's key and title, carried so that exports need no rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemInfo {
    /// Key.
    pub key: String,
    /// Title.
    pub title: String,
}

/// The result of [`identify`]: every family ranked, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    /// The rules profile used.
    pub profile: String,
    /// The as-at date.
    pub as_at: NaiveDate,
    /// Price year of the cost estimates, if the rules have a unit-cost table.
    pub price_year: Option<String>,
    /// The profile's problems, in rules order.
    pub problems: Vec<ProblemInfo>,
    /// Every family, in priority order (rank 1 first).
    pub families: Vec<FamilyResult>,
    /// Every person who meets at least one indicator, sorted by person ID.
    pub people: Vec<PersonResult>,
    /// Evaluation failures, sorted by indicator then message.
    pub diagnostics: Vec<Diagnostic>,
}

impl Identification {
    /// The eligible families, in priority order.
    pub fn eligible(&self) -> impl Iterator<Item = &FamilyResult> {
        self.families.iter().filter(|f| f.eligible)
    }

    /// A family by ID.
    pub fn family(&self, family_id: u64) -> Option<&FamilyResult> {
        self.families.iter().find(|f| f.family_id == family_id)
    }
}

struct Hit {
    indicator: usize,
    record_ids: Vec<u64>,
    value: f64,
    cost: f64,
}

struct PersonEval {
    age: Option<u32>,
    hits: Vec<Hit>,
    failures: Vec<(usize, EvalFailure)>,
}

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
                .map(|h| ctx.evidence(p.person_id, e.age, h))
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

/// Attributes that an indicator reads but that no fact of its source and event type has:
/// most likely a misspelt name in the rules file, or a mapping that does not produce it.
fn absent_attributes(rules: &Rules, facts_by_person: &[Vec<FactRef>]) -> Vec<Diagnostic> {
    // (indicator, attribute) pairs to look for.
    let wanted: Vec<(usize, String)> = rules
        .indicators()
        .iter()
        .enumerate()
        .flat_map(|(j, ind)| {
            ind.attributes()
                .into_iter()
                .map(move |a| (j, a.to_string()))
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let n_ind = rules.indicators().len();
    type Acc = (Vec<u64>, Vec<bool>);
    let (facts_seen, present): Acc = facts_by_person
        .par_iter()
        .fold(
            || (vec![0u64; n_ind], vec![false; wanted.len()]),
            |(mut seen, mut present): Acc, facts| {
                for f in facts {
                    for (j, ind) in rules.indicators().iter().enumerate() {
                        if *f.source == *ind.source && f.fact.event_type == ind.event_type {
                            seen[j] += 1;
                        }
                    }
                    for (k, (j, a)) in wanted.iter().enumerate() {
                        let ind = &rules.indicators()[*j];
                        if !present[k]
                            && *f.source == *ind.source
                            && f.fact.event_type == ind.event_type
                            && f.fact.attributes.contains_key(a)
                        {
                            present[k] = true;
                        }
                    }
                }
                (seen, present)
            },
        )
        .reduce(
            || (vec![0u64; n_ind], vec![false; wanted.len()]),
            |(mut s1, mut p1), (s2, p2)| {
                s1.iter_mut().zip(s2).for_each(|(a, b)| *a += b);
                p1.iter_mut().zip(p2).for_each(|(a, b)| *a |= b);
                (s1, p1)
            },
        );
    wanted
        .iter()
        .zip(present)
        .filter(|((j, _), p)| !p && facts_seen[*j] > 0)
        .map(|((j, a), _)| {
            let ind = &rules.indicators()[*j];
            Diagnostic {
                indicator: ind.key.clone(),
                message: format!(
                    "attribute `{a}` is on none of the `{}` `{}` facts: is the name right?",
                    ind.source, ind.event_type
                ),
                facts: facts_seen[*j],
            }
        })
        .collect()
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

struct EvalContext<'r> {
    rules: &'r Rules,
    as_at: NaiveDate,
    /// Start of each indicator's month window (inclusive); unused for other windows.
    window_start: Vec<NaiveDate>,
    /// Start of the 12 months before the as-at date, for weekly costs.
    year_start: NaiveDate,
    /// For each `last_periods` indicator: the source's N most recent periods that ended
    /// before the as-at date, across everyone's facts (the calendar, e.g. the last three
    /// school terms), sorted. A person's facts count only in these periods, so a child who
    /// left school two terms ago is not judged on older terms.
    periods: Vec<Vec<(NaiveDate, NaiveDate)>>,
}

/// The calendar of each `last_periods` indicator: the N most recent distinct
/// (end date, start date) periods, among all facts of its source and event type, that ended
/// before the as-at date.
fn calendar_periods(
    rules: &Rules,
    facts_by_person: &[Vec<FactRef>],
    as_at: NaiveDate,
) -> Vec<Vec<(NaiveDate, NaiveDate)>> {
    rules
        .indicators()
        .iter()
        .map(|ind| {
            let Window::LastPeriods { count } = ind.window else {
                return Vec::new();
            };
            let mut all: Vec<(NaiveDate, NaiveDate)> = facts_by_person
                .iter()
                .flatten()
                .filter(|f| *f.source == *ind.source && f.fact.event_type == ind.event_type)
                .filter_map(|f| {
                    let s = f.fact.event_date?;
                    let e = f.fact.end_date.unwrap_or(s);
                    (e < as_at).then_some((e, s))
                })
                .collect();
            all.sort_unstable_by(|a, b| b.cmp(a));
            all.dedup();
            all.truncate(count as usize);
            all.sort_unstable();
            all
        })
        .collect()
}

fn months_before(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

impl<'r> EvalContext<'r> {
    fn new(rules: &'r Rules, as_at: NaiveDate) -> Self {
        let window_start = rules
            .indicators()
            .iter()
            .map(|i| match i.window {
                Window::Months { months, .. } => months_before(as_at, months),
                _ => as_at,
            })
            .collect();
        EvalContext {
            rules,
            as_at,
            window_start,
            year_start: months_before(as_at, 12),
            periods: Vec::new(),
        }
    }

    fn evidence(&self, person_id: u64, age: Option<u32>, h: &Hit) -> Evidence {
        let ind = &self.rules.indicators()[h.indicator];
        Evidence {
            problem: self.rules.problems()[ind.problem].key.clone(),
            indicator: ind.key.clone(),
            person_id,
            age,
            record_ids: h.record_ids.clone(),
            value: h.value,
            estimated_annual_cost: h.cost,
        }
    }

    fn person(&self, p: &Person, facts: &[FactRef]) -> PersonEval {
        let age = p
            .date_of_birth
            .and_then(|d| hearth_model::standardise::age::age_on(d, self.as_at));
        let mut out = PersonEval {
            age,
            hits: Vec::new(),
            failures: Vec::new(),
        };
        if facts.is_empty() {
            return out;
        }
        let adult_from = self.rules.adult_from();
        for (j, ind) in self.rules.indicators().iter().enumerate() {
            let applies = match (ind.who, age) {
                (Who::Anyone, _) => true,
                (_, None) => false,
                (Who::Child, Some(a)) => a < adult_from,
                (Who::Adult, Some(a)) => a >= adult_from,
            };
            let in_bounds = match age {
                Some(a) => {
                    ind.min_age.is_none_or(|lo| a >= lo) && ind.max_age.is_none_or(|hi| a <= hi)
                }
                None => ind.min_age.is_none() && ind.max_age.is_none(),
            };
            if !(applies && in_bounds) {
                continue;
            }
            if let Some(hit) = self.indicator(j, ind, facts, &mut out.failures) {
                out.hits.push(hit);
            }
        }
        out
    }

    /// Evaluates one indicator for one person's facts.
    fn indicator(
        &self,
        j: usize,
        ind: &Indicator,
        facts: &[FactRef],
        failures: &mut Vec<(usize, EvalFailure)>,
    ) -> Option<Hit> {
        let as_at = self.as_at;
        let start = self.window_start[j];
        // 1. Facts of the indicator's source and type, inside its window.
        let mut cands: Vec<&FactRef> = facts
            .iter()
            .filter(|f| *f.source == *ind.source && f.fact.event_type == ind.event_type)
            .filter(|f| {
                let Some(s) = f.fact.event_date else {
                    return false;
                };
                match ind.window {
                    Window::Months {
                        basis: WindowBasis::EventDate,
                        ..
                    } => s >= start && s <= as_at,
                    Window::Months {
                        basis: WindowBasis::Overlaps,
                        ..
                    } => s <= as_at && f.fact.end_date.is_none_or(|e| e >= start),
                    Window::OpenOnAsAt => s <= as_at && f.fact.end_date.is_none_or(|e| e >= as_at),
                    Window::LastPeriods { .. } => f.fact.end_date.unwrap_or(s) < as_at,
                }
            })
            .collect();
        if cands.is_empty() {
            return None;
        }
        if let Window::LastPeriods { .. } = ind.window {
            let periods = &self.periods[j];
            cands.retain(|f| {
                let s = f.fact.event_date.unwrap_or(NaiveDate::MIN);
                periods
                    .binary_search(&(f.fact.end_date.unwrap_or(s), s))
                    .is_ok()
            });
            if cands.is_empty() {
                return None;
            }
        }
        // 2. The same fact recorded twice (a duplicated row) counts once; both records are cited.
        cands.sort_by_key(|f| (f.fact.event_date, f.fact.end_date, f.record_id));
        let mut groups: Vec<(&FactRef, Vec<u64>)> = Vec::with_capacity(cands.len());
        for f in cands {
            let dup = groups.iter_mut().rev().take_while(|(g, _)| {
                g.fact.event_date == f.fact.event_date && g.fact.end_date == f.fact.end_date
            });
            let mut merged = false;
            for (g, ids) in dup {
                if g.fact.attributes == f.fact.attributes {
                    ids.push(f.record_id);
                    merged = true;
                    break;
                }
            }
            if !merged {
                groups.push((f, vec![f.record_id]));
            }
        }
        // 3. The condition.
        let matching: Vec<&(&FactRef, Vec<u64>)> = groups
            .iter()
            .filter(|(f, _)| match &ind.condition {
                None => true,
                Some(c) => match c.eval_bool(&f.fact) {
                    Ok(b) => b,
                    Err(e) => {
                        failures.push((j, e));
                        false
                    }
                },
            })
            .collect();
        if matching.is_empty() {
            return None;
        }
        // 4. The aggregation.
        let mut used: Vec<&(&FactRef, Vec<u64>)> = Vec::with_capacity(matching.len());
        let (met, value) = match &ind.aggregate {
            Aggregate::Any => {
                used = matching;
                (true, used.len() as f64)
            }
            Aggregate::Count { at_least } => {
                used = matching;
                (used.len() >= *at_least as usize, used.len() as f64)
            }
            Aggregate::Sum { value, at_least } => {
                let mut sum = 0.0;
                for g in matching {
                    match value.eval_number(&g.0.fact) {
                        Ok(v) => {
                            sum += v;
                            used.push(g);
                        }
                        Err(e) => failures.push((j, e)),
                    }
                }
                if !sum.is_finite() {
                    failures.push((j, EvalFailure::Arithmetic));
                    return None;
                }
                (!used.is_empty() && sum + EPSILON >= *at_least, sum)
            }
            Aggregate::Ratio {
                numerator,
                denominator,
                at_least,
            } => {
                let (mut num, mut den) = (0.0, 0.0);
                for g in matching {
                    match (
                        numerator.eval_number(&g.0.fact),
                        denominator.eval_number(&g.0.fact),
                    ) {
                        (Ok(n), Ok(d)) => {
                            num += n;
                            den += d;
                            used.push(g);
                        }
                        (Err(e), _) | (_, Err(e)) => failures.push((j, e)),
                    }
                }
                if den > 0.0 {
                    let r = num / den;
                    (r.is_finite() && r + EPSILON >= *at_least, r)
                } else {
                    (false, 0.0)
                }
            }
        };
        if !met {
            return None;
        }
        let mut record_ids: Vec<u64> = used
            .iter()
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        record_ids.sort_unstable();
        let cost = ind
            .costs
            .iter()
            .map(|c| {
                let units = match c.per {
                    CostBasis::Person => 1.0,
                    CostBasis::Fact => used.len() as f64,
                    CostBasis::WeekOpen => {
                        used.iter().map(|(f, _)| self.weeks_in_last_year(f)).sum()
                    }
                };
                c.unit_value * units
            })
            .sum();
        Some(Hit {
            indicator: j,
            record_ids,
            value,
            cost,
        })
    }

    /// Weeks of the fact's period (event date to end date, or to the as-at date while open)
    /// within the 12 months up to the as-at date.
    fn weeks_in_last_year(&self, f: &FactRef) -> f64 {
        let Some(s) = f.fact.event_date else {
            return 0.0;
        };
        let e = f.fact.end_date.unwrap_or(self.as_at).min(self.as_at);
        let s = s.max(self.year_start);
        if e < s {
            return 0.0;
        }
        ((e - s).num_days() + 1) as f64 / 7.0
    }

    fn family(&self, f: &Family, people: &[Person], evals: &[PersonEval]) -> FamilyResult {
        let rules = self.rules;
        let adult_from = rules.adult_from();
        let mut members: Vec<usize> = f.members.clone();
        members.sort_unstable_by_key(|&m| (people[m].person_id, m));
        members.dedup();
        let mut by_problem: BTreeMap<usize, Vec<(usize, &Hit, usize)>> = BTreeMap::new();
        for &m in &members {
            for h in &evals[m].hits {
                let p = rules.indicators()[h.indicator].problem;
                by_problem.entry(p).or_default().push((h.indicator, h, m));
            }
        }
        let mut problems = Vec::with_capacity(by_problem.len());
        let mut cost = 0.0;
        for (p, mut hits) in by_problem {
            hits.sort_by_key(|(j, _, m)| (*j, people[*m].person_id));
            let ages: Vec<Option<u32>> = hits.iter().map(|(_, _, m)| evals[*m].age).collect();
            let adult = ages.iter().any(|a| a.is_some_and(|a| a >= adult_from));
            let child = ages.iter().any(|a| a.is_some_and(|a| a < adult_from));
            let evidence: Vec<Evidence> = hits
                .iter()
                .map(|(_, h, m)| self.evidence(people[*m].person_id, evals[*m].age, h))
                .collect();
            cost += evidence
                .iter()
                .map(|e| e.estimated_annual_cost)
                .sum::<f64>();
            problems.push(FamilyProblem {
                key: rules.problems()[p].key.clone(),
                intergenerational: adult && child,
                evidence,
            });
        }
        let el = rules.eligibility();
        let has_dependent_child = members
            .iter()
            .any(|&m| evals[m].age.is_some_and(|a| a < el.dependent_child_under));
        let eligible = problems.len() >= el.min_problems
            && (!el.require_dependent_child || has_dependent_child);
        let pr = rules.priority();
        let intergenerational = problems.iter().filter(|p| p.intergenerational).count();
        let raw_score = pr.problem_weight * problems.len() as f64
            + pr.cost_weight * cost / pr.cost_per_point
            + pr.intergenerational_weight * intergenerational as f64;
        // Rounded to 6 decimal places so that scores equal on paper are equal in the ranking
        // (and the tie-breaks decide), whatever the floating-point rounding of the sum.
        let priority_score = (raw_score * 1e6).round() / 1e6;
        let mut member_ids: Vec<u64> = members.iter().map(|&m| people[m].person_id).collect();
        member_ids.dedup();
        FamilyResult {
            family_id: f.family_id,
            rank: 0,
            eligible,
            has_dependent_child,
            member_ids,
            problems,
            estimated_annual_cost: cost,
            priority_score,
        }
    }
}
