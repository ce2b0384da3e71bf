//! What the server keeps in memory about the store's data: the latest identification run with
//! its families ([`RunData`]) and every case and account ([`Cases`]), with the quick map they
//! are kept in ([`IdMap`]).
//!
//! Plain data: loading and caching it is `state`'s job, showing it `views`'.

use hearth_store::{FamilyAssessment, FamilyCase, IdentificationRun, StoredFamily, UserRecord};
use std::collections::HashMap;

/// Hashes an integer key with one multiplication: the maps looked up for every row of a
/// list are keyed by store keys, not by anything a client chooses freely enough to matter.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = (self.0 ^ v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map by store key (family, account), quick to look up.
pub(crate) type IdMap<V> = HashMap<i64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The latest identification run, with its families, kept until a newer run appears.
pub(crate) struct RunData {
    pub run: IdentificationRun,
    pub assessments: Vec<FamilyAssessment>,
    pub by_family: IdMap<usize>,
    pub families: IdMap<StoredFamily>,
    /// The assessments with a priority rank (the eligible families), as indices into
    /// `assessments`, in its (priority) order: lists look at these only.
    pub ranked: Vec<usize>,
    pub problems: Vec<String>,
    /// The areas (postcode sectors) of the run's families, sorted: the area filter's
    /// choices.
    pub areas: Vec<String>,
    /// Each assessment's area, as an index into `areas` (filters compare numbers).
    pub area_of: Vec<Option<u16>>,
}

impl RunData {
    /// A run with its assessments and families, indexed for lists and filters.
    pub(crate) fn new(
        run: IdentificationRun,
        assessments: Vec<FamilyAssessment>,
        families: IdMap<StoredFamily>,
    ) -> RunData {
        let by_family = assessments
            .iter()
            .enumerate()
            .map(|(i, a)| (a.family_id, i))
            .collect();
        let mut problems: Vec<String> = assessments
            .iter()
            .flat_map(|a| a.problems.iter().cloned())
            .collect();
        problems.sort();
        problems.dedup();
        let ranked: Vec<usize> = assessments
            .iter()
            .enumerate()
            .filter(|(_, a)| a.priority_rank.is_some())
            .map(|(i, _)| i)
            .collect();
        let area = |a: &FamilyAssessment| families.get(&a.family_id)?.area.clone();
        let mut areas: Vec<String> = assessments.iter().filter_map(area).collect();
        areas.sort();
        areas.dedup();
        let area_of = assessments
            .iter()
            .map(|a| {
                let i = areas.binary_search(&area(a)?).ok()?;
                u16::try_from(i).ok()
            })
            .collect();
        RunData {
            ranked,
            areas,
            area_of,
            run,
            assessments,
            by_family,
            families,
            problems,
        }
    }
}

/// Everything needed to describe cases: every case and every account by key.
pub(crate) struct Cases {
    pub cases: IdMap<FamilyCase>,
    pub users: IdMap<UserRecord>,
}

impl Cases {
    /// Cases and accounts as read from the store.
    pub(crate) fn new(cases: Vec<FamilyCase>, users: Vec<UserRecord>) -> Cases {
        Cases {
            cases: cases.into_iter().map(|c| (c.family_id, c)).collect(),
            users: users.into_iter().map(|u| (u.id, u)).collect(),
        }
    }

    /// The active lead workers, by name.
    pub(crate) fn lead_workers(&self) -> Vec<&UserRecord> {
        let mut v: Vec<&UserRecord> = self
            .users
            .values()
            .filter(|u| u.active && u.role == hearth_model::Role::LeadWorker)
            .collect();
        v.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        v
    }

    /// The active lead workers, by name, each with what a role is shown for them: their
    /// name, or, for a role that sees no identifiers (`named` false), their number in this
    /// order ("Lead worker 3"). The one numbering: the dashboard, the families filter and
    /// every family's lead worker use it.
    pub(crate) fn lead_workers_labelled(&self, named: bool) -> Vec<(&UserRecord, String)> {
        self.lead_workers()
            .into_iter()
            .enumerate()
            .map(|(n, u)| {
                let label = if named {
                    u.display_name.clone()
                } else {
                    format!("Lead worker {}", n + 1)
                };
                (u, label)
            })
            .collect()
    }

    /// What a role is shown for lead worker `id` ([`Cases::lead_workers_labelled`]); a worker
    /// no longer active is "A former lead worker" to a role that sees no identifiers.
    pub(crate) fn lead_worker_label(&self, id: i64, named: bool) -> Option<String> {
        let user = self.users.get(&id)?;
        Some(if named {
            user.display_name.clone()
        } else {
            self.lead_worker_number(id)
        })
    }

    /// "Lead worker 3" ([`Cases::lead_workers_labelled`]), or "A former lead worker".
    fn lead_worker_number(&self, id: i64) -> String {
        self.lead_workers_labelled(false)
            .into_iter()
            .find(|(u, _)| u.id == id)
            .map_or("A former lead worker".to_string(), |(_, label)| label)
    }

    /// What a role is shown for member of staff `id`: the one way a page or an API answer
    /// names staff (who wrote, moved, reviewed or changed something). Their name for a role
    /// that sees identifiers (`named`); otherwise a lead worker's number
    /// ([`Cases::lead_workers_labelled`]) and, for anyone else, [`SOME_STAFF`] — never a
    /// name or an account name.
    pub(crate) fn staff_label(&self, id: i64, named: bool) -> String {
        match self.users.get(&id) {
            Some(u) => self.label_of(u, named),
            None if named => "Unknown".to_string(),
            None => SOME_STAFF.to_string(),
        }
    }

    /// [`Cases::staff_label`] for an account recorded by its user name (a status change,
    /// a report made on the command line); a name that is no account is shown as recorded
    /// only to a role that sees identifiers.
    pub(crate) fn staff_label_by_name(&self, user_name: &str, named: bool) -> String {
        match self.users.values().find(|u| u.user_name == user_name) {
            Some(u) => self.label_of(u, named),
            None if named => user_name.to_string(),
            None => SOME_STAFF.to_string(),
        }
    }

    fn label_of(&self, user: &UserRecord, named: bool) -> String {
        if named {
            return user.display_name.clone();
        }
        if user.role == hearth_model::Role::LeadWorker {
            self.lead_worker_number(user.id)
        } else {
            SOME_STAFF.to_string()
        }
    }
}

/// How a role that sees no identifiers is shown a member of staff who is not a lead worker.
pub(crate) const SOME_STAFF: &str = "A member of staff";
