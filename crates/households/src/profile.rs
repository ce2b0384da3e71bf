//! Profile consolidation: a linked person's best-known value of each identifier — the value
//! most of their records give (ties: the value seen first).
//!
//! Used by the pipeline to give households each person's date of birth and family name, and
//! usable by anything that shows one value for a person with many records (it takes any
//! iterator of comparable values: dates, `&str`, `String`). It does not decide who is the
//! same person (that is linkage), clean values (callers pass them as they want them
//! compared, e.g. lower-cased, blanks left out) or read or store anything.

use chrono::NaiveDate;
use hearth_model::Identity;
use std::collections::HashMap;
use std::hash::Hash;

/// Up to this many distinct values are counted in a list (a person has a handful of
/// records); more switch to a hash map so that a huge cluster stays linear.
const FEW: usize = 16;

/// The value that occurs most often in `values`; on a tie, the one that occurs first.
/// `None` when there are no values.
///
/// ```
/// use hearth_households::most_common;
/// assert_eq!(most_common(["Khan", "Kahn", "Khan"]), Some("Khan"));
/// assert_eq!(most_common(["b", "a", "a", "b"]), Some("b"));
/// assert_eq!(most_common(Vec::<String>::new()), None);
/// ```
pub fn most_common<T: Eq + Hash>(values: impl IntoIterator<Item = T>) -> Option<T> {
    // (value, count), in order of first occurrence.
    let mut few: Vec<(T, usize)> = Vec::new();
    let mut values = values.into_iter();
    while let Some(v) = values.next() {
        if let Some(slot) = few.iter_mut().find(|(k, _)| *k == v) {
            slot.1 += 1;
        } else if few.len() < FEW {
            few.push((v, 1));
        } else {
            return most_common_of_many(few, v, values);
        }
    }
    let mut best: Option<(T, usize)> = None;
    for (v, n) in few {
        if best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((v, n));
        }
    }
    best.map(|(v, _)| v)
}

/// [`most_common`] once there are more than [`FEW`] distinct values: `few` counted so far,
/// then `next` and the `rest`.
fn most_common_of_many<T: Eq + Hash>(
    few: Vec<(T, usize)>,
    next: T,
    rest: impl Iterator<Item = T>,
) -> Option<T> {
    // value → (count, order of first occurrence)
    let mut counts: HashMap<T, (usize, usize)> = few
        .into_iter()
        .enumerate()
        .map(|(i, (v, n))| (v, (n, i)))
        .collect();
    for v in std::iter::once(next).chain(rest) {
        let order = counts.len();
        counts.entry(v).or_insert((0, order)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(v, _)| v)
}

/// A linked person's best-known date of birth and family name: the most common value among
/// their records (ties: the value of the earliest record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonProfile {
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Family name, lower-cased (a record with only a whole name gives that, lower-cased).
    pub family_name: Option<String>,
}

/// Each person's profile from their records' identities. `person_of[i]` is the person index
/// (below `people`) of `identities[i]`; the result has one profile per person, in index
/// order (a person with no records gets an empty profile).
///
/// # Panics
///
/// If `person_of` and `identities` differ in length or a person index is not below
/// `people` (both come from linkage, never from input).
pub fn profiles(
    identities: &[&Identity],
    person_of: &[usize],
    people: usize,
) -> Vec<PersonProfile> {
    assert_eq!(identities.len(), person_of.len(), "one person per record");
    let mut records_of: Vec<Vec<usize>> = vec![Vec::new(); people];
    for (r, &p) in person_of.iter().enumerate() {
        records_of[p].push(r);
    }
    records_of
        .iter()
        .map(|rs| PersonProfile {
            date_of_birth: most_common(rs.iter().filter_map(|&r| identities[r].date_of_birth)),
            family_name: most_common(rs.iter().filter_map(|&r| {
                identities[r]
                    .family_name
                    .as_ref()
                    .or(identities[r].full_name.as_ref())
                    .map(|n| n.to_lowercase())
            })),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_most_common_value_wins_and_a_tie_goes_to_the_first_seen() {
        assert_eq!(most_common([3, 1, 1, 3, 2]), Some(3));
        assert_eq!(most_common([3, 1, 1]), Some(1));
        assert_eq!(
            most_common(vec!["a".to_string(), "b".into(), "b".into()]),
            Some("b".to_string())
        );
        assert_eq!(most_common(std::iter::empty::<u8>()), None);
    }

    #[test]
    fn many_distinct_values_give_the_same_answer_as_few() {
        // 40 distinct values once each, then 7 twice: 7 wins; with no repeat, the first.
        let mut values: Vec<u32> = (0..40).collect();
        values.push(7);
        assert_eq!(most_common(values.iter().copied()), Some(7));
        assert_eq!(most_common((0..40).rev()), Some(39));
        // A tie between a value counted in the list and one counted in the map.
        let mut tie: Vec<u32> = (0..30).collect();
        tie.extend([25, 2]);
        assert_eq!(most_common(tie), Some(2));
    }

    #[test]
    fn a_profile_takes_each_persons_most_common_date_of_birth_and_family_name() {
        let id = |family: Option<&str>, full: Option<&str>, dob: Option<NaiveDate>| Identity {
            family_name: family.map(Into::into),
            full_name: full.map(Into::into),
            date_of_birth: dob,
            ..Default::default()
        };
        let records = [
            id(Some("Khan"), None, Some(d(1985, 1, 2))),
            id(Some("KHAN"), None, Some(d(1985, 2, 1))),
            id(None, Some("Kahn"), Some(d(1985, 2, 1))),
            id(None, None, None),
        ];
        let refs: Vec<&Identity> = records.iter().collect();
        let out = profiles(&refs, &[0, 0, 0, 2], 3);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].date_of_birth, Some(d(1985, 2, 1)));
        assert_eq!(out[0].family_name.as_deref(), Some("khan"));
        assert_eq!(
            out[1],
            PersonProfile {
                date_of_birth: None,
                family_name: None
            }
        );
        assert_eq!(out[2].family_name, None);
    }
}
