//! A council's Outcomes Plan and each attached family's results against it:
//!
//! * [`types`]: the shared vocabulary other crates use (claims, costs, impact, store, web):
//!   [`FamilyResult`], [`ResultKind`], [`Baseline`], [`OutcomeEvidence`], [`ProblemProgress`];
//!
//! Pure: no I/O, no clock (callers pass the as-at date); the rules are read from text.

pub mod types;

pub use types::{
    Baseline, BaselineIndicator, BaselineMeasure, BaselineMember, BaselineProblem, FamilyId,
    FamilyOutcome, FamilyResult, MeasureDistance, OutcomeEvidence, PersonId, ProblemProgress,
    ProblemState, ResultKind,
};
