//! Judging an attached family against its frozen baseline under the plan, as at a date:
//! significant and sustained progress (every problem's measures over the sustain period,
//! present at entry or not, and the attendance rule), continuous employment (weeks in work
//! out of a window by the benefit left), and per problem what is still missing, the earliest
//! date a claim could be made and the distance travelled.
//!
//! Each result's date is the earliest day, from attachment to the as-at date, on which the
//! plan is met: a claim can be made from that day.

use crate::facts::{Event, WorkerEvidence};
use crate::household::Joiner;
use crate::plan::{How, Measure, Per, Plan, ProblemPlan};
use crate::types::{
    Baseline, FamilyOutcome, FamilyResult, MeasureDistance, OutcomeEvidence, ProblemProgress,
    ProblemState, ResultKind,
};
use chrono::{Days, Months, NaiveDate};
use std::collections::BTreeMap;

/// One family, as the judge reads it.
#[derive(Debug, Clone, Copy)]
pub struct FamilyInput<'a> {
    /// The baseline frozen at attachment.
    pub baseline: &'a Baseline,
    /// The baseline members' records, and the joiners' that count ([`Joiner::counts`]),
    /// tidied ([`crate::facts::tidy`]).
    pub events: &'a [Event],
    /// People who joined the household ([`crate::household::joiners`]): their records count
    /// for progress and non-regression, never toward continuous employment.
    pub joiners: &'a [Joiner],
    /// The lead worker's evidence.
    pub worker_evidence: &'a [WorkerEvidence],
    /// The borough's school terms ([`crate::facts::calendar`]).
    pub calendar: &'a [(NaiveDate, NaiveDate)],
}

/// The sustain period ending on `d`: from `d` less the plan's months plus a day, to `d`.
pub fn period(plan: &Plan, d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_months(Months::new(plan.sustain_months))
        .and_then(|x| x.checked_add_days(Days::new(1)))
}

fn matches(m: &Measure, e: &Event) -> bool {
    e.event_type == m.event_type
        && m.filter
            .iter()
            .all(|(k, allowed)| e.text(k).is_some_and(|v| allowed.contains(&v)))
}

/// A measure's value over `from..=to` (per member: the highest member's) and the records.
pub fn measure_value(
    m: &Measure,
    events: &[Event],
    from: NaiveDate,
    to: NaiveDate,
) -> (f64, Vec<i64>) {
    let mut per: BTreeMap<i64, u32> = BTreeMap::new();
    let mut records = Vec::new();
    for e in events.iter().filter(|e| matches(m, e)) {
        let counted = match m.how {
            How::Events => e.start >= from && e.start <= to,
            How::Open => e.open_in(from, to),
        };
        if counted {
            let who = match m.per {
                Per::Family => 0,
                Per::Member => e.person_id,
            };
            *per.entry(who).or_default() += 1;
            records.push(e.record_id);
        }
    }
    (per.values().copied().max().unwrap_or(0) as f64, records)
}

/// A pupil's attendance over the terms counted.
#[derive(Debug, Clone, PartialEq)]
pub struct PupilAttendance {
    /// The pupil.
    pub person_id: i64,
    /// Share of possible sessions attended.
    pub share: f64,
    /// Fixed-term exclusions.
    pub exclusions: u32,
    /// Permanently excluded.
    pub permanent: bool,
    /// The records.
    pub records: Vec<i64>,
    /// Terms counted in which the member was of compulsory school age
    /// ([`crate::BaselineMember::school_age`]) but no attendance record of theirs was found:
    /// the 85% cannot be shown for them.
    pub missing_terms: usize,
}

/// The attendance rule on day `d`.
#[derive(Debug, Clone, PartialEq)]
pub enum Attendance {
    /// No pupils: the rule does not apply.
    NoPupils,
    /// Fewer than the plan's terms have ended since attachment (how many have).
    TooFewTerms(usize),
    /// The pupils over the terms (first day of the first term, last of the last).
    Pupils(NaiveDate, NaiveDate, Vec<PupilAttendance>),
}

