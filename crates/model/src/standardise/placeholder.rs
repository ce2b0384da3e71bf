//! Placeholder addresses and postcodes: what partner systems write when a person has no
//! address ("No fixed abode", "NFA", "Unknown", "Address withheld") or no postcode (the NHS's
//! pseudo-postcodes `ZZ99 3VZ`, `ZZ99 3WZ`…). Such a value is no address at all: never a
//! household's key, never evidence that two records are one person.
//!
//! The shipped list is `data/placeholders.toml` ([`SHIPPED`]), the one list of placeholders:
//! linkage reads its names and dates of birth from the same file (`hearth_linkage::Placeholders`)
//! and may be given a council's own. Matching is on the whole value, ignoring case, spaces and
//! punctuation, so "1 Unknown Lane" is an address. Pure: it reads text it is given.

use super::names::fold;
use crate::Postcode;
use serde::Deserialize;
use std::sync::OnceLock;

/// The shipped list of placeholders, `data/placeholders.toml` (names, dates of birth,
/// addresses and pseudo-postcode districts).
pub const SHIPPED: &str = include_str!("../../data/placeholders.toml");

/// Addresses and postcodes that stand for "no address".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPlaceholders {
    /// Folded addresses (lower-case letters and digits only), sorted.
    addresses: Vec<String>,
    /// Outward codes in upper case (`ZZ99`), sorted.
    districts: Vec<String>,
}

/// A placeholder list that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceholderListError {
    /// Not TOML of the expected shape.
    #[error("not a placeholder list: {0}")]
    Format(String),
    /// A pseudo-postcode district that is not an outward code.
    #[error("pseudo_postcode_districts: \"{0}\" is not an outward code such as ZZ99")]
    District(String),
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    addresses: Vec<String>,
    #[serde(default)]
    pseudo_postcode_districts: Vec<String>,
}

/// Lower-case letters and digits only: "N.F.A." → "nfa".
fn squeeze(s: &str) -> String {
    fold(s).chars().filter(|c| *c != ' ').collect()
}

