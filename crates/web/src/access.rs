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
    /// Make referrals and see one's own (a partner referrer), or enter them on a
    /// referrer's behalf and see them all (the performance officer).
    Refer,
    /// See the cohort's progress on the progress measures (no family named).
    ProgressCohort,
    /// Double-check referrals: accept or return them.
    DecideReferral,
    /// Read the audit log.
    ReadAudit,
    /// Manage accounts and roles.
    ManageAccounts,
    /// See and download the rows of partner files that could not be imported (the data
    /// team, who run the imports).
    ReviewQuarantine,
    /// Review uncertain record pairs and decide them (identifiers only for roles that may
    /// see them).
    ReviewPairs,
    /// Keep the information governance registers: objections, extracts sent outside the
    /// council (and making the national evaluation extract), retention proof reports.
    Govern,
    /// See payment-by-results claims: batches, payments against the cap, evidence packs,
    /// internal audit's sample, the claim return (the performance officer and internal
    /// audit).
    ViewClaims,
    /// Make claims and withdraw them (the performance officer).
    MakeClaims,
    /// Record internal audit's finding on a claim (the internal auditor only).
    AuditClaims,
    /// See the cost savings calculator's cohort figures (no family named) and download them.
    CostSavings,
    /// See the performance dashboard and the local impact evaluation: counts only, every
    /// figure through disclosure control (lead workers' names only for roles that see
    /// identifiers).
    SeePerformance,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 20] = [
        Permission::Public,
        Permission::SignedIn,
        Permission::ListFamilies,
        Permission::OpenFamily,
        Permission::AssignLeadWorker,
        Permission::Casework,
        Permission::Caseload,
        Permission::Refer,
        Permission::ProgressCohort,
        Permission::DecideReferral,
        Permission::ReadAudit,
        Permission::ManageAccounts,
        Permission::ReviewQuarantine,
        Permission::ReviewPairs,
        Permission::Govern,
        Permission::ViewClaims,
        Permission::MakeClaims,
        Permission::AuditClaims,
        Permission::CostSavings,
        Permission::SeePerformance,
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
        P::Refer => matches!(role, R::Referrer | R::PerformanceOfficer),
        P::DecideReferral => role == R::PerformanceOfficer,
        P::ProgressCohort => matches!(role, R::PerformanceOfficer | R::DataAnalyst),
        P::ReadAudit | P::Govern => role == R::IgOfficer,
        P::ManageAccounts => role == R::Administrator,
        P::ReviewQuarantine => role == R::PerformanceOfficer,
        P::ReviewPairs => matches!(role, R::PerformanceOfficer | R::DataAnalyst),
        P::ViewClaims => matches!(role, R::PerformanceOfficer | R::Auditor),
        P::MakeClaims => role == R::PerformanceOfficer,
        P::AuditClaims => role == R::Auditor,
        P::CostSavings => matches!(role, R::PerformanceOfficer | R::DataAnalyst),
        P::SeePerformance => matches!(role, R::PerformanceOfficer | R::DataAnalyst),
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
            Role::Auditor => "/claims",
        }
    }

    fn navigation(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Role::Referrer => &[("/referrals", "Referrals")],
            Role::LeadWorker => &[("/caseload", "Caseload")],
            Role::PerformanceOfficer => &[
                ("/families", "Families"),
                ("/referrals", "Referrals"),
                ("/progress", "Progress"),
                ("/savings", "Cost savings"),
                ("/dashboard", "Dashboard"),
                ("/evaluation", "Evaluation"),
                ("/workload", "Workload"),
                ("/review", "Record review"),
                ("/quarantine", "Rows not imported"),
                ("/claims", "Claims"),
            ],
            Role::DataAnalyst => &[
                ("/families", "Families"),
                ("/progress", "Progress"),
                ("/savings", "Cost savings"),
                ("/dashboard", "Dashboard"),
                ("/evaluation", "Evaluation"),
                ("/review", "Record review"),
            ],
            Role::IgOfficer => &[
                ("/audit", "Audit log"),
                ("/objections", "Objections"),
                ("/extract", "National evaluation"),
                ("/subject-access", "Subject access"),
                ("/sharing", "Sharing agreements"),
                ("/retention", "Retention"),
            ],
            Role::Administrator => &[("/admin/users", "Accounts")],
            Role::Auditor => &[("/claims", "Claims")],
        }
    }
}

/// Opens families by what the run says of them, not by who is assigned: the roles that
/// list the eligible families. They may open a family eligible in the latest run or one
/// with a case (worked on: assigned or moved on, even if since closed); any other family
/// (the borough's many families that are not eligible) is none of their business.
pub(crate) fn opens_families_by_the_run(role: Role) -> bool {
    matches!(role, Role::PerformanceOfficer | Role::DataAnalyst)
}

