//! The error model: how a partner system gets a person's details wrong.
//!
//! Each source has its own [`ErrorRates`] (probabilities per data row). Errors only ever touch
//! what a row says about *who* (names, date of birth, address, postcode, identifiers) and the
//! duplication of rows, never the facts themselves; ground truth is unaffected.

use crate::geo::{Address, Geography};
use crate::model::{Household, Person};
use crate::names::variant_of;
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Probabilities, per data row, of each kind of recording error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorRates {
    /// One typing slip (insert, delete, substitute or transpose a letter) in a forename or
    /// surname.
    pub typo: f64,
    /// A nickname or other spelling of the forename (`Bill` for `William`).
    pub nickname: f64,
    /// Forename and surname recorded the wrong way round.
    pub name_swap: f64,
    /// Another plausible surname: a former (maiden) or later married name, a step-parent's
    /// or the mother's surname for a child. Only applies to people who have one.
    pub surname_change: f64,
    /// Date of birth left empty.
    pub dob_missing: f64,
    /// Day and month of the date of birth swapped (only where the day is 12 or less).
    pub dob_day_month_swap: f64,
    /// The former address after a household has moved (only applies to movers' rows dated
    /// after the move).
    pub stale_address: f64,
    /// Postcode written without its space, or in lower case.
    pub postcode_format: f64,
    /// Names in odd case: all lower, all upper, or scrambled.
    pub mixed_case: f64,
    /// The row appears twice.
    pub duplicate_row: f64,
    /// The source's identifier (UPN, NI number, NHS number, person or tenancy reference)
    /// missing from the row; for social care, the person is registered again under a new ID.
    pub id_missing: f64,
}

impl ErrorRates {
    /// No errors at all.
    pub const NONE: ErrorRates = ErrorRates {
        typo: 0.0,
        nickname: 0.0,
        name_swap: 0.0,
        surname_change: 0.0,
        dob_missing: 0.0,
        dob_day_month_swap: 0.0,
        stale_address: 0.0,
        postcode_format: 0.0,
        mixed_case: 0.0,
        duplicate_row: 0.0,
        id_missing: 0.0,
    };
}

/// Error rates for each source. The defaults reflect how carefully each kind of agency
/// records identity: schools and DWP well (they verify identity), police and housing poorly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceErrors {
    /// schools.csv
    pub schools: ErrorRates,
    /// police.csv
    pub police: ErrorRates,
    /// dwp.csv
    pub dwp: ErrorRates,
    /// health.csv
    pub health: ErrorRates,
    /// social_care.xlsx
    pub social_care: ErrorRates,
    /// housing.csv
    pub housing: ErrorRates,
    /// youth_justice.csv
    pub youth_justice: ErrorRates,
}

impl SourceErrors {
    /// No errors in any source (useful to test linkage logic in isolation).
    pub const NONE: SourceErrors = SourceErrors {
        schools: ErrorRates::NONE,
        police: ErrorRates::NONE,
        dwp: ErrorRates::NONE,
        health: ErrorRates::NONE,
        social_care: ErrorRates::NONE,
        housing: ErrorRates::NONE,
        youth_justice: ErrorRates::NONE,
    };
}

impl Default for SourceErrors {
    fn default() -> Self {
        SourceErrors {
            schools: ErrorRates {
                typo: 0.005,
                nickname: 0.01,
                name_swap: 0.001,
                surname_change: 0.03,
                dob_missing: 0.0,
                dob_day_month_swap: 0.002,
                stale_address: 0.25,
                postcode_format: 0.01,
                mixed_case: 0.005,
                duplicate_row: 0.003,
                id_missing: 0.01,
            },
            police: ErrorRates {
                typo: 0.05,
                nickname: 0.10,
                name_swap: 0.02,
                surname_change: 0.08,
                dob_missing: 0.30,
                dob_day_month_swap: 0.02,
                stale_address: 0.35,
                postcode_format: 0.15,
                mixed_case: 0.05,
                duplicate_row: 0.02,
                id_missing: 0.0,
            },
            dwp: ErrorRates {
                typo: 0.008,
                nickname: 0.01,
                name_swap: 0.004,
                surname_change: 0.05,
                dob_missing: 0.0,
                dob_day_month_swap: 0.004,
                stale_address: 0.2,
                postcode_format: 0.03,
                mixed_case: 0.01,
                duplicate_row: 0.01,
                id_missing: 0.03,
            },
            health: ErrorRates {
                typo: 0.02,
                nickname: 0.06,
                name_swap: 0.01,
                surname_change: 0.05,
                dob_missing: 0.02,
                dob_day_month_swap: 0.01,
                stale_address: 0.3,
                postcode_format: 0.1,
                mixed_case: 0.05,
                duplicate_row: 0.02,
                id_missing: 0.12,
            },
            social_care: ErrorRates {
                typo: 0.02,
                nickname: 0.04,
                name_swap: 0.01,
                surname_change: 0.08,
                dob_missing: 0.05,
                dob_day_month_swap: 0.02,
                stale_address: 0.2,
                postcode_format: 0.05,
                mixed_case: 0.03,
                duplicate_row: 0.01,
                id_missing: 0.03,
            },
            housing: ErrorRates {
                typo: 0.02,
                nickname: 0.05,
                name_swap: 0.01,
                surname_change: 0.04,
                dob_missing: 0.4,
                dob_day_month_swap: 0.01,
                stale_address: 0.0,
                postcode_format: 0.1,
                mixed_case: 0.04,
                duplicate_row: 0.01,
                id_missing: 0.01,
            },
            youth_justice: ErrorRates {
                typo: 0.03,
                nickname: 0.06,
                name_swap: 0.02,
                surname_change: 0.06,
                dob_missing: 0.02,
                dob_day_month_swap: 0.02,
                stale_address: 0.2,
                postcode_format: 0.1,
                mixed_case: 0.03,
                duplicate_row: 0.01,
                id_missing: 0.02,
            },
        }
    }
}

