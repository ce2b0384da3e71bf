//! Parsers for the values partner files hold: dates, numbers, money, yes/no flags and whole
//! names. Pure functions over `&str`; none of them panics on any input.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::fmt;

/// A date format a mapping can accept for a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum DateFormat {
    /// UK day first: `31/01/2024`, also `1/2/2024`. A time after a space is ignored.
    #[serde(rename = "dd/mm/yyyy")]
    Uk,
    /// ISO 8601: `2024-01-31`. A time after `T` or a space is ignored.
    #[serde(rename = "yyyy-mm-dd")]
    Iso,
    /// An Excel serial day number such as `45123` (1900 date system), as text in a CSV file or
    /// as a number cell in a workbook. Date-formatted workbook cells are always accepted.
    #[serde(rename = "excel-serial")]
    ExcelSerial,
}

impl DateFormat {
    /// How the format is written in mapping files and in fix hints.
    pub fn label(self) -> &'static str {
        match self {
            DateFormat::Uk => "dd/mm/yyyy",
            DateFormat::Iso => "yyyy-mm-dd",
            DateFormat::ExcelSerial => "an Excel date",
        }
    }
}

/// Why a date did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not in any accepted format.
    Format,
    /// In an accepted format but no such day (31/02/2024, month 13).
    NotReal,
}

/// Parses `s` with the first of `formats` whose shape it has.
pub(crate) fn parse_date(s: &str, formats: &[DateFormat]) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    let mut result = Err(DateError::Format);
    for f in formats {
        let r = match f {
            DateFormat::Uk => parse_uk(s),
            DateFormat::Iso => parse_iso(s),
            DateFormat::ExcelSerial => parse_serial_text(s),
        };
        match r {
            Ok(d) => return Ok(d),
            // The shape matched but the day does not exist: remember, but let a later format
            // have its go (it cannot match the same shape, so this is the final answer).
            Err(DateError::NotReal) => result = Err(DateError::NotReal),
            Err(DateError::Format) => {}
        }
    }
    result
}

/// Strips a trailing time such as ` 00:00` or ` 00:00:00` (or `T00:00:00` for ISO).
fn strip_time(s: &str, iso: bool) -> &str {
    let cut = s.find(' ').or_else(|| if iso { s.find('T') } else { None });
    match cut {
        Some(i) => {
            let time = s[i + 1..].trim();
            let looks_like_time = !time.is_empty()
                && time
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
                && time.contains(':');
            if looks_like_time {
                &s[..i]
            } else {
                s
            }
        }
        None => s,
    }
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(y: u32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or(DateError::NotReal)
}

fn parse_uk(s: &str) -> Result<NaiveDate, DateError> {
    let s = strip_time(s, false);
    let mut parts = s.split('/');
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Format);
    };
    match (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4)) {
        (Some(d), Some(m), Some(y)) => ymd(y, m, d),
        _ => Err(DateError::Format),
    }
}

fn parse_iso(s: &str) -> Result<NaiveDate, DateError> {
    let s = strip_time(s, true);
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Format);
    };
    match (digits(y, 4, 4), digits(m, 1, 2), digits(d, 1, 2)) {
        (Some(y), Some(m), Some(d)) => ymd(y, m, d),
        _ => Err(DateError::Format),
    }
}

fn parse_serial_text(s: &str) -> Result<NaiveDate, DateError> {
    // Whole days only, optionally with a fraction for the time of day.
    let int_part = s.split('.').next().unwrap_or("");
    let frac_ok = s
        .split_once('.')
        .is_none_or(|(_, f)| f.bytes().all(|b| b.is_ascii_digit()));
    if !frac_ok {
        return Err(DateError::Format);
    }
    match digits(int_part, 1, 7) {
        Some(n) => excel_serial_to_date(f64::from(n)).ok_or(DateError::NotReal),
        None => Err(DateError::Format),
    }
}

/// Converts an Excel serial day number (1900 date system) to a date. Serial 60 is Excel's
/// fictitious 29/02/1900 and has no date; so do serials below 1 or past 31/12/9999.
pub(crate) fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = match days {
        60 => return None,
        // Before Excel's phantom leap day the epoch is one day later.
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    epoch.checked_add_days(chrono::Days::new(days as u64))
}

/// Converts a date to its Excel serial day number (1900 date system). Used by tests and the
/// synthetic generator's checks.
#[cfg(test)]
pub(crate) fn date_to_excel_serial(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch");
    (d - epoch).num_days()
}

/// Parses a count or measure: `12`, `-3`, `3.5`, `1,234` (thousands commas are allowed).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let cleaned;
    let s = if s.contains(',') {
        if !thousands_ok(s) {
            return None;
        }
        cleaned = s.replace(',', "");
        cleaned.as_str()
    } else {
        s
    };
    // Rust's float parser accepts "inf", "NaN" and exponents; partner files mean none of them.
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// True if the commas in `s` separate groups of three digits before any decimal point.
fn thousands_ok(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '+']);
    let int = s.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && !s.split_once('.').is_some_and(|(_, f)| f.contains(','))
}