/// May see names, dates of birth and addresses, and the partners' references to their
/// rows (tenancy, occurrence and YOT references; file names and row numbers), of the
/// families it may open. Others see facts only: dates, categories, counts, amounts.
pub(crate) fn sees_identifiers(role: Role) -> bool {
    matches!(role, Role::PerformanceOfficer | Role::LeadWorker)
}

/// What a user may do with one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FamilyAccess {
    /// Identifiers (names, dates of birth, addresses) and the partners' references to their
    /// rows may be shown.
    pub identifiers: bool,
    /// Status may be changed and notes read and written.
    pub casework: bool,
    /// Lead worker may be assigned.
    pub assign: bool,
}

/// What is known of a family when deciding whether a user may open it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FamilyStanding<'a> {
    /// Eligible in the latest identification run (`false` if not in it).
    pub eligible: bool,
    /// Its case, if it has one.
    pub case: Option<&'a FamilyCase>,
}

/// Why a user may not open a family, and so how the refusal answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FamilyRefusal {
    /// A lead worker's family assigned to someone else: 403.
    NotAssigned,
    /// Neither eligible in the latest run nor with a case, for a role that opens families
    /// by the run: 404, as for a family that does not exist (its existence is not
    /// confirmed).
    NoNeedToKnow,
}

impl FamilyRefusal {
    /// The audit line's detail (no personal data).
    pub(crate) fn reason(self) -> &'static str {
        match self {
            FamilyRefusal::NotAssigned => "not assigned",
            FamilyRefusal::NoNeedToKnow => "not eligible and no case",
        }
    }
}

/// What `user` (with `role`) may do with a family: the one need-to-know rule for a family,
/// on pages and in the API, for views and for changes alike. A lead worker opens only the
/// families assigned to them; the performance officer and the analyst open the families
/// eligible in the latest run and those with a case ([`opens_families_by_the_run`]).
pub(crate) fn family_access(
    role: Role,
    user: &UserRecord,
    family: FamilyStanding<'_>,
) -> Result<FamilyAccess, FamilyRefusal> {
    let assigned_to_me = family.case.and_then(|c| c.lead_worker_user_id) == Some(user.id);
    if role == Role::LeadWorker && !assigned_to_me {
        return Err(FamilyRefusal::NotAssigned);
    }
    if opens_families_by_the_run(role) && !family.eligible && family.case.is_none() {
        return Err(FamilyRefusal::NoNeedToKnow);
    }
    if !(role == Role::LeadWorker || opens_families_by_the_run(role)) {
        return Err(FamilyRefusal::NotAssigned);
    }
    Ok(FamilyAccess {
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

    fn account(id: i64, role: Role) -> UserRecord {
        UserRecord {
            id,
            user_name: format!("user{id}"),
            display_name: format!("User {id}"),
            role,
            password_hash: String::new(),
            active: true,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_family_neither_eligible_nor_with_a_case_is_opened_by_no_one() {
        let now = chrono::Utc::now();
        let mut case = FamilyCase::new(3, now, "test");
        for &role in Role::ALL {
            let user = account(7, role);
            let none = FamilyStanding {
                eligible: false,
                case: None,
            };
            assert!(family_access(role, &user, none).is_err(), "{role}");
        }
        let po = account(1, Role::PerformanceOfficer);
        fn standing(eligible: bool, case: Option<&FamilyCase>) -> FamilyStanding<'_> {
            FamilyStanding { eligible, case }
        }
        assert_eq!(
            family_access(Role::PerformanceOfficer, &po, standing(false, None)),
            Err(FamilyRefusal::NoNeedToKnow)
        );
        assert!(family_access(Role::PerformanceOfficer, &po, standing(true, None)).is_ok());
        assert!(family_access(Role::PerformanceOfficer, &po, standing(false, Some(&case))).is_ok());
        let lw = account(9, Role::LeadWorker);
        assert_eq!(
            family_access(Role::LeadWorker, &lw, standing(true, Some(&case))),
            Err(FamilyRefusal::NotAssigned)
        );
        case.assign(Some(9), now, "test");
        assert!(family_access(Role::LeadWorker, &lw, standing(false, Some(&case))).is_ok());
    }

    #[test]
    fn whoever_may_open_a_family_holds_open_family() {
        for &r in Role::ALL {
            if opens_families_by_the_run(r) || sees_identifiers(r) {
                assert!(permits(r, Permission::OpenFamily), "{r}");
            }
        }
    }
}
