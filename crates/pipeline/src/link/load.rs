//! The link stage's first step: read from the store everything a linkage run needs — every
//! record's identity and dates, the previous run's people and families (for stable IDs) and
//! reviewers' decisions. It reads only; it decides nothing.

use anyhow::Result;
use chrono::NaiveDate;
use hearth_model::Identity;
use hearth_store::{RecordId, ReviewDecision, Store};
use std::collections::{BTreeMap, HashMap};

/// What one record says about when it placed its person at its address: from its date
/// until its end, or until the as-at date while it is an open spell (a claim still running).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Placed {
    /// The event date, or a spell's start.
    pub seen: Option<NaiveDate>,
    /// A spell's end, or the as-at date while it is open.
    pub until: Option<NaiveDate>,
}

/// Everything a linkage run reads from the store.
pub(crate) struct Loaded {
    /// Every record: key, source name and identity.
    pub identities: Vec<(RecordId, String, Identity)>,
    /// When each record placed its person, by record key.
    pub placed: HashMap<i64, Placed>,
    /// The previous run's person of each record (record key as text → person ID).
    pub previous_people: BTreeMap<String, u64>,
    /// The previous run's families: (family ID, member person IDs).
    pub previous_families: Vec<(u64, Vec<u64>)>,
    /// Reviewers' decisions on pairs of records.
    pub decisions: Vec<ReviewDecision>,
}

/// Reads what a linkage run at `as_at` needs.
pub(crate) fn load(store: &mut Store, as_at: NaiveDate) -> Result<Loaded> {
    // Records under a restriction in force are kept but not processed (issue 13).
    let restricted = store.restricted_records()?;
    let mut identities = store.load_identities()?;
    if !restricted.is_empty() {
        identities.retain(|(r, _, _)| !restricted.contains(&r.0));
    }
    let placed = store
        .event_dates()?
        .into_iter()
        .map(|d| {
            let until = d.end_date.or(d.open.then_some(as_at));
            let placed = Placed {
                seen: d.event_date,
                until,
            };
            (d.record_id.0, placed)
        })
        .collect();
    let previous_people = store
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0.to_string(), p as u64))
        .collect();
    let previous_families = store
        .families()?
        .into_iter()
        .map(|f| {
            (
                f.family_id as u64,
                f.members.iter().map(|m| m.person_id as u64).collect(),
            )
        })
        .collect();
    let decisions = store.review_decisions()?;
    Ok(Loaded {
        identities,
        placed,
        previous_people,
        previous_families,
        decisions,
    })
}
