//! Dates: one strftime-style format grammar for every date a partner writes.
//!
//! A format is a string such as `%d/%m/%Y`, `%d-%b-%Y` or `%Y%m%d`:
//!
//! | directive | matches | e.g. |
//! |-----------|---------|------|
//! | `%d` (or `%e`) | day, one or two digits (exactly two when another directive follows with no separator, as in `%d%m%Y`) | `31`, `1` |
//! | `%m` | month, one or two digits (two when another directive follows directly) | `03`, `3` |
//! | `%b` | month name, abbreviated or in full, any case (English) | `Mar`, `MAR`, `Sept` |
//! | `%B` | month name in full or abbreviated, any case (English) | `March`, `march`, `Mar` |
//! | `%Y` | year, four digits | `2017` |
//! | `%y` | year, two digits: below the pivot (default 30) 20xx, from it 19xx | `17` |
//! | `%E` | an Excel serial day number (1900 date system) | `45123`, `45123.5` |
//! | `%%` | a literal `%` | |
//!
//! Any other character must match itself (a `%` at the very end is a literal `%`); letters
//! match in any case. Mapping files may also use the older names `dd/mm/yyyy`, `yyyy-mm-dd`
//! and `excel-serial`; they mean `%d/%m/%Y`, `%Y-%m-%d` and `%E`. Any other directive is an
//! error naming it when the format is read ([`DateFormat::parse`]).
//!
//! The two-digit-year pivot ([`DateFormat::with_pivot`]) is a mapping's choice: with pivot
//! 30, `29` is 2029 and `30` is 1930.
//!
//! Two readings: [`parse_written`] checks only the shape, so that a typo such as 1945-04-93
//! survives to be compared (linkage); [`DateFormat::date`] also checks that the day exists,
//! and allows a time after the date (intake). This module does not decide which dates are
//! plausible (births in the future, years before 1900): intake does.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

/// The default two-digit-year pivot: `00`–`29` are 20xx, `30`–`99` are 19xx.
pub const DEFAULT_PIVOT: u8 = 30;

/// English month names, in full, lower case; the first three letters are the abbreviation.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a name gives (`Mar`, `MARCH`, `sept`), or `None`.
fn month_from_name(word: &[u8]) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    MONTHS
        .iter()
        .position(|m| {
            let m = m.as_bytes();
            lower == m || lower == m[..3] || (m == b"september" && lower == b"sept")
        })
        .map(|i| i as u32 + 1)
}
/// Why a date did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateError {
    /// The text does not have the format's shape.
    Format,
    /// The shape matched but there is no such day (31/02/2024, month 13, Excel serial 60).
    NotReal,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Format => "not a date in the expected format",
            DateError::NotReal => "not a real date",
        })
    }
}

impl std::error::Error for DateError {}

/// A date as written: year, month and day numbers, not checked against the calendar (month
/// and day are at most 99 since each is at most two digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WrittenDate {
    /// Year (0–9999).
    pub year: u32,
    /// Month as written (0–99).
    pub month: u32,
    /// Day as written (0–99).
    pub day: u32,
}

impl WrittenDate {
    /// The calendar date, if the day exists.
    pub fn to_date(self) -> Result<NaiveDate, DateError> {
        i32::try_from(self.year)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, self.month, self.day))
            .ok_or(DateError::NotReal)
    }

    fn of(d: NaiveDate) -> WrittenDate {
        WrittenDate {
            year: u32::try_from(d.year()).unwrap_or(0),
            month: d.month(),
            day: d.day(),
        }
    }
}

/// Reads `text` (trimmed) by the format string `format` (or an older name for one),
/// checking the shape only (and, for `%E`, that the serial has a date); two-digit years
/// take the default pivot. The format is read as it goes, so nothing is allocated; an
/// unknown directive or a format without a year, month and day gives [`DateError::Format`].
pub fn parse_written(text: &str, format: &str) -> Result<WrittenDate, DateError> {
    parse_written_pivot(text, format, DEFAULT_PIVOT)
}

