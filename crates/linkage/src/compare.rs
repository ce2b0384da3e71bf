//! Comparisons with graded levels. A comparison vector (one level per comparison) packs into
//! a `u32` "pattern": three bits per comparison, comparison `k` at bits `3k..3k+3`.
//! Level 0 always means "missing on one side": it contributes no evidence.

use crate::metrics::{jaro_winkler, jaro_winkler_at_most, names_too_far_apart, within_one_edit};
use crate::prepare::{Prepared, Rec};

/// One comparison: its name and the labels of its levels (index = level; 0 = missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    /// Name, e.g. `given_name`.
    pub name: &'static str,
    /// Level labels; `levels[0]` is `"missing"`.
    pub levels: &'static [&'static str],
}

const ID_LEVELS: &[&str] = &["missing", "exact", "one_typo", "two_typos", "different"];

/// The comparisons Hearth makes, in pattern order.
pub const COMPARISONS: [Comparison; 9] = [
    Comparison {
        name: "given_name",
        levels: &[
            "missing",
            "exact",
            "nickname_or_middle",
            "fuzzy_high",
            "fuzzy_low",
            "initial",
            "different",
        ],
    },
    Comparison {
        name: "family_name",
        levels: &[
            "missing",
            "exact",
            "token_overlap",
            "fuzzy_high",
            "fuzzy_low",
            "different",
        ],
    },
    Comparison {
        name: "date_of_birth",
        levels: &[
            "missing",
            "exact",
            "day_month_swap",
            "one_digit_off", // or one day apart
            "same_year",
            "different",
        ],
    },
    Comparison {
        name: "sex",
        levels: &["missing", "same", "different"],
    },
    Comparison {
        name: "address",
        levels: &[
            "missing",
            "address_exact",
            "postcode_full_address_similar",
            "postcode_full",
            "address_same_or_similar",
            "postcode_sector",
            "postcode_district",
            "different",
        ],
    },
    Comparison {
        name: "nhs_number",
        levels: ID_LEVELS,
    },
    Comparison {
        name: "ni_number",
        levels: ID_LEVELS,
    },
    Comparison {
        name: "upn",
        levels: ID_LEVELS,
    },
    Comparison {
        name: "other_ids",
        levels: ID_LEVELS,
    },
];

/// Number of comparisons.
pub const N_COMP: usize = COMPARISONS.len();
/// Largest number of levels of any comparison (including missing).
pub const MAX_LEVELS: usize = 8;

/// Index of the given-name comparison.
pub const GIVEN: usize = 0;
/// Index of the family-name comparison.
pub const FAMILY: usize = 1;
/// Index of the date-of-birth comparison.
pub const DOB: usize = 2;
/// Index of the address (postcode and address lines together) comparison.
pub const ADDRESS: usize = 4;
/// Indices of the identifier comparisons.
pub const IDENTIFIERS: std::ops::Range<usize> = 5..9;

/// The level of comparison `k` in a pattern.
#[inline]
pub fn level(pattern: u32, k: usize) -> usize {
    ((pattern >> (3 * k)) & 7) as usize
}

/// What two different interned names are to each other, through a small per-thread
/// direct-mapped cache (frequent name pairs — common names meet each other in every block —
/// are measured once): `fuzzy(a, b, 0.92, 0.80)`, and whether they are *close* (one edit
/// apart, or sounding alike with Jaro–Winkler at least 0.92: what a name written in the other
/// name's place must be). Both come from the same edit test and metric.
fn name_pair(p: &Prepared, a: u32, b: u32) -> (Option<bool>, bool) {
    use std::cell::RefCell;
    const SLOTS: usize = 1 << 14;
    thread_local! {
        static CACHE: RefCell<Vec<(u64, u64, u8)>> = RefCell::new(vec![(u64::MAX, u64::MAX, 0); SLOTS]);
    }
    // Interned ids mean something only within one preparation: key by its generation too.
    let key = ((a.min(b) as u64) << 32) | a.max(b) as u64;
    let generation = p.generation;
    let slot = (crate::hash::mix(key, 0x5eed) as usize) & (SLOTS - 1);
    let enc = |(fuzzy, close): (Option<bool>, bool)| {
        (match fuzzy {
            Some(true) => 1u8,
            Some(false) => 2,
            None => 3,
        }) | (u8::from(close) << 2)
    };
    let dec = |v: u8| {
        let fuzzy = match v & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        };
        (fuzzy, v & 4 != 0)
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c[slot].0 == key && c[slot].1 == generation {
            return dec(c[slot].2);
        }
        let (x, y) = (p.name(a), p.name(b));
        let v = if within_one_edit(x, y) {
            (Some(true), true)
        } else if names_too_far_apart(x, y, p.info(a).buckets, p.info(b).buckets) {
            (None, false)
        } else {
            let jw = jaro_winkler(x, y);
            let fuzzy = if jw >= 0.92 {
                Some(true)
            } else if jw >= 0.80 {
                Some(false)
            } else {
                None
            };
            (fuzzy, p.info(a).phon == p.info(b).phon && jw >= 0.92)
        };
        c[slot] = (key, generation, enc(v));
        v
    })
}

