//! The identify stage's input: the latest linkage run's families, their members (with each
//! one's most common date of birth, by `hearth_households::most_common`) and the members'
//! facts, read from the store and shaped as `hearth_identification` takes them. It reads and
//! converts only.

use anyhow::Result;
use chrono::NaiveDate;
use hearth_identification::{FactRef, Family, Person};
use hearth_model::Fact;
use hearth_store::{RecordId, Store};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The people who belong to a family, densely indexed in person-ID order, and the families.
pub(crate) struct Members {
    /// Each record's person (record key → person ID).
    assignment: HashMap<i64, i64>,
    /// Person ID → index in `people`.
    index: HashMap<i64, usize>,
    /// The members.
    pub people: Vec<Person>,
    /// The families; members index `people`.
    pub families: Vec<Family>,
}

impl Members {
    /// The index in `people` of a record's person, if that person is in a family.
    fn of_record(&self, record: RecordId) -> Option<usize> {
        self.assignment
            .get(&record.0)
            .and_then(|p| self.index.get(p))
            .copied()
    }
}

/// Reads the stored families and their members' dates of birth.
pub(crate) fn load(store: &mut Store) -> Result<Members> {
    let stored_families = store.families()?;
    let assignment: HashMap<i64, i64> = store
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0, p))
        .collect();
    let member_ids: BTreeSet<i64> = stored_families
        .iter()
        .flat_map(|f| f.members.iter().map(|m| m.person_id))
        .collect();
    let index: HashMap<i64, usize> = member_ids
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i))
        .collect();
    let families = stored_families
        .iter()
        .map(|f| Family {
            family_id: f.family_id as u64,
            members: f.members.iter().map(|m| index[&m.person_id]).collect(),
        })
        .collect();
    let mut members = Members {
        assignment,
        index,
        people: Vec::new(),
        families,
    };
    // Dates of birth from the members' records: the one most of them give.
    let mut dobs_of: Vec<Vec<NaiveDate>> = vec![Vec::new(); member_ids.len()];
    for (id, dob) in store.dates_of_birth()? {
        if let Some(i) = members.of_record(id) {
            dobs_of[i].push(dob);
        }
    }
    members.people = member_ids
        .iter()
        .zip(dobs_of)
        .map(|(&p, dobs)| Person {
            person_id: p as u64,
            date_of_birth: hearth_households::most_common(dobs),
        })
        .collect();
    Ok(members)
}

/// The members' facts, `[i]` for `people[i]`; facts of people in no family are left out.
pub(crate) fn facts_by_person(
    members: &Members,
    facts: Vec<(RecordId, String, Fact)>,
) -> Vec<Vec<FactRef>> {
    let mut by_person: Vec<Vec<FactRef>> = vec![Vec::new(); members.people.len()];
    let mut source_names: HashMap<String, Arc<str>> = HashMap::new();
    for (id, source, fact) in facts {
        if let Some(i) = members.of_record(id) {
            let source = source_names
                .entry(source)
                .or_insert_with_key(|s| Arc::from(s.as_str()))
                .clone();
            by_person[i].push(FactRef {
                record_id: id.0 as u64,
                source,
                fact,
            });
        }
    }
    by_person
}
