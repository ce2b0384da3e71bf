//! `hearth-referrals`: the rules of a referral to the programme, as Trafford runs it
//! ("Stronger Families": seeds), apart from any I/O.
//!
//! * [`rules`]: the council's rules as data (`rules/referrals.toml`): the six headline
//!   problems with the public source's words, how many a family must have ("at least two of
//!   the issues listed"), and the reasons a referral is returned with their guidance.
//! * [`criteria`]: the check a referrer sees as they fill in the form ("1 of the 2 problems
//!   required").
//! * [`form`]: a referral as typed (members, problems with evidence, consent, the referrer's
//!   contact, the channel it came by) checked field by field into a [`Referral`].
//! * [`rows`]: referrals from a file's rows as intake reads them with a referral mapping.
//! * [`flags`]: what the partners' data already says of the referred people: a known family,
//!   an open case, an earlier referral of the same people (a duplicate is flagged, never
//!   silently stored twice).
//!
//! Trafford: "The form allows you to check whether the family meets the Stronger Family
//! criteria and where appropriate, you can then submit the form to one of the Stronger Family
//! Performance Officers to be double checked."
#![deny(missing_docs)]

pub mod criteria;
pub mod flags;
pub mod form;
pub mod rows;
pub mod rules;
mod vocabulary;

pub use criteria::{check, CriteriaCheck};
pub use flags::{flag, Flag, MemberMatch, PreviousReferral, Standing};
pub use form::{
    match_key, parse_date, Member, MemberInput, ProblemSeen, Referral, ReferralInput,
    ReferrerContact,
};
pub use rows::{referrals_from_rows, RowsReferral};
pub use rules::{Problem, ReferralRules, ReturnReason, RulesError};
pub use vocabulary::{Channel, Consent, ReferralStatus, Relationship};
