//! `hearth-claims`: payment-by-results claims, as the Cheshire East Outcomes Plan (seed 003)
//! and the expanded programme's Financial Framework describe them, apart from any I/O.
//!
//! * [`rules`]: the council's claim rules as data (`rules/claims.toml`): claim windows, the
//!   attachment fee and results payment, the cap ("approx.1930" families for Cheshire East)
//!   and internal audit's sample size and seed, each value marked as from the seed or a
//!   default to check.
//! * [`select`]: which of the families' results a batch claims: achieved by the day it is
//!   prepared, in an open window, a family claimed once ([`check_not_claimed`] refuses a
//!   second claim with a plain message), never past the cap.
//! * [`screen`]: what a result must show before it can be claimed at all: the family
//!   eligible at attachment (its baseline), the result achieved after it, no claim of it
//!   withdrawn.
//! * [`trail`]: what a pack keeps to trace a result to the partners' rows: each record with
//!   its source, file, SHA-256 and row; the files read with the dates they cover.
//! * [`payments`]: attachment and results payments and the cap's progress.
//! * [`evidence`]: the evidence pack frozen at claim time (data as at, the rules' text and
//!   SHA-256, the baseline, the outcome evidence, the plan, the lead worker).
//! * [`batch`]: a batch planned from its inputs (the claims with their packs, what was passed
//!   over and why, the sample's settings).
//! * [`sample`]: internal audit's seeded, reproducible random sample of a batch's claims.
//!
//! Pure: no I/O, no clock (callers pass today). The results come from `hearth-outcomes`
//! ([`hearth_outcomes::FamilyResult`]).
//!
//! Seed 003: "A results payment can be claimed by a local authority if it can demonstrate
//! that a family who was eligible for the Troubled Families Programme has either: 1. Achieved
//! significant and sustained progress, compared with all the family's problems. OR 2. An adult
//! in the family has moved off benefits and into continuous employment."
#![deny(missing_docs)]

pub mod batch;
pub mod evidence;
pub mod payments;
pub mod rules;
pub mod sample;
pub mod screen;
pub mod select;
pub mod trail;

pub use batch::{batch_seed, plan_batch, BatchInput, FamilyContext, PlannedBatch, PlannedClaim};
pub use evidence::{sha256_hex, EvidencePack, PlanActionSnapshot, PlanGoalSnapshot, RulesSnapshot};
pub use payments::{pounds, summarise, PaymentSummary};
pub use rules::{AuditSampling, Cap, ClaimRules, ClaimWindow, Eligibility, Payments, RulesError};
pub use sample::audit_sample;
pub use screen::{screen, WithdrawnClaim};
pub use select::{
    check_not_claimed, select, ActiveClaim, AlreadyClaimed, PassedOver, PassedOverReason,
    Selection, WindowError,
};
pub use trail::{DataSnapshot, RecordSnapshot};