fn fuzzy_names(p: &Prepared, a: u32, b: u32) -> Option<bool> {
    name_pair(p, a, b).0
}

fn given_level(p: &Prepared, a: &Rec, b: &Rec) -> u32 {
    if a.given == 0 || b.given == 0 {
        return 0;
    }
    if a.given == b.given {
        return 1;
    }
    let (ia, ib) = (p.info(a.given), p.info(b.given));
    let nick = ia
        .groups
        .iter()
        .any(|g| *g != u32::MAX && ib.groups.contains(g));
    if nick || (a.middle != 0 && a.middle == b.given) || (b.middle != 0 && b.middle == a.given) {
        return 2;
    }
    let (na, nb) = (p.name(a.given), p.name(b.given));
    if na.len() == 1 || nb.len() == 1 {
        return if na[0] == nb[0] { 5 } else { 6 };
    }
    match fuzzy_names(p, a.given, b.given) {
        Some(true) => 3,
        Some(false) => 4,
        None => 6,
    }
}

fn family_level(p: &Prepared, a: &Rec, b: &Rec) -> u32 {
    if a.family == 0 || b.family == 0 {
        return 0;
    }
    if a.family == b.family {
        return 1;
    }
    let overlap = a.family_w.iter().any(|w| *w != 0 && b.family_w.contains(w));
    if overlap {
        return 2;
    }
    match fuzzy_names(p, a.family, b.family) {
        Some(true) => 3,
        Some(false) => 4,
        None => 5,
    }
}

fn dob_digits(d: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    let mut v = d;
    for i in (0..8).rev() {
        out[i] = (v % 10) as u8;
        v /= 10;
    }
    out
}

