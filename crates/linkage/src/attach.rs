//! The last records: after clustering, a record with neither a date of birth nor an
//! identifier that was left alone (a police record giving only a name, sex and an address,
//! perhaps one from before a move) is attached to the one person whose names it matches —
//! never when two people could be it.
//!
//! Evidence, as a linker weighs it:
//! 1. names: forename and family name each agree exactly, as nicknames, or with a near typo
//!    (Jaro–Winkler high), not both by typo; sex not different;
//! 2. the address: the person has a record at the record's address (the same full postcode
//!    and the same or a similar address), or someone of their household does — a record at
//!    that address, with a matching family name, of a person who shares another postcode
//!    with them: a household that moved together;
//! 3. one candidate: exactly one person (a cluster with a date of birth or an identifier)
//!    has both. When two or more have (a father and son of one name, siblings of one name
//!    at one address) the record stays alone and a pair for each goes to review; when none
//!    has, it stays alone (a name alone is not enough: measured, it joined strangers) and,
//!    when at most three people's names match it, a pair for each goes to review: a reviewer
//!    with the police record in front of them may know more (an alias, a custody note).
//!
//! Candidates come from two keys (family-name phonetic code + forename initial; forename
//! phonetic code + family-name initial); a key shared by more than `max_block` records (a
//! common name) is not searched: many people could be the record.
//!
//! [`attach_renamed`] does the same for a lone record that has a date of birth and an
//! identifier but a forename none of its person's other records carry (a name the person goes
//! by, entered by one agency): the veto keeps it apart, as it keeps twins apart. It joins the
//! one person known by two or more records of which one has its family name (exact, a word of
//! a double-barrelled one or a near typo), its full date of birth and its address (found by
//! date of birth and full postcode, or date of birth and address), sex not different, and
//! whose identifiers do not conflict with its own (twins never share an NHS number, UPN or NI
//! number, so a twin's record under their own number conflicts with a sibling known by one of
//! that kind; a record of the person registered twice, agreeing on all else exactly, is no
//! conflict, as in clustering). Its identifier must be carried by no one but itself and that
//! person (a placeholder or shared number says nothing). Two such people (twins, both known) →
//! a pair for each to review. Not enough: a person known by one record only (two lone twins
//! look exactly like that), or a lone record without an identifier (a twin known by one record
//! looks exactly like that: measured, such records joined the twin's sibling).

use crate::cluster::Clusterer;
use crate::compare::{self, compare};
use crate::hash::mix;
use crate::index::KeyIndex;
use crate::prepare::{FxBuild, Prepared, Rec};
use rayon::prelude::*;
use std::collections::HashMap;

/// A record's identifiers (0 = none).
fn id_values(r: &Rec) -> impl Iterator<Item = u32> {
    [r.nhs, r.ni, r.upn, r.extra[0], r.extra[1], r.extra[2]]
        .into_iter()
        .filter(|&x| x != 0)
}

fn has_names(r: &Rec) -> bool {
    r.given != 0 && r.family != 0
}

fn orphan_kind(r: &Rec) -> bool {
    r.dob == 0
        && r.nhs == 0
        && r.ni == 0
        && r.upn == 0
        && r.extra.iter().all(|&x| x == 0)
        && has_names(r)
}

/// Names close enough to be the same person: each name exact, nickname or a near typo, not
/// both by typo; sex not different.
fn names_match(pattern: u32) -> bool {
    let g = compare::level(pattern, compare::GIVEN);
    let f = compare::level(pattern, compare::FAMILY);
    (1..=3).contains(&g)
        && (1..=3).contains(&f)
        && !(g == 3 && f == 3)
        && compare::level(pattern, 3) != 2
}

/// Same address: exact, or full postcode with a similar address, or the same address
/// written without a postcode.
fn same_place(pattern: u32) -> bool {
    matches!(compare::level(pattern, compare::ADDRESS), 1 | 2 | 4)
}

fn keys(p: &Prepared, r: &Rec) -> [u64; 2] {
    let (g, f) = (p.info(r.given), p.info(r.family));
    [
        mix(mix(1, f.phon as u64), g.canon_initial as u64),
        mix(mix(2, g.canon_phon as u64), p.name(r.family)[0] as u64),
    ]
}

/// Where a record is: its full postcode (0 = not known). Records at one postcode are then
/// compared address and all (a house number alone misleads: "Flat 2, 14 High St").
fn place(r: &Rec) -> u64 {
    r.pc as u64
}

/// What [`attach`] did, in pairs of distinct records (the lone record, a matching record of
/// the person).
#[derive(Debug, Default)]
pub(crate) struct Attachments {
    /// Lone records attached, each with the person's record that matched.
    pub attached: Vec<(u32, u32)>,
    /// Lone records a reviewer must decide (two or more people of the address could be
    /// them, or only their names match): one pair for each candidate.
    pub to_review: Vec<(u32, u32)>,
}

