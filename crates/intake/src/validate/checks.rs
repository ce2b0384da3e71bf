//! Checks of one field's value: present when required, a real and plausible date, a valid
//! identifier, an attribute of the right type or an allowed value. Each check records what
//! is wrong, with the column and the value, in the row's findings.
//!
//! It does not decide whether the row is kept (the plan does) or assemble the row (see
//! `build`).

use super::field::{formats_text, Attr, DateOrder, Field, Findings, Issue};
use crate::cells::{cell_text, Cell, Row};
use crate::mapping::{AttrType, InvalidIdentifiers, Untranslated};
use crate::summary::Problem;
use crate::values;
use chrono::{Datelike, NaiveDate};
use hearth_model::standardise::dates::{excel_serial_to_date, DateError, DateFormat};
use hearth_model::standardise::placeholder::BirthPlaceholders;
use hearth_model::{AttrValue, IdentifierError};
use std::borrow::Cow;

/// What the field checks need to know beyond the field: the mapping's choice for invalid
/// identifiers, and the range of plausible dates.
#[derive(Debug)]
pub(super) struct Checks {
    pub invalid_identifiers: InvalidIdentifiers,
    /// The day of import: a date of birth after it is in the future.
    pub today: NaiveDate,
    /// The latest plausible date: ten years after the day of import.
    pub latest: NaiveDate,
    /// The earliest plausible date: 1 January 1900.
    pub earliest: NaiveDate,
}