/// Upper-case letters and digits only.
fn compact(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl AddressPlaceholders {
    /// The lists as written: `addresses` compared whole, ignoring case, spaces and
    /// punctuation; `districts` outward codes (`ZZ99`) whose every postcode is a placeholder.
    pub fn new(
        addresses: &[String],
        districts: &[String],
    ) -> Result<AddressPlaceholders, PlaceholderListError> {
        let mut a: Vec<String> = addresses.iter().map(|s| squeeze(s)).collect();
        a.retain(|s| !s.is_empty());
        a.sort();
        a.dedup();
        let mut d = districts
            .iter()
            .map(|s| {
                let c = compact(s);
                let ok = (2..=4).contains(&c.len())
                    && c.as_bytes()[0].is_ascii_alphabetic()
                    && c.bytes().any(|b| b.is_ascii_digit());
                ok.then_some(c)
                    .ok_or_else(|| PlaceholderListError::District(s.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        d.sort();
        d.dedup();
        Ok(AddressPlaceholders {
            addresses: a,
            districts: d,
        })
    }

    /// Reads the `addresses` and `pseudo_postcode_districts` of a list in the format of
    /// `data/placeholders.toml` (its other keys are linkage's).
    pub fn parse(text: &str) -> Result<AddressPlaceholders, PlaceholderListError> {
        let raw: Raw =
            toml::from_str(text).map_err(|e| PlaceholderListError::Format(e.to_string()))?;
        AddressPlaceholders::new(&raw.addresses, &raw.pseudo_postcode_districts)
    }

    /// The shipped list, read once.
    pub fn shipped() -> &'static AddressPlaceholders {
        static SHIPPED_LIST: OnceLock<AddressPlaceholders> = OnceLock::new();
        SHIPPED_LIST.get_or_init(|| {
            AddressPlaceholders::parse(SHIPPED).unwrap_or_else(|_| AddressPlaceholders::none())
        })
    }

    /// No placeholders: every address and postcode is taken as written.
    pub fn none() -> AddressPlaceholders {
        AddressPlaceholders {
            addresses: Vec::new(),
            districts: Vec::new(),
        }
    }

    /// Whether a postcode is a pseudo-postcode (`ZZ99 3VZ`) or a placeholder written where
    /// the postcode goes ("NFA", "UNKNOWN").
    pub fn is_postcode(&self, text: &str) -> bool {
        self.is_pseudo_postcode(&compact(text)) || self.is_listed(text)
    }

    /// Whether an address means "no address": the whole value, once a postcode written at
    /// its end is set aside, is one of the listed addresses.
    pub fn is_address(&self, text: &str) -> bool {
        if self.addresses.is_empty() {
            return false;
        }
        let folded = fold(text);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        // A postcode at the end (one word or two), real or pseudo, is not part of it.
        for cut in [2, 1] {
            if words.len() > cut {
                let tail = compact(&words[words.len() - cut..].concat());
                if Postcode::parse(&tail).is_ok() || self.is_pseudo_postcode(&tail) {
                    return self.is_listed(&words[..words.len() - cut].concat());
                }
            }
        }
        self.is_listed(&folded)
    }

    /// A compact upper-case code in a pseudo-postcode district: the district and an inward
    /// code of three characters, the first a digit.
    fn is_pseudo_postcode(&self, c: &str) -> bool {
        c.len() > 3 && c.is_ascii() && {
            let (outward, inward) = c.split_at(c.len() - 3);
            inward.as_bytes()[0].is_ascii_digit()
                && self
                    .districts
                    .binary_search_by(|d| d.as_str().cmp(outward))
                    .is_ok()
        }
    }

    fn is_listed(&self, text: &str) -> bool {
        !self.addresses.is_empty() && self.addresses.binary_search(&squeeze(text)).is_ok()
    }
}

impl Default for AddressPlaceholders {
    fn default() -> Self {
        AddressPlaceholders::shipped().clone()
    }
}

/// The address if it is usable as one: not empty and not a placeholder of the shipped list.
pub fn usable_address(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty() && !AddressPlaceholders::shipped().is_address(t)).then_some(t)
}

/// The postcode if it is a real one: a valid UK postcode, not a pseudo-postcode or
/// placeholder of the shipped list (`ZZ99 3WZ` is valid in form but no place).
pub fn usable_postcode(text: &str) -> Option<Postcode> {
    if AddressPlaceholders::shipped().is_postcode(text) {
        return None;
    }
    Postcode::parse(text).ok()
}

/// What partner systems write in a date of birth they do not know: a word of the shipped
/// list's `names` ("N/K", "Not known", "Unknown") or one of its `dates_of_birth`
/// (01/01/1900). Intake reads either as no date of birth, so that a child is not taken for a
/// 125-year-old, nor a police incident lost for want of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BirthPlaceholders {
    /// Folded words (lower-case letters and digits only), sorted.
    words: Vec<String>,
    /// Placeholder dates, sorted.
    dates: Vec<chrono::NaiveDate>,
}

#[derive(Deserialize)]
struct RawBirth {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    dates_of_birth: Vec<String>,
}

impl BirthPlaceholders {
    /// The shipped list's `names` and `dates_of_birth` (yyyy-mm-dd), read once.
    pub fn shipped() -> &'static BirthPlaceholders {
        static SHIPPED_BIRTH: OnceLock<BirthPlaceholders> = OnceLock::new();
        SHIPPED_BIRTH.get_or_init(|| {
            let raw: RawBirth = toml::from_str(SHIPPED).unwrap_or(RawBirth {
                names: Vec::new(),
                dates_of_birth: Vec::new(),
            });
            let mut words: Vec<String> = raw.names.iter().map(|s| squeeze(s)).collect();
            words.retain(|w| !w.is_empty());
            words.sort();
            let mut dates: Vec<chrono::NaiveDate> = raw
                .dates_of_birth
                .iter()
                .filter_map(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                .collect();
            dates.sort();
            BirthPlaceholders { words, dates }
        })
    }

    /// Whether `text`, written where a date of birth goes, means "not known" ("N/K").
    pub fn is_word(&self, text: &str) -> bool {
        let w = squeeze(text);
        !w.is_empty() && self.words.binary_search(&w).is_ok()
    }

    /// Whether `date` is a placeholder date of birth (1900-01-01).
    pub fn is_date(&self, date: chrono::NaiveDate) -> bool {
        self.dates.binary_search(&date).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholder_addresses_are_recognised_whatever_their_case_and_punctuation() {
        let p = AddressPlaceholders::shipped();
        for v in [
            "No Fixed Abode",
            "NO FIXED ABODE",
            "no fixed abode",
            " No fixed abode. ",
            "NFA",
            "N.F.A.",
            "n/f/a",
            "Unknown",
            "NOT KNOWN",
            "Address withheld",
            "Withheld",
            "Refused",
            "None",
            "No address",
            "Homeless",
            "Address withheld, NE4 7QT",
            "Address withheld, ne4 7qt",
            "unknown ne47qt",
            "No fixed abode, ZZ99 3VZ",
        ] {
            assert!(p.is_address(v), "{v}");
        }
        for v in [
            "1 Unknown Lane",
            "Unknown Lane",
            "Homeless Hostel, 4 Mill Road",
            "12 High Street, NE4 7QT",
            "c/o 12 High Street",
            "Nonesuch House",
            "NE4 7QT",
            "",
            "Flat 2",
        ] {
            assert!(!p.is_address(v), "{v}");
        }
        assert!(!AddressPlaceholders::none().is_address("No fixed abode"));
    }

    #[test]
    fn pseudo_postcodes_and_placeholders_are_no_postcode() {
        let p = AddressPlaceholders::shipped();
        for v in [
            "ZZ99 3VZ",
            "zz99 3vz",
            "ZZ993WZ",
            "ZZ99 3CZ",
            "ZZ99 6CZ",
            "ZZ99 1WZ",
            "NFA",
            "N/K",
            "UNKNOWN",
            "Not known",
        ] {
            assert!(p.is_postcode(v), "{v}");
        }
        for v in ["NE4 7QT", "ZZ9 3VZ", "ZZ99", "Z99 3VZ", "M1 1AE", ""] {
            assert!(!p.is_postcode(v), "{v}");
        }
        // ZZ99 3WZ has a valid form, but is no place.
        assert!(Postcode::parse("ZZ99 3WZ").is_ok());
        assert_eq!(usable_postcode("ZZ99 3WZ"), None);
        assert_eq!(
            usable_postcode("ne4 7qt").map(|p| p.as_str().to_owned()),
            Some("NE4 7QT".to_owned())
        );
        assert_eq!(usable_address("  No fixed abode "), None);
        assert_eq!(usable_address(" 1 Unknown Lane "), Some("1 Unknown Lane"));
    }

    #[test]
    fn a_bad_list_is_named() {
        let e = AddressPlaceholders::parse("pseudo_postcode_districts = [\"99\"]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "pseudo_postcode_districts: \"99\" is not an outward code such as ZZ99"
        );
        assert!(AddressPlaceholders::parse("addresses = 1").is_err());
        let own = AddressPlaceholders::parse("addresses = [\"Care of the council\"]").unwrap();
        assert!(own.is_address("CARE OF THE COUNCIL"));
        assert!(!own.is_address("No fixed abode"));
        assert!(!own.is_postcode("ZZ99 3VZ"));
    }

    #[test]
    fn unknown_dates_of_birth_are_recognised() {
        let p = BirthPlaceholders::shipped();
        for v in ["N/K", "n/k", "NK", "Not known", "NOT KNOWN", " unknown "] {
            assert!(p.is_word(v), "{v}");
        }
        for v in ["", "01/01/1900", "12/05/2012", "Known"] {
            assert!(!p.is_word(v), "{v}");
        }
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(p.is_date(d(1900, 1, 1)));
        assert!(!p.is_date(d(1900, 1, 2)));
        assert!(!p.is_date(d(2012, 5, 12)));
    }

    proptest! {
        #[test]
        fn recognition_never_panics(s in "\\PC{0,40}") {
            let p = AddressPlaceholders::shipped();
            let _ = p.is_address(&s);
            let _ = p.is_postcode(&s);
            let _ = usable_postcode(&s);
            if let Some(a) = usable_address(&s) {
                prop_assert!(!a.is_empty());
            }
        }
    }
}
