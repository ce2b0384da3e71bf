//! A listed person the linkage run knows but placed in no family: the council has attached
//! them with a family, so the family is the one living at their address. This happens when
//! no partner record placed them at the as-at date (first named by a later extract: a new
//! benefit claim, a GP registration after the move) or when their own records place them
//! apart from their household (an old address a partner has not updated).
//!
//! Pure: the caller reads the addresses. Only a family whose members were recorded at one of
//! the person's addresses is a candidate, and only one such family is chosen: two families at
//! one address (a shared house, flats recorded without flat numbers) attach neither, so no
//! family is attached on a guess.

use hearth_model::standardise::address::address_key;
use std::collections::{BTreeMap, BTreeSet};

/// What the listed person's addresses found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AtAddress<F> {
    /// The one family recorded at one of their addresses.
    Family(F),
    /// No family was recorded at any of their addresses (or they have none).
    None,
    /// Several families were: not attached on a guess.
    Several,
}

/// The family recorded at the person's addresses. `person` holds their records' (address,
/// postcode); `members` each candidate family's members' records' (family, address,
/// postcode).
pub(crate) fn family_at_address<F: Ord + Clone>(
    person: &[(Option<String>, Option<String>)],
    members: &[(F, Option<String>, Option<String>)],
) -> AtAddress<F> {
    let keys: BTreeSet<String> = person
        .iter()
        .filter_map(|(a, p)| address_key(a.as_deref(), p.as_deref()))
        .collect();
    let mut at: BTreeMap<&F, ()> = BTreeMap::new();
    for (family, a, p) in members {
        if address_key(a.as_deref(), p.as_deref()).is_some_and(|k| keys.contains(&k)) {
            at.insert(family, ());
        }
    }
    let mut families = at.into_keys();
    match (families.next(), families.next()) {
        (Some(f), None) => AtAddress::Family(f.clone()),
        (None, _) => AtAddress::None,
        (Some(_), Some(_)) => AtAddress::Several,
    }
}

/// The postcode sectors of the person's addresses (`WA7 2`): the only families worth reading.
pub(crate) fn sectors(person: &[(Option<String>, Option<String>)]) -> BTreeSet<String> {
    person
        .iter()
        .filter_map(|(a, p)| address_key(a.as_deref(), p.as_deref()))
        .filter_map(|k| hearth_model::standardise::address::postcode_sector(&k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(a: &str, p: &str) -> (Option<String>, Option<String>) {
        (Some(a.into()), Some(p.into()))
    }

    fn member(f: u32, a: &str, p: &str) -> (u32, Option<String>, Option<String>) {
        (f, Some(a.into()), Some(p.into()))
    }

    #[test]
    fn a_person_in_no_family_joins_the_one_family_recorded_at_their_address() {
        // First named by a benefit claim after the as-at date, at the family's home.
        let person = [at("41 Victoria View", "WA8 7SN")];
        let members = [
            member(90, "41 Victoria View, Widnes", "wa8 7sn"),
            member(90, "41 Victoria View", "WA8 7SN"),
            member(91, "43 Victoria View", "WA8 7SN"),
        ];
        assert_eq!(family_at_address(&person, &members), AtAddress::Family(90));
        assert_eq!(
            sectors(&person).into_iter().collect::<Vec<_>>(),
            vec!["WA8 7".to_string()]
        );
    }

    #[test]
    fn two_families_at_the_address_or_none_attach_nobody() {
        let person = [at("Riverside House", "M1 1AE")];
        let shared = [
            member(1, "Riverside House", "M1 1AE"),
            member(2, "Riverside House", "M1 1AE"),
        ];
        assert_eq!(family_at_address(&person, &shared), AtAddress::Several);
        let elsewhere = [member(1, "3 Mill Lane", "M1 1AE")];
        assert_eq!(family_at_address(&person, &elsewhere), AtAddress::None);
        assert_eq!(
            family_at_address::<u32>(&[(None, None)], &[]),
            AtAddress::None
        );
    }
}
