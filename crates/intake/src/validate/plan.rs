//! A mapping compiled against one file's header, and the checking of one row with it: the
//! row is kept as an `ImportedRow` or quarantined with every reason found.
//!
//! The field checks are in `checks` and the assembling of the row in `build`; this module
//! does not read files.

use super::build::Fields;
use super::checks::Checks;
use super::decimal::DecimalColumns;
use super::field::{
    formats_text, swapped_formats, Attr, DateOrder, Field, Findings, Issue, Translation,
};
use super::totals::totals_label;
use crate::cells::{cell_text, raw, Cell, Row, MAX_FREE_TEXT_CHARS, MAX_VALUE_CHARS};
use crate::error::MonthFirstColumn;
use crate::import::{FileImport, ReadOptions};
use crate::mapping::AttrType;
use crate::mapping::{ColumnSpec, Mapping, MappingError};
use crate::summary::{ImportSummary, Problem};
use crate::values::Decimal;
use chrono::NaiveDate;
use hearth_model::standardise::dates::DateFormat;
use hearth_model::{ImportedRow, QuarantinedRow};
use std::cell::RefCell;

/// A mapping compiled against one file's header.
#[derive(Debug)]
pub(crate) struct Plan<'m> {
    header_width: usize,
    /// What a CSV file's values are separated by (`comma`, `semicolon`...), for the advice
    /// on a row with too many; `None` for a workbook.
    separator: Option<&'static str>,
    fields: Fields<'m>,
    checks: Checks,
    /// Every mapped column, with the most characters it may hold.
    limits: Vec<CellLimit>,
    /// Per date field, what its values show of the order of day and month.
    date_order: RefCell<Vec<OrderSeen>>,
    /// The columns of the mapped identity fields, for telling a totals row from a person.
    identity_cols: Vec<usize>,
}

/// What one date field's values show of the order of day and month.
#[derive(Debug)]
struct OrderSeen {
    field: String,
    /// Rows with a value read day first with a day above 12.
    day_first: u64,
    /// Rows with a value read only month first, and the first few of them.
    month_first: u64,
    month_first_rows: Vec<u64>,
}

/// Fewest values read only month first (with none read day first) for a field to be taken
/// as written month first: one could be a typing error.
const MONTH_FIRST_MIN: u64 = 2;

/// A mapped column checked before its value is: no NUL character, no more than `max_chars`.
#[derive(Debug)]
struct CellLimit {
    col: usize,
    /// The column's header as the partner's file writes it.
    column: String,
    max_chars: usize,
}

/// The limits of every mapped column (a column mapped twice takes the smaller limit).
fn cell_limits(fields: &Fields<'_>, header: &[String]) -> Vec<CellLimit> {
    let id_fields = [
        fields.source_person_id.as_ref(),
        fields.given_name.as_ref(),
        fields.middle_name.as_ref(),
        fields.family_name.as_ref(),
        fields.full_name.as_ref().map(|(f, _)| f),
        fields.date_of_birth.as_ref(),
        fields.sex.as_ref(),
        fields.address.as_ref(),
        fields.postcode.as_ref(),
        fields.nhs_number.as_ref(),
        fields.ni_number.as_ref(),
        fields.upn.as_ref(),
        fields.event_date.as_ref(),
        fields.end_date.as_ref(),
    ];
    let all = id_fields
        .into_iter()
        .flatten()
        .map(|f| (f, MAX_VALUE_CHARS))
        .chain(fields.attrs.iter().map(|a| {
            let max = match a.spec.ty {
                AttrType::Text => MAX_FREE_TEXT_CHARS,
                _ => MAX_VALUE_CHARS,
            };
            (&a.field, max)
        }));
    let mut limits: Vec<CellLimit> = Vec::new();
    for (f, max_chars) in all {
        for &col in &f.cols {
            match limits.iter_mut().find(|l| l.col == col) {
                Some(l) => l.max_chars = l.max_chars.min(max_chars),
                None => limits.push(CellLimit {
                    col,
                    column: header.get(col).map_or("", |h| h.trim()).to_string(),
                    max_chars,
                }),
            }
        }
    }
    limits.sort_by_key(|l| l.col);
    limits
}

