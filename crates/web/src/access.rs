//! Roles and what each may see and do: need to know, in one place. Every handler asks here.

use hearth_casework::Status;
use hearth_store::{FamilyCase, UserRecord};
use serde::Serialize;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A professional in a partner agency who refers families (referrals: a later issue).
    Referrer,
    /// A keyworker who leads the work with the families assigned to them.
    LeadWorker,
    /// Checks and prioritises families, assigns lead workers.
    PerformanceOfficer,
    /// Analyses the programme on pseudonymised data.
    DataAnalyst,
    /// The information governance officer: reads the audit log.
    IgOfficer,
    /// Manages accounts and roles.
    Administrator,
}

impl Role {
    /// Every role, in the order shown to administrators.
    pub const ALL: [Role; 6] = [
        Role::Referrer,
        Role::LeadWorker,
        Role::PerformanceOfficer,
        Role::DataAnalyst,
        Role::IgOfficer,
        Role::Administrator,
    ];

    /// The key stored and typed on the command line, e.g. `lead_worker`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Referrer => "referrer",
            Role::LeadWorker => "lead_worker",
            Role::PerformanceOfficer => "performance_officer",
            Role::DataAnalyst => "data_analyst",
            Role::IgOfficer => "ig_officer",
            Role::Administrator => "administrator",
        }
    }

    /// The role's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Referrer => "Partner referrer",
            Role::LeadWorker => "Lead worker",
            Role::PerformanceOfficer => "Performance officer",
            Role::DataAnalyst => "Data analyst",
            Role::IgOfficer => "Information governance officer",
            Role::Administrator => "Administrator",
        }
    }

    /// Parses a key (also accepts `-` for `_`).
    pub fn parse(key: &str) -> Option<Role> {
        let k = key.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.key() == k)
    }

    /// Where the role starts after signing in.
    pub(crate) fn home(self) -> &'static str {
        match self {
            Role::Referrer => "/referrals",
            Role::LeadWorker => "/caseload",
            Role::PerformanceOfficer | Role::DataAnalyst => "/families",
            Role::IgOfficer => "/audit",
            Role::Administrator => "/admin/users",
        }
    }

    /// May list all eligible families.
    pub(crate) fn may_list_families(self) -> bool {
        matches!(self, Role::PerformanceOfficer | Role::DataAnalyst)
    }

    /// May open every family, whatever its case (so [`family_access`] does not look at
    /// the case).
    pub(crate) fn opens_every_family(self) -> bool {
        matches!(self, Role::PerformanceOfficer | Role::DataAnalyst)
    }

    /// May see names, dates of birth and addresses (of the families it may open).
    pub(crate) fn sees_identifiers(self) -> bool {
        matches!(self, Role::PerformanceOfficer | Role::LeadWorker)
    }

    /// May assign lead workers.
    pub(crate) fn may_assign(self) -> bool {
        self == Role::PerformanceOfficer
    }

    /// Has a caseload.
    pub(crate) fn has_caseload(self) -> bool {
        self == Role::LeadWorker
    }

    /// May read the audit log.
    pub(crate) fn may_read_audit(self) -> bool {
        self == Role::IgOfficer
    }

    /// May manage accounts.
    pub(crate) fn may_administer(self) -> bool {
        self == Role::Administrator
    }

    /// Has the referrals page.
    pub(crate) fn may_refer(self) -> bool {
        self == Role::Referrer
    }

    /// The service navigation for this role: (path, label).
    pub(crate) fn navigation(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Role::Referrer => &[("/referrals", "Referrals")],
            Role::LeadWorker => &[("/caseload", "Caseload")],
            Role::PerformanceOfficer | Role::DataAnalyst => &[("/families", "Families")],
            Role::IgOfficer => &[("/audit", "Audit log")],
            Role::Administrator => &[("/admin/users", "Accounts")],
        }
    }
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
        _ => role.opens_every_family(),
    };
    may_open.then_some(FamilyAccess {
        identifiers: role.sees_identifiers(),
        casework: matches!(role, Role::PerformanceOfficer | Role::LeadWorker),
        assign: role.may_assign(),
    })
}

/// A stored status's label (`Unknown` for a key this build does not know).
pub(crate) fn status_label(key: &str) -> &'static str {
    Status::parse(key).map_or("Unknown", Status::label)
}

/// A headline problem's plain-English label.
pub(crate) fn problem_label(key: &str) -> String {
    match key {
        "crime_asb" => "Crime or anti-social behaviour".into(),
        "school_attendance" => "School attendance".into(),
        "children_need_help" => "Children who need help".into(),
        "worklessness" => "Worklessness or financial exclusion".into(),
        "domestic_abuse" => "Domestic abuse".into(),
        "health" => "Health".into(),
        "early_years" => "Early years".into(),
        "housing" => "Housing".into(),
        "education" => "Education".into(),
        other => {
            let s = other.replace('_', " ");
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_keys() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Some(r));
        }
        assert_eq!(Role::parse("lead-worker"), Some(Role::LeadWorker));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn stored_statuses_have_labels() {
        assert_eq!(status_label("in_progress"), "In progress");
        assert_eq!(status_label("nope"), "Unknown");
    }
}
