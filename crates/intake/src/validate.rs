//! Checking one row against a mapping: the row becomes an `ImportedRow` or a `QuarantinedRow`.

use crate::mapping::{
    AttrType, AttributeMapping, ColumnSpec, InvalidIdentifiers, Mapping, MappingError,
};
use crate::read::{FileImport, ReadOptions};
use crate::summary::{ImportSummary, Problem};
use crate::values::{self, DateError, DateFormat, NamePattern};
use chrono::NaiveDate;
use hearth_model::{
    AttrValue, Fact, IdentifierError, Identity, ImportedRow, NhsNumber, NiNumber, Postcode,
    QuarantinedRow, Sex, Upn,
};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One cell as read: CSV cells are always text; workbook cells carry their type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A date-formatted workbook cell; `None` if it holds no real date.
    Date(Option<NaiveDate>),
    /// A workbook error value such as `#REF!`.
    Error,
}

/// A row of cells, from a CSV record or a worksheet row.
pub(crate) trait Row {
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> Cell<'_>;
}

/// The text a person sees in a cell, trimmed.
pub(crate) fn cell_text<'a>(c: &Cell<'a>) -> Cow<'a, str> {
    match *c {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) => Cow::Borrowed(s.trim()),
        Cell::Number(v) => Cow::Owned(values::number_text(v)),
        Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
        Cell::Date(Some(d)) => Cow::Owned(d.format("%d/%m/%Y").to_string()),
        Cell::Date(None) => Cow::Borrowed("#DATE?"),
        Cell::Error => Cow::Borrowed("#ERROR"),
    }
}

fn raw<R: Row + ?Sized>(row: &R) -> Vec<String> {
    (0..row.width())
        .map(|i| cell_text(&row.cell(i)).into_owned())
        .collect()
}

/// A mapped field resolved to header positions.
#[derive(Debug)]
struct Field {
    /// Positions in the row (several only for address).
    cols: Vec<usize>,
    /// The column name(s) as the mapping writes them, for messages.
    name: String,
    required: bool,
    formats: Vec<DateFormat>,
}

#[derive(Debug)]
struct Attr<'m> {
    name: &'m str,
    field: Field,
    spec: &'m AttributeMapping,
    /// Allowed values, lower-cased, with their listed spelling.
    allowed: Option<Vec<(String, &'m str)>>,
}

/// A mapping compiled against one file's header.
#[derive(Debug)]
pub(crate) struct Plan<'m> {
    mapping: &'m Mapping,
    header_width: usize,
    source_person_id: Option<Field>,
    given_name: Option<Field>,
    middle_name: Option<Field>,
    family_name: Option<Field>,
    full_name: Option<(Field, Option<NamePattern>)>,
    date_of_birth: Option<Field>,
    sex: Option<Field>,
    address: Option<Field>,
    postcode: Option<Field>,
    nhs_number: Option<Field>,
    ni_number: Option<Field>,
    upn: Option<Field>,
    event_date: Option<Field>,
    end_date: Option<Field>,
    attrs: Vec<Attr<'m>>,
    today: NaiveDate,
    latest: NaiveDate,
    earliest: NaiveDate,
}

/// One thing wrong with a row.
struct Issue {
    field: Option<String>,
    problem: Problem,
    reason: String,
    hint: String,
}

