//! The programme cohort's plain data: what is asked ([`Cohort`], [`Effects`]) and what is
//! generated ([`FollowUp`]: attachments, later facts, employment spells, later extracts).
//! Generating and writing are in `cohort`.

use crate::dates::{add_days, ymd, AS_AT};
use crate::model::{BenefitType, Facts};
use crate::sources::SourceTable;
use chrono::NaiveDate;

/// What the cohort is asked to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// The share of eligible families attached to the programme (the rest are the
    /// comparison group).
    pub attach_share: f64,
    /// The first day a family can be attached.
    pub attach_from: NaiveDate,
    /// The last day a family can be attached.
    pub attach_to: NaiveDate,
    /// The planted effect.
    pub effects: Effects,
}

impl Default for Cohort {
    fn default() -> Self {
        Cohort {
            attach_share: 0.6,
            attach_from: add_days(AS_AT, 7),
            attach_to: ymd(2027, 6, 30),
            effects: Effects::default(),
        }
    }
}

/// The planted effect of the programme: for an attached family, from its attachment date on,
/// the rate of each outcome's events is multiplied by these factors (1 = no effect; below 1
/// fewer events). The comparison group and attached families before attachment run at 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    /// Sessions missed from school (per pupil per term).
    pub absence: f64,
    /// Crime and anti-social behaviour incidents as suspect or offender, and youth offences.
    pub offending: f64,
    /// Juvenile custody (youth offences ending in a Detention and Training Order), overall.
    pub custody: f64,
    /// Domestic abuse incidents.
    pub domestic_abuse: f64,
    /// The hazard of leaving an out-of-work benefit (above 1: more leave).
    pub benefit_exit: f64,
    /// Children starting to be looked after.
    pub looked_after: f64,
    /// Children starting a child protection plan (the national study found these
    /// temporarily higher).
    pub child_protection: f64,
    /// Fixed-term exclusions.
    pub exclusions: f64,
    /// A&E attendances.
    pub a_and_e: f64,
}

impl Default for Effects {
    fn default() -> Self {
        Effects {
            absence: 0.75,
            offending: 0.70,
            custody: 0.62,
            domestic_abuse: 0.75,
            benefit_exit: 1.40,
            looked_after: 0.68,
            child_protection: 1.15,
            exclusions: 0.80,
            a_and_e: 0.85,
        }
    }
}

impl Effects {
    /// `(key, multiplier, what it multiplies)` for the truth file.
    pub fn rows(&self) -> [(&'static str, f64, &'static str); 9] {
        [
            (
                "absence",
                self.absence,
                "sessions missed per pupil per term",
            ),
            (
                "offending",
                self.offending,
                "crime/ASB incidents as suspect or offender, and youth offences, per year",
            ),
            (
                "custody",
                self.custody,
                "youth offences ending in custody (Detention and Training Order) per year",
            ),
            (
                "domestic_abuse",
                self.domestic_abuse,
                "domestic abuse incidents per year",
            ),
            (
                "benefit_exit",
                self.benefit_exit,
                "hazard of leaving an out-of-work benefit claim",
            ),
            (
                "looked_after",
                self.looked_after,
                "children starting to be looked after per year",
            ),
            (
                "child_protection",
                self.child_protection,
                "children starting a child protection plan per year",
            ),
            (
                "exclusions",
                self.exclusions,
                "fixed-term exclusions per pupil per term",
            ),
            (
                "a_and_e",
                self.a_and_e,
                "A&E attendances per person per year",
            ),
        ]
    }
}

/// An eligible family's place in the cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The household (family `F…` of the same index).
    pub household: usize,
    /// Attached to the programme (else in the comparison group).
    pub attached: bool,
    /// The attachment date; for the comparison group a reference date drawn the same way,
    /// from which its months 0–24 are counted.
    pub date: NaiveDate,
}

/// An employment spell: a job start and, once it has ended, its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentSpell {
    /// The worker.
    pub person: usize,
    /// First day in work.
    pub start: NaiveDate,
    /// Last day in work; `None` while still in work at the end of the follow-up.
    pub end: Option<NaiveDate>,
    /// The out-of-work benefit the worker left for this job, if any.
    pub left: Option<BenefitType>,
}

/// The cohort as generated.
#[derive(Debug, Clone)]
pub struct FollowUp {
    /// What was asked.
    pub cohort: Cohort,
    /// Every eligible family, in household order.
    pub attachments: Vec<Attachment>,
    /// What happened after the as-at date (continuing claims and episodes restated with
    /// their end).
    pub facts: Facts,
    /// Employment spells.
    pub employment: Vec<EmploymentSpell>,
    /// The seven later extracts, in [`crate::Source::ALL`] order.
    pub sources: Vec<SourceTable>,
    /// The employment file: rows and the true person of each.
    pub employment_rows: (Vec<Vec<crate::Cell>>, Vec<usize>),
}