/// A kind of recording error, for counting what was injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// See [`ErrorRates::typo`].
    Typo,
    /// See [`ErrorRates::nickname`].
    Nickname,
    /// See [`ErrorRates::name_swap`].
    NameSwap,
    /// See [`ErrorRates::surname_change`].
    SurnameChange,
    /// See [`ErrorRates::dob_missing`].
    DobMissing,
    /// See [`ErrorRates::dob_day_month_swap`].
    DobDayMonthSwap,
    /// See [`ErrorRates::stale_address`].
    StaleAddress,
    /// See [`ErrorRates::postcode_format`].
    PostcodeFormat,
    /// See [`ErrorRates::mixed_case`].
    MixedCase,
    /// See [`ErrorRates::duplicate_row`].
    DuplicateRow,
    /// See [`ErrorRates::id_missing`].
    IdMissing,
}

impl ErrorKind {
    /// Every kind, in order.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::Typo,
        ErrorKind::Nickname,
        ErrorKind::NameSwap,
        ErrorKind::SurnameChange,
        ErrorKind::DobMissing,
        ErrorKind::DobDayMonthSwap,
        ErrorKind::StaleAddress,
        ErrorKind::PostcodeFormat,
        ErrorKind::MixedCase,
        ErrorKind::DuplicateRow,
        ErrorKind::IdMissing,
    ];

    /// snake_case key used in the manifest.
    pub fn key(self) -> &'static str {
        match self {
            ErrorKind::Typo => "typo",
            ErrorKind::Nickname => "nickname",
            ErrorKind::NameSwap => "name_swap",
            ErrorKind::SurnameChange => "surname_change",
            ErrorKind::DobMissing => "dob_missing",
            ErrorKind::DobDayMonthSwap => "dob_day_month_swap",
            ErrorKind::StaleAddress => "stale_address",
            ErrorKind::PostcodeFormat => "postcode_format",
            ErrorKind::MixedCase => "mixed_case",
            ErrorKind::DuplicateRow => "duplicate_row",
            ErrorKind::IdMissing => "id_missing",
        }
    }
}

/// Counts of injected errors, indexed like [`ErrorKind::ALL`].
pub(crate) type ErrorCounts = [usize; 11];

/// What a partner system recorded about a person on one row.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub given: String,
    pub middle: String,
    pub family: String,
    pub dob: Option<NaiveDate>,
    pub address: Address,
    pub postcode: String,
    pub id_present: bool,
}