/// Same family name (exact, a word of a double-barrelled one or a near typo), full date of
/// birth and place, sex not different: what a record of the person under another forename
/// shares with them.
fn all_but_forename(pattern: u32) -> bool {
    matches!(compare::level(pattern, compare::FAMILY), 1..=3)
        && compare::level(pattern, compare::DOB) == 1
        && same_place(pattern)
        && compare::level(pattern, 3) != 2
}

/// Attaches each lone record with a date of birth and an identifier (a person of one input
/// record after clustering) to the one person of two or more records who has a record
/// agreeing with it on everything but the forename ([`all_but_forename`]), whose identifiers
/// do not conflict with its own and with whom alone it shares or carries its identifier; two
/// or more such people → a pair for each, for review. Candidates are judged on the clusters as
/// they stood before any attachment, conflicts as they stand; records visited in order.
/// `max_block`: a date of birth at one place shared by more than twice as many records is not
/// searched. `copies[i]`: how many input
/// records distinct record `i` stands for (a record repeated is not a lone record: the twin
/// whose school sent three identical rows is known three times).
pub(crate) fn attach_renamed(
    p: &Prepared,
    cl: &mut Clusterer,
    copies: &[usize],
    max_block: usize,
) -> Attachments {
    let recs = &p.recs;
    let n = recs.len();
    let root: Vec<u32> = (0..n as u32).map(|i| cl.find(i)).collect();
    // Each person's input records (a distinct record stands for its identical copies).
    let mut size = vec![0usize; n];
    for (i, &r) in root.iter().enumerate() {
        size[r as usize] += copies[i];
    }
    let lone = |i: usize| {
        size[root[i] as usize] == 1
            && recs[i].dob != 0
            && has_names(&recs[i])
            && id_values(&recs[i]).next().is_some()
    };
    let mut out = Attachments::default();
    if !(0..n).any(lone) {
        return out;
    }
    // The people carrying each identifier of a lone record (up to three: more is as many).
    let mut carriers: HashMap<u32, Vec<u32>, FxBuild> = HashMap::default();
    for i in (0..n).filter(|&i| lone(i)) {
        for x in id_values(&recs[i]) {
            carriers.entry(x).or_default();
        }
    }
    for (i, r) in recs.iter().enumerate() {
        for x in id_values(r) {
            if let Some(v) = carriers.get_mut(&x) {
                if v.len() < 3 && !v.contains(&root[i]) {
                    v.push(root[i]);
                }
            }
        }
    }
    // An identifier of the lone record that no one but it and the candidate carries: one
    // shared with other people (a placeholder, a family's shared number) says nothing.
    let own_id = |o: usize, c: u32| {
        id_values(&recs[o]).any(|x| {
            carriers
                .get(&x)
                .is_some_and(|v| v.iter().all(|&h| h == root[o] || h == c))
        })
    };
    // Candidates by date of birth and where: the full postcode, or the address as written.
    let keys = |r: &Rec| {
        [
            (r.pc != 0).then(|| mix(mix(3, r.dob as u64), r.pc as u64)),
            (r.addr != 0).then(|| mix(mix(4, r.dob as u64), r.addr as u64)),
        ]
        .into_iter()
        .flatten()
    };
    let by_key = KeyIndex::build(n, |i| {
        let r = &recs[i];
        let known = r.family != 0 && r.dob != 0 && size[root[i] as usize] >= 2;
        keys(r).filter(move |_| known)
    });
    // Candidates are found in parallel (they are judged on the clusters as they stood before
    // any attachment); conflicts are checked and records attached in record order.
    // (lone record, [(candidate person, their matching record, registered twice)]).
    type Found = Vec<(usize, Vec<(u32, u32, bool)>)>;
    let found: Found = (0..n)
        .into_par_iter()
        .filter(|&i| lone(i))
        .filter_map(|o| {
            let r = &recs[o];
            let mut block: Vec<u32> = Vec::new();
            for k in keys(r) {
                block.extend(by_key.get(k));
            }
            if block.len() > 2 * max_block {
                return None;
            }
            block.sort_unstable();
            block.dedup();
            // Each candidate person with their first matching record, and whether any of
            // their records agrees with it on everything but identifiers (one person
            // registered twice, as `compare::link_flags` says: then different identifiers are
            // no conflict).
            let mut matched: Vec<(u32, u32, bool)> = Vec::new();
            for &j in &block {
                let c = root[j as usize];
                let pat = compare(p, r, &recs[j as usize]);
                if !all_but_forename(pat) {
                    continue;
                }
                let twice = compare::link_flags(pat).1;
                match matched.iter_mut().find(|m| m.0 == c) {
                    Some(m) => m.2 |= twice,
                    None => matched.push((c, j, twice)),
                }
            }
            (!matched.is_empty()).then_some((o, matched))
        })
        .collect();
    for (o, mut matched) in found {
        matched.retain(|m| own_id(o, m.0) && cl.compatible(o as u32, m.0, !m.2));
        match matched.as_slice() {
            [one] => {
                if cl.attach(o as u32, one.0, !one.2) {
                    out.attached.push((o as u32, one.1));
                }
            }
            // Twins (or siblings of one date of birth), both known: a reviewer decides.
            [_, _, ..] => out
                .to_review
                .extend(matched.iter().map(|m| (o as u32, m.1))),
            [] => {}
        }
    }
    out
}

