//! Hearth's shared vocabulary.
//!
//! This crate holds the types every other Hearth crate speaks in:
//!
//! * validated identifier newtypes — [`NhsNumber`], [`NiNumber`], [`Upn`], [`Postcode`] — that
//!   parse once at the boundary with a precise [`IdentifierError`];
//! * the canonical partner record that intake produces and the store keeps: an [`Identity`]
//!   (who the row is about: names, date of birth, address, identifiers) kept apart from a
//!   [`Fact`] (what the row says happened: an incident, a term's attendance, a benefit claim);
//! * the programme's closed vocabularies as enums — [`Role`], [`CaseStatus`], [`MemberRole`],
//!   [`RelationshipBasis`], [`PersonChangeKind`] — whose keys the store keeps;
//! * [`standardise`]: the one normalisation of names, addresses, dates and ages that intake,
//!   linkage and households share.
//!
//! It does no I/O and has no opinion on storage or linkage.
//!
//! ```
//! use hearth_model::{NhsNumber, Postcode};
//! let nhs = NhsNumber::parse("943 476 5919").unwrap();
//! assert_eq!(nhs.as_str(), "9434765919");
//! let pc = Postcode::parse("sw1a1aa").unwrap();
//! assert_eq!(pc.as_str(), "SW1A 1AA");
//! assert_eq!(pc.district(), "SW1A");
//! assert_eq!(pc.sector(), "SW1A 1");
//! ```
#![deny(missing_docs)]

mod identifiers;
mod record;
pub mod standardise;
mod vocabulary;

pub use identifiers::{IdentifierError, NhsNumber, NiNumber, Postcode, Upn};
pub use record::{AttrValue, Fact, Identity, ImportedRow, QuarantinedRow, Sex};
pub use vocabulary::{
    CaseStatus, CloseReason, MemberRole, PersonChangeKind, ProgressStage, RelationshipBasis, Role,
    UnknownKey,
};
