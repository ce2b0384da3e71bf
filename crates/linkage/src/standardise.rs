//! Linkage's own preparation of standardised values: the forename equivalence table
//! (nicknames), postcodes with a sector and district for blocking (also for non-UK codes),
//! and dates of birth packed as written.
//!
//! The normalisation itself — folding, titles, whole names, addresses, the date-format
//! grammar — is `hearth_model::standardise`, shared with intake and households; this module
//! only adapts it for the comparison loop. Every function here is total and pure.

use hearth_model::standardise::dates::parse_written;
use hearth_model::standardise::names::fold;
use std::collections::HashMap;

/// The forename equivalence table (nicknames, diminutives, spelling variants).
#[derive(Debug, Clone, Default)]
pub struct Nicknames {
    groups_of: HashMap<String, Vec<u32>>,
    canonical: Vec<String>,
}

/// The shipped table, `data/nicknames.csv`.
pub const DEFAULT_NICKNAMES: &str = include_str!("../data/nicknames.csv");

impl Nicknames {
    /// Parses the CSV-like table: one group per line, the first name canonical; `#` comments.
    pub fn parse(text: &str) -> Nicknames {
        let mut t = Nicknames::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let names: Vec<String> = line
                .split(',')
                .map(fold)
                .filter(|n| !n.is_empty())
                .collect();
            if names.len() < 2 {
                continue;
            }
            let g = t.canonical.len() as u32;
            t.canonical.push(names[0].clone());
            for n in names {
                let e = t.groups_of.entry(n).or_default();
                if !e.contains(&g) {
                    e.push(g);
                }
            }
        }
        t
    }

    /// The shipped default table.
    pub fn shipped() -> Nicknames {
        Nicknames::parse(DEFAULT_NICKNAMES)
    }

    /// Groups a folded name belongs to (empty if none).
    pub fn groups(&self, name: &str) -> &[u32] {
        self.groups_of.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The canonical form used for blocking: the first group's canonical name, or the name.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        match self.groups(name).first() {
            Some(&g) => &self.canonical[g as usize],
            None => name,
        }
    }

    /// True when two folded names share a group.
    pub fn equivalent(&self, a: &str, b: &str) -> bool {
        let ga = self.groups(a);
        let gb = self.groups(b);
        ga.iter().any(|g| gb.contains(g))
    }
}

/// A standardised UK postcode (or, for non-UK codes, the compact upper-case text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdPostcode {
    /// Full code, e.g. `SW1A 1AA` (or compact text when not a valid UK postcode).
    pub full: String,
    /// Sector, e.g. `SW1A 1`; empty when not a valid UK postcode.
    pub sector: String,
    /// District, e.g. `SW1A`; for other codes their first two characters.
    pub district: String,
}

/// Normalises a postcode: valid UK postcodes get their sector and district (via
/// `hearth_model::Postcode`); anything else is kept compact for exact/typo comparison.
pub fn postcode(text: &str) -> Option<StdPostcode> {
    match hearth_model::Postcode::parse(text) {
        Ok(p) => Some(StdPostcode {
            full: p.as_str().to_owned(),
            sector: p.sector().to_owned(),
            district: p.district().to_owned(),
        }),
        Err(_) => {
            let c: String = text
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            // Not a UK postcode (e.g. FEBRL's Australian codes): keep it whole, and take its
            // first two characters as a coarse district (postal codes are hierarchical left
            // to right almost everywhere). No sector.
            let district = if c.len() > 2 {
                c[..2].to_owned()
            } else {
                String::new()
            };
            (!c.is_empty()).then_some(StdPostcode {
                full: c,
                sector: String::new(),
                district,
            })
        }
    }
}

/// A date of birth kept as written, packed `yyyymmdd` (not calendar-checked, so that a typo
/// such as 1945-04-93 still compares with 1945-04-03). `0` means missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dob(pub u32);

impl Dob {
    /// From year, month and day numbers (month and day up to 99).
    pub fn from_ymd(y: u32, m: u32, d: u32) -> Dob {
        Dob(y.min(9999) * 10000 + m.min(99) * 100 + d.min(99))
    }
    /// Year.
    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    /// Month.
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    /// Day.
    pub fn day(self) -> u32 {
        self.0 % 100
    }
    /// True when missing.
    pub fn is_missing(self) -> bool {
        self.0 == 0
    }
    /// The date with day and month ordered (for blocking that tolerates day/month swaps).
    pub fn unordered(self) -> u32 {
        let (a, b) = (self.month().min(self.day()), self.month().max(self.day()));
        self.year() * 10000 + a * 100 + b
    }
}