/// Records `person` as a source would on `date` (their true details on that date, with
/// errors drawn at `rates`).
pub(crate) fn record(
    person: &Person,
    household: &Household,
    geo: &Geography,
    date: NaiveDate,
    rates: &ErrorRates,
    rng: &mut ChaCha8Rng,
    counts: &mut ErrorCounts,
) -> Recorded {
    let hit = |rng: &mut ChaCha8Rng, p: f64| p > 0.0 && rng.random_bool(p.min(1.0));
    let mut given = person.given_name.clone();
    let mut family = person.family_name_on(date).to_string();
    if hit(rng, rates.surname_change) {
        let other = match &person.former_family_name {
            Some((former, _)) if family != *former => Some(former.clone()),
            Some(_) => Some(person.family_name.clone()),
            None => person.alternative_surname.clone(),
        };
        if let Some(o) = other.filter(|o| *o != family) {
            family = o;
            counts[ErrorKind::SurnameChange as usize] += 1;
        }
    }
    if hit(rng, rates.nickname) {
        if let Some(v) = variant_of(rng, &given) {
            given = v.to_string();
            counts[ErrorKind::Nickname as usize] += 1;
        }
    }
    if hit(rng, rates.typo) {
        if rng.random_bool(0.5) {
            given = typo(rng, &given);
        } else {
            family = typo(rng, &family);
        }
        counts[ErrorKind::Typo as usize] += 1;
    }
    if hit(rng, rates.name_swap) {
        std::mem::swap(&mut given, &mut family);
        counts[ErrorKind::NameSwap as usize] += 1;
    }
    if hit(rng, rates.mixed_case) {
        given = odd_case(rng, &given);
        family = odd_case(rng, &family);
        counts[ErrorKind::MixedCase as usize] += 1;
    }
    let mut dob = Some(person.date_of_birth);
    if hit(rng, rates.dob_missing) {
        dob = None;
        counts[ErrorKind::DobMissing as usize] += 1;
    } else if hit(rng, rates.dob_day_month_swap) {
        let d = person.date_of_birth;
        if d.day() <= 12 && d.day() != d.month() {
            dob = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month());
            counts[ErrorKind::DobDayMonthSwap as usize] += 1;
        }
    }
    let mut address_index = household.address_on(date);
    if let Some((old, moved)) = household.moved_from {
        if date >= moved && hit(rng, rates.stale_address) {
            address_index = old;
            counts[ErrorKind::StaleAddress as usize] += 1;
        }
    }
    let address = geo.address(address_index);
    let mut postcode = address.postcode.clone();
    if hit(rng, rates.postcode_format) {
        postcode = match rng.random_range(0..3) {
            0 => postcode.replace(' ', ""),
            1 => postcode.to_lowercase(),
            _ => postcode.replace(' ', "").to_lowercase(),
        };
        counts[ErrorKind::PostcodeFormat as usize] += 1;
    }
    let id_present = !hit(rng, rates.id_missing);
    if !id_present {
        counts[ErrorKind::IdMissing as usize] += 1;
    }
    Recorded {
        given,
        middle: person.middle_names.clone(),
        family,
        dob,
        address,
        postcode,
        id_present,
    }
}

const KEYBOARD: &[&str] = &["qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// One typing slip: insert, delete, substitute (a neighbouring key) or transpose.
pub(crate) fn typo<R: Rng>(rng: &mut R, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        c.push(c.last().copied().unwrap_or('a'));
        return c.into_iter().collect();
    }
    // Leave the first letter alone more often than not, as people do.
    let i = rng.random_range(1..c.len());
    match rng.random_range(0..4) {
        0 => {
            let ch = c[i - 1].to_ascii_lowercase();
            c.insert(
                i,
                if rng.random_bool(0.5) {
                    ch
                } else {
                    neighbour(rng, ch)
                },
            );
        }
        1 => {
            c.remove(i);
        }
        2 => {
            let ch = neighbour(rng, c[i].to_ascii_lowercase());
            c[i] = if c[i].is_uppercase() {
                ch.to_ascii_uppercase()
            } else {
                ch
            };
        }
        _ => {
            if i + 1 < c.len() && c[i] != c[i + 1] {
                c.swap(i, i + 1);
            } else {
                c.swap(i - 1, i);
                if i == 1 {
                    // Keep the initial capital where it was.
                    c[0] = c[0].to_uppercase().next().unwrap_or(c[0]);
                    c[1] = c[1].to_lowercase().next().unwrap_or(c[1]);
                }
            }
        }
    }
    let out: String = c.into_iter().collect();
    if out == s {
        // A transposition of equal letters or a neighbour equal to itself: delete instead.
        let mut c: Vec<char> = s.chars().collect();
        c.remove(c.len() - 1);
        return c.into_iter().collect();
    }
    out
}

fn neighbour<R: Rng>(rng: &mut R, ch: char) -> char {
    for row in KEYBOARD {
        if let Some(p) = row.find(ch) {
            let b = row.as_bytes();
            let q = if p == 0 {
                1
            } else if p + 1 == b.len() || rng.random_bool(0.5) {
                p - 1
            } else {
                p + 1
            };
            return b[q] as char;
        }
    }
    'e'
}

fn odd_case<R: Rng>(rng: &mut R, s: &str) -> String {
    match rng.random_range(0..3) {
        0 => s.to_lowercase(),
        1 => s.to_uppercase(),
        _ => s
            .chars()
            .map(|c| {
                if rng.random_bool(0.5) {
                    c.to_uppercase().next().unwrap_or(c)
                } else {
                    c.to_lowercase().next().unwrap_or(c)
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn typos_always_change_the_name() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for name in ["Smith", "Anna", "Li", "Oliver", "Łukasz", "Hall", "Ann"] {
            for _ in 0..200 {
                let t = typo(&mut rng, name);
                assert_ne!(t, name);
                assert!(!t.is_empty());
            }
        }
    }
}