/// Evaluates the attendance rule on `d` for a family attached on `attached`.
pub fn attendance(
    plan: &Plan,
    input: &FamilyInput<'_>,
    attached: NaiveDate,
    d: NaiveDate,
) -> Attendance {
    let a = &plan.attendance;
    let lookback = attached - chrono::Duration::days(a.pupil_lookback_days);
    let records: Vec<&Event> = input
        .events
        .iter()
        .filter(|e| e.event_type == a.event_type)
        .collect();
    // Members of compulsory school age at the start of a term (from the baseline).
    let of_age = |t: &(NaiveDate, NaiveDate)| -> Vec<i64> {
        input
            .baseline
            .members
            .iter()
            .filter(|m| m.school_age.is_some_and(|(f, l)| f <= t.0 && t.0 <= l))
            .map(|m| m.person_id)
            .collect()
    };
    let ended: Vec<&(NaiveDate, NaiveDate)> = input.calendar.iter().filter(|t| t.1 <= d).collect();
    let pupils = records
        .iter()
        .any(|e| e.end.is_some_and(|end| end > lookback && end <= d))
        || ended
            .iter()
            .any(|t| t.1 > lookback && !of_age(t).is_empty());
    if !pupils {
        return Attendance::NoPupils;
    }
    let after = ended.iter().filter(|t| t.1 > attached).count();
    if ended.len() < a.terms || after < a.terms {
        return Attendance::TooFewTerms(after);
    }
    let last = &ended[ended.len() - a.terms..];
    // Per pupil: possible, missed, exclusions, permanent, records, terms without a record.
    type Tally = (f64, f64, u32, bool, Vec<i64>, usize);
    let mut per: BTreeMap<i64, Tally> = BTreeMap::new();
    for e in &records {
        if last.iter().any(|t| t.0 == e.start && Some(t.1) == e.end) {
            let p = per.entry(e.person_id).or_default();
            p.0 += e.number(&a.possible).unwrap_or(0.0);
            p.1 += e.number(&a.missed).unwrap_or(0.0);
            p.2 += e.number(&a.exclusions).unwrap_or(0.0) as u32;
            p.3 |= e
                .text(&a.permanent)
                .is_some_and(|v| v == "true" || v == "Y");
            p.4.push(e.record_id);
        }
    }
    // A member of school age in a term with no record of theirs for it: not shown to attend.
    for t in last {
        for person in of_age(t) {
            let recorded = records
                .iter()
                .any(|e| e.person_id == person && e.start == t.0 && e.end == Some(t.1));
            if !recorded {
                per.entry(person).or_default().5 += 1;
            }
        }
    }
    let pupils = per
        .into_iter()
        .filter(|(_, p)| p.0 > 0.0 || p.5 > 0)
        .map(
            |(person_id, (possible, missed, exclusions, permanent, records, missing_terms))| {
                PupilAttendance {
                    person_id,
                    share: if possible > 0.0 {
                        (possible - missed) / possible
                    } else {
                        0.0
                    },
                    exclusions,
                    permanent,
                    records,
                    missing_terms,
                }
            },
        )
        .collect();
    Attendance::Pupils(last[0].0, last[a.terms - 1].1, pupils)
}

fn pupil_met(plan: &Plan, p: &PupilAttendance) -> bool {
    p.missing_terms == 0
        && p.share >= plan.attendance.minimum
        && p.exclusions <= plan.attendance.max_exclusions
        && !p.permanent
}

fn attendance_met(plan: &Plan, a: &Attendance) -> bool {
    match a {
        Attendance::NoPupils => true,
        Attendance::TooFewTerms(_) => false,
        Attendance::Pupils(_, _, pupils) => pupils.iter().all(|p| pupil_met(plan, p)),
    }
}

/// Whether a problem's measures hold over `from..=d` (or the lead worker's evidence of
/// progress towards work is dated in it).
fn problem_met(
    plan: &Plan,
    key: &str,
    input: &FamilyInput<'_>,
    from: NaiveDate,
    d: NaiveDate,
) -> bool {
    let Some(p) = plan.problem(key) else {
        return true;
    };
    if worker_days(p, input, from, d) > 0 {
        return true;
    }
    p.measures
        .iter()
        .all(|m| measure_value(m, input.events, from, d).0 <= m.max as f64)
}

/// How many pieces of the lead worker's evidence of progress towards work on problem `p` are
/// dated in `from..=d`.
fn worker_days(p: &ProblemPlan, input: &FamilyInput<'_>, from: NaiveDate, d: NaiveDate) -> usize {
    let Some(k) = &p.progress_towards_work else {
        return 0;
    };
    input
        .worker_evidence
        .iter()
        .filter(|w| w.measure_key == *k && w.on >= from && w.on <= d)
        .count()
}

