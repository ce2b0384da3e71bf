//! Need to know, in one place: which role holds which [`Permission`] ([`permits`], the one
//! table), where each role starts and what it sees in the navigation, and what a user may do
//! with one family ([`family_access`]).
//!
//! Routes declare the permission they need (`pages::routes`, `api::routes`); this module
//! does not know routes, and does no I/O.

use hearth_model::Role;
use hearth_store::{FamilyCase, UserRecord};

/// What a route needs. Every route declares one; [`permits`] says which roles hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Anyone, signed in or not (sign-in, the API's description).
    Public,
    /// Any signed-in user (their session, their password, signing out).
    SignedIn,
    /// List all eligible families.
    ListFamilies,
    /// Open a family's record (then need to know per family: [`family_access`]).
    OpenFamily,
    /// Assign lead workers.
    AssignLeadWorker,
    /// Move a case on and write notes (then need to know per family).
    Casework,
    /// Have a caseload.
    Caseload,
    /// Have the referrals page.
    Refer,
    /// Read the audit log.
    ReadAudit,
    /// Manage accounts and roles.
    ManageAccounts,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 10] = [
        Permission::Public,
        Permission::SignedIn,
        Permission::ListFamilies,
        Permission::OpenFamily,
        Permission::AssignLeadWorker,
        Permission::Casework,
        Permission::Caseload,
        Permission::Refer,
        Permission::ReadAudit,
        Permission::ManageAccounts,
    ];

    /// Whether the permission is about one family (its route has the family in its path): a
    /// refusal is audited as a refused view of that family when the role may not open
    /// families at all.
    pub(crate) fn about_a_family(self) -> bool {
        matches!(self, Permission::OpenFamily | Permission::Casework)
    }
}

/// Whether `role` holds `permission`: the one table of who may do what.
pub fn permits(role: Role, permission: Permission) -> bool {
    use Permission as P;
    use Role as R;
    match permission {
        P::Public | P::SignedIn => true,
        P::ListFamilies => matches!(role, R::PerformanceOfficer | R::DataAnalyst),
        P::OpenFamily => matches!(role, R::PerformanceOfficer | R::DataAnalyst | R::LeadWorker),
        P::AssignLeadWorker => role == R::PerformanceOfficer,
        P::Casework => matches!(role, R::PerformanceOfficer | R::LeadWorker),
        P::Caseload => role == R::LeadWorker,
        P::Refer => role == R::Referrer,
        P::ReadAudit => role == R::IgOfficer,
        P::ManageAccounts => role == R::Administrator,
    }
}

/// Where a role starts after signing in, and its service navigation.
pub(crate) trait RoleHome {
    /// Where the role starts after signing in.
    fn home(self) -> &'static str;
    /// The service navigation for this role: (path, label).
    fn navigation(self) -> &'static [(&'static str, &'static str)];
}

impl RoleHome for Role {
    fn home(self) -> &'static str {
        match self {
            Role::Referrer => "/referrals",
            Role::LeadWorker => "/caseload",
            Role::PerformanceOfficer | Role::DataAnalyst => "/families",
            Role::IgOfficer => "/audit",
            Role::Administrator => "/admin/users",
        }
    }

    fn navigation(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Role::Referrer => &[("/referrals", "Referrals")],
            Role::LeadWorker => &[("/caseload", "Caseload")],
            Role::PerformanceOfficer | Role::DataAnalyst => &[("/families", "Families")],
            Role::IgOfficer => &[("/audit", "Audit log")],
            Role::Administrator => &[("/admin/users", "Accounts")],
        }
    }
}

/// May open every family, whatever its case (so [`family_access`] does not look at the
/// case).
pub(crate) fn opens_every_family(role: Role) -> bool {
    matches!(role, Role::PerformanceOfficer | Role::DataAnalyst)
}

/// May see names, dates of birth and addresses (of the families it may open).
pub(crate) fn sees_identifiers(role: Role) -> bool {
    matches!(role, Role::PerformanceOfficer | Role::LeadWorker)
}

/// What a user may do with one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FamilyAccess {
    /// Identifiers (names, dates of birth, addresses) may be shown.
    pub identifiers: bool,
    /// Status may be changed and notes read and written.
    pub casework: bool,
    /// Lead worker may be assigned.
    pub assign: bool,
}

/// What `user` (with `role`) may do with a family whose case is `case`; `None`: not open it.
pub(crate) fn family_access(
    role: Role,
    user: &UserRecord,
    case: Option<&FamilyCase>,
) -> Option<FamilyAccess> {
    let assigned_to_me = case.and_then(|c| c.lead_worker_user_id) == Some(user.id);
    let may_open = match role {
        Role::LeadWorker => assigned_to_me,
        _ => opens_every_family(role),
    };
    may_open.then_some(FamilyAccess {
        identifiers: sees_identifiers(role),
        casework: permits(role, Permission::Casework),
        assign: permits(role, Permission::AssignLeadWorker),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_keys() {
        for &r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Ok(r));
        }
        assert_eq!(Role::parse("lead-worker"), Ok(Role::LeadWorker));
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn every_permission_is_held_and_casework_needs_opening() {
        for p in Permission::ALL {
            assert!(Role::ALL.iter().any(|&r| permits(r, p)), "{p:?}");
        }
        for &r in Role::ALL {
            if permits(r, Permission::Casework) || permits(r, Permission::AssignLeadWorker) {
                assert!(permits(r, Permission::OpenFamily), "{r}");
            }
        }
    }

    #[test]
    fn whoever_may_open_a_family_holds_open_family() {
        for &r in Role::ALL {
            if opens_every_family(r) || sees_identifiers(r) {
                assert!(permits(r, Permission::OpenFamily), "{r}");
            }
        }
    }
}
