//! Assembling a row: the identity (who it is about) and the fact (what happened) from the
//! checked fields, splitting a whole name by its pattern.
//!
//! The value checks themselves live in `checks`; keeping or quarantining the row is the
//! plan's.

use super::checks::Checks;
use super::field::{Attr, Field, Findings, Issue};
use crate::cells::{cell_text, Row};
use crate::mapping::NameOrder;
use crate::summary::Problem;
use chrono::NaiveDate;
use hearth_model::standardise::address::split_postcode;
use hearth_model::standardise::names::{
    split_detected, split_whole_name, strip_titles, NamePattern, WholeName,
};
use hearth_model::standardise::placeholder::{AddressPlaceholders, BirthPlaceholders};
use hearth_model::{AttrValue, Fact, Identity, NhsNumber, NiNumber, Postcode, Sex, Upn};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The mapped fields of one file, resolved to header positions.
#[derive(Debug)]
pub(super) struct Fields<'m> {
    pub source_person_id: Option<Field>,
    pub given_name: Option<Field>,
    pub middle_name: Option<Field>,
    pub family_name: Option<Field>,
    pub full_name: Option<(Field, Option<NameOrder>)>,
    pub date_of_birth: Option<Field>,
    pub sex: Option<Field>,
    pub address: Option<Field>,
    pub postcode: Option<Field>,
    pub nhs_number: Option<Field>,
    pub ni_number: Option<Field>,
    pub upn: Option<Field>,
    pub event_date: Option<Field>,
    pub end_date: Option<Field>,
    /// The event date of every row, for files that carry none.
    pub fixed_event_date: Option<NaiveDate>,
    /// The end date of every row, for files that carry none.
    pub fixed_end_date: Option<NaiveDate>,
    pub attrs: Vec<Attr<'m>>,
    /// The event type of every fact from this source.
    pub event_type: &'m str,
}

/// A whole name split into its parts, as written (words joined by single spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SplitName {
    pub given: String,
    pub middle: Option<String>,
    pub family: String,
}

/// Splits a whole name by `pattern`; `None` when the name does not have that shape (one word
/// only, or no comma where one is expected). Titles at the start of the forenames (`Mr John
/// Smith`, `SMITH, Mrs Karen`) are not a name and are dropped: kept, `Mr` became the given
/// name, which linkage then reads as no forename at all.
pub(super) fn split_name(s: &str, pattern: NamePattern) -> Option<SplitName> {
    let body = if pattern == NamePattern::SurnameCommaForename {
        s
    } else {
        strip_titles(s)
    };
    parts(split_whole_name(body, pattern, |_| false))
}

/// As [`split_name`] for a row whose order the name itself shows ([`split_detected`]: a
/// surname of several words in capitals, `DE LA CRUZ Maria`, is kept whole).
pub(super) fn split_detected_name(s: &str) -> Option<SplitName> {
    parts(split_detected(s))
}

fn parts(whole: WholeName<'_>) -> Option<SplitName> {
    let mut forenames = strip_titles(whole.forenames).split_whitespace();
    let given = forenames.next()?;
    let middle: Vec<&str> = forenames.collect();
    let family: Vec<&str> = whole.family.split_whitespace().collect();
    if family.is_empty() {
        return None;
    }
    Some(SplitName {
        given: given.to_string(),
        middle: (!middle.is_empty()).then(|| middle.join(" ")),
        family: family.join(" "),
    })
}

