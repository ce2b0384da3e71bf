//! Households and families from linked people.
//!
//! Linkage (crate `hearth-linkage`) says which partner records are the same person. This crate
//! takes those people and every address at which a partner record placed them, and works out:
//!
//! * each person's **address at the as-at date** — the newest address to appear in their
//!   records before it (a partner still using an old address after a move cannot bring it
//!   back; a one-off address counts only if it is also their latest sighting). A spell (a
//!   benefit claim, a care episode) places them until it ends, or up to the as-at date while
//!   it is open. The people seen at both of two addresses (who moved together) are placed
//!   together, where most of them (and the clean moves in their records) say, so one whose
//!   records lag behind a move is not split from the family; someone placed by a single
//!   sighting elsewhere stays at home while their household is still seen there after it.
//!   People known only by a postcode (an
//!   extract without address lines) join the one household at that postcode where someone
//!   shares their family name, and stay unplaced when there is no such household or more
//!   than one. A placeholder address ("No fixed abode", "Address withheld": the shipped
//!   placeholder list, `hearth_model::standardise::placeholder`) is no address, and a
//!   pseudo-postcode (`ZZ99 3VZ`) no postcode: strangers recorded so are never one household;
//! * **households**: the people whose current address is the same;
//! * **families**: by the programme's definition, the adults and children of one household at
//!   the point of identification (configurable: whether a family needs a dependent child);
//! * **inferred relationships** inside a family: parent/child from the age gap and a shared
//!   family name, siblings among the children.
//!
//! It is pure: no I/O, deterministic for the same input, and it never sees a fact about a
//! person — only dates of birth, family names and addresses.
//!
//! ```
//! use chrono::NaiveDate;
//! use hearth_households::{infer, Person, Settings, Sighting};
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let people = vec![
//!     Person { person_id: 1, date_of_birth: Some(d(1985, 1, 1)), family_name: Some("Khan".into()) },
//!     Person { person_id: 2, date_of_birth: Some(d(2012, 6, 1)), family_name: Some("Khan".into()) },
//! ];
//! let at = |person, address: &str| Sighting {
//!     person, address: Some(address.into()), postcode: Some("M1 1AE".into()),
//!     seen: Some(d(2025, 3, 1)), until: None,
//! };
//! let sightings = vec![at(0, "12 Acacia Ave"), at(1, "12 acacia avenue")];
//! let out = infer(&people, &sightings, &Settings::as_at(d(2025, 9, 1)));
//! assert_eq!(out.families.len(), 1);
//! assert_eq!(out.families[0].relationships.len(), 1); // person 1 is person 2's parent
//! ```
#![deny(missing_docs)]

/// Address keys and their postcode sectors: the one address normalisation, shared with
/// linkage (`hearth_model::standardise::address`).
pub use hearth_model::standardise::address::{address_key, postcode_sector};
/// Age in whole years on a date (`hearth_model::standardise::age`).
pub use hearth_model::standardise::age::age_on;
use hearth_model::standardise::placeholder::{usable_address, usable_postcode};

mod profile;

pub use profile::{most_common, profiles, PersonProfile};

use chrono::{Datelike, NaiveDate};
use hearth_model::{MemberRole, RelationshipBasis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A linked person, as far as households need to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The person's stable ID from linkage.
    pub person_id: u64,
    /// Best-known date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Best-known family name (used only to support a parent/child inference).
    pub family_name: Option<String>,
}

/// One partner record placing a person at an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// Index of the person in the `people` slice.
    pub person: usize,
    /// The address as recorded (any format; normalised here).
    pub address: Option<String>,
    /// The postcode as recorded.
    pub postcode: Option<String>,
    /// When the record placed them there (the event date, or a spell's start; `None` if
    /// unknown).
    pub seen: Option<NaiveDate>,
    /// For a spell (a benefit claim, a care episode): the last date it still placed them
    /// there — its end, or the as-at date while it is open. `None` for one-off events.
    pub until: Option<NaiveDate>,
}

/// How households and families are formed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The point of identification.
    pub as_at: NaiveDate,
    /// Age from which a person counts as an adult.
    pub adult_age: u32,
    /// Smallest age gap (years) for a parent/child inference.
    pub parent_min_gap: u32,
    /// Largest age gap (years) for a parent/child inference.
    pub parent_max_gap: u32,
    /// A family must include at least one child (under `adult_age`).
    pub require_child: bool,
    /// Households larger than this are flagged as likely address problems (hostels, blocks
    /// of flats recorded without flat numbers) and not turned into families.
    pub max_household_size: usize,
    /// Sightings older than this many months before `as_at` do not place anyone.
    pub max_sighting_age_months: u32,
}

