//! A council's Outcomes Plan and each attached family's results against it:
//!
//! * [`types`]: the shared vocabulary other crates use (claims, costs, impact, store, web):
//!   [`FamilyResult`], [`ResultKind`], [`Baseline`], [`OutcomeEvidence`], [`ProblemProgress`];
//! * [`plan`]: the Outcomes Plan as rules (`rules/outcomes-*.toml`);
//! * [`facts`]: a family's records as the judge reads them (restated spells merged);
//! * [`baseline`]: freezing the baseline at attachment;
//! * [`household`]: people who join an attached family's household (joiners);
//! * [`judge`]: results, progress per problem, earliest claim date, distance travelled.
//!
//! Pure: no I/O, no clock (callers pass the as-at date); the rules are read from text.

pub mod baseline;
pub mod facts;
pub mod household;
pub mod judge;
pub mod plan;
pub mod types;

pub use baseline::{compulsory_school_age, freeze, FreezeInput};
pub use facts::{calendar, tidy, Event, WorkerEvidence};
pub use household::{joiners, DatedAddress, HouseholdRule, Joiner, JOINED_HOUSEHOLD};
pub use judge::{judge, FamilyInput};
pub use plan::{Plan, PlanError};
pub use types::{
    Baseline, BaselineIndicator, BaselineMeasure, BaselineMember, BaselineProblem, FamilyId,
    FamilyOutcome, FamilyResult, MeasureDistance, OutcomeEvidence, PersonId, ProblemProgress,
    ProblemState, ResultKind,
};

#[cfg(test)]
mod tests;
