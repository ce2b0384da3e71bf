//! The people who joined each attached family's household (the Outcomes Plan's
//! `[household]`; the rule is `hearth_outcomes::household`): the members' dated addresses,
//! everyone recorded at their postcodes, and those people's other addresses (to see who moved
//! away) are read from the store, then each family's joiners are found in parallel.
//! Counts only leave this module: no identifier is logged.

use anyhow::Result;
use chrono::NaiveDate;
use hearth_model::standardise::address::address_key;
use hearth_outcomes::{joiners, Baseline, DatedAddress, Event, Joiner, Plan};
use hearth_store::Store;
use std::collections::{BTreeSet, HashMap};

/// Each family's joiners as at `as_at` (none when the plan's rule is off or absent).
pub(super) fn find(
    store: &mut Store,
    plan: &Plan,
    baselines: &[Baseline],
    as_at: NaiveDate,
) -> Result<HashMap<i64, Vec<Joiner>>> {
    let Some(rule) = plan.household.as_ref().filter(|r| r.joiners) else {
        return Ok(HashMap::new());
    };
    let attached: BTreeSet<i64> = baselines
        .iter()
        .flat_map(|b| b.members.iter().map(|m| m.person_id))
        .collect();
    let members: Vec<i64> = attached.iter().copied().collect();
    let own = store.dated_addresses_of(&members)?;
    let postcodes: Vec<String> = own
        .iter()
        .filter_map(|a| a.postcode.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let at = store.dated_addresses_at(&postcodes)?;
    // Who was recorded at a member's address besides the attached families' members (only
    // they can be joiners: their other addresses are read next).
    let homes: BTreeSet<String> = own
        .iter()
        .filter_map(|a| address_key(a.address.as_deref(), a.postcode.as_deref()))
        .collect();
    let mut at_postcode: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    for a in &at {
        let at_home = address_key(a.address.as_deref(), a.postcode.as_deref())
            .is_some_and(|k| homes.contains(&k));
        if let (Some(p), false, true) = (&a.postcode, attached.contains(&a.person_id), at_home) {
            at_postcode
                .entry(p.as_str())
                .or_default()
                .insert(a.person_id);
        }
    }
    let candidates: Vec<i64> = at_postcode
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let theirs = store.dated_addresses_of(&candidates)?;
    let mut by_person: HashMap<i64, Vec<DatedAddress>> = HashMap::new();
    for a in own.into_iter().chain(theirs) {
        by_person
            .entry(a.person_id)
            .or_default()
            .push(DatedAddress {
                person_id: a.person_id,
                record_id: a.record_id,
                source: a.source,
                on: a.on,
                address: a.address,
                postcode: a.postcode,
            });
    }
    use rayon::prelude::*;
    let found: Vec<(i64, Vec<Joiner>)> = baselines
        .par_iter()
        .filter(|b| b.attached_on <= as_at)
        .map(|b| {
            let mut people: BTreeSet<i64> = b.members.iter().map(|m| m.person_id).collect();
            let postcodes: BTreeSet<&str> = people
                .iter()
                .filter_map(|p| by_person.get(p))
                .flatten()
                .filter_map(|a| a.postcode.as_deref())
                .collect();
            for p in postcodes {
                people.extend(at_postcode.get(p).into_iter().flatten());
            }
            let addresses: Vec<DatedAddress> = people
                .iter()
                .filter_map(|p| by_person.get(p))
                .flatten()
                .cloned()
                .collect();
            let found = joiners(Some(rule), b, as_at, &addresses, &attached);
            (b.family_id, found)
        })
        .filter(|(_, j)| !j.is_empty())
        .collect();
    Ok(found.into_iter().collect())
}

/// The joiners' records that count for the family ([`Joiner::counts`]).
pub(super) fn events<'a>(
    joiners: &'a [Joiner],
    by_person: &'a HashMap<i64, Vec<Event>>,
) -> impl Iterator<Item = Event> + 'a {
    joiners.iter().flat_map(move |j| {
        by_person
            .get(&j.person_id)
            .into_iter()
            .flatten()
            .filter(move |e| j.counts(e))
            .cloned()
    })
}