impl Settings {
    /// The default settings at a given as-at date.
    pub fn as_at(as_at: NaiveDate) -> Self {
        Settings {
            as_at,
            adult_age: 18,
            parent_min_gap: 14,
            parent_max_gap: 60,
            require_child: true,
            max_household_size: 14,
            max_sighting_age_months: 36,
        }
    }
}

/// A member of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Index into the `people` slice.
    pub person: usize,
    /// Age in whole years at the as-at date, if the date of birth is known.
    pub age: Option<u32>,
    /// Adult or child.
    pub role: MemberRole,
}

/// People living at one address at the as-at date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// Index of the household in [`Households::households`].
    pub index: usize,
    /// The normalised address key they share.
    pub address_key: String,
    /// Members, in person order.
    pub members: Vec<Member>,
    /// More members than `max_household_size`: probably an address problem.
    pub oversized: bool,
}

/// An inferred parent/child relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// Index of the parent in `people`.
    pub parent: usize,
    /// Index of the child in `people`.
    pub child: usize,
    /// The evidence for it.
    pub basis: RelationshipBasis,
}

/// A family: the adults and children of one household at the point of identification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    /// Index of its household.
    pub household: usize,
    /// Members (adults and children), in person order.
    pub members: Vec<Member>,
    /// Inferred parent/child relationships.
    pub relationships: Vec<Relationship>,
}

/// The outcome of [`infer`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Households {
    /// Each person's household (index into `households`), if they could be placed.
    pub household_of: Vec<Option<usize>>,
    /// Households, ordered by their smallest member.
    pub households: Vec<Household>,
    /// Families, ordered by household.
    pub families: Vec<Family>,
    /// People with no usable address sighting.
    pub unplaced: usize,
}

/// What one person's sightings at one address say: how often, first and last seen there.
#[derive(Clone, Copy)]
struct Seen {
    count: u32,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

fn months_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later.year() as i64 - earlier.year() as i64) * 12 + later.month() as i64
        - earlier.month() as i64
}

