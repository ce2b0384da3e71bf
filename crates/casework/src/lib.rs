//! The work with a family, as rules apart from storage and pages:
//!
//! * [`status`]: a case's statuses and the moves between them (forward freely, back only
//!   with a reason, closed only with a closing reason);
//! * [`due`]: what a lead worker must do next and by when ([`DueRules`], `rules/casework.toml`);
//! * [`plan`]: the family plan's actions and what is overdue;
//! * [`measures`]: the council's Outcomes Plan measures a goal is tied to and the progress
//!   measures a family's position is recorded on (both data: `rules/*.toml`);
//! * [`progress`]: a family's change on each progress measure over time, and the cohort's.
//!
//! Pure: no I/O, no clock (callers pass today); the rules files are read from text.

pub mod due;
pub mod measures;
pub mod plan;
pub mod progress;
pub mod status;

pub use due::{next_step, DueRules, NextStep, RulesError, Urgency};
pub use hearth_model::{CaseStatus, CloseReason, ProgressStage};
pub use measures::{
    MeasuresError, OutcomeMeasure, OutcomeMeasures, ProgressMeasure, ProgressMeasures,
};
pub use plan::{action_urgency, ActionState};
pub use progress::{
    check_reading, cohort, family_change, Change, CohortRow, MeasureChange, Reading, ReadingRefused,
};
pub use status::{check_move, Move, MoveError, StatusOrder};