/// [`parse_written`] with a two-digit-year pivot: `%y` below `pivot` is 20xx, from it 19xx.
pub fn parse_written_pivot(text: &str, format: &str, pivot: u8) -> Result<WrittenDate, DateError> {
    let format = grammar_of(format);
    let t = text.trim();
    let tb = t.as_bytes();
    let fb = format.as_bytes();
    let (mut i, mut k) = (0usize, 0usize);
    let (mut y, mut m, mut d, mut serial) = (None, None, None, None);
    let digits = |i: &mut usize, min: usize, max: usize| -> Result<u32, DateError> {
        let start = *i;
        while *i < tb.len() && *i - start < max && tb[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i - start < min {
            return Err(DateError::Format);
        }
        t[start..*i].parse().map_err(|_| DateError::Format)
    };
    while k < fb.len() {
        if fb[k] == b'%' && k + 1 < fb.len() && fb[k + 1] != b'%' {
            // Another directive straight after this one: a number here has its full width.
            let packed = fb.get(k + 2) == Some(&b'%') && fb.get(k + 3).is_some_and(|c| *c != b'%');
            let narrow = if packed { 2 } else { 1 };
            match fb[k + 1] {
                b'Y' => y = Some(digits(&mut i, 4, 4)?),
                b'y' => {
                    let v = digits(&mut i, 2, 2)?;
                    y = Some(if v < u32::from(pivot) {
                        2000 + v
                    } else {
                        1900 + v
                    });
                }
                b'm' => m = Some(digits(&mut i, narrow, 2)?),
                b'd' | b'e' => d = Some(digits(&mut i, narrow, 2)?),
                b'b' | b'B' => {
                    let start = i;
                    while i < tb.len() && tb[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    m = Some(month_from_name(&tb[start..i]).ok_or(DateError::Format)?);
                }
                b'E' => {
                    let days = digits(&mut i, 1, 7)?;
                    // A fraction is the time of day.
                    if i < tb.len() && tb[i] == b'.' {
                        i += 1;
                        while i < tb.len() && tb[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                    serial = Some(days);
                }
                _ => return Err(DateError::Format),
            }
            k += 2;
        } else {
            // A literal (`%%` is one `%`); letters match in any case.
            let step = if fb[k] == b'%' && k + 1 < fb.len() {
                2
            } else {
                1
            };
            if i >= tb.len() || !tb[i].eq_ignore_ascii_case(&fb[k]) {
                return Err(DateError::Format);
            }
            i += 1;
            k += step;
        }
    }
    if i != tb.len() {
        return Err(DateError::Format);
    }
    match (y, m, d, serial) {
        (Some(year), Some(month), Some(day), None) => Ok(WrittenDate { year, month, day }),
        (None, None, None, Some(days)) => excel_serial_to_date(f64::from(days))
            .map(WrittenDate::of)
            .ok_or(DateError::NotReal),
        _ => Err(DateError::Format),
    }
}

/// The grammar string for one of the older format names, or the format itself.
fn grammar_of(format: &str) -> &str {
    match format {
        "dd/mm/yyyy" => "%d/%m/%Y",
        "yyyy-mm-dd" => "%Y-%m-%d",
        "excel-serial" => "%E",
        _ => format,
    }
}

/// Converts an Excel serial day number (1900 date system) to a date. Serial 60 is Excel's
/// fictitious 29/02/1900 and has no date; so do serials below 1 or past 31/12/9999.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
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

/// The Excel serial day number of a date (1900 date system), for dates after 28/02/1900.
fn date_to_excel_serial(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (d - epoch).num_days()
}

/// A checked date format in the grammar above, e.g. `%d/%m/%Y`.
///
/// Built by [`DateFormat::parse`] (which also takes the older names), so it always has a
/// year, a month and a day, or is `%E` alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateFormat {
    spec: Cow<'static, str>,
    label: Cow<'static, str>,
    pivot: u8,
}

/// A date format string that is not in the grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateFormatError {
    /// The format uses a directive the grammar does not have, e.g. `%q` or `%H`.
    #[error(
        "date format \"{format}\" uses {directive}, which Hearth does not know; use %d, %m, \
         %b (Mar), %B (March), %Y, %y, %E or %% (see the date grammar in MAPPINGS.md)"
    )]
    UnknownDirective {
        /// The format as written.
        format: String,
        /// The directive, e.g. `%q`.
        directive: String,
    },
    /// The format does not give a day, a month and a year once each (and is not `%E` alone).
    #[error(
        "date format \"{0}\" must give the day, the month and the year once each, e.g. \
         \"%d/%m/%Y\" or \"%d-%b-%Y\" (or be \"%E\" alone); the names \"dd/mm/yyyy\", \
         \"yyyy-mm-dd\" and \"excel-serial\" also work"
    )]
    Incomplete(String),
}