/// Places people at their as-at address, groups households and forms families.
pub fn infer(people: &[Person], sightings: &[Sighting], settings: &Settings) -> Households {
    // Each person's current address: the newest address to appear in their records (latest
    // first sighting) — a partner that still uses an old address after a move cannot bring
    // it back, since the old address appeared first. To keep a one-off mistyped address from
    // winning, an address counts only if it was seen twice or holds the person's latest
    // sighting of all. Undated sightings rank below dated ones; ties go to the address seen
    // more often, then by key for determinism.
    let mut seen_at: HashMap<(usize, String), Seen> = HashMap::new();
    for s in sightings {
        if s.person >= people.len() || !current(s, settings) {
            continue;
        }
        let Some(key) = address_key(s.address.as_deref(), s.postcode.as_deref()) else {
            continue;
        };
        let last = last_seen(s, settings);
        let e = seen_at.entry((s.person, key)).or_insert(Seen {
            count: 0,
            first: s.seen,
            last,
        });
        e.count += 1;
        e.first = match (e.first, s.seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        e.last = e.last.max(last);
    }
    let mut latest_of: Vec<Option<NaiveDate>> = vec![None; people.len()];
    for ((person, _), seen) in &seen_at {
        latest_of[*person] = latest_of[*person].max(seen.last);
    }
    let mut best: Vec<Option<(Option<NaiveDate>, u32, String)>> = vec![None; people.len()];
    for ((person, key), seen) in &seen_at {
        let (person, seen) = (*person, *seen);
        if seen.count < 2 && seen.last < latest_of[person] {
            continue;
        }
        let cand = (seen.first, seen.count, key.clone());
        let slot = &mut best[person];
        let better = match slot {
            None => true,
            Some(cur) => {
                (cand.0, cand.1, std::cmp::Reverse(&cand.2))
                    > (cur.0, cur.1, std::cmp::Reverse(&cur.2))
            }
        };
        if better {
            *slot = Some(cand);
        }
    }

    stay_home_after_one_sighting(&seen_at, &mut best);
    move_with_household(&seen_at, &mut best, settings);

    // Last pass: people known only by postcode (a partner extract without address lines) join
    // the one household in that postcode where someone shares their family name, as at the
    // same latest-sighting rule. Nobody is placed on a guess between several households.
    let mut postcode_only: Vec<Option<(Option<NaiveDate>, String)>> = vec![None; people.len()];
    for s in sightings {
        if s.person >= people.len() || best[s.person].is_some() {
            continue;
        }
        // "Address withheld, NE4 7QT" is known only by its postcode, as an empty address is.
        if s.address.as_deref().and_then(usable_address).is_some() || !current(s, settings) {
            continue;
        }
        let Some(pc) = s.postcode.as_deref().and_then(usable_postcode) else {
            continue;
        };
        let last = last_seen(s, settings);
        let slot = &mut postcode_only[s.person];
        if slot.as_ref().is_none_or(|(d, _)| last > *d) {
            *slot = Some((last, pc.as_str().to_string()));
        }
    }
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, b) in best.iter().enumerate() {
        if let Some((_, _, key)) = b {
            by_key.entry(key.clone()).or_default().push(i);
        }
    }
    let mut joins: Vec<(String, usize)> = Vec::new();
    for (i, pc) in postcode_only.iter().enumerate() {
        let Some((_, pc)) = pc else { continue };
        let prefix = format!("{pc}|");
        let candidates: Vec<&String> = by_key
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(_, members)| {
                members
                    .iter()
                    .any(|&m| same_family_name(&people[m], &people[i]))
            })
            .map(|(k, _)| k)
            .collect();
        if let [key] = candidates.as_slice() {
            joins.push(((*key).clone(), i));
        }
    }
    for (key, i) in joins {
        by_key.entry(key).or_default().push(i);
    }
    for members in by_key.values_mut() {
        members.sort_unstable();
    }
    let placed: usize = by_key.values().map(Vec::len).sum();
    let unplaced = people.len() - placed;
    let mut groups: Vec<(String, Vec<usize>)> = by_key.into_iter().collect();
    groups.sort_by_key(|(_, m)| m[0]);

    let mut out = Households {
        household_of: vec![None; people.len()],
        unplaced,
        ..Default::default()
    };
    for (index, (key, member_idx)) in groups.into_iter().enumerate() {
        let members: Vec<Member> = member_idx
            .iter()
            .map(|&p| {
                let age = people[p]
                    .date_of_birth
                    .and_then(|d| age_on(d, settings.as_at));
                let role = match age {
                    Some(a) if a < settings.adult_age => MemberRole::Child,
                    _ => MemberRole::Adult,
                };
                Member {
                    person: p,
                    age,
                    role,
                }
            })
            .collect();
        for &p in &member_idx {
            out.household_of[p] = Some(index);
        }
        let oversized = members.len() > settings.max_household_size;
        let has_child = members.iter().any(|m| m.role == MemberRole::Child);
        if !oversized && (has_child || !settings.require_child) {
            out.families.push(Family {
                household: index,
                relationships: relationships(people, &members, settings),
                members: members.clone(),
            });
        }
        out.households.push(Household {
            index,
            address_key: key,
            members,
            oversized,
        });
    }
    out
}

/// One record must not split a family: a police incident recorded where it happened, a visit
/// to a relative's. Someone placed at an address by a single sighting (their latest) stays at
/// their home (the address they were seen at more than once, ranked as usual) while someone
/// else placed there was still seen there on or after that sighting: their household had not
/// moved. Alone, or when nobody at home was seen since, the single sighting still places them
/// (a move the other records have not caught up with yet). Decided on the first placement of
/// everyone, so the order of people cannot matter.
fn stay_home_after_one_sighting(
    seen_at: &HashMap<(usize, String), Seen>,
    best: &mut [Option<(Option<NaiveDate>, u32, String)>],
) {
    type Rank<'a> = (Option<NaiveDate>, u32, std::cmp::Reverse<&'a str>);
    let mut home: Vec<Option<Rank>> = vec![None; best.len()];
    let mut placed_at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (p, b) in best.iter().enumerate() {
        if let Some((_, _, key)) = b {
            placed_at.entry(key).or_default().push(p);
        }
    }
    for ((p, key), seen) in seen_at {
        let placed = best[*p].as_ref().map(|(_, _, k)| k.as_str());
        if seen.count < 2 || placed == Some(key.as_str()) {
            continue;
        }
        let rank = (seen.first, seen.count, std::cmp::Reverse(key.as_str()));
        if home[*p].as_ref().is_none_or(|h| rank > *h) {
            home[*p] = Some(rank);
        }
    }
    let mut back: Vec<(usize, String)> = Vec::new();
    for (p, b) in best.iter().enumerate() {
        let (Some((_, _, x)), Some((_, _, std::cmp::Reverse(h)))) = (b, &home[p]) else {
            continue;
        };
        let one = &seen_at[&(p, x.clone())];
        if one.count != 1 {
            continue;
        }
        let still_home = placed_at.get(h).is_some_and(|at_home| {
            at_home.iter().any(|&q| {
                q != p
                    && seen_at
                        .get(&(q, h.to_string()))
                        .is_some_and(|s| s.last.is_some() && s.last >= one.first)
            })
        });
        if still_home {
            back.push((p, h.to_string()));
        }
    }
    for (p, h) in back {
        if let Some(b) = best[p].as_mut() {
            b.2 = h;
        }
    }
}