/// Date-of-birth level for packed `yyyymmdd` values (0 = missing).
pub fn dob_level(a: u32, b: u32) -> u32 {
    if a == 0 || b == 0 {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (ya, ma, da) = (a / 10000, a / 100 % 100, a % 100);
    let (yb, mb, db) = (b / 10000, b / 100 % 100, b % 100);
    if ya == yb && ma == db && da == mb {
        return 2;
    }
    let (x, y) = (dob_digits(a), dob_digits(b));
    let mut diff = [0usize; 8];
    let mut nd = 0;
    for i in 0..8 {
        if x[i] != y[i] {
            diff[nd] = i;
            nd += 1;
        }
    }
    let one_off = nd == 1
        || (nd == 2
            && diff[1] == diff[0] + 1
            && x[diff[0]] == y[diff[1]]
            && x[diff[1]] == y[diff[0]]);
    // One keystroke, or one day out (a birth registered the next day, a time zone): the
    // day before the 10th, 20th or 1st differs in two digits ("19" and "20").
    if one_off || days_from_civil(ya, ma, da).abs_diff(days_from_civil(yb, mb, db)) == 1 {
        return 3;
    }
    if ya == yb {
        return 4;
    }
    5
}

/// Days since 1 March of year 0 of a proleptic Gregorian date (any month and day values:
/// only differences of real dates are used).
fn days_from_civil(y: u32, m: u32, d: u32) -> u32 {
    let y = if m <= 2 { y.wrapping_sub(1) } else { y };
    let (era, yoe) = (y / 400, y % 400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d.wrapping_sub(1);
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.wrapping_mul(146_097).wrapping_add(doe)
}

fn id_level(p: &Prepared, a: u32, b: u32) -> u32 {
    if a == 0 || b == 0 {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (x, y) = (p.text.get(a).as_bytes(), p.text.get(b).as_bytes());
    if within_one_edit(x, y) {
        2
    } else if crate::metrics::damerau_levenshtein_at_most(x, y, 2) {
        3
    } else {
        4
    }
}

/// Compares two prepared records, returning the packed pattern.
pub(crate) fn compare(p: &Prepared, a: &Rec, b: &Rec) -> u32 {
    let mut lv = [0u32; N_COMP];
    lv[GIVEN] = given_level(p, a, b);
    lv[FAMILY] = family_level(p, a, b);
    // Names written the wrong way round (in full or in part): a given name found as the
    // other record's family name counts as a close (fuzzy_high) match.
    if lv[GIVEN] >= 4 || lv[FAMILY] >= 4 {
        let close = |x: u32, y: u32| x != 0 && y != 0 && (x == y || name_pair(p, x, y).1);
        let cg = close(a.given, b.family);
        let cf = close(a.family, b.given);
        if cg && cf {
            lv[GIVEN] = lv[GIVEN].min(3);
            lv[FAMILY] = lv[FAMILY].min(3);
        } else if cg {
            lv[GIVEN] = lv[GIVEN].min(3);
        } else if cf {
            lv[FAMILY] = lv[FAMILY].min(3);
        }
    }
    lv[DOB] = dob_level(a.dob, b.dob);
    lv[3] = match (a.sex, b.sex) {
        (0, _) | (_, 0) => 0,
        (x, y) if x == y => 1,
        _ => 2,
    };
    // Postcode and address lines are one comparison: they are nearly redundant, and
    // counting both would double the evidence that a household shares.
    let pc = if a.pc == 0 || b.pc == 0 {
        0
    } else if a.pc == b.pc {
        1
    } else if (a.sector != 0 && a.sector == b.sector)
        || (a.sector == 0
            && b.sector == 0
            && within_one_edit(p.text.get(a.pc).as_bytes(), p.text.get(b.pc).as_bytes()))
    {
        // same sector, or (outside the UK) one typo apart
        2
    } else if a.district != 0 && a.district == b.district {
        3
    } else {
        4
    };
    let addr = if a.addr == 0 || b.addr == 0 {
        0
    } else if a.addr == b.addr {
        1
    } else {
        let (x, y) = (p.text.get(a.addr).as_bytes(), p.text.get(b.addr).as_bytes());
        let same_house = a.house != 0 && a.house == b.house;
        // Jaro–Winkler >= 0.92 needs the shorter string to be at least 60% of the longer
        // (jaro <= (2 + short/long) / 3, and the prefix bonus at most closes 40% of the gap):
        // skip the metric when it cannot pass.
        let plausible = same_house || (x.len().abs_diff(y.len()) * 5 <= 2 * x.len().max(y.len()));
        let needed = if same_house { 0.80 } else { 0.92 };
        if !plausible || jaro_winkler_at_most(x, y) < needed {
            3
        } else {
            let jw = jaro_winkler(x, y);
            if (same_house && jw >= 0.80) || jw >= 0.92 {
                2
            } else {
                3
            }
        }
    };
    lv[ADDRESS] = match (addr, pc) {
        (0, 0) => 0,
        (1, 0..=2) => 1,
        (2, 1) | (0, 1) => 2,
        (_, 1) => 3,
        (1 | 2, _) => 4,
        (_, 2) => 5,
        (_, 3) => 6,
        _ => 7,
    };
    lv[5] = id_level(p, a.nhs, b.nhs);
    lv[6] = id_level(p, a.ni, b.ni);
    lv[7] = id_level(p, a.upn, b.upn);
    lv[8] = (0..3)
        .map(|k| id_level(p, a.extra[k], b.extra[k]))
        .filter(|&l| l != 0)
        .min()
        .unwrap_or(0);
    lv.iter()
        .enumerate()
        .fold(0u32, |acc, (k, l)| acc | (l << (3 * k)))
}

/// Finds a comparison and level by their names: `(comparison index, level index)`.
pub fn parse_level(comparison: &str, level: &str) -> Option<(usize, usize)> {
    let k = COMPARISONS.iter().position(|c| c.name == comparison)?;
    let l = COMPARISONS[k].levels.iter().position(|l| *l == level)?;
    Some((k, l))
}

/// What a link's own comparison says to the clustering guards: (the pair shares an
/// identifier exactly, the pair's identifiers differ while everything else agrees exactly,
/// the pair's forename, family name and full date of birth agree exactly).
pub(crate) fn link_flags(pattern: u32) -> (bool, bool, bool) {
    let ids_agree = IDENTIFIERS.clone().any(|k| level(pattern, k) == 1);
    // One person registered twice: the pair's own identifiers differ and everything else
    // agrees exactly. (A pair without a differing identifier never lifts the guard, so a
    // record without identifiers cannot chain two numbers together.)
    let ids_differ = IDENTIFIERS.clone().any(|k| level(pattern, k) >= 2);
    let all_else_exact = ids_differ
        && [GIVEN, FAMILY, DOB, ADDRESS]
            .into_iter()
            .all(|k| level(pattern, k) == 1)
        && level(pattern, 3) != 2; // sex not different
    let names_dob_exact = [GIVEN, FAMILY, DOB]
        .into_iter()
        .all(|k| level(pattern, k) == 1);
    (ids_agree, all_else_exact, names_dob_exact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::LinkRecord;
    use crate::standardise::{parse_dob, Nicknames};

    fn person(given: &str, family: &str) -> LinkRecord {
        let mut r = LinkRecord::new(0, "k");
        r.given_name = Some(given.into());
        r.family_name = Some(family.into());
        r
    }

    fn levels(a: &LinkRecord, b: &LinkRecord) -> Vec<&'static str> {
        let p = crate::prepare::prepare(
            &[a.clone(), b.clone()],
            &Nicknames::shipped(),
            &crate::Placeholders::shipped(),
        );
        let pat = compare(&p, &p.recs[0], &p.recs[1]);
        let pat2 = compare(&p, &p.recs[1], &p.recs[0]);
        assert_eq!(pat, pat2, "comparisons are symmetric");
        COMPARISONS
            .iter()
            .enumerate()
            .map(|(k, c)| c.levels[level(pat, k)])
            .collect()
    }

    fn given(a: &str, b: &str) -> &'static str {
        levels(&person(a, "quimby"), &person(b, "quimby"))[GIVEN]
    }

    fn family(a: &str, b: &str) -> &'static str {
        levels(&person("ann", a), &person("ann", b))[FAMILY]
    }

    #[test]
    fn given_name_levels() {
        assert_eq!(given("John", "JOHN"), "exact");
        assert_eq!(given("Bill", "William"), "nickname_or_middle");
        assert_eq!(given("Muhammad", "Mohamed"), "nickname_or_middle");
        assert_eq!(given("Jonathon", "Jonathan"), "fuzzy_high");
        assert_eq!(given("Christina", "Kristine"), "nickname_or_middle");
        assert_eq!(given("Amelia", "Amalie"), "fuzzy_low");
        assert_eq!(given("J", "John"), "initial");
        assert_eq!(given("Oliver", "Zainab"), "different");
        let mut a = person("Ann", "Quimby");
        a.middle_name = Some("Mary".into());
        assert_eq!(
            levels(&a, &person("Mary", "Quimby"))[GIVEN],
            "nickname_or_middle"
        );
        let mut b = person("", "Quimby");
        b.given_name = None;
        assert_eq!(levels(&a, &b)[GIVEN], "missing");
    }

    #[test]
    fn swapped_names_are_close() {
        let l = levels(&person("Khan", "Imran"), &person("Imran", "Khan"));
        assert_eq!((l[GIVEN], l[FAMILY]), ("fuzzy_high", "fuzzy_high"));
    }

    #[test]
    fn family_name_levels() {
        assert_eq!(family("Smith", "smith"), "exact");
        assert_eq!(family("Smith-Jones", "Jones"), "token_overlap");
        assert_eq!(family("Smith", "Smyth"), "fuzzy_high");
        assert_eq!(family("Robertson", "Robinson"), "fuzzy_low");
        assert_eq!(family("Smith", "Nowak"), "different");
    }

    #[test]
    fn sex_and_date_levels() {
        let mut a = person("ann", "quimby");
        let mut b = a.clone();
        a.sex = Some("F".into());
        b.sex = Some("2".into());
        a.date_of_birth = parse_dob("2012-04-03", "%Y-%m-%d").unwrap();
        b.date_of_birth = parse_dob("2012-03-04", "%Y-%m-%d").unwrap();
        let l = levels(&a, &b);
        assert_eq!((l[3], l[DOB]), ("same", "day_month_swap"));
        b.sex = Some("M".into());
        b.date_of_birth = None;
        let l = levels(&a, &b);
        assert_eq!((l[3], l[DOB]), ("different", "missing"));
    }

    fn address(a: (&str, &str), b: (&str, &str)) -> &'static str {
        let mut x = person("ann", "quimby");
        let mut y = x.clone();
        x.address = Some(a.0.into()).filter(|s: &String| !s.is_empty());
        x.postcode = Some(a.1.into()).filter(|s: &String| !s.is_empty());
        y.address = Some(b.0.into()).filter(|s: &String| !s.is_empty());
        y.postcode = Some(b.1.into()).filter(|s: &String| !s.is_empty());
        levels(&x, &y)[ADDRESS]
    }

    #[test]
    fn address_levels() {
        assert_eq!(
            address(
                ("Flat 2, 14 High St", "LS1 4AB"),
                ("2 14 High Street", "ls14ab")
            ),
            "address_exact"
        );
        assert_eq!(
            address(("14 High St", "LS1 4AB"), ("14 Hihg Street", "LS1 4AB")),
            "postcode_full_address_similar"
        );
        assert_eq!(
            address(("", "LS1 4AB"), ("14 High St", "LS1 4AB")),
            "postcode_full_address_similar"
        );
        assert_eq!(
            address(("3 Mill Road", "LS1 4AB"), ("14 High St", "LS1 4AB")),
            "postcode_full"
        );
        assert_eq!(
            address(("14 High St", "LS1 4AB"), ("14 High St", "M1 1AE")),
            "address_same_or_similar"
        );
        assert_eq!(
            address(("14 High St", "LS1 4AB"), ("14 High Stret", "M1 1AE")),
            "address_same_or_similar"
        );
        assert_eq!(
            address(("14 High St", "LS1 4AB"), ("14 High St", "LS1 4XY")),
            "address_exact"
        );
        assert_eq!(address(("", "LS1 4AB"), ("", "LS1 4XY")), "postcode_sector");
        assert_eq!(
            address(("", "LS1 4AB"), ("", "LS1 9XY")),
            "postcode_district"
        );
        assert_eq!(address(("", "LS1 4AB"), ("", "M1 1AE")), "different");
        assert_eq!(address(("", ""), ("", "M1 1AE")), "missing");
        // Placeholders are no address: "No fixed abode" twice is not evidence of one person.
        let nfa = ("No Fixed Abode", "");
        assert_eq!(address(nfa, ("no fixed abode", "")), "missing");
        assert_eq!(
            address(("N.F.A.", "ZZ99 3VZ"), ("NFA", "ZZ99 3VZ")),
            "missing"
        );
        assert_eq!(address(("Unknown", "NFA"), ("UNKNOWN", "nfa")), "missing");
        assert_eq!(
            address(
                ("Address withheld", "NE4 7QT"),
                ("Address withheld", "NE4 7QT")
            ),
            "postcode_full_address_similar"
        );
        assert_eq!(
            address(("1 Unknown Lane", ""), ("1 Unknown Lane", "")),
            "address_exact"
        );
    }

    #[test]
    fn identifier_levels() {
        let mut a = person("ann", "quimby");
        let mut b = a.clone();
        a.ni_number = Some("AB123456C".into());
        b.ni_number = Some("ab 12 34 56".into());
        a.nhs_number = Some("943 476 5919".into());
        b.nhs_number = Some("9434765870".into());
        a.other_ids = vec![("case".into(), "SC-123".into())];
        b.other_ids = vec![("case".into(), "sc124".into())];
        let l = levels(&a, &b);
        assert_eq!((l[5], l[6], l[8]), ("different", "exact", "one_typo"));
        b.other_ids = vec![("case".into(), "XY-999".into())];
        assert_eq!(levels(&a, &b)[8], "different");
        b.ni_number = Some("AB123457C".into());
        b.nhs_number = Some("943 476 5910".into()); // bad check digit: ignored
        let l = levels(&a, &b);
        assert_eq!((l[5], l[6], l[7]), ("missing", "one_typo", "missing"));
    }

    #[test]
    fn dob_levels() {
        assert_eq!(dob_level(20120403, 20120403), 1);
        assert_eq!(dob_level(20120403, 20120304), 2);
        assert_eq!(dob_level(20120403, 20120408), 3);
        assert_eq!(dob_level(20120403, 21020403), 3); // adjacent transposition
        assert_eq!(dob_level(20170119, 20170120), 3); // a day out, two digits
        assert_eq!(dob_level(20170131, 20170201), 3);
        assert_eq!(dob_level(20161231, 20170101), 3);
        assert_eq!(dob_level(20160228, 20160301), 4); // two days (a leap year)
        assert_eq!(dob_level(20170228, 20170301), 3);
        assert_eq!(dob_level(20120403, 20121125), 4);
        assert_eq!(dob_level(20120403, 19991125), 5);
        assert_eq!(dob_level(0, 19991125), 0);
    }

    #[test]
    fn level_labels_fit_in_three_bits() {
        for c in COMPARISONS {
            assert!(c.levels.len() <= MAX_LEVELS && MAX_LEVELS <= 8);
            assert_eq!(c.levels[0], "missing");
        }
    }
}
