//! The service layer: the typed operations that pages and the API both call — sessions and
//! sign-in, password changes, the families list, a family's record, assigning a lead
//! worker, moving a case on, notes, the work with a family (assessment, plan, team,
//! progress: [`work`], its forms checked in [`work_input`]), caseloads, the audit log and
//! accounts.
//!
//! Operations take typed inputs (the `domain` newtypes, [`hearth_model::Role`],
//! [`hearth_model::CaseStatus`]), decide need to know per family (a route's permission was
//! checked before, by its declaration), read and write the store in one blocking hop where
//! they can, audit what they did, and fail with the one error type, [`WebError`]
//! (validation failures as [`WebError::Invalid`], field by field). They know nothing of
//! HTTP, forms or templates.
//!
//! [`WebError`]: crate::error::WebError
//! [`WebError::Invalid`]: crate::error::WebError::Invalid

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod casework;
pub(crate) mod claims;
pub(crate) mod dashboard;
pub(crate) mod drafts;
pub(crate) mod families;
pub(crate) mod family;
pub(crate) mod governance;
pub(crate) mod impact;
pub(crate) mod impact_export;
pub(crate) mod outcomes;
pub(crate) mod quarantine;
pub(crate) mod referrals;
pub(crate) mod review;
pub(crate) mod rights;
pub(crate) mod rights_requests;
pub(crate) mod savings;
pub(crate) mod session;
pub(crate) mod sso;
pub(crate) mod work;
pub(crate) mod work_input;
pub(crate) mod workload;

use crate::error::WebError;

/// A validation failure on one field.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> WebError {
    WebError::Invalid(vec![(field.to_string(), message.into())])
}
