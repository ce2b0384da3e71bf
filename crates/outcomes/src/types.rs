//! The types other parts of Hearth build on: a family's results (what a claim is made for),
//! the baseline frozen at attachment (what results are judged against), and the per-problem
//! progress a family page and the API show.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A family's stable ID, as the store and web use it (`family.family_id`).
pub type FamilyId = i64;
/// A person's stable ID (`person_record.person_id`).
pub type PersonId = i64;

/// The two results a payment-by-results claim can be made for. Seed 003: "a results payment
/// can be claimed for an eligible family that has either achieved significant and sustained
/// progress against all the family's problems, or where an adult has moved off benefits into
/// continuous employment".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// Significant and sustained progress against every problem the family had at entry,
    /// and no regression on the problems it did not have.
    SignificantAndSustainedProgress,
    /// An adult moved off out-of-work benefits into continuous employment.
    ContinuousEmployment,
}

impl ResultKind {
    /// The stable key stored and shown in files (`significant_and_sustained_progress`,
    /// `continuous_employment`).
    pub fn key(self) -> &'static str {
        match self {
            ResultKind::SignificantAndSustainedProgress => "significant_and_sustained_progress",
            ResultKind::ContinuousEmployment => "continuous_employment",
        }
    }

    /// The key back to the kind.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "significant_and_sustained_progress" => Some(Self::SignificantAndSustainedProgress),
            "continuous_employment" => Some(Self::ContinuousEmployment),
            _ => None,
        }
    }

    /// Plain-English name for pages.
    pub fn title(self) -> &'static str {
        match self {
            ResultKind::SignificantAndSustainedProgress => "Significant and sustained progress",
            ResultKind::ContinuousEmployment => "Continuous employment",
        }
    }
}

/// One result a family achieved: what a claim is made for. A family achieves each kind at
/// most once (the earliest date it was met is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyResult {
    /// The family.
    pub family_id: FamilyId,
    /// Which result.
    pub kind: ResultKind,
    /// The date the last condition was met: the earliest date a claim could be made.
    pub achieved_on: NaiveDate,
    /// The headline problem keys at entry (from the baseline) the result covers.
    pub problems: Vec<String>,
    /// What shows it, measure by measure.
    pub evidence: Vec<OutcomeEvidence>,
    /// SHA-256 (hex) of the Outcomes Plan rules file the result was judged under.
    pub rules_hash: String,
}

/// One measure's reading that shows (or fails to show) progress: a period, the value over
/// it, the baseline value, and whether the plan's threshold was met. Facts and keys only,
/// never an identifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeEvidence {
    /// The headline problem (`None`: a family-wide condition such as employment).
    pub problem_key: Option<String>,
    /// The plan's measure key (`rules/outcomes-*.toml`, aligned with
    /// `rules/outcome-measures-*.toml`).
    pub measure_key: String,
    /// The member it concerns (`None`: the family as a whole).
    pub person_id: Option<PersonId>,
    /// The period measured (inclusive).
    pub from: NaiveDate,
    /// End of the period (inclusive).
    pub to: NaiveDate,
    /// The value at baseline, if the measure has one.
    pub baseline: Option<f64>,
    /// The value over the period.
    pub value: f64,
    /// The plan's threshold the value is compared with.
    pub threshold: f64,
    /// Whether the period meets the threshold.
    pub met: bool,
    /// The partner records read (record keys, for an evidence pack's trail).
    pub record_ids: Vec<i64>,
    /// The partner source of the records, where the evidence names one (a joiner's record:
    /// [`crate::household::JOINED_HOUSEHOLD`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The baseline frozen when a family is attached to the programme: who was in the family,