/// Parses an amount of money in pounds: `£1,234.50`, `1234.5`, `0.00`, `-£12.00`, `(12.00)`,
/// `GBP 12`. Returns pounds as a number.
pub(crate) fn parse_money(s: &str) -> Option<f64> {
    let mut s = s.trim();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return None;
        }
        negative = true;
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix('£').or_else(|| s.strip_prefix("GBP")) {
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return None;
        }
        negative = true;
        s = rest;
    }
    if s.is_empty() || s.starts_with(['+', '-']) {
        return None;
    }
    // At most two decimal places: pence.
    if s.split_once('.')
        .is_some_and(|(_, p)| p.is_empty() || p.len() > 2)
    {
        return None;
    }
    let v = parse_number(s)?;
    Some(if negative { -v } else { v })
}

/// Parses a yes/no flag: `Y`/`N`, `Yes`/`No`, `True`/`False`, `1`/`0`, any case.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "t" | "1" => Some(true),
        "n" | "no" | "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// How a source writes a whole name in one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePattern {
    /// `Forename [Middle names] Surname`, e.g. `Amy Jane Smith`.
    ForenameSurname,
    /// `SURNAME, Forename [Middle names]`, e.g. `SMITH, Amy Jane`.
    SurnameCommaForename,
    /// `Surname Forename [Middle names]` without a comma, e.g. `Smith Amy`.
    SurnameForename,
}

impl NamePattern {
    /// The spellings a mapping file may use.
    pub const SPELLINGS: &'static [&'static str] =
        &["Forename Surname", "SURNAME, Forename", "Surname Forename"];

    pub(crate) fn from_spelling(s: &str) -> Option<NamePattern> {
        let norm: String = s
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
        match norm.as_str() {
            "forename surname" | "given family" => Some(NamePattern::ForenameSurname),
            "surname, forename" | "family, given" => Some(NamePattern::SurnameCommaForename),
            "surname forename" | "family given" => Some(NamePattern::SurnameForename),
            _ => None,
        }
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NamePattern::ForenameSurname => "Forename Surname",
            NamePattern::SurnameCommaForename => "SURNAME, Forename",
            NamePattern::SurnameForename => "Surname Forename",
        })
    }
}

/// A whole name split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitName {
    pub given: String,
    pub middle: Option<String>,
    pub family: String,
}

/// Splits a whole name by `pattern`; `None` when the name does not have that shape (one word
/// only, or no comma where one is expected).
pub(crate) fn split_name(s: &str, pattern: NamePattern) -> Option<SplitName> {
    let join = |w: &[&str]| (!w.is_empty()).then(|| w.join(" "));
    match pattern {
        NamePattern::ForenameSurname | NamePattern::SurnameForename => {
            let words: Vec<&str> = s.split_whitespace().collect();
            if words.len() < 2 {
                return None;
            }
            if pattern == NamePattern::ForenameSurname {
                Some(SplitName {
                    given: words[0].to_string(),
                    middle: join(&words[1..words.len() - 1]),
                    family: words[words.len() - 1].to_string(),
                })
            } else {
                Some(SplitName {
                    given: words[1].to_string(),
                    middle: join(&words[2..]),
                    family: words[0].to_string(),
                })
            }
        }
        NamePattern::SurnameCommaForename => {
            let (family, rest) = s.split_once(',')?;
            let family = family.split_whitespace().collect::<Vec<_>>().join(" ");
            let words: Vec<&str> = rest.split_whitespace().collect();
            if family.is_empty() || words.is_empty() {
                return None;
            }
            Some(SplitName {
                given: words[0].to_string(),
                middle: join(&words[1..]),
                family,
            })
        }
    }
}

