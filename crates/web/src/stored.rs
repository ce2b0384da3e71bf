//! The store's vocabulary fields as the model's enums: the one place web turns a stored
//! string into a [`Role`] or a [`CaseStatus`] and back.
//!
//! Today's store keeps roles and statuses as strings; once it carries the enums itself,
//! these functions become field reads and can go. Nothing else in web compares a role or a
//! status as a string.

use hearth_model::{CaseStatus, Role};
use hearth_store::{FamilyCase, FamilyMember, UserRecord};

/// An account's role (`None` for a key this build does not know).
pub(crate) fn role(user: &UserRecord) -> Option<Role> {
    Role::parse(&user.role).ok()
}

/// An account's role key as stored (shown back in the administrators' role select).
pub(crate) fn role_key_of(user: &UserRecord) -> &str {
    &user.role
}

/// The stored form of a role.
pub(crate) fn role_key(role: Role) -> String {
    role.key().to_string()
}

/// Whether the account is a lead worker's.
pub(crate) fn is_lead_worker(user: &UserRecord) -> bool {
    role(user) == Some(Role::LeadWorker)
}

/// A case's status (`None` for a key this build does not know).
pub(crate) fn status(case: &FamilyCase) -> Option<CaseStatus> {
    CaseStatus::parse(&case.status).ok()
}

/// A case's status key as stored (`identified` when there is no case yet).
pub(crate) fn status_key(case: Option<&FamilyCase>) -> &str {
    case.map_or(CaseStatus::Identified.key(), |c| c.status.as_str())
}

/// Sets a case's status, as the store keeps it.
pub(crate) fn set_status(
    case: &mut FamilyCase,
    status: CaseStatus,
    at: chrono::DateTime<chrono::Utc>,
    by: &str,
) {
    case.set_status(status.key(), at, by);
}

/// Whether a family member is counted as an adult.
pub(crate) fn is_adult(member: &FamilyMember) -> bool {
    member.role == hearth_model::MemberRole::Adult.key()
}