/// `formats` with the first that has a numeric day and month written month first, the others
/// as they are, as a mapping writes them: `"%m/%d/%Y", "%Y-%m-%d", "%E"`.
fn month_first_formats(formats: &[DateFormat]) -> Option<String> {
    let first = formats
        .iter()
        .position(|f| f.month_day_swapped().is_some())?;
    let list: Vec<String> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| match i == first {
            true => f.month_day_swapped().unwrap_or_else(|| f.clone()),
            false => f.clone(),
        })
        .map(|f| format!("\"{}\"", f.as_str()))
        .collect();
    Some(list.join(", "))
}

impl<'m> Plan<'m> {
    /// Resolves `mapping`'s columns in `header`; `workbook` adds Excel serials to the default
    /// date formats.
    pub(crate) fn new(
        mapping: &'m Mapping,
        header: &[String],
        workbook: bool,
        options: &ReadOptions,
    ) -> Result<Plan<'m>, MappingError> {
        let index = mapping.header_index(header)?;
        let default_formats: Vec<DateFormat> = match &mapping.date_formats {
            Some(f) => f.clone(),
            None if workbook => vec![DateFormat::UK, DateFormat::ISO, DateFormat::EXCEL_SERIAL],
            None => vec![DateFormat::UK, DateFormat::ISO],
        };
        let field = |spec: &ColumnSpec, required_by_default: bool| {
            let formats = spec
                .formats
                .clone()
                .unwrap_or_else(|| default_formats.clone());
            Field {
                cols: spec.columns.iter().map(|c| index[c.as_str()]).collect(),
                name: spec.columns.join(" + "),
                required: spec.required.unwrap_or(required_by_default),
                swapped: swapped_formats(&formats),
                formats,
                fixed: None,
                decimal: Decimal::Point,
                translate: spec
                    .translate
                    .as_ref()
                    .map(|t| Translation::new(t, spec.untranslated.unwrap_or_default(), None)),
            }
        };
        // A fact date given as one `value` for every row.
        let fixed_date = |s: &Option<ColumnSpec>| {
            s.as_ref()
                .and_then(|s| s.value.as_deref())
                .and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
        };
        let column_date = |s: &Option<ColumnSpec>, required: bool| {
            s.as_ref()
                .filter(|s| s.value.is_none())
                .map(|s| field(s, required))
        };
        let id = &mapping.identity;
        let opt = |s: &Option<ColumnSpec>| s.as_ref().map(|s| field(s, false));
        let mut attrs: Vec<Attr> = mapping
            .attributes
            .iter()
            .map(|(name, spec)| Attr {
                name,
                field: Field {
                    cols: spec.column.iter().map(|c| index[c.as_str()]).collect(),
                    name: spec
                        .column
                        .clone()
                        .unwrap_or_else(|| format!("attributes.{name}.value")),
                    required: spec.required,
                    // A fixed date is written yyyy-mm-dd whatever the file's formats.
                    formats: match &spec.value {
                        Some(_) => vec![DateFormat::ISO],
                        None => spec
                            .formats
                            .clone()
                            .unwrap_or_else(|| default_formats.clone()),
                    },
                    swapped: Vec::new(),
                    fixed: spec.value_text(),
                    // A fixed value is written in the mapping, with a point.
                    decimal: match spec.value {
                        Some(_) => Decimal::Point,
                        None => mapping.decimal.unwrap_or_default(),
                    },
                    translate: spec
                        .translate
                        .as_ref()
                        .map(|t| Translation::new(t, spec.untranslated, spec.allowed.as_deref())),
                },
                spec,
                allowed: spec.allowed.as_ref().map(|a| {
                    a.iter()
                        .map(|v| (crate::values::fold(v), v.as_str()))
                        .collect()
                }),
            })
            .collect();
        for a in &mut attrs {
            if a.spec.ty == AttrType::Date && a.field.fixed.is_none() {
                a.field.swapped = swapped_formats(&a.field.formats);
            }
        }
        let today = options.today;
        let fields = Fields {
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
            event_date: column_date(&mapping.fact.event_date, true),
            end_date: column_date(&mapping.fact.end_date, false),
            fixed_event_date: fixed_date(&mapping.fact.event_date),
            fixed_end_date: fixed_date(&mapping.fact.end_date),
            attrs,
            event_type: &mapping.event_type,
        };
        Ok(Plan {
            header_width: header.len(),
            separator: (!workbook).then_some(match mapping.delimiter {
                b';' => "semicolon",
                b'\t' => "tab",
                b'|' => "pipe",
                _ => "comma",
            }),
            limits: cell_limits(&fields, header),
            identity_cols: fields.identity_columns(),
            date_order: RefCell::new(Vec::new()),
            fields,
            checks: Checks {
                invalid_identifiers: mapping.invalid_identifiers,
                today,
                latest: today
                    .checked_add_months(chrono::Months::new(120))
                    .unwrap_or(NaiveDate::MAX),
                earliest: NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
            },
        })
    }

    /// The number columns whose decimal mark the file's values decide, if any: those of a
    /// semicolon-separated file whose mapping does not set `decimal`.
    pub(crate) fn decimal_columns(&self, mapping: &Mapping) -> Option<DecimalColumns> {
        let decide = mapping.decimal.is_none() && self.separator == Some("semicolon");
        decide
            .then(|| DecimalColumns::new(&self.fields.attrs))
            .flatten()
    }

    /// Sets each of `columns`' decimal mark from the values counted; returns notes for the
    /// summary on columns with values read either way.
    pub(crate) fn set_decimals(&mut self, columns: DecimalColumns) -> Vec<String> {
        columns.decide(&mut self.fields.attrs)
    }

    /// The positions of the mapped columns, in order.
    pub(crate) fn mapped_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.limits.iter().map(|l| l.col)
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
            let issue = self.cell_count_issue(width, extra_filled);
            return self.quarantine(row, row_no, vec![issue], out);
        }
        if self.repeats_header(row) {
            let issue = Issue {
                field: None,
                problem: Problem::RepeatedHeader,
                reason: "Row repeats the header (files joined into one?); delete it".into(),
                hint: "Delete the header rows repeated below the first (two or more exports \
                       joined into one file?)."
                    .into(),
            };
            return self.quarantine(row, row_no, vec![issue], out);
        }
        if let Some(col) = totals_label(row, &self.identity_cols) {
            let issue = Issue {
                field: None,
                problem: Problem::TotalsRow,
                reason: format!(
                    "Row looks like a totals row (\"{}\" in its first filled cell); delete it",
                    cell_text(&row.cell(col)).trim()
                ),
                hint: "Delete totals and subtotals rows from the file: they are not people.".into(),
            };
            return self.quarantine(row, row_no, vec![issue], out);
        }
        let bad_cells = self.cell_issues(row);
        if !bad_cells.is_empty() {
            return self.quarantine(row, row_no, bad_cells, out);
        }
        let mut findings = Findings::default();
        let result = self.fields.build(&self.checks, row, &mut findings);
        self.note_date_order(&findings, row_no);
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

    /// Whether every mapped column of `row` holds its own header (compared as headers are:
    /// trimmed, without case, runs of spaces as one), as where two exports were joined.
    fn repeats_header<R: Row + ?Sized>(&self, row: &R) -> bool {
        self.limits.len() >= 2
            && self.limits.iter().all(|l| {
                crate::values::fold(&cell_text(&row.cell(l.col))) == crate::values::fold(&l.column)
            })
    }

    fn note_date_order(&self, findings: &Findings, row_no: u64) {
        if findings.date_order.is_empty() {
            return;
        }
        let mut seen = self.date_order.borrow_mut();
        for (field, order) in &findings.date_order {
            let i = match seen.iter().position(|o| &o.field == field) {
                Some(i) => i,
                None => {
                    seen.push(OrderSeen {
                        field: field.clone(),
                        day_first: 0,
                        month_first: 0,
                        month_first_rows: Vec::new(),
                    });
                    seen.len() - 1
                }
            };
            let o = &mut seen[i];
            match order {
                DateOrder::DayFirst => o.day_first += 1,
                DateOrder::MonthFirst => {
                    o.month_first += 1;
                    if o.month_first_rows.len() < 3 && o.month_first_rows.last() != Some(&row_no) {
                        o.month_first_rows.push(row_no);
                    }
                }
            }
        }
    }

    /// After every row: the first date field written month first, if any.
    pub(crate) fn month_first(&self, mapping: &Mapping) -> Option<MonthFirstColumn> {
        let seen = self.date_order.borrow();
        let o = seen
            .iter()
            .find(|o| o.day_first == 0 && o.month_first >= MONTH_FIRST_MIN)?;
        let f = self.fields.date_field(&o.field)?;
        Some(MonthFirstColumn {
            mapping: mapping.path.clone(),
            column: o.field.clone(),
            rows: o.month_first_rows.clone(),
            count: o.month_first,
            formats: formats_text(&f.formats),
            month_first_formats: month_first_formats(&f.formats)?,
        })
    }

    /// A row with values beyond the header's columns, or fewer cells than the header: each
    /// with its own advice (and its own group in the summary).
    fn cell_count_issue(&self, width: usize, extra_filled: bool) -> Issue {
        let columns = self.header_width;
        let (problem, reason, hint) = match (extra_filled, self.separator) {
            (true, Some(sep)) => (
                Problem::TooManyCells,
                format!(
                    "Row has {width} values but the header has {columns} columns; a value \
                     probably contains a {sep}: put that value in double quotes"
                ),
                format!(
                    "A value contains a {sep}: put values that contain a {sep} in double \
                     quotes, or re-export the file."
                ),
            ),
            (true, None) => (
                Problem::TooManyCells,
                format!(
                    "Row has values beyond the header's {columns} columns; give that column a \
                     header or delete those values"
                ),
                "Give every column with values a header, or delete the values beyond the \
                 header's last column."
                    .to_string(),
            ),
            (false, sep) => (
                Problem::TooFewCells,
                format!(
                    "Row has {width} values but the header has {columns} columns; a value is \
                     missing or the row was cut short: check the separators on this row"
                ),
                format!(
                    "Check these rows for a missing {} or a row broken over two lines (a \
                     value with a line break must be in double quotes), or re-export the file.",
                    sep.unwrap_or("value")
                ),
            ),
        };
        Issue {
            field: None,
            problem,
            reason,
            hint,
        }
    }

    /// Mapped cells that no check should read: a NUL character (which no store can hold, and
    /// which a message must not quote), or more characters than the column may hold.
    fn cell_issues<R: Row + ?Sized>(&self, row: &R) -> Vec<Issue> {
        let mut issues = Vec::new();
        for l in &self.limits {
            let Cell::Text(text) = row.cell(l.col) else {
                continue;
            };
            if text.contains('\0') {
                issues.push(Issue {
                    field: Some(l.column.clone()),
                    problem: Problem::NulCharacter,
                    reason: format!(
                        "{} contains a NUL character (an invisible control character, usually \
                         from a faulty export); remove it and import the file again",
                        l.column
                    ),
                    hint: "Remove the NUL characters (re-export the file, or open it in a text \
                           editor)."
                        .to_string(),
                });
                continue;
            }
            if text.len() <= l.max_chars {
                continue;
            }
            let chars = text.chars().count();
            if chars > l.max_chars {
                issues.push(Issue {
                    field: Some(l.column.clone()),
                    problem: Problem::TooLong,
                    reason: format!(
                        "{} is {chars} characters long; Hearth accepts at most {} in this \
                         column: correct the value",
                        l.column, l.max_chars
                    ),
                    hint: format!("Keep {} to at most {} characters.", l.column, l.max_chars),
                });
            }
        }
        issues
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
}