/// Partners often keep a family's old address for a while after it moves, so one member's
/// records can still give the old address when the rest of the family's give the new one.
/// The people seen at both of two addresses X and Y (the people who moved together) are
/// placed together: the pair goes to the address with more votes, where each of them votes
/// for the address they were placed at, once more if their own records show a clean move
/// there (every sighting at the other address over before the first one here). The decision
/// is the pair's, not each person's, so two people can never swap addresses; on a tie
/// everyone stays where they were placed. A person who left the family home is not pulled
/// back: nobody else was seen at their new address, so they have no pair. A group larger
/// than `max_household_size` (people passing through a hostel) is no household to follow.
/// Decided on the first placement of everyone, so the order of people cannot matter.
fn move_with_household(
    seen_at: &HashMap<(usize, String), Seen>,
    best: &mut [Option<(Option<NaiveDate>, u32, String)>],
    settings: &Settings,
) {
    let mut keys_of: Vec<Vec<&str>> = vec![Vec::new(); best.len()];
    let mut seen_by: HashMap<&str, Vec<usize>> = HashMap::new();
    for (person, key) in seen_at.keys() {
        keys_of[*person].push(key);
        seen_by.entry(key).or_default().push(*person);
    }
    let chosen: Vec<Option<&str>> = best
        .iter()
        .map(|b| b.as_ref().map(|(_, _, k)| k.as_str()))
        .collect();
    // Votes for (the smaller key, the larger key) of each pair of addresses, once per pair.
    let mut decided: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    let mut moves: Vec<(usize, String)> = Vec::new();
    for (p, keys) in keys_of.iter().enumerate() {
        let Some(x) = chosen[p] else { continue };
        let mut follow: Option<(usize, &str)> = None;
        for &y in keys.iter().filter(|&&y| y != x) {
            let pair = if x < y { (x, y) } else { (y, x) };
            let votes = *decided
                .entry(pair)
                .or_insert_with(|| pair_votes(pair, &seen_by, &chosen, seen_at, settings));
            let (to_y, to_x) = if x < y {
                (votes.1, votes.0)
            } else {
                (votes.0, votes.1)
            };
            if to_y > to_x {
                let margin = to_y - to_x;
                if follow.is_none_or(|(m, k)| margin > m || (margin == m && y < k)) {
                    follow = Some((margin, y));
                }
            }
        }
        if let Some((_, y)) = follow {
            moves.push((p, y.to_string()));
        }
    }
    for (p, y) in moves {
        if let Some(b) = best[p].as_mut() {
            b.2 = y;
        }
    }
}

/// The votes of the people seen at both addresses of `pair` for its first and its second
/// address (see [`move_with_household`]); none when fewer than two people, or more than a
/// household, were seen at both.
fn pair_votes(
    (a, b): (&str, &str),
    seen_by: &HashMap<&str, Vec<usize>>,
    chosen: &[Option<&str>],
    seen_at: &HashMap<(usize, String), Seen>,
    settings: &Settings,
) -> (usize, usize) {
    let (Some(at_a), Some(at_b)) = (seen_by.get(a), seen_by.get(b)) else {
        return (0, 0);
    };
    let (small, other) = if at_a.len() <= at_b.len() {
        (at_a, b)
    } else {
        (at_b, a)
    };
    let group: Vec<usize> = small
        .iter()
        .copied()
        .filter(|&q| seen_at.contains_key(&(q, other.to_string())))
        .collect();
    if group.len() < 2 || group.len() > settings.max_household_size {
        return (0, 0);
    }
    let (mut to_a, mut to_b) = (0, 0);
    for q in group {
        let (sa, sb) = (&seen_at[&(q, a.to_string())], &seen_at[&(q, b.to_string())]);
        let moved =
            |from: &Seen, to: &Seen| matches!((from.last, to.first), (Some(l), Some(f)) if l <= f);
        match chosen[q] {
            Some(c) if c == a => to_a += 1 + usize::from(moved(sb, sa)),
            Some(c) if c == b => to_b += 1 + usize::from(moved(sa, sb)),
            _ => {}
        }
    }
    (to_a, to_b)
}