impl DateFormat {
    /// UK day first, `31/01/2024` (also `1/2/2024`): `%d/%m/%Y`, once spelt `dd/mm/yyyy`.
    pub const UK: DateFormat = DateFormat {
        spec: Cow::Borrowed("%d/%m/%Y"),
        label: Cow::Borrowed("dd/mm/yyyy"),
        pivot: DEFAULT_PIVOT,
    };
    /// ISO 8601, `2024-01-31`: `%Y-%m-%d`, once spelt `yyyy-mm-dd`.
    pub const ISO: DateFormat = DateFormat {
        spec: Cow::Borrowed("%Y-%m-%d"),
        label: Cow::Borrowed("yyyy-mm-dd"),
        pivot: DEFAULT_PIVOT,
    };
    /// An Excel serial day number such as `45123`: `%E`, once spelt `excel-serial`.
    pub const EXCEL_SERIAL: DateFormat = DateFormat {
        spec: Cow::Borrowed("%E"),
        label: Cow::Borrowed("an Excel date"),
        pivot: DEFAULT_PIVOT,
    };

    /// Reads a format: a grammar string such as `%d.%m.%Y` or `%d-%b-%Y`, or one of the older
    /// names `dd/mm/yyyy`, `yyyy-mm-dd`, `excel-serial`. An unknown directive is named in
    /// the error.
    pub fn parse(spec: &str) -> Result<DateFormat, DateFormatError> {
        match spec {
            "dd/mm/yyyy" => return Ok(DateFormat::UK),
            "yyyy-mm-dd" => return Ok(DateFormat::ISO),
            "excel-serial" => return Ok(DateFormat::EXCEL_SERIAL),
            _ => {}
        }
        let mut label = String::new();
        let (mut years, mut months, mut days, mut serials) = (0, 0, 0, 0);
        let mut chars = spec.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' || chars.peek().is_none() {
                label.push(c);
                continue;
            }
            let (count, shown) = match chars.next() {
                Some('Y') => (&mut years, "yyyy"),
                Some('y') => (&mut years, "yy"),
                Some('m') => (&mut months, "mm"),
                Some('b') => (&mut months, "mmm"),
                Some('B') => (&mut months, "month"),
                Some('d' | 'e') => (&mut days, "dd"),
                Some('E') => (&mut serials, "an Excel date"),
                Some('%') => {
                    label.push('%');
                    continue;
                }
                other => {
                    return Err(DateFormatError::UnknownDirective {
                        format: spec.to_string(),
                        directive: format!("%{}", other.unwrap_or_default()),
                    })
                }
            };
            *count += 1;
            label.push_str(shown);
        }
        let whole_date = (years, months, days, serials) == (1, 1, 1, 0);
        if !whole_date && spec != "%E" {
            return Err(DateFormatError::Incomplete(spec.to_string()));
        }
        Ok(DateFormat {
            spec: Cow::Owned(spec.to_string()),
            label: Cow::Owned(label),
            pivot: DEFAULT_PIVOT,
        })
    }

    /// The same format with another two-digit-year pivot: `%y` below `pivot` is 20xx, from
    /// it 19xx (at most 100: every two-digit year is then 20xx).
    pub fn with_pivot(mut self, pivot: u8) -> DateFormat {
        self.pivot = pivot.min(100);
        self
    }

    /// The two-digit-year pivot (see [`DateFormat::with_pivot`]).
    pub fn pivot(&self) -> u8 {
        self.pivot
    }

    /// The format in the grammar, e.g. `%d/%m/%Y`.
    pub fn as_str(&self) -> &str {
        &self.spec
    }

    /// How the format is shown to a person, e.g. `dd/mm/yyyy`, `dd-mmm-yyyy` or `an Excel
    /// date`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The same format with the day and a numeric month swapped (`%d/%m/%Y` → `%m/%d/%Y`),
    /// for telling a month-first file from a day-first one; `None` when the month is a name
    /// (`%b`, `%B`) or the format is `%E`.
    pub fn month_day_swapped(&self) -> Option<DateFormat> {
        let spec: &str = &self.spec;
        if !spec.contains("%m") || spec.contains("%%") {
            return None;
        }
        let day = ["%d", "%e"].into_iter().find(|d| spec.contains(d))?;
        let swapped = spec
            .replace("%m", "\u{0}")
            .replace(day, "%m")
            .replace('\u{0}', "%d");
        DateFormat::parse(&swapped)
            .ok()
            .map(|f| f.with_pivot(self.pivot))
    }

    /// True for `%E`, the Excel serial day number.
    pub fn is_excel_serial(&self) -> bool {
        self.spec == "%E"
    }

    /// Reads a real date in this format from `text` (trimmed). A time after the date —
    /// ` 10:00`, ` 10:00:00`, and after a year-first format also `T10:00:00` — is ignored;
    /// an Excel serial's fraction is its time.
    pub fn date(&self, text: &str) -> Result<NaiveDate, DateError> {
        let text = text.trim();
        let text = if self.is_excel_serial() {
            text
        } else {
            strip_time(text, self.spec.starts_with("%Y"))
        };
        parse_written_pivot(text, &self.spec, self.pivot)?.to_date()
    }

    /// Writes `date` in this format: days and months with two digits, months named in full
    /// (`%B`) or by three letters (`%b`), years with four (`%Y`) or two (`%y`) digits. What
    /// it writes, [`DateFormat::date`] reads back (for `%y`, when the year is in the pivot's
    /// century window; for `%E`, after 28/02/1900).
    pub fn format(&self, date: NaiveDate) -> String {
        let mut out = String::new();
        let mut chars = self.spec.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' || chars.peek().is_none() {
                out.push(c);
                continue;
            }
            let month = MONTHS[date.month0() as usize];
            match chars.next() {
                Some('Y') => out.push_str(&format!("{:04}", date.year())),
                Some('y') => out.push_str(&format!("{:02}", date.year().rem_euclid(100))),
                Some('m') => out.push_str(&format!("{:02}", date.month())),
                Some('d' | 'e') => out.push_str(&format!("{:02}", date.day())),
                Some('b') => {
                    out.push(month.as_bytes()[0].to_ascii_uppercase() as char);
                    out.push_str(&month[1..3]);
                }
                Some('B') => {
                    out.push(month.as_bytes()[0].to_ascii_uppercase() as char);
                    out.push_str(&month[1..]);
                }
                Some('E') => out.push_str(&date_to_excel_serial(date).to_string()),
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    /// Reads `text` with the first of `formats` whose shape it has. When a shape matched but
    /// the day does not exist, the answer is [`DateError::NotReal`] unless a later format
    /// reads it.
    pub fn first_date(text: &str, formats: &[DateFormat]) -> Result<NaiveDate, DateError> {
        let mut result = Err(DateError::Format);
        for f in formats {
            match f.date(text) {
                Ok(d) => return Ok(d),
                Err(DateError::NotReal) => result = Err(DateError::NotReal),
                Err(DateError::Format) => {}
            }
        }
        result
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

impl<'de> Deserialize<'de> for DateFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DateFormat::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Strips a trailing time such as ` 00:00` or ` 00:00:00` (or `T00:00:00` when `t_sep`),
/// on a 12-hour clock too (` 12:00 PM`, ` 9:30am`). The time is after the first space, or
/// after the last (`31 March 2017 10:00`).
fn strip_time(s: &str, t_sep: bool) -> &str {
    let s = strip_am_pm(s);
    let looks_like_time = |time: &str| {
        !time.is_empty()
            && time
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
            && time.contains(':')
    };
    let cut = s
        .find(' ')
        .or_else(|| if t_sep { s.find('T') } else { None });
    match cut {
        Some(i) if looks_like_time(s[i + 1..].trim()) => &s[..i],
        Some(_) => match s.rfind(' ') {
            Some(j) if looks_like_time(&s[j + 1..]) => s[..j].trim_end(),
            _ => s,
        },
        None => s,
    }
}

/// Strips `AM` or `PM` (any case, with or without a space) after a time with a colon:
/// `3/4/2026 12:00 PM` is `3/4/2026 12:00`. Anything else is left as it is.
fn strip_am_pm(s: &str) -> &str {
    let n = s.len();
    if n < 2 || !s.is_char_boundary(n - 2) {
        return s;
    }
    let (rest, marker) = s.split_at(n - 2);
    if !(marker.eq_ignore_ascii_case("am") || marker.eq_ignore_ascii_case("pm")) {
        return s;
    }
    let rest = rest.trim_end();
    let time = rest.rsplit(' ').next().unwrap_or_default();
    let is_time = rest.contains(' ')
        && time.contains(':')
        && time
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
    if is_time {
        rest
    } else {
        s
    }
}

#[cfg(test)]
mod tests;