/// Splits a whole name into `id`'s given, middle and family names (those not mapped to
/// their own columns) by the mapping's order. A name holding a comma is split at the comma
/// whatever the pattern (with a warning if the pattern has no comma), so `ELLERY, Adam` never
/// becomes given name `ELLERY,`; a name that does not fit is kept whole with a warning.
fn split_into(id: &mut Identity, full: &str, order: NameOrder, f: &Field, findings: &mut Findings) {
    let pattern = match order {
        NameOrder::Detect if !full.contains(',') => {
            return put_split(id, split_detected_name(full), order, f, findings)
        }
        NameOrder::Detect => NamePattern::SurnameCommaForename,
        NameOrder::Pattern(p) if p != NamePattern::SurnameCommaForename && full.contains(',') => {
            findings.warn(f, Problem::NameOrderDiffers, format!(
                    "Names with a comma were read as \"SURNAME, Forename\"; the mapping says \"{p}\" (use pattern = \"detect\" if the file mixes them)."
                ));
            NamePattern::SurnameCommaForename
        }
        NameOrder::Pattern(p) => p,
    };
    put_split(id, split_name(full, pattern), order, f, findings)
}

/// Puts a split name's parts into `id` (those not mapped to their own columns), or warns
/// that the name did not fit.
fn put_split(
    id: &mut Identity,
    split: Option<SplitName>,
    order: NameOrder,
    f: &Field,
    findings: &mut Findings,
) {
    match split {
        Some(split) => {
            id.given_name.get_or_insert(split.given);
            if split.middle.is_some() && id.middle_name.is_none() {
                id.middle_name = split.middle;
            }
            id.family_name.get_or_insert(split.family);
        }
        None => findings.warn(f, Problem::NameNotSplit, match order {
                NameOrder::Detect => {
                    "Write whole names with a forename and a surname, e.g. \"Amy Smith\" or \"SMITH, Amy\".".to_string()
                }
                NameOrder::Pattern(p) => format!("Write names as \"{p}\"."),
            }),
    }
}

/// Whether a name is written as not known: a word of the placeholder list's `names` ("N/K",
/// "Not known", "Unknown", "n/a"), the list dates of birth are read with, or punctuation only
/// ("-", "?"). A whole name whose every part is one ("N/K N/K", "UNKNOWN, UNKNOWN") is one.
pub(super) fn is_placeholder_name(name: &str) -> bool {
    let list = BirthPlaceholders::shipped();
    let one = |s: &str| list.is_word(s) || !s.chars().any(char::is_alphanumeric);
    one(name)
        || name.split(',').all(one)
        || name.split([',', ' ']).filter(|w| !w.is_empty()).all(one)
}

/// `v`, the value of name field `f`, unless it is a placeholder: then `None`, with a warning,
/// and the first such field and value kept in `placeholder` for the row's reason.
fn real_name<'f>(
    f: Option<&'f Field>,
    v: Option<String>,
    findings: &mut Findings,
    placeholder: &mut Option<(&'f Field, String)>,
) -> Option<String> {
    let (f, v) = (f?, v?);
    if !is_placeholder_name(&v) {
        return Some(v);
    }
    findings.warn(f, Problem::NamePlaceholder, PLACEHOLDER_HINT.into());
    placeholder.get_or_insert((f, v));
    None
}

const PLACEHOLDER_HINT: &str =
    "Rows kept without the name (it means not known); a row with no other name needs an NHS \
     number, NI number or UPN.";

/// An address cell as one line: its lines (a quoted cell with line breaks, Alt+Enter in
/// Excel) joined with ", ", each trimmed of spaces and commas at its ends, runs of spaces as
/// one, empty lines dropped: `"12 High St,\r\n\r\nAnytown "` is `12 High St, Anytown`.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split(['\r', '\n', '\u{2028}', '\u{2029}']) {
        let line = line.trim_matches(|c: char| c.is_whitespace() || c == ',');
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        let mut words = line.split_whitespace();
        if let Some(w) = words.next() {
            out.push_str(w);
        }
        for w in words {
            out.push(' ');
            out.push_str(w);
        }
    }
    out
}

