//! The link stage's households step: the linked people (with each one's best-known date of
//! birth and family name, from `hearth_households::profiles`) and every address sighting go
//! to `hearth_households::infer`; the families found keep the previous run's family IDs
//! through `hearth_households::assign_stable_family_ids`. Who lives with whom is the
//! households crate's business: this module only converts.

use crate::link::load::Loaded;
use chrono::NaiveDate;
use hearth_households::{Households, Person, Settings, Sighting};
use hearth_linkage::{Linkage, StableIds};
use hearth_model::Identity;

/// Households and families at the as-at date, with the people they index.
pub(crate) struct Formed {
    /// Each dense person index's stable person ID.
    pub person_id: Vec<u64>,
    /// Households and families (members index `person_id`).
    pub households: Households,
    /// Each family's stable family ID, in the order of `households.families`.
    pub family_ids: Vec<u64>,
}

/// Forms households and families at `as_at` from the linked people.
pub(crate) fn form(
    loaded: &Loaded,
    linkage: &Linkage,
    stable: &StableIds,
    as_at: NaiveDate,
) -> Formed {
    // People, densely indexed in order of first record.
    let person_of: Vec<usize> = linkage.person_of.iter().map(|&p| p as usize).collect();
    let mut person_id = vec![0u64; linkage.people];
    for (r, &p) in person_of.iter().enumerate() {
        person_id[p] = stable.ids[r];
    }
    let people = people(loaded, &person_of, &person_id);
    let sightings = sightings(loaded, &person_of);
    let households = hearth_households::infer(&people, &sightings, &Settings::as_at(as_at));
    let current: Vec<Vec<u64>> = households
        .families
        .iter()
        .map(|f| f.members.iter().map(|m| person_id[m.person]).collect())
        .collect();
    let family_ids =
        hearth_households::assign_stable_family_ids(&loaded.previous_families, &current, 1);
    Formed {
        person_id,
        households,
        family_ids,
    }
}

/// Each person with their best-known date of birth and family name.
fn people(loaded: &Loaded, person_of: &[usize], person_id: &[u64]) -> Vec<Person> {
    let identities: Vec<&Identity> = loaded.identities.iter().map(|(_, _, i)| i).collect();
    hearth_households::profiles(&identities, person_of, person_id.len())
        .into_iter()
        .zip(person_id)
        .map(|(profile, &person_id)| Person {
            person_id,
            date_of_birth: profile.date_of_birth,
            family_name: profile.family_name,
        })
        .collect()
}

/// Every record as a sighting of its person at its address.
fn sightings(loaded: &Loaded, person_of: &[usize]) -> Vec<Sighting> {
    loaded
        .identities
        .iter()
        .enumerate()
        .map(|(r, (id, _, identity))| {
            let placed = loaded.placed.get(&id.0).copied().unwrap_or_default();
            Sighting {
                person: person_of[r],
                address: identity.address.clone(),
                postcode: identity.postcode.as_ref().map(|p| p.as_str().to_string()),
                seen: placed.seen,
                until: placed.until,
            }
        })
        .collect()
}