/// Formats a workbook number as the text a person sees: `12345`, not `12345.0`.
pub(crate) fn number_text(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The year of a date, for messages.
pub(crate) fn year(d: NaiveDate) -> i32 {
    d.year()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: &[DateFormat] = &[DateFormat::Uk, DateFormat::Iso, DateFormat::ExcelSerial];

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn uk_dates() {
        assert_eq!(
            parse_date("31/01/2024", &[DateFormat::Uk]),
            Ok(d(2024, 1, 31))
        );
        assert_eq!(
            parse_date(" 1/2/2024 ", &[DateFormat::Uk]),
            Ok(d(2024, 2, 1))
        );
        assert_eq!(
            parse_date("01/02/2024 00:00:00", &[DateFormat::Uk]),
            Ok(d(2024, 2, 1))
        );
        assert_eq!(
            parse_date("31/02/2024", &[DateFormat::Uk]),
            Err(DateError::NotReal)
        );
        assert_eq!(
            parse_date("29/02/2023", &[DateFormat::Uk]),
            Err(DateError::NotReal)
        );
        assert_eq!(
            parse_date("29/02/2024", &[DateFormat::Uk]),
            Ok(d(2024, 2, 29))
        );
        assert_eq!(
            parse_date("01/13/2024", &[DateFormat::Uk]),
            Err(DateError::NotReal)
        );
        assert_eq!(
            parse_date("01/02/24", &[DateFormat::Uk]),
            Err(DateError::Format)
        );
        assert_eq!(
            parse_date("2024-01-31", &[DateFormat::Uk]),
            Err(DateError::Format)
        );
        assert_eq!(parse_date("", &[DateFormat::Uk]), Err(DateError::Format));
    }

    #[test]
    fn iso_and_serial_dates() {
        assert_eq!(
            parse_date("2024-01-31", &[DateFormat::Iso]),
            Ok(d(2024, 1, 31))
        );
        assert_eq!(
            parse_date("2024-01-31T10:00:00", &[DateFormat::Iso]),
            Ok(d(2024, 1, 31))
        );
        assert_eq!(
            parse_date("2023-02-29", &[DateFormat::Iso]),
            Err(DateError::NotReal)
        );
        assert_eq!(
            parse_date("45123", &[DateFormat::ExcelSerial]),
            Ok(d(2023, 7, 16))
        );
        assert_eq!(
            parse_date("45123.5", &[DateFormat::ExcelSerial]),
            Ok(d(2023, 7, 16))
        );
        assert_eq!(
            parse_date("45123", &[DateFormat::Uk]),
            Err(DateError::Format)
        );
        // Mixed formats in one column.
        for s in ["16/07/2023", "2023-07-16", "45123"] {
            assert_eq!(parse_date(s, ALL), Ok(d(2023, 7, 16)), "{s}");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_to_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_to_date(60.0), None);
        assert_eq!(excel_serial_to_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(0.0), None);
        assert_eq!(excel_serial_to_date(f64::NAN), None);
        assert_eq!(date_to_excel_serial(d(2023, 7, 16)), 45123);
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number(" 3.5 "), Some(3.5));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("1,23"), None);
        assert_eq!(parse_number("1O"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("1e5"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_money("£1,234.50"), Some(1234.5));
        assert_eq!(parse_money("0.00"), Some(0.0));
        assert_eq!(parse_money("-£12.00"), Some(-12.0));
        assert_eq!(parse_money("£-12.00"), Some(-12.0));
        assert_eq!(parse_money("(12.00)"), Some(-12.0));
        assert_eq!(parse_money("GBP 12"), Some(12.0));
        assert_eq!(parse_money("£1.234,50"), None);
        assert_eq!(parse_money("12.345"), None);
        assert_eq!(parse_money("£"), None);
        assert_eq!(parse_money("--1"), None);
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("Y"), Some(true));
        assert_eq!(parse_bool("no"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn names() {
        let n = split_name("Amy Jane Smith", NamePattern::ForenameSurname).unwrap();
        assert_eq!(
            (n.given.as_str(), n.middle.as_deref(), n.family.as_str()),
            ("Amy", Some("Jane"), "Smith")
        );
        let n = split_name("SMITH, Amy", NamePattern::SurnameCommaForename).unwrap();
        assert_eq!(
            (n.given.as_str(), n.middle, n.family.as_str()),
            ("Amy", None, "SMITH")
        );
        let n = split_name("VAN DER BERG, Amy Jo", NamePattern::SurnameCommaForename).unwrap();
        assert_eq!(n.family, "VAN DER BERG");
        assert_eq!(split_name("SMITH", NamePattern::SurnameCommaForename), None);
        assert_eq!(split_name("Amy", NamePattern::ForenameSurname), None);
        assert_eq!(NamePattern::from_spelling("surname forname"), None);
        assert_eq!(
            NamePattern::from_spelling("SURNAME, Forename"),
            Some(NamePattern::SurnameCommaForename)
        );
        assert_eq!(number_text(12345.0), "12345");
        assert_eq!(number_text(1.5), "1.5");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_date(&s, ALL);
            let _ = parse_number(&s);
            let _ = parse_money(&s);
            let _ = parse_bool(&s);
            for p in [NamePattern::ForenameSurname, NamePattern::SurnameCommaForename, NamePattern::SurnameForename] {
                let _ = split_name(&s, p);
            }
        }

        #[test]
        fn uk_dates_round_trip(days in 0i64..80_000) {
            let date = d(1900, 1, 1) + chrono::Days::new(days as u64);
            let uk = date.format("%d/%m/%Y").to_string();
            let iso = date.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse_date(&uk, ALL), Ok(date));
            prop_assert_eq!(parse_date(&iso, ALL), Ok(date));
            if date > d(1900, 3, 1) {
                prop_assert_eq!(excel_serial_to_date(date_to_excel_serial(date) as f64), Some(date));
            }
        }

        #[test]
        fn serials_never_panic(v in proptest::num::f64::ANY) {
            let _ = excel_serial_to_date(v);
            let _ = number_text(v);
        }
    }
}