/// At most this many people whose names alone match a lone record without a date of birth
/// are put to a reviewer; more, and the names say too little to be worth a reviewer's time.
const NAME_ONLY_CANDIDATES: usize = 3;

/// Attaches lone records without a date of birth or identifiers to the one person they can
/// be, and puts those a reviewer can decide to review. Deterministic: records are visited in
/// order and the candidates are judged on the clusters as they stood before any attachment.
pub(crate) fn attach(p: &Prepared, cl: &mut Clusterer, max_block: usize) -> Attachments {
    let recs = &p.recs;
    let n = recs.len();
    let root: Vec<u32> = (0..n as u32).map(|i| cl.find(i)).collect();
    let mut size = vec![0u32; n];
    for &r in &root {
        size[r as usize] += 1;
    }
    let is_orphan = |i: usize| size[root[i] as usize] == 1 && orphan_kind(&recs[i]);
    let mut out = Attachments::default();
    if !(0..n).any(is_orphan) {
        return out;
    }
    let by_name = KeyIndex::build(n, |i| {
        let r = &recs[i];
        has_names(r).then(|| keys(p, r)).into_iter().flatten()
    });
    let by_place = KeyIndex::build(n, |i| {
        Some(place(&recs[i])).filter(|&pl| pl != 0).into_iter()
    });
    // Each person's places: (person, place), distinct.
    let places = KeyIndex::from_pairs(
        (0..n)
            .into_par_iter()
            .filter(|&i| place(&recs[i]) != 0)
            .map(|i| (root[i] as u64, place(&recs[i]) as u32))
            .collect(),
    );
    let places_of = |c: u32| places.get(c as u64).map(u64::from);
    // Candidates are found in parallel, judged on the clusters as they stood before any
    // attachment; records are attached in record order.
    let found: Vec<Lone> = (0..n)
        .into_par_iter()
        .filter(|&i| is_orphan(i))
        .filter_map(|o| {
            let r = &recs[o];
            // Each matching person with their first matching record.
            let mut matched: Vec<Candidate> = Vec::new();
            let mut common = false;
            for k in keys(p, r) {
                let block = by_name.get(k);
                if block.len() > max_block {
                    common = true;
                    break;
                }
                for j in block {
                    let j = j as usize;
                    // Other lone records of the same kind are not people known elsewhere.
                    if j == o || is_orphan(j) {
                        continue;
                    }
                    let pat = compare(p, r, &recs[j]);
                    let c = root[j];
                    if names_match(pat) && !matched.iter().any(|m| m.person == c) {
                        matched.push(Candidate {
                            person: c,
                            record: j as u32,
                        });
                    }
                }
            }
            if common || matched.is_empty() {
                return None;
            }
            // The address: the person was there, or their household was.
            let pl = place(r);
            let at = || by_place.get(pl); // no record is indexed at place 0
            let evidence = |c: u32| -> bool {
                at().any(|j| {
                    let j = j as usize;
                    if j == o {
                        return false;
                    }
                    let pat = compare(p, r, &recs[j]);
                    if !same_place(pat) {
                        return false;
                    }
                    let h = root[j];
                    h == c
                        || ((1..=3).contains(&compare::level(pat, compare::FAMILY))
                            && places_of(h).any(|x| x != pl && places_of(c).any(|y| y == x)))
                })
            };
            let backed: Vec<Candidate> = matched
                .iter()
                .copied()
                .filter(|m| evidence(m.person))
                .collect();
            if backed.is_empty() {
                // Only the names: a reviewer decides, when few people could be it.
                return (matched.len() <= NAME_ONLY_CANDIDATES).then_some(Lone {
                    record: o as u32,
                    candidates: matched,
                    backed_by_address: false,
                });
            }
            Some(Lone {
                record: o as u32,
                candidates: backed,
                backed_by_address: true,
            })
        })
        .collect();
    for lone in found {
        let o = lone.record;
        match lone.candidates.as_slice() {
            [one] if lone.backed_by_address => {
                if cl.attach(o, one.person, true) {
                    out.attached.push((o, one.record));
                }
            }
            // Two people of one household (a father and son, siblings of one name) could be
            // it, or the names alone match: a reviewer decides.
            _ => out
                .to_review
                .extend(lone.candidates.iter().map(|m| (o, m.record))),
        }
    }
    out
}

/// A person a lone record's names match, through their first matching record.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    person: u32,
    record: u32,
}

/// A lone record and the people it could be: those its address backs, or (none backed) those
/// its names alone match.
struct Lone {
    record: u32,
    candidates: Vec<Candidate>,
    backed_by_address: bool,
}
