//! The local impact evaluation: do families worked with do better than eligible families
//! that were not?
//!
//! Seed 000 (the national impact study's notice): "The study will compare two groups – one of
//! families who met several of the eligibility criteria and who have been offered services
//! under the programme, and the other who have met the minimum criteria and who are eligible,
//! but who have not received services under the programme."
//!
//! The stages, one module each:
//! 1. [`rules`]: what each outcome is in the partner data, the bands, the matching and the
//!    bootstrap (`rules/impact-evaluation.toml`, a file the council edits);
//! 2. [`history`]: each family's dated outcome events, classified from its members' facts;
//! 3. [`covariates`]: pre-programme characteristics at an index date;
//! 4. [`logistic`] and [`matching`]: the propensity score and nearest-neighbour matching within
//!    the month of attachment, with the balance table;
//! 5. [`estimate`]: outcomes at each band after the index date, the difference between the
//!    groups adjusted for each family's own pre-period level of the outcome (regression
//!    adjustment on the matched sets) and its seeded bootstrap interval;
//! 6. [`publish`]: every figure through `hearth_governance::disclosure::protect`.
//!
//! Pure: no I/O, no clock (the caller passes the as-at date).

pub mod covariates;
pub mod estimate;
pub mod evaluate;
pub mod history;
pub mod logistic;
pub mod matching;
pub mod publish;
pub mod rules;

pub use estimate::{Estimate, Interval};
pub use evaluate::{evaluate, Cohort, Evaluation};
pub use history::{merge_restated, Event, FamilyHistory};
pub use matching::{BalanceRow, MatchSummary};
pub use publish::{publish, Published};
pub use rules::{Band, Measure, OutcomeRule, Rules, RulesError};