/// which problems it had and the evidence for them, and the starting level of each measure.
/// Stored once and never changed, so a later re-link or run cannot move the goalposts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The family.
    pub family_id: FamilyId,
    /// The date the family was attached to the programme.
    pub attached_on: NaiveDate,
    /// The identification run the problems and evidence were taken from.
    pub run_id: Option<i64>,
    /// The members at attachment.
    pub members: Vec<BaselineMember>,
    /// Every headline problem of the rules, present at entry or not (non-regression is
    /// judged on the absent ones).
    pub problems: Vec<BaselineProblem>,
    /// The indicators that evidenced the problems at entry.
    pub indicators: Vec<BaselineIndicator>,
    /// Each measure's starting value (e.g. a child's attendance over the three terms before).
    pub measures: Vec<BaselineMeasure>,
}

/// A member of the family at attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineMember {
    /// The person.
    pub person_id: PersonId,
    /// `adult` or `child` (the household's role).
    pub role: String,
    /// Age in whole years on the attachment date (not the date of birth: that is an
    /// identifier and stays in the identity tables).
    pub age_at_attachment: Option<u32>,
    /// The first and last day this member is of compulsory school age (for the attendance
    /// rule), if ever within the programme's horizon.
    pub school_age: Option<(NaiveDate, NaiveDate)>,
}

/// A headline problem at entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineProblem {
    /// The headline problem key of the identification rules.
    pub key: String,
    /// Whether the family had it at entry.
    pub present: bool,
}

/// An indicator that evidenced a problem at entry (a copy of the run's evidence row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineIndicator {
    /// The headline problem.
    pub problem_key: String,
    /// The indicator.
    pub indicator_key: String,
    /// The member it concerns.
    pub person_id: PersonId,
    /// The computed value, if any.
    pub value: Option<f64>,
    /// The partner records that evidenced it.
    pub record_ids: Vec<i64>,
}

/// A measure's value before attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineMeasure {
    /// The plan's measure key.
    pub measure_key: String,
    /// The member (`None`: the family as a whole).
    pub person_id: Option<PersonId>,
    /// The period measured (inclusive).
    pub from: NaiveDate,
    /// End of the period (inclusive).
    pub to: NaiveDate,
    /// The value.
    pub value: f64,
}

/// Where a family stands on one problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// Present at entry; every measure met for the plan's period.
    Achieved,
    /// Present at entry; not yet shown.
    InProgress,
    /// Absent at entry and not regressed.
    NotRegressed,
    /// Absent at entry and now present: blocks significant and sustained progress.
    Regressed,
}

/// A measure's distance travelled: from its baseline value to its latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureDistance {
    /// The plan's measure key.
    pub measure_key: String,
    /// The member (`None`: the family).
    pub person_id: Option<PersonId>,
    /// Value at baseline.
    pub baseline: Option<f64>,
    /// Latest value.
    pub latest: Option<f64>,
    /// The plan's threshold.
    pub threshold: f64,
    /// `true` when a higher value is better (attendance), `false` when lower is (incidents).
    pub higher_is_better: bool,
}

/// One problem's progress, as a family page and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemProgress {
    /// The headline problem key.
    pub problem_key: String,
    /// Where the family stands.
    pub state: ProblemState,
    /// What is still missing, in plain English (no personal data).
    pub missing: Vec<String>,
    /// The earliest date this problem could count towards a claim (`None`: not yet known).
    pub earliest_on: Option<NaiveDate>,
    /// Distance travelled on each measure.
    pub distance: Vec<MeasureDistance>,
}

/// One family's judgement as at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyOutcome {
    /// The family.
    pub family_id: FamilyId,
    /// The date judged as at.
    pub as_at: NaiveDate,
    /// The results achieved on or before `as_at`.
    pub results: Vec<FamilyResult>,
    /// Progress per headline problem.
    pub problems: Vec<ProblemProgress>,
    /// The earliest date a claim could be made (`None`: none yet in sight).
    pub earliest_claim_on: Option<NaiveDate>,
    /// The people who joined the household since the baseline (the plan's `[household]`),
    /// as evidence of kind `joined_household`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joined: Vec<OutcomeEvidence>,
}