/// Error parsing a date against a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormatError;

/// Parses a date of birth by a format in the one date grammar
/// (`hearth_model::standardise::dates`: `%Y`, `%y`, `%m`, `%d`/`%e`, `%E`; the older names
/// `dd/mm/yyyy`, `yyyy-mm-dd`, `excel-serial` also work). Empty text gives `Ok(None)`. Only
/// the shape is checked (and month/day within 0..=99), so calendar-invalid typos survive for
/// comparison; year 0 is an error.
pub fn parse_dob(text: &str, format: &str) -> Result<Option<Dob>, DateFormatError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_written(text, format) {
        Ok(w) if w.year > 0 => Ok(Some(Dob::from_ymd(w.year, w.month, w.day))),
        _ => Err(DateFormatError),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_shipped_groups() {
        let t = Nicknames::shipped();
        assert!(t.equivalent("bill", "william"));
        assert!(t.equivalent("liam", "will"));
        assert!(t.equivalent("liz", "beth"));
        assert!(t.equivalent("muhammad", "mohamed"));
        assert!(t.equivalent("kate", "catherine"));
        assert!(!t.equivalent("john", "william"));
        assert_eq!(t.canonical("billy"), "william");
        assert_eq!(t.canonical("zzz"), "zzz");
    }

    #[test]
    fn postcodes_normalise() {
        let p = postcode("sw1a1aa").unwrap();
        assert_eq!(
            (p.full.as_str(), p.sector.as_str(), p.district.as_str()),
            ("SW1A 1AA", "SW1A 1", "SW1A")
        );
        let p = postcode("4223").unwrap();
        assert_eq!(
            (p.full.as_str(), p.sector.as_str(), p.district.as_str()),
            ("4223", "", "42")
        );
        assert_eq!(postcode(" - "), None);
    }

    #[test]
    fn dates_parse_by_format() {
        assert_eq!(parse_dob("19151111", "%Y%m%d"), Ok(Some(Dob(19151111))));
        assert_eq!(parse_dob("03/04/2012", "%d/%m/%Y"), Ok(Some(Dob(20120403))));
        assert_eq!(parse_dob("2012-04-03", "%Y-%m-%d"), Ok(Some(Dob(20120403))));
        assert_eq!(parse_dob("", "%Y-%m-%d"), Ok(None));
        assert_eq!(parse_dob("19450493", "%Y%m%d"), Ok(Some(Dob(19450493))));
        assert_eq!(parse_dob("2012-04-03", "%d/%m/%Y"), Err(DateFormatError));
        assert_eq!(parse_dob("3/4/12", "%d/%m/%y"), Ok(Some(Dob(20120403))));
        assert_eq!(Dob(20120403).unordered(), Dob(20120304).unordered());
        // The one grammar: intake's names for formats, and Excel serials, work here too.
        assert_eq!(
            parse_dob("03/04/2012", "dd/mm/yyyy"),
            Ok(Some(Dob(20120403)))
        );
        assert_eq!(parse_dob("45123", "%E"), Ok(Some(Dob(20230716))));
        assert_eq!(parse_dob("03/04/0000", "%d/%m/%Y"), Err(DateFormatError));
    }

    proptest::proptest! {
        #[test]
        fn normalisers_never_panic(s in "\\PC{0,40}") {
            let _ = postcode(&s);
            let _ = parse_dob(&s, "%d/%m/%Y");
            let _ = parse_dob("01/01/2000", &s);
            let _ = Nicknames::parse(&s);
        }

        #[test]
        fn dobs_keep_what_was_written(y in 1u32..=9999, m in 0u32..=99, d in 0u32..=99) {
            let text = format!("{y:04}{m:02}{d:02}");
            proptest::prop_assert_eq!(parse_dob(&text, "%Y%m%d"), Ok(Some(Dob::from_ymd(y, m, d))));
            proptest::prop_assert_eq!(Dob::from_ymd(y, m, d).0.to_string().parse::<u32>().ok(), text.parse().ok());
        }
    }
}