/// What one row's checks found.
#[derive(Default)]
struct Findings {
    issues: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl Findings {
    fn add(&mut self, f: &Field, problem: Problem, reason: String, hint: String) {
        self.issues.push(Issue {
            field: Some(f.name.clone()),
            problem,
            reason,
            hint,
        });
    }
}

fn formats_text(formats: &[DateFormat]) -> String {
    let labels: Vec<&str> = formats.iter().map(|f| f.label()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl<'m> Plan<'m> {
    pub(crate) fn new(
        mapping: &'m Mapping,
        header: &[String],
        workbook: bool,
        options: &ReadOptions,
    ) -> Result<Plan<'m>, MappingError> {
        let index = mapping.header_index(header)?;
        let default_formats: Vec<DateFormat> = match &mapping.date_formats {
            Some(f) => f.clone(),
            None if workbook => vec![DateFormat::Uk, DateFormat::Iso, DateFormat::ExcelSerial],
            None => vec![DateFormat::Uk, DateFormat::Iso],
        };
        let field = |spec: &ColumnSpec, required_by_default: bool| Field {
            cols: spec.columns.iter().map(|c| index[c.as_str()]).collect(),
            name: spec.columns.join(" + "),
            required: spec.required.unwrap_or(required_by_default),
            formats: spec
                .formats
                .clone()
                .unwrap_or_else(|| default_formats.clone()),
        };
        let id = &mapping.identity;
        let opt = |s: &Option<ColumnSpec>| s.as_ref().map(|s| field(s, false));
        let attrs = mapping
            .attributes
            .iter()
            .map(|(name, spec)| Attr {
                name,
                field: Field {
                    cols: vec![index[spec.column.as_str()]],
                    name: spec.column.clone(),
                    required: spec.required,
                    formats: spec
                        .formats
                        .clone()
                        .unwrap_or_else(|| default_formats.clone()),
                },
                spec,
                allowed: spec.allowed.as_ref().map(|a| {
                    a.iter()
                        .map(|v| (v.trim().to_lowercase(), v.as_str()))
                        .collect()
                }),
            })
            .collect();
        let today = options.today;
        Ok(Plan {
            mapping,
            header_width: header.len(),
            source_person_id: opt(&id.source_person_id),
            given_name: opt(&id.given_name),
            middle_name: opt(&id.middle_name),
            family_name: opt(&id.family_name),
            full_name: id.full_name.as_ref().map(|s| (field(s, false), s.pattern)),
            date_of_birth: opt(&id.date_of_birth),
            sex: opt(&id.sex),
            address: opt(&id.address),
            postcode: opt(&id.postcode),
            nhs_number: opt(&id.nhs_number),
            ni_number: opt(&id.ni_number),
            upn: opt(&id.upn),
            event_date: mapping.fact.event_date.as_ref().map(|s| field(s, true)),
            end_date: opt(&mapping.fact.end_date),
            attrs,
            today,
            latest: today
                .checked_add_months(chrono::Months::new(120))
                .unwrap_or(NaiveDate::MAX),
            earliest: NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        })
    }

    /// Checks one data row and adds it to `out` as imported or quarantined.
    pub(crate) fn check_row<R: Row + ?Sized>(&self, row: &R, row_no: u64, out: &mut FileImport) {
        let width = row.width();
        let all_blank = (0..width).all(|i| cell_text(&row.cell(i)).is_empty());
        if all_blank {
            ImportSummary::count(
                &mut out.summary.warnings,
                None,
                Problem::BlankRow,
                row_no,
                || "Delete blank rows from the file; they are skipped.".to_string(),
            );
            return;
        }
        let extra_filled = (self.header_width..width).any(|i| !cell_text(&row.cell(i)).is_empty());
        if width < self.header_width || extra_filled {
            let (reason, hint) = if extra_filled {
                (
                    format!(
                        "Row has {width} values but the header has {} columns; a value probably \
                         contains a comma: put that value in double quotes",
                        self.header_width
                    ),
                    "Put values that contain commas in double quotes, or re-export the file.",
                )
            } else {
                (
                    format!(
                        "Row has {width} values but the header has {} columns; a value is \
                         missing or the row was cut short: check the separators on this row",
                        self.header_width
                    ),
                    "Check the row for missing separators, or re-export the file.",
                )
            };
            return self.quarantine(
                row,
                row_no,
                vec![Issue {
                    field: None,
                    problem: Problem::WrongCellCount,
                    reason,
                    hint: hint.to_string(),
                }],
                out,
            );
        }
        let mut findings = Findings::default();
        let result = self.build(row, &mut findings);
        for w in &findings.warnings {
            ImportSummary::count(
                &mut out.summary.warnings,
                w.field.as_deref(),
                w.problem,
                row_no,
                || w.hint.clone(),
            );
        }
        match result {
            Some(imported) if findings.issues.is_empty() => out.rows.push(ImportedRow {
                source_row: row_no,
                identity: imported.0,
                fact: imported.1,
            }),
            _ => self.quarantine(row, row_no, findings.issues, out),
        }
    }

    fn quarantine<R: Row + ?Sized>(
        &self,
        row: &R,
        row_no: u64,
        issues: Vec<Issue>,
        out: &mut FileImport,
    ) {
        for i in &issues {
            ImportSummary::count(
                &mut out.summary.problems,
                i.field.as_deref(),
                i.problem,
                row_no,
                || i.hint.clone(),
            );
        }
        let mut reason = String::new();
        for (n, i) in issues.iter().enumerate() {
            if n > 0 {
                reason.push_str(". Also: ");
            }
            reason.push_str(&i.reason);
        }
        out.quarantined.push(QuarantinedRow {
            source_row: row_no,
            field: issues.first().and_then(|i| i.field.clone()),
            reason,
            raw: raw(row),
        });
    }

    /// Text of a single-column field, trimmed; `None` when empty (noting it if required).
    fn text<'r, R: Row + ?Sized>(
        &self,
        row: &'r R,
        f: &Field,
        findings: &mut Findings,
    ) -> Option<Cow<'r, str>> {
        let c = row.cell(f.cols[0]);
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

    fn missing(&self, f: &Field, findings: &mut Findings) {
        if f.required {
            findings.add(
                f,
                Problem::Missing,
                format!("{} is empty, but every row needs it; fill it in", f.name),
                format!("Fill in {} on every row.", f.name),
            );
        }
    }

    fn owned<R: Row + ?Sized>(
        &self,
        row: &R,
        f: Option<&Field>,
        findings: &mut Findings,
    ) -> Option<String> {
        f.and_then(|f| self.text(row, f, findings))
            .map(Cow::into_owned)
    }

    fn date<R: Row + ?Sized>(
        &self,
        row: &R,
        f: &Field,
        birth: bool,
        findings: &mut Findings,
    ) -> Option<NaiveDate> {
        let c = row.cell(f.cols[0]);
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
            Cell::Text(s) => values::parse_date(s, &f.formats),
            Cell::Date(Some(d)) => Ok(d),
            Cell::Date(None) => Err(DateError::NotReal),
            Cell::Number(v) if f.formats.contains(&DateFormat::ExcelSerial) => {
                values::excel_serial_to_date(v).ok_or(DateError::NotReal)
            }
            Cell::Number(_) | Cell::Bool(_) => Err(DateError::Format),
            Cell::Error => {
                self.text(row, f, findings);
                return None;
            }
        };
        let shown = cell_text(&c);
        match parsed {
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
                        values::year(d),
                        values::year(self.latest)
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

    fn identifier<T, R: Row + ?Sized>(
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
                match self.mapping.invalid_identifiers {
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

    fn build<R: Row + ?Sized>(&self, row: &R, findings: &mut Findings) -> Option<(Identity, Fact)> {
        let mut id = Identity {
            source_person_id: self.owned(row, self.source_person_id.as_ref(), findings),
            given_name: self.owned(row, self.given_name.as_ref(), findings),
            middle_name: self.owned(row, self.middle_name.as_ref(), findings),
            family_name: self.owned(row, self.family_name.as_ref(), findings),
            ..Identity::default()
        };
        if let Some((f, pattern)) = &self.full_name {
            if let Some(full) = self.text(row, f, findings) {
                if let Some(p) = pattern {
                    match values::split_name(&full, *p) {
                        Some(split) => {
                            id.given_name.get_or_insert(split.given);
                            if split.middle.is_some() && id.middle_name.is_none() {
                                id.middle_name = split.middle;
                            }
                            id.family_name.get_or_insert(split.family);
                        }
                        None => findings.warnings.push(Issue {
                            field: Some(f.name.clone()),
                            problem: Problem::NameNotSplit,
                            reason: String::new(),
                            hint: format!("Write names as \"{p}\"."),
                        }),
                    }
                }
                id.full_name = Some(full.into_owned());
            }
        }
        id.date_of_birth = self
            .date_of_birth
            .as_ref()
            .and_then(|f| self.date(row, f, true, findings));
        if let Some(f) = &self.sex {
            if let Some(t) = self.text(row, f, findings) {
                id.sex = Sex::parse(&t);
                if id.sex.is_none() {
                    findings.warnings.push(Issue {
                        field: Some(f.name.clone()),
                        problem: Problem::SexNotRecognised,
                        reason: String::new(),
                        hint: "Use M, F or U (not known).".into(),
                    });
                }
            }
        }
        if let Some(f) = &self.address {
            let mut joined = String::new();
            for &c in &f.cols {
                let part = cell_text(&row.cell(c));
                if !part.is_empty() {
                    if !joined.is_empty() {
                        joined.push_str(", ");
                    }
                    joined.push_str(&part);
                }
            }
            if joined.is_empty() {
                self.missing(f, findings);
            } else {
                id.address = Some(joined);
            }
        }
        id.postcode = self.identifier(
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
        id.nhs_number = self.identifier(
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
        id.ni_number = self.identifier(
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
        id.upn = self.identifier(
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
        let identified = id.source_person_id.is_some()
            || id.nhs_number.is_some()
            || id.ni_number.is_some()
            || id.upn.is_some();
        if !named && !identified && findings.issues.is_empty() {
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
            event_type: self.mapping.event_type.clone(),
            ..Fact::default()
        };
        fact.event_date = self
            .event_date
            .as_ref()
            .and_then(|f| self.date(row, f, false, findings));
        fact.end_date = self
            .end_date
            .as_ref()
            .and_then(|f| self.date(row, f, false, findings));
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
        for a in &self.attrs {
            if let Some(v) = self.attribute(row, a, findings) {
                attributes.insert(a.name.to_string(), v);
            }
        }
        fact.attributes = attributes;
        Some((id, fact))
    }

    fn attribute<R: Row + ?Sized>(
        &self,
        row: &R,
        a: &Attr<'_>,
        findings: &mut Findings,
    ) -> Option<AttrValue> {
        let f = &a.field;
        let c = row.cell(f.cols[0]);
        match (a.spec.ty, c) {
            (AttrType::Date, _) => {
                return self
                    .date(row, f, false, findings)
                    .map(|d| AttrValue::Text(d.format("%Y-%m-%d").to_string()))
            }
            (AttrType::Number | AttrType::Money, Cell::Number(v)) => {
                return Some(AttrValue::Number(v))
            }
            (AttrType::Bool, Cell::Bool(b)) => return Some(AttrValue::Bool(b)),
            _ => {}
        }
        let text = self.text(row, f, findings)?;
        match a.spec.ty {
            AttrType::Text => match &a.allowed {
                None => Some(AttrValue::Text(text.into_owned())),
                Some(allowed) => {
                    let lower = text.to_lowercase();
                    match allowed.iter().find(|(l, _)| *l == lower) {
                        Some((_, canonical)) => Some(AttrValue::Text(canonical.to_string())),
                        None => {
                            let list = allowed.iter().map(|(_, c)| *c).collect::<Vec<_>>().join(", ");
                            findings.add(
                                f,
                                Problem::NotAllowed,
                                format!("{} \"{text}\" is not one of the allowed values: {list}", f.name),
                                format!("Use one of: {list}."),
                            );
                            None
                        }
                    }
                }
            },
            AttrType::Number => values::parse_number(&text).map(AttrValue::Number).or_else(|| {
                findings.add(
                    f,
                    Problem::NotANumber,
                    format!("{} \"{text}\" is not a number; use digits only, e.g. 12 or 3.5", f.name),
                    "Use digits only, e.g. 12 or 3.5.".into(),
                );
                None
            }),
            AttrType::Money => values::parse_money(&text).map(AttrValue::Number).or_else(|| {
                findings.add(
                    f,
                    Problem::NotMoney,
                    format!("{} \"{text}\" is not an amount of money; write it like 1234.50 or £1,234.50", f.name),
                    "Write amounts like 1234.50 or £1,234.50.".into(),
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