/// The problems judged: present at entry, and (with non-regression) those absent.
fn judged<'a>(plan: &'a Plan, b: &'a Baseline) -> impl Iterator<Item = &'a str> + 'a {
    b.problems
        .iter()
        .filter(move |p| p.present || plan.non_regression)
        .map(|p| p.key.as_str())
}

/// Significant and sustained progress on day `d`.
pub fn sustained_on(plan: &Plan, input: &FamilyInput<'_>, d: NaiveDate) -> bool {
    let b = input.baseline;
    let Some(from) = period(plan, d) else {
        return false;
    };
    if from < b.attached_on {
        return false;
    }
    judged(plan, b).all(|k| problem_met(plan, k, input, from, d))
        && attendance_met(plan, &attendance(plan, input, b.attached_on, d))
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// The days in `from..=to` on which any of `jobs` was held: overlapping or adjoining spells
/// (two jobs at once, a spell restated with other details) count each day once.
fn days_in_work(jobs: &[&Event], from: NaiveDate, to: NaiveDate) -> i64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = jobs
        .iter()
        .map(|j| (j.start.max(from), j.end.unwrap_or(to).min(to)))
        .filter(|(s, e)| s <= e)
        .collect();
    spans.sort_unstable();
    let mut days = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for (s, e) in spans {
        current = match current {
            Some((cs, ce)) if s <= ce + Days::new(1) => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                days += (ce - cs).num_days() + 1;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    days + current.map_or(0, |(cs, ce)| (ce - cs).num_days() + 1)
}

/// The earliest day in `attached..=as_at` with continuous employment, with its evidence.
pub fn employment(
    plan: &Plan,
    input: &FamilyInput<'_>,
    as_at: NaiveDate,
) -> Option<(NaiveDate, OutcomeEvidence)> {
    let ce = &plan.continuous_employment;
    let a = input.baseline.attached_on;
    let joiner = |p: i64| input.joiners.iter().any(|j| j.person_id == p);
    let claims: Vec<&Event> = input
        .events
        .iter()
        .filter(|e| e.event_type == ce.claim_event_type && !joiner(e.person_id))
        .collect();
    let mut best: Option<(NaiveDate, OutcomeEvidence)> = None;
    for c in claims.iter().filter(|c| c.open_in(a, a)) {
        let Some(rule) = c.text(&ce.benefit).and_then(|b| ce.rule_for(&b)) else {
            continue;
        };
        let jobs: Vec<&Event> = input
            .events
            .iter()
            .filter(|e| e.event_type == ce.employment_event_type && e.person_id == c.person_id)
            .collect();
        if jobs.is_empty() {
            continue;
        }
        let window = 7 * i64::from(rule.out_of);
        for d in days(a, as_at) {
            if best.as_ref().is_some_and(|(b, _)| d >= *b) {
                break;
            }
            let from = (d - chrono::Duration::days(window - 1)).max(a);
            let weeks = days_in_work(&jobs, from, d) / 7;
            let on_benefit = claims
                .iter()
                .any(|x| x.person_id == c.person_id && x.open_in(d, d));
            if weeks >= i64::from(rule.weeks) && !on_benefit {
                best = Some((
                    d,
                    OutcomeEvidence {
                        problem_key: None,
                        measure_key: ce.measure.clone(),
                        person_id: Some(c.person_id),
                        from: d - chrono::Duration::days(window - 1),
                        to: d,
                        baseline: None,
                        value: weeks as f64,
                        threshold: f64::from(rule.weeks),
                        met: true,
                        record_ids: std::iter::once(c.record_id)
                            .chain(jobs.iter().map(|j| j.record_id))
                            .collect(),
                        source: None,
                    },
                ));
                break;
            }
        }
    }
    best
}

/// Every measure's evidence on day `d` (the sustain period up to `d`).
pub fn evidence_on(plan: &Plan, input: &FamilyInput<'_>, d: NaiveDate) -> Vec<OutcomeEvidence> {
    let b = input.baseline;
    let from = period(plan, d).unwrap_or(d);
    let mut out = Vec::new();
    for key in judged(plan, b) {
        let Some(p) = plan.problem(key) else { continue };
        let by_worker = worker_days(p, input, from, d);
        if let (Some(k), 1..) = (&p.progress_towards_work, by_worker) {
            // The lead worker's evidence met the problem: it is the measure achieved.
            out.push(OutcomeEvidence {
                problem_key: Some(key.to_string()),
                measure_key: k.clone(),
                person_id: None,
                from,
                to: d,
                baseline: None,
                value: by_worker as f64,
                threshold: 1.0,
                met: true,
                record_ids: Vec::new(),
                source: None,
            });
        }
        for m in &p.measures {
            let (value, record_ids) = measure_value(m, input.events, from, d);
            out.push(OutcomeEvidence {
                problem_key: Some(key.to_string()),
                measure_key: m.key.clone(),
                person_id: None,
                from,
                to: d,
                baseline: baseline_value(b, &m.key, None),
                value,
                threshold: m.max as f64,
                met: value <= m.max as f64,
                record_ids,
                source: None,
            });
        }
    }
    if let Attendance::Pupils(tf, tt, pupils) = attendance(plan, input, b.attached_on, d) {
        for p in pupils {
            out.push(OutcomeEvidence {
                problem_key: Some(plan.attendance.problem.clone()),
                measure_key: plan.attendance.measure.clone(),
                person_id: Some(p.person_id),
                from: tf,
                to: tt,
                baseline: baseline_value(b, &plan.attendance.measure, Some(p.person_id)),
                value: p.share,
                threshold: plan.attendance.minimum,
                met: pupil_met(plan, &p),
                record_ids: p.records,
                source: None,
            });
        }
    }
    out
}

fn baseline_value(b: &Baseline, key: &str, person: Option<i64>) -> Option<f64> {
    b.measures
        .iter()
        .find(|m| m.measure_key == key && m.person_id == person)
        .map(|m| m.value)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// One problem's progress as at `as_at`.
fn progress(
    plan: &Plan,
    input: &FamilyInput<'_>,
    key: &str,
    present: bool,
    as_at: NaiveDate,
) -> ProblemProgress {
    let b = input.baseline;
    let from = period(plan, as_at).unwrap_or(as_at);
    let first = add_months(b.attached_on, plan.sustain_months) - Days::new(1);
    let mut missing = Vec::new();
    let mut earliest = Some(first);
    let mut distance = Vec::new();
    let later = |e: &mut Option<NaiveDate>, d: Option<NaiveDate>| {
        *e = match (*e, d) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        }
    };
    if let Some(p) = plan.problem(key) {
        let by_worker = worker_days(p, input, from, as_at) > 0;
        for m in &p.measures {
            let (value, _) = measure_value(m, input.events, from, as_at);
            distance.push(MeasureDistance {
                measure_key: m.key.clone(),
                person_id: None,
                baseline: baseline_value(b, &m.key, None),
                latest: Some(value),
                threshold: m.max as f64,
                higher_is_better: false,
            });
            if value > m.max as f64 && !by_worker {
                missing.push(format!(
                    "{}: {} in the last {} months (at most {})",
                    m.title, value, plan.sustain_months, m.max
                ));
                // When the period would be clear if nothing more happened.
                let blocking = input.events.iter().filter(|e| matches(m, e));
                let clear = match m.how {
                    How::Events => blocking
                        .map(|e| e.start)
                        .max()
                        .map(|d| add_months(d, plan.sustain_months)),
                    How::Open => {
                        let ends: Vec<Option<NaiveDate>> = blocking
                            .filter(|e| e.open_in(from, as_at))
                            .map(|e| e.end)
                            .collect();
                        if ends.iter().any(Option::is_none) {
                            None
                        } else {
                            ends.into_iter()
                                .flatten()
                                .max()
                                .map(|d| add_months(d, plan.sustain_months))
                        }
                    }
                };
                later(&mut earliest, clear);
            }
        }
    }
    if key == plan.attendance.problem {
        match attendance(plan, input, b.attached_on, as_at) {
            Attendance::NoPupils => {}
            Attendance::TooFewTerms(n) => {
                missing.push(format!(
                    "{} of {} school terms since attachment",
                    n, plan.attendance.terms
                ));
                let after: Vec<_> = input
                    .calendar
                    .iter()
                    .filter(|t| t.1 > b.attached_on)
                    .collect();
                later(
                    &mut earliest,
                    after.get(plan.attendance.terms - 1).map(|t| t.1),
                );
            }
            Attendance::Pupils(_, _, pupils) => {
                for p in &pupils {
                    distance.push(MeasureDistance {
                        measure_key: plan.attendance.measure.clone(),
                        person_id: Some(p.person_id),
                        baseline: baseline_value(b, &plan.attendance.measure, Some(p.person_id)),
                        latest: Some(p.share),
                        threshold: plan.attendance.minimum,
                        higher_is_better: true,
                    });
                    if p.missing_terms > 0 {
                        missing.push(format!(
                            "a pupil of compulsory school age has no attendance record for {} of \
                             the last {} terms",
                            p.missing_terms, plan.attendance.terms
                        ));
                        earliest = None;
                    } else if !pupil_met(plan, p) {
                        missing.push(format!(
                            "a pupil attended {:.1}% of possible sessions over the last {} terms (at least {:.0}%)",
                            p.share * 100.0,
                            plan.attendance.terms,
                            plan.attendance.minimum * 100.0
                        ));
                        earliest = None;
                    }
                }
            }
        }
    }
    let ok = missing.is_empty() && as_at >= first;
    if as_at < first {
        missing.push(format!(
            "sustained for {} months after attachment: not before {first}",
            plan.sustain_months
        ));
    }
    let state = match (present, ok) {
        (true, true) => ProblemState::Achieved,
        (true, false) => ProblemState::InProgress,
        (false, true) => ProblemState::NotRegressed,
        (false, false) if missing.len() == 1 && as_at < first => ProblemState::NotRegressed,
        (false, false) => ProblemState::Regressed,
    };
    ProblemProgress {
        problem_key: key.to_string(),
        state,
        missing,
        earliest_on: earliest,
        distance,
    }
}

/// Judges one attached family as at `as_at` under `plan` (whose file's SHA-256 is
/// `rules_hash`).
pub fn judge(
    plan: &Plan,
    rules_hash: &str,
    input: &FamilyInput<'_>,
    as_at: NaiveDate,
) -> FamilyOutcome {
    let b = input.baseline;
    let mut results = Vec::new();
    let present: Vec<String> = b
        .problems
        .iter()
        .filter(|p| p.present)
        .map(|p| p.key.clone())
        .collect();
    let joined: Vec<OutcomeEvidence> = input.joiners.iter().map(|j| j.evidence(as_at)).collect();
    if let Some(d) = days(b.attached_on, as_at).find(|d| sustained_on(plan, input, *d)) {
        let mut evidence = evidence_on(plan, input, d);
        // Who was in the household on that day besides the baseline's members.
        evidence.extend(
            input
                .joiners
                .iter()
                .filter(|j| j.from <= d)
                .map(|j| j.evidence(d)),
        );
        results.push(FamilyResult {
            family_id: b.family_id,
            kind: ResultKind::SignificantAndSustainedProgress,
            achieved_on: d,
            problems: present.clone(),
            evidence,
            rules_hash: rules_hash.to_string(),
        });
    }
    if let Some((d, ev)) = employment(plan, input, as_at) {
        results.push(FamilyResult {
            family_id: b.family_id,
            kind: ResultKind::ContinuousEmployment,
            achieved_on: d,
            problems: present.clone(),
            evidence: vec![ev],
            rules_hash: rules_hash.to_string(),
        });
    }
    let mut problems: Vec<ProblemProgress> = b
        .problems
        .iter()
        .map(|p| progress(plan, input, &p.key, p.present, as_at))
        .collect();
    // The attendance rule applies to every claim: shown under school attendance.
    if !b.problems.iter().any(|p| p.key == plan.attendance.problem) {
        problems.push(progress(
            plan,
            input,
            &plan.attendance.problem,
            false,
            as_at,
        ));
    }
    let counts = |p: &ProblemProgress| {
        plan.non_regression
            || !matches!(
                p.state,
                ProblemState::NotRegressed | ProblemState::Regressed
            )
    };
    let earliest_claim_on = results.iter().map(|r| r.achieved_on).min().or_else(|| {
        problems
            .iter()
            .filter(|p| counts(p))
            .try_fold(b.attached_on, |acc, p| p.earliest_on.map(|e| acc.max(e)))
    });
    FamilyOutcome {
        family_id: b.family_id,
        as_at,
        results,
        problems,
        earliest_claim_on,
        joined,
    }
}