/// The last date a sighting placed someone: a spell's end (or the as-at date while it is
/// open), else the event date; never after the as-at date.
fn last_seen(s: &Sighting, settings: &Settings) -> Option<NaiveDate> {
    s.until.or(s.seen).map(|d| d.min(settings.as_at))
}

/// Whether a sighting counts at the as-at date: it started by then, and it last placed the
/// person there within `max_sighting_age_months` (a claim opened years ago and still open
/// counts; one that ended years ago does not). Undated sightings count.
fn current(s: &Sighting, settings: &Settings) -> bool {
    if s.seen.is_some_and(|d| d > settings.as_at) {
        return false;
    }
    match last_seen(s, settings) {
        Some(last) => {
            months_between(last, settings.as_at) <= settings.max_sighting_age_months as i64
        }
        None => true,
    }
}

fn same_family_name(a: &Person, b: &Person) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    match (&a.family_name, &b.family_name) {
        (Some(x), Some(y)) => {
            let (x, y) = (norm(x), norm(y));
            x.iter().any(|t| y.contains(t))
        }
        _ => false,
    }
}

fn relationships(people: &[Person], members: &[Member], s: &Settings) -> Vec<Relationship> {
    let mut rels = Vec::new();
    for child in members.iter().filter(|m| m.role == MemberRole::Child) {
        let Some(child_age) = child.age else { continue };
        let candidates: Vec<&Member> = members
            .iter()
            .filter(|m| m.role == MemberRole::Adult)
            .filter(|m| {
                m.age.is_some_and(|a| {
                    a >= child_age + s.parent_min_gap && a <= child_age + s.parent_max_gap
                })
            })
            .collect();
        for adult in &candidates {
            let basis = if same_family_name(&people[adult.person], &people[child.person]) {
                RelationshipBasis::AgeGapAndFamilyName
            } else {
                RelationshipBasis::AgeGap
            };
            rels.push(Relationship {
                parent: adult.person,
                child: child.person,
                basis,
            });
        }
    }
    rels
}

/// Gives this run's families stable IDs: a family keeps the ID of the previous run's family
/// with which it shares the most members (at least half of the smaller of the two), each
/// previous ID used once, oldest ID first on ties; other families get new IDs above every ID
/// ever issued. `previous` holds (family_id, member person_ids); `current` member person_ids.
pub fn assign_stable_family_ids(
    previous: &[(u64, Vec<u64>)],
    current: &[Vec<u64>],
    next_id: u64,
) -> Vec<u64> {
    let mut family_of_person: HashMap<u64, usize> = HashMap::new();
    for (i, (_, members)) in previous.iter().enumerate() {
        for &p in members {
            family_of_person.insert(p, i);
        }
    }
    // Candidate (overlap, previous family) for each current family, best first.
    let mut proposals: Vec<(usize, usize, usize)> = Vec::new(); // (overlap, current, previous)
    for (c, members) in current.iter().enumerate() {
        let mut overlap: BTreeMap<usize, usize> = BTreeMap::new();
        for p in members {
            if let Some(&f) = family_of_person.get(p) {
                *overlap.entry(f).or_default() += 1;
            }
        }
        for (f, n) in overlap {
            let smaller = members.len().min(previous[f].1.len()).max(1);
            if n * 2 >= smaller {
                proposals.push((n, c, f));
            }
        }
    }
    proposals.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(previous[a.2].0.cmp(&previous[b.2].0))
            .then(a.1.cmp(&b.1))
    });
    let mut ids: Vec<Option<u64>> = vec![None; current.len()];
    let mut used = vec![false; previous.len()];
    for (_, c, f) in proposals {
        if ids[c].is_none() && !used[f] {
            ids[c] = Some(previous[f].0);
            used[f] = true;
        }
    }
    let mut next = next_id.max(previous.iter().map(|(id, _)| id + 1).max().unwrap_or(1));
    ids.into_iter()
        .map(|id| {
            id.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
