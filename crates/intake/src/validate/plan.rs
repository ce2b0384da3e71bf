//! A mapping compiled against one file's header, and the checking of one row with it: the
//! row is kept as an `ImportedRow` or quarantined with every reason found.
//!
//! The field checks are in `checks` and the assembling of the row in `build`; this module
//! does not read files.

use super::build::Fields;
use super::checks::Checks;
use super::field::{Attr, Field, Findings, Issue};
use crate::cells::{cell_text, raw, Row};
use crate::import::{FileImport, ReadOptions};
use crate::mapping::{ColumnSpec, Mapping, MappingError};
use crate::summary::{ImportSummary, Problem};
use chrono::NaiveDate;
use hearth_model::standardise::dates::DateFormat;
use hearth_model::{ImportedRow, QuarantinedRow};

/// A mapping compiled against one file's header.
#[derive(Debug)]
pub(crate) struct Plan<'m> {
    header_width: usize,
    fields: Fields<'m>,
    checks: Checks,
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
            header_width: header.len(),
            fields: Fields {
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
                event_type: &mapping.event_type,
            },
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
        let result = self.fields.build(&self.checks, row, &mut findings);
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
}