impl Checks {
    /// Text of a single-column field, trimmed; `None` when empty (noting it if required).
    pub fn text<'r, R: Row + ?Sized>(
        &self,
        row: &'r R,
        f: &'r Field,
        findings: &mut Findings,
    ) -> Option<Cow<'r, str>> {
        let c = f.cell(row);
        if c == Cell::Error {
            findings.add(
                f,
                Problem::CellError,
                format!(
                    "{} holds an Excel error value; correct the formula or type the value",
                    f.name
                ),
                "Replace error values (#REF!, #N/A...) with the real value.".into(),
            );
            return None;
        }
        let t = cell_text(&c);
        if t.is_empty() {
            self.missing(f, findings);
            None
        } else {
            Some(t)
        }
    }

    pub fn missing(&self, f: &Field, findings: &mut Findings) {
        if f.required {
            findings.add(
                f,
                Problem::Missing,
                format!("{} is empty, but every row needs it; fill it in", f.name),
                format!("Fill in {} on every row.", f.name),
            );
        }
    }

    pub fn owned<R: Row + ?Sized>(
        &self,
        row: &R,
        f: Option<&Field>,
        findings: &mut Findings,
    ) -> Option<String> {
        f.and_then(|f| self.text(row, f, findings))
            .map(Cow::into_owned)
    }

    pub fn date<R: Row + ?Sized>(
        &self,
        row: &R,
        f: &Field,
        birth: bool,
        findings: &mut Findings,
    ) -> Option<NaiveDate> {
        let c = f.cell(row);
        let fmts = formats_text(&f.formats);
        let parsed = match c {
            Cell::Empty => {
                self.missing(f, findings);
                return None;
            }
            Cell::Text(s) if s.trim().is_empty() => {
                self.missing(f, findings);
                return None;
            }
            Cell::Text(s) if birth && BirthPlaceholders::shipped().is_word(s) => {
                return self.unknown_birth(f, s, findings);
            }
            Cell::Text(s) => {
                let read = DateFormat::first_date(s, &f.formats);
                if let Some(order) = date_order(s, &read, f) {
                    findings.date_order.push((f.name.clone(), order));
                }
                read
            }
            Cell::Date(Some(d)) => Ok(d),
            Cell::Date(None) => Err(DateError::NotReal),
            Cell::Number(v) if f.formats.iter().any(DateFormat::is_excel_serial) => {
                excel_serial_to_date(v).ok_or(DateError::NotReal)
            }
            Cell::Number(_) | Cell::Bool(_) => Err(DateError::Format),
            Cell::Error => {
                self.text(row, f, findings);
                return None;
            }
        };
        let shown = cell_text(&c);
        match parsed {
            Ok(d) if birth && BirthPlaceholders::shipped().is_date(d) => {
                self.unknown_birth(f, &shown, findings)
            }
            Err(DateError::Format) if self.looks_like_serial(&shown, f) => {
                findings.add(
                    f,
                    Problem::DateFormat,
                    format!(
                        "{} \"{shown}\" is not a date in an accepted format; use {fmts} (it looks \
                         like an Excel date number: if the file holds them, add \"excel-serial\" \
                         to the mapping's date_formats)",
                        f.name
                    ),
                    format!(
                        "Write dates as {fmts}, or add \"excel-serial\" to the mapping's \
                         date_formats: these look like Excel date numbers."
                    ),
                );
                None
            }
            Err(DateError::Format) => {
                findings.add(
                    f,
                    Problem::DateFormat,
                    format!(
                        "{} \"{shown}\" is not a date in an accepted format; use {fmts}",
                        f.name
                    ),
                    format!("Write dates as {fmts}."),
                );
                None
            }
            Err(DateError::NotReal) => {
                findings.add(
                    f,
                    Problem::DateNotReal,
                    format!("{} \"{shown}\" is not a real date; use {fmts}", f.name),
                    format!("Correct the day or month (dates are {fmts})."),
                );
                None
            }
            Ok(d) if d < self.earliest || d > self.latest => {
                findings.add(
                    f,
                    Problem::ImplausibleYear,
                    format!(
                        "{} \"{shown}\" has an impossible year ({}); dates must fall between 1900 and {}",
                        f.name,
                        d.year(),
                        self.latest.year()
                    ),
                    "Correct the year (a typing error?).".into(),
                );
                None
            }
            Ok(d) if birth && d > self.today => {
                findings.add(
                    f,
                    Problem::FutureBirth,
                    format!(
                        "{} \"{shown}\" is a date of birth in the future; correct it or leave it empty if unknown",
                        f.name
                    ),
                    "Correct future dates of birth, or leave them empty if unknown.".into(),
                );
                None
            }
            Ok(d) => Some(d),
        }
    }

    /// Whether `text`, not read by `f`'s formats (which lack `%E`), is a number that is a
    /// plausible Excel date (`45123`: 16/07/2023), as a CSV saved from a workbook holds.
    fn looks_like_serial(&self, text: &str, f: &Field) -> bool {
        let t = text.trim();
        !f.formats.iter().any(DateFormat::is_excel_serial)
            && !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && t.parse::<f64>()
                .ok()
                .and_then(excel_serial_to_date)
                .is_some_and(|d| d >= self.earliest && d <= self.latest)
    }

    /// A date of birth written as not known ("N/K", 01/01/1900): none, the row kept with a
    /// warning (or quarantined as empty, where the mapping requires one).
    fn unknown_birth(&self, f: &Field, shown: &str, findings: &mut Findings) -> Option<NaiveDate> {
        if f.required {
            findings.add(
                f,
                Problem::Missing,
                format!(
                    "{} \"{}\" means not known, but every row needs a date of birth; fill it in",
                    f.name,
                    shown.trim()
                ),
                format!("Fill in {} on every row.", f.name),
            );
        } else {
            findings.warn(
                f,
                Problem::BirthPlaceholder,
                format!(
                    "Rows kept without a date of birth: \"N/K\", \"Not known\" and 01/01/1900 in {} mean it is not known.",
                    f.name
                ),
            );
        }
        None
    }

    /// The value `f`'s translation table gives `text` (the text itself without a table).
    /// A value the table does not list quarantines the row, naming the column and the value,
    /// or is kept as written with a warning, as the mapping says.
    pub fn translate<'r>(
        &self,
        f: &Field,
        text: Cow<'r, str>,
        findings: &mut Findings,
    ) -> Option<Cow<'r, str>> {
        let Some(t) = &f.translate else {
            return Some(text);
        };
        if let Some(v) = t.get(&text) {
            return Some(Cow::Owned(v.to_string()));
        }
        let hint = format!(
            "Add the partner's codes to the mapping's `translate` table for {}, or correct them.",
            f.name
        );
        match t.untranslated {
            Untranslated::Quarantine => {
                findings.add(
                    f,
                    Problem::NotInTable,
                    format!(
                        "{} \"{text}\" is not in the mapping's translation table for {}, which \
                         lists {}; add it to the table or correct the value",
                        f.name,
                        f.name,
                        t.accepted()
                    ),
                    hint,
                );
                None
            }
            Untranslated::Keep => {
                findings.warn(f, Problem::KeptUntranslated, hint);
                Some(text)
            }
        }
    }

    /// A derived number (`percent_of`, `subtract_from`) from `a`'s cell and the value of the
    /// attribute it is worked out from (`base`, `None` when that is missing).
    pub fn derived<R: Row + ?Sized>(
        &self,
        row: &R,
        a: &Attr<'_>,
        base: Option<f64>,
        findings: &mut Findings,
    ) -> Option<AttrValue> {
        let f = &a.field;
        // A workbook's number cell is written here with a point, whatever the column's mark.
        let (text, mark) = match f.cell(row) {
            Cell::Number(v) => (Cow::Owned(values::number_text(v)), values::Decimal::Point),
            _ => (self.text(row, f, findings)?, f.decimal),
        };
        let base_name = a.spec.derived_from().unwrap_or_default();
        let cannot = |findings: &mut Findings, why: String| {
            findings.add(
                f,
                Problem::CannotDerive,
                format!("{} \"{text}\": {why}", f.name),
                format!(
                    "Fill in {base_name} wherever {} is given, and check both values.",
                    f.name
                ),
            );
            None
        };
        let Some(base) = base else {
            return cannot(
                findings,
                format!(
                    "{} cannot be worked out because {base_name} is empty",
                    a.name
                ),
            );
        };
        let value = if a.spec.percent_of.is_some() {
            let Some(pct) = values::parse_percentage_in(&text, mark) else {
                let eg = mark.examples("87.5 or 87.5%");
                findings.add(
                    f,
                    Problem::NotAPercentage,
                    format!(
                        "{} \"{text}\" is not a percentage; use a number from 0 to 100, e.g. {eg}",
                        f.name
                    ),
                    format!("Write percentages as numbers from 0 to 100, e.g. {eg}."),
                );
                return None;
            };
            let share = if a.spec.percent_complement {
                100.0 - pct
            } else {
                pct
            };
            base * share / 100.0
        } else {
            let Some(v) = values::parse_number_in(&text, mark) else {
                let eg = mark.examples("12 or 3.5");
                findings.add(
                    f,
                    Problem::NotANumber,
                    format!(
                        "{} \"{text}\" is not a number; use digits only, e.g. {eg}",
                        f.name
                    ),
                    format!("Use digits only, e.g. {eg}."),
                );
                return None;
            };
            if v > base {
                return cannot(
                    findings,
                    format!("more than {base_name} ({})", values::number_text(base)),
                );
            }
            base - v
        };
        // Two decimal places: a share of sessions, not floating-point noise.
        Some(AttrValue::Number((value * 100.0).round() / 100.0))
    }

    pub fn identifier<T, R: Row + ?Sized>(
        &self,
        row: &R,
        f: Option<&Field>,
        parse: fn(&str) -> Result<T, IdentifierError>,
        (label, problem, hint): (&str, Problem, &str),
        findings: &mut Findings,
    ) -> Option<T> {
        let f = f?;
        let text = self.text(row, f, findings)?;
        match parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                let issue = Issue {
                    field: Some(f.name.clone()),
                    problem,
                    reason: format!("{} \"{text}\" is not a valid {label}: {e}", f.name),
                    hint: hint.to_string(),
                };
                match self.invalid_identifiers {
                    InvalidIdentifiers::Quarantine => findings.issues.push(issue),
                    InvalidIdentifiers::Drop => findings.warnings.push(Issue {
                        hint: format!("{hint} (Rows kept without it.)"),
                        ..issue
                    }),
                }
                None
            }
        }
    }

    pub fn attribute<R: Row + ?Sized>(
        &self,
        row: &R,
        a: &Attr<'_>,
        findings: &mut Findings,
    ) -> Option<AttrValue> {
        let f = &a.field;
        let c = f.cell(row);
        match (a.spec.ty, c) {
            (AttrType::Date, _) => {
                return self
                    .date(row, f, false, findings)
                    .map(|d| AttrValue::Text(d.format("%Y-%m-%d").to_string()))
            }
            (AttrType::Number | AttrType::Money, Cell::Number(v)) if f.translate.is_none() => {
                return Some(AttrValue::Number(v))
            }
            (AttrType::Bool, Cell::Bool(b)) if f.translate.is_none() => {
                return Some(AttrValue::Bool(b))
            }
            _ => {}
        }
        let text = self.text(row, f, findings)?;
        let text = self.translate(f, text, findings)?;
        match a.spec.ty {
            AttrType::Text => match &a.allowed {
                None => Some(AttrValue::Text(text.into_owned())),
                Some(allowed) => {
                    let folded = values::fold(&text);
                    match allowed.iter().find(|(l, _)| *l == folded) {
                        Some((_, canonical)) => Some(AttrValue::Text(canonical.to_string())),
                        None => {
                            let list = allowed
                                .iter()
                                .map(|(_, c)| *c)
                                .collect::<Vec<_>>()
                                .join(", ");
                            findings.add(
                                f,
                                Problem::NotAllowed,
                                format!(
                                    "{} \"{text}\" is not one of the allowed values: {list}",
                                    f.name
                                ),
                                format!("Use one of: {list}."),
                            );
                            None
                        }
                    }
                }
            },
            AttrType::Number => values::parse_number_in(&text, f.decimal)
                .map(AttrValue::Number)
                .or_else(|| {
                    let eg = f.decimal.examples("12 or 3.5");
                    findings.add(
                        f,
                        Problem::NotANumber,
                        format!(
                            "{} \"{text}\" is not a number; use digits only, e.g. {eg}",
                            f.name
                        ),
                        format!("Use digits only, e.g. {eg}."),
                    );
                    None
                }),
            AttrType::Money => values::parse_money_in(&text, f.decimal)
                .map(AttrValue::Number)
                .or_else(|| {
                    let eg = f.decimal.examples("1234.50 or £1,234.50");
                    findings.add(
                        f,
                        Problem::NotMoney,
                        format!(
                            "{} \"{text}\" is not an amount of money; write it like {eg}",
                            f.name
                        ),
                        format!("Write amounts like {eg}."),
                    );
                    None
                }),
            AttrType::Bool => values::parse_bool(&text).map(AttrValue::Bool).or_else(|| {
                findings.add(
                    f,
                    Problem::NotYesNo,
                    format!("{} \"{text}\" is not yes or no; use Y or N", f.name),
                    "Use Y or N.".into(),
                );
                None
            }),
            AttrType::Date => None,
        }
    }
}

/// Which way round `text`'s day and month are written, where it shows: read by `f`'s formats
/// with a day above 12 (day first), or read only with day and month swapped (month first,
/// `04/25/2025` under `dd/mm/yyyy`). `None` when it cannot tell (`03/04/2025`), or for
/// formats with a month name.
fn date_order(text: &str, read: &Result<NaiveDate, DateError>, f: &Field) -> Option<DateOrder> {
    if f.swapped.is_empty() {
        return None;
    }
    let swapped = || DateFormat::first_date(text, &f.swapped).is_ok();
    match read {
        Ok(d) if d.day() > 12 && !swapped() => Some(DateOrder::DayFirst),
        Err(_) if swapped() => Some(DateOrder::MonthFirst),
        _ => None,
    }
}