impl Fields<'_> {
    /// The columns of the identity fields (who a row is about).
    pub fn identity_columns(&self) -> Vec<usize> {
        let fields = [
            self.source_person_id.as_ref(),
            self.given_name.as_ref(),
            self.middle_name.as_ref(),
            self.family_name.as_ref(),
            self.full_name.as_ref().map(|(f, _)| f),
            self.date_of_birth.as_ref(),
            self.sex.as_ref(),
            self.address.as_ref(),
            self.postcode.as_ref(),
            self.nhs_number.as_ref(),
            self.ni_number.as_ref(),
            self.upn.as_ref(),
        ];
        fields
            .into_iter()
            .flatten()
            .flat_map(|f| f.cols.iter().copied())
            .collect()
    }

    /// The date field (date of birth, event or end date, or date attribute) named `name`.
    pub fn date_field(&self, name: &str) -> Option<&Field> {
        [&self.date_of_birth, &self.event_date, &self.end_date]
            .into_iter()
            .flatten()
            .chain(self.attrs.iter().map(|a| &a.field))
            .find(|f| f.name == name && !f.swapped.is_empty())
    }

    /// Assembles the identity and the fact of one row, checking each field with `checks`.
    pub fn build<R: Row + ?Sized>(
        &self,
        checks: &Checks,
        row: &R,
        findings: &mut Findings,
    ) -> Option<(Identity, Fact)> {
        let mut id = Identity {
            source_person_id: checks.owned(row, self.source_person_id.as_ref(), findings),
            ..Identity::default()
        };
        // A name written as not known ("N/K", "Unknown", "-") is no name.
        let mut placeholder: Option<(&Field, String)> = None;
        let given = checks.owned(row, self.given_name.as_ref(), findings);
        id.given_name = real_name(self.given_name.as_ref(), given, findings, &mut placeholder);
        let middle = checks.owned(row, self.middle_name.as_ref(), findings);
        id.middle_name = real_name(
            self.middle_name.as_ref(),
            middle,
            findings,
            &mut placeholder,
        );
        let family = checks.owned(row, self.family_name.as_ref(), findings);
        id.family_name = real_name(
            self.family_name.as_ref(),
            family,
            findings,
            &mut placeholder,
        );
        if let Some((f, order)) = &self.full_name {
            let full = checks.text(row, f, findings).map(Cow::into_owned);
            if let Some(full) = real_name(Some(f), full, findings, &mut placeholder) {
                if let Some(order) = order {
                    let mut split = Identity::default();
                    split_into(&mut split, &full, *order, f, findings);
                    // Placeholder parts ("Unknown Smith") are no name; the rest are.
                    let mut real = |part| real_name(Some(f), part, findings, &mut placeholder);
                    id.given_name = id.given_name.take().or_else(|| real(split.given_name));
                    id.middle_name = id.middle_name.take().or_else(|| real(split.middle_name));
                    id.family_name = id.family_name.take().or_else(|| real(split.family_name));
                }
                id.full_name = Some(full);
            }
        }
        id.date_of_birth = self
            .date_of_birth
            .as_ref()
            .and_then(|f| checks.date(row, f, true, findings));
        if let Some(f) = &self.sex {
            if let Some(t) = checks
                .text(row, f, findings)
                .and_then(|t| checks.translate(f, t, findings))
            {
                id.sex = Sex::parse(&t);
                if id.sex.is_none() {
                    findings.warn(
                        f,
                        Problem::SexNotRecognised,
                        "Use M, F or U (not known).".into(),
                    );
                }
            }
        }
        let placeholders = AddressPlaceholders::shipped();
        if let Some(f) = &self.address {
            let mut joined = String::new();
            for &c in &f.cols {
                let part = one_line(&cell_text(&row.cell(c)));
                if !part.is_empty() {
                    if !joined.is_empty() {
                        joined.push_str(", ");
                    }
                    joined.push_str(&part);
                }
            }
            if !joined.is_empty() && placeholders.is_address(&joined) {
                findings.warn(f, Problem::AddressPlaceholder, "Rows kept; people with no usable address are placed in no household and counted by hearth link.".into());
            }
            if joined.is_empty() {
                checks.missing(f, findings);
            } else if self.postcode.is_none() {
                // No postcode column: a postcode written at the end of the address is it (a
                // pseudo-postcode such as ZZ99 3WZ is none).
                match split_postcode(&joined) {
                    Some((rest, pc)) => {
                        id.address = Some(rest.to_string());
                        id.postcode = Some(pc).filter(|pc| !placeholders.is_postcode(pc.as_str()));
                    }
                    None => id.address = Some(joined),
                }
            } else {
                id.address = Some(joined);
            }
        }
        if let Some(f) = &self.postcode {
            if placeholders.is_postcode(&cell_text(&f.cell(row))) {
                // ZZ99 3VZ (no fixed abode), "NFA": no postcode, and no reason to lose the row.
                findings.warn(f, Problem::PostcodePlaceholder, "Rows kept without a postcode (an NHS pseudo-postcode such as ZZ99 3VZ, or NFA, names no place).".into());
            } else {
                id.postcode = checks.identifier(
                    row,
                    self.postcode.as_ref(),
                    Postcode::parse,
                    (
                        "UK postcode",
                        Problem::InvalidPostcode,
                        "Correct the postcode, or leave it empty if unknown.",
                    ),
                    findings,
                );
            }
        }
        id.nhs_number = checks.identifier(
            row,
            self.nhs_number.as_ref(),
            NhsNumber::parse,
            (
                "NHS number",
                Problem::InvalidNhsNumber,
                "Check the NHS number against the patient record, or leave it empty if unknown.",
            ),
            findings,
        );
        id.ni_number = checks.identifier(
            row,
            self.ni_number.as_ref(),
            NiNumber::parse,
            (
                "National Insurance number",
                Problem::InvalidNiNumber,
                "Check the NI number (two letters, six digits, A-D), or leave it empty if unknown.",
            ),
            findings,
        );
        id.upn = checks.identifier(
            row,
            self.upn.as_ref(),
            Upn::parse,
            (
                "Unique Pupil Number",
                Problem::InvalidUpn,
                "Check the UPN against the school census, or leave it empty if unknown.",
            ),
            findings,
        );
        let named = id.given_name.is_some() || id.family_name.is_some() || id.full_name.is_some();
        let numbered = id.nhs_number.is_some() || id.ni_number.is_some() || id.upn.is_some();
        let identified = numbered || id.source_person_id.is_some();
        if let (false, false, Some((f, written))) = (named, numbered, &placeholder) {
            // Only placeholders for a name, and no number to tell who it is.
            findings.add(
                f,
                Problem::NoIdentity,
                format!(
                    "{} \"{written}\" means the name is not known, and the row has no other \
                     name and no NHS number, NI number or UPN, so Hearth cannot tell who it is \
                     about; fill in the person's name or one of those numbers",
                    f.name
                ),
                "Every row needs a real name or an NHS number, NI number or UPN; placeholders \
                 such as N/K or Unknown are not names."
                    .into(),
            );
        } else if !named && !identified && findings.issues.is_empty() {
            findings.issues.push(Issue {
                field: None,
                problem: Problem::NoIdentity,
                reason:
                    "Row has no name and no identifier, so Hearth cannot tell who it is about; \
                         fill in the person's name"
                        .into(),
                hint: "Every row needs a name or an identifier.".into(),
            });
        }

        let mut fact = Fact {
            event_type: self.event_type.to_string(),
            ..Fact::default()
        };
        fact.event_date = self
            .event_date
            .as_ref()
            .and_then(|f| checks.date(row, f, false, findings));
        fact.end_date = self
            .end_date
            .as_ref()
            .and_then(|f| checks.date(row, f, false, findings));
        fact.event_date = fact.event_date.or(self.fixed_event_date);
        fact.end_date = fact.end_date.or(self.fixed_end_date);
        if let (Some(d), Some(f)) = (fact.event_date, &self.event_date) {
            if d > checks.today {
                findings.warn(f, Problem::FutureEvent, format!(
                        "Check {} after the day of import: a booked appointment, or a typing error?",
                        f.name
                    ));
            }
        }
        if let (Some(start), Some(end), Some(ef), Some(sf)) = (
            fact.event_date,
            fact.end_date,
            &self.end_date,
            &self.event_date,
        ) {
            if end < start {
                findings.add(
                    ef,
                    Problem::EndBeforeStart,
                    format!(
                        "{} \"{}\" is before {} \"{}\"; check both dates",
                        ef.name,
                        cell_text(&row.cell(ef.cols[0])),
                        sf.name,
                        cell_text(&row.cell(sf.cols[0]))
                    ),
                    format!("{} must not be before {}.", ef.name, sf.name),
                );
            }
        }
        let mut attributes = BTreeMap::new();
        let (derived, read): (Vec<&Attr>, Vec<&Attr>) = self
            .attrs
            .iter()
            .partition(|a| a.spec.derived_from().is_some());
        for a in read {
            if let Some(v) = checks.attribute(row, a, findings) {
                attributes.insert(a.name.to_string(), v);
            }
        }
        for a in derived {
            let base = match attributes.get(a.spec.derived_from().unwrap_or_default()) {
                Some(AttrValue::Number(n)) => Some(*n),
                _ => None,
            };
            if let Some(v) = checks.derived(row, a, base, findings) {
                attributes.insert(a.name.to_string(), v);
            }
        }
        fact.attributes = attributes;
        Some((id, fact))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let n = split_name("Smith  Amy Jo  Ann", NamePattern::SurnameForename).unwrap();
        assert_eq!(
            (n.given.as_str(), n.middle.as_deref(), n.family.as_str()),
            ("Amy", Some("Jo Ann"), "Smith")
        );
        // Titles are not names (they were stored as the given name).
        for (full, pattern) in [
            ("Mr John Smith", NamePattern::ForenameSurname),
            ("Dr. John Smith", NamePattern::ForenameSurname),
            ("Smith, Mrs John", NamePattern::SurnameCommaForename),
            ("Smith Mr John", NamePattern::SurnameForename),
        ] {
            let n = split_name(full, pattern).unwrap();
            assert_eq!(
                (n.given.as_str(), n.middle.as_deref(), n.family.as_str()),
                ("John", None, "Smith"),
                "{full}"
            );
        }
        let n = split_name("John Lord", NamePattern::ForenameSurname).unwrap();
        assert_eq!((n.given.as_str(), n.family.as_str()), ("John", "Lord"));
        assert_eq!(split_name("Mr Smith", NamePattern::ForenameSurname), None);
        let n = split_detected_name("DE LA CRUZ Maria").unwrap();
        assert_eq!(
            (n.given.as_str(), n.middle, n.family.as_str()),
            ("Maria", None, "DE LA CRUZ")
        );
        let n = split_detected_name("Mr John Smith").unwrap();
        assert_eq!((n.given.as_str(), n.family.as_str()), ("John", "Smith"));
        assert_eq!(split_name("SMITH", NamePattern::SurnameCommaForename), None);
        assert_eq!(
            split_name(" , Amy", NamePattern::SurnameCommaForename),
            None
        );
        assert_eq!(
            split_name("SMITH,", NamePattern::SurnameCommaForename),
            None
        );
        assert_eq!(split_name("Amy", NamePattern::ForenameSurname), None);
        assert_eq!(split_name("Amy", NamePattern::SurnameForename), None);
    }

    proptest::proptest! {
        #[test]
        fn splitting_never_panics(s in "\\PC{0,40}") {
            for p in [
                NamePattern::ForenameSurname,
                NamePattern::SurnameCommaForename,
                NamePattern::SurnameForename,
            ] {
                let _ = split_name(&s, p);
            }
        }
    }
}
