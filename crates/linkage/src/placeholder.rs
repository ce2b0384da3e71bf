//! Placeholder values (`"NOT KNOWN"`, 01/01/1900, "No fixed abode", `ZZ99 3VZ`): what
//! partner systems write when they do not know a name, date of birth, address or postcode.
//! [`Placeholders`] says which values count as missing; the shipped list is the one Hearth
//! list, `hearth_model`'s `data/placeholders.toml` (intake and households read its addresses
//! and postcodes too), which a council may replace. Pure: it reads text it is given, never a
//! file.

use crate::standardise::{parse_dob, Dob};
use hearth_model::standardise::placeholder::{AddressPlaceholders, SHIPPED};
use serde::Deserialize;

/// The shipped list, `hearth_model`'s `data/placeholders.toml`.
pub const DEFAULT_PLACEHOLDERS: &str = SHIPPED;

/// Names, dates of birth, addresses and postcodes that stand for "not known" and are treated
/// as missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    /// Folded names (lower-case letters and digits only).
    names: Vec<String>,
    /// Packed `yyyymmdd` dates.
    dates: Vec<u32>,
    /// Addresses meaning "no address", and pseudo-postcodes.
    addresses: AddressPlaceholders,
}

/// A placeholder list that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlaceholderError {
    /// Not TOML of the expected shape.
    #[error("not a placeholder list: {0}")]
    Format(String),
    /// A date that is not `yyyy-mm-dd`.
    #[error("dates_of_birth: \"{0}\" is not a date written yyyy-mm-dd")]
    Date(String),
    /// An address or postcode entry that cannot be used.
    #[error(transparent)]
    Address(#[from] hearth_model::standardise::placeholder::PlaceholderListError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    dates_of_birth: Vec<String>,
    #[serde(default)]
    addresses: Vec<String>,
    #[serde(default)]
    pseudo_postcode_districts: Vec<String>,
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Placeholders {
    /// Parses a list in the format of `data/placeholders.toml`.
    pub fn parse(text: &str) -> Result<Placeholders, PlaceholderError> {
        let raw: Raw = toml::from_str(text).map_err(|e| PlaceholderError::Format(e.to_string()))?;
        let mut names: Vec<String> = raw.names.iter().map(|n| fold(n)).collect();
        names.retain(|n| !n.is_empty());
        names.sort();
        names.dedup();
        let mut dates = raw
            .dates_of_birth
            .iter()
            .map(|d| match parse_dob(d, "%Y-%m-%d") {
                Ok(Some(Dob(x))) => Ok(x),
                _ => Err(PlaceholderError::Date(d.clone())),
            })
            .collect::<Result<Vec<u32>, _>>()?;
        dates.sort_unstable();
        dates.dedup();
        let addresses = AddressPlaceholders::new(&raw.addresses, &raw.pseudo_postcode_districts)?;
        Ok(Placeholders {
            names,
            dates,
            addresses,
        })
    }

    /// The shipped list.
    pub fn shipped() -> Placeholders {
        Placeholders::parse(DEFAULT_PLACEHOLDERS).unwrap_or_else(|_| Placeholders::none())
    }

    /// No placeholders: every value is taken as written.
    pub fn none() -> Placeholders {
        Placeholders {
            names: Vec::new(),
            dates: Vec::new(),
            addresses: AddressPlaceholders::none(),
        }
    }

    /// Whether a name field's value is a placeholder.
    pub fn is_name(&self, value: &str) -> bool {
        !self.names.is_empty() && self.names.binary_search(&fold(value)).is_ok()
    }

    /// Whether a date of birth is a placeholder.
    pub fn is_date(&self, dob: Dob) -> bool {
        self.dates.binary_search(&dob.0).is_ok()
    }

    /// Whether an address means "no address" ("No fixed abode", "Address withheld, NE4 7QT").
    pub fn is_address(&self, value: &str) -> bool {
        self.addresses.is_address(value)
    }

    /// Whether a postcode is a pseudo-postcode (`ZZ99 3VZ`) or a placeholder ("NFA").
    pub fn is_postcode(&self, value: &str) -> bool {
        self.addresses.is_postcode(value)
    }
}

impl Default for Placeholders {
    fn default() -> Self {
        Placeholders::shipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_ignores_case_spaces_and_punctuation() {
        let p = Placeholders::shipped();
        assert!(p.names.len() > 10);
        for v in ["NOT KNOWN", "Not Known", "N/K", "nk", "UNKNOWN", " Baby "] {
            assert!(p.is_name(v), "{v}");
        }
        for v in ["Smith", "Nkechi", "Known", ""] {
            assert!(!p.is_name(v), "{v}");
        }
        assert!(p.is_date(Dob::from_ymd(1900, 1, 1)));
        assert!(!p.is_date(Dob::from_ymd(1900, 1, 2)));
        for v in [
            "No fixed abode",
            "N.F.A.",
            "Address withheld, NE4 7QT",
            "Unknown",
        ] {
            assert!(p.is_address(v), "{v}");
        }
        assert!(!p.is_address("1 Unknown Lane"));
        assert!(p.is_postcode("ZZ99 3VZ") && p.is_postcode("NFA") && !p.is_postcode("NE4 7QT"));
        let none = Placeholders::none();
        assert!(!none.is_address("No fixed abode") && !none.is_postcode("ZZ99 3VZ"));
    }

    #[test]
    fn a_bad_date_is_named() {
        let e = Placeholders::parse("dates_of_birth = [\"01/01/1900\"]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "dates_of_birth: \"01/01/1900\" is not a date written yyyy-mm-dd"
        );
        assert!(Placeholders::parse("nmes = []").is_err());
    }
}
