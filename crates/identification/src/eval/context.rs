//! Evaluating the rules for one person and one family as at a date: ages, windows, matching
//! facts, aggregations, costs, problems, eligibility and the priority score. It does not rank
//! families or gather diagnostics across people (that is `identify`).

use super::results::{Evidence, FamilyProblem, FamilyResult};
use crate::expr::EvalFailure;
use crate::input::{FactRef, Family, Person};
use crate::rules::{Aggregate, CostBasis, Indicator, Rules, Who, Window, WindowBasis};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// Tolerance when comparing a computed ratio or sum with its threshold, so that a value that
/// is exactly at the threshold in decimal (e.g. 30 ÷ 300 = 10%) is not lost to rounding.
const EPSILON: f64 = 1e-9;

pub(super) struct Hit {
    indicator: usize,
    record_ids: Vec<u64>,
    value: f64,
    /// Cost of everything but incidents (those are counted once per family: `incidents`).
    cost: f64,
    /// Incidents this evidence stands for: (cost item, incident reference, unit value).
    incidents: Vec<(String, String, f64)>,
}

impl Hit {
    /// The cost of this person's own incidents, each once (the person-level view).
    pub(super) fn own_incident_cost(&self) -> f64 {
        let mut seen = std::collections::HashSet::new();
        self.incidents
            .iter()
            .filter(|(item, key, _)| seen.insert((item, key)))
            .map(|(_, _, v)| v)
            .sum()
    }
}

pub(super) struct PersonEval {
    pub(super) age: Option<u32>,
    pub(super) hits: Vec<Hit>,
    pub(super) failures: Vec<(usize, EvalFailure)>,
}

pub(super) struct EvalContext<'r> {
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
    pub(super) periods: Vec<Vec<(NaiveDate, NaiveDate)>>,
}

/// The calendar of each `last_periods` indicator: the N most recent distinct
/// (end date, start date) periods, among all facts of its source and event type, that ended
/// before the as-at date.
pub(super) fn calendar_periods(
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
    pub(super) fn new(rules: &'r Rules, as_at: NaiveDate) -> Self {
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

    /// Evidence for a hit; `incident_cost` is the cost of its incidents not already counted for
    /// the family.
    pub(super) fn evidence(
        &self,
        person_id: u64,
        age: Option<u32>,
        h: &Hit,
        incident_cost: f64,
    ) -> Evidence {
        let ind = &self.rules.indicators()[h.indicator];
        Evidence {
            problem: self.rules.problems()[ind.problem].key.clone(),
            indicator: ind.key.clone(),
            person_id,
            age,
            record_ids: h.record_ids.clone(),
            value: h.value,
            estimated_annual_cost: h.cost + incident_cost,
        }
    }

    pub(super) fn person(&self, p: &Person, facts: &[FactRef]) -> PersonEval {
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
            if let Some(hit) = self.indicator(j, ind, facts, age, &mut out.failures) {
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
        age: Option<u32>,
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
        // 5. The unit costs: each fact is priced by the first mapping that fits it.
        let adult_from = self.rules.adult_from();
        let mut assigned: Vec<Vec<&FactRef>> = vec![Vec::new(); ind.costs.len()];
        for (f, _) in &used {
            let fits = ind.costs.iter().position(|c| {
                let who = match (c.who, age) {
                    (Who::Anyone, _) => true,
                    (_, None) => false,
                    (Who::Child, Some(a)) => a < adult_from,
                    (Who::Adult, Some(a)) => a >= adult_from,
                };
                who && c
                    .when
                    .as_ref()
                    .is_none_or(|w| w.holds(&f.fact).unwrap_or(false))
            });
            if let Some(k) = fits {
                assigned[k].push(f);
            }
        }
        let mut cost = 0.0;
        let mut incidents = Vec::new();
        for (c, facts_priced) in ind.costs.iter().zip(&assigned) {
            if facts_priced.is_empty() {
                continue;
            }
            let units = match c.per {
                CostBasis::Person => 1.0,
                CostBasis::Fact => facts_priced.len() as f64,
                CostBasis::WeekOpen => facts_priced
                    .iter()
                    .map(|f| self.weeks_in_last_year(f))
                    .sum(),
                CostBasis::FirstTime => {
                    let first_used = facts_priced.iter().filter_map(|f| f.fact.event_date).min();
                    let earlier = facts.iter().any(|f| {
                        *f.source == *ind.source
                            && f.fact.event_type == ind.event_type
                            && f.fact
                                .event_date
                                .is_some_and(|d| first_used.is_some_and(|u| d < u))
                            && ind
                                .condition
                                .as_ref()
                                .is_none_or(|c| c.holds(&f.fact).unwrap_or(false))
                    });
                    if earlier {
                        0.0
                    } else {
                        1.0
                    }
                }
                CostBasis::Incident => {
                    let attr = c.distinct_by.as_deref().unwrap_or_default();
                    for f in facts_priced {
                        let key = match f.fact.attributes.get(attr) {
                            Some(hearth_model::AttrValue::Text(t)) => t.clone(),
                            Some(hearth_model::AttrValue::Number(n)) => n.to_string(),
                            Some(hearth_model::AttrValue::Bool(b)) => b.to_string(),
                            // No reference: the record is its own incident.
                            None => format!("record {}", f.record_id),
                        };
                        incidents.push((c.item.clone(), key, c.unit_value));
                    }
                    0.0
                }
            };
            cost += c.unit_value * units;
        }
        Some(Hit {
            indicator: j,
            record_ids,
            value,
            cost,
            incidents,
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

    pub(super) fn family(
        &self,
        f: &Family,
        people: &[Person],
        evals: &[PersonEval],
    ) -> FamilyResult {
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
        // Each incident is costed once for the family, on the first evidence that cites it.
        let mut seen_incidents: std::collections::HashSet<(&str, &str)> =
            std::collections::HashSet::new();
        for (p, mut hits) in by_problem {
            hits.sort_by_key(|(j, _, m)| (*j, people[*m].person_id));
            let ages: Vec<Option<u32>> = hits.iter().map(|(_, _, m)| evals[*m].age).collect();
            let adult = ages.iter().any(|a| a.is_some_and(|a| a >= adult_from));
            let child = ages.iter().any(|a| a.is_some_and(|a| a < adult_from));
            let evidence: Vec<Evidence> = hits
                .iter()
                .map(|(_, h, m)| {
                    let incident_cost: f64 = h
                        .incidents
                        .iter()
                        .filter(|(item, key, _)| seen_incidents.insert((item, key)))
                        .map(|(_, _, v)| v)
                        .sum();
                    self.evidence(people[*m].person_id, evals[*m].age, h, incident_cost)
                })
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
