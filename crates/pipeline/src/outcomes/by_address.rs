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
//!
//! A list that gives the family's address at attachment (as a case management system does:
//! the lead worker visits the family there) is asked first, and it also finds the family of
//! a listed person no partner record carries at all.

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

/// Where a listed row not found in a family was placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement<F> {
    /// The one family recorded at the address the list gives.
    ByList(F),
    /// The one family recorded at the known person's own addresses.
    ByRecords(F),
    /// Neither found one family.
    Unplaced,
}

/// The family of a listed row: the one family at the listed address if there is one (the
/// home at attachment, where the person's records may still give an old one), else, for a
/// known person (`own`: their records' addresses), the one family at their addresses.
pub(crate) fn place<F: Ord + Clone>(
    listed: &[(Option<String>, Option<String>)],
    own: Option<&[(Option<String>, Option<String>)]>,
    members: &[(F, Option<String>, Option<String>)],
) -> Placement<F> {
    if let AtAddress::Family(f) = family_at_address(listed, members) {
        return Placement::ByList(f);
    }
    match own.map(|own| family_at_address(own, members)) {
        Some(AtAddress::Family(f)) => Placement::ByRecords(f),
        _ => Placement::Unplaced,
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
    fn the_listed_address_comes_first_and_finds_the_family_of_someone_unknown() {
        let members = [
            member(90, "41 Victoria View", "WA8 7SN"),
            member(91, "7 Mill Lane", "WA7 2ES"),
        ];
        // Their records still give the old home (7 Mill Lane, now another family's); the
        // council lists the home it visits.
        let listed = [at("41 Victoria View, Widnes", "wa8 7sn")];
        let own = [at("7 Mill Lane", "WA7 2ES")];
        assert_eq!(place(&listed, Some(&own), &members), Placement::ByList(90));
        // Without a listed address their own records decide.
        assert_eq!(place(&[], Some(&own), &members), Placement::ByRecords(91));
        // Nobody known: only the listed address can find the family.
        assert_eq!(place(&listed, None, &members), Placement::ByList(90));
        assert_eq!(place::<u32>(&[], None, &members), Placement::Unplaced);
    }

    #[test]
    fn a_listed_address_shared_or_unknown_attaches_nobody_unknown() {
        let shared = [
            member(1, "Flat 2, 40 High Street", "M1 1AE"),
            member(2, "Flat 2, 40 High Street", "M1 1AE"),
        ];
        let listed = [at("Flat 2, 40 High Street", "M1 1AE")];
        assert_eq!(place(&listed, None, &shared), Placement::Unplaced);
        // A different flat of the same building is another home.
        let other_flat = [member(1, "Flat 3, 40 High Street", "M1 1AE")];
        assert_eq!(place(&listed, None, &other_flat), Placement::Unplaced);
        // The same street address under another postcode is another home.
        let other_postcode = [member(1, "Flat 2, 40 High Street", "M1 1AF")];
        assert_eq!(place(&listed, None, &other_postcode), Placement::Unplaced);
        // Shared at the listed address, but their own address is one family's: that one.
        let own = [at("9 Park Road", "M1 2AB")];
        let mut more = shared.to_vec();
        more.push(member(3, "9 Park Road", "M1 2AB"));
        assert_eq!(place(&listed, Some(&own), &more), Placement::ByRecords(3));
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
