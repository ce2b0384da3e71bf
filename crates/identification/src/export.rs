//! Exports of an [`Identification`]: the ranked list of families and the evidence behind each
//! family, as CSV or as an Excel workbook.
//!
//! What identifiers appear is decided by an [`ExportView`]. With
//! [`IdentifierAccess::Pseudonymised`] the export holds only Hearth's reference numbers
//! (family, person and record IDs) and ages: there is no lookup to call, so names, dates of
//! birth and addresses cannot reach the file. With [`IdentifierAccess::Full`] the caller's
//! [`IdentityLookup`] supplies them; the export calls it for nothing else.

use crate::eval::{FamilyResult, Identification};
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// Names and addresses, supplied by the caller (the identity store) for a full export.
pub trait IdentityLookup {
    /// A person's identifying details, if known.
    fn person(&self, person_id: u64) -> Option<PersonDetails>;
    /// A family's address, if known.
    fn family_address(&self, family_id: u64) -> Option<String>;
}

/// A person's identifying details.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonDetails {
    /// Name as it should be shown.
    pub name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
}

/// Which identifiers the caller's role may see.
#[derive(Clone, Copy)]
pub enum IdentifierAccess<'a> {
    /// Names, dates of birth and addresses, from the lookup.
    Full(&'a dyn IdentityLookup),
    /// Reference numbers only.
    Pseudonymised,
}

/// What an export shows.
#[derive(Clone, Copy)]
pub struct ExportView<'a> {
    /// Which identifiers.
    pub access: IdentifierAccess<'a>,
    /// Only eligible families (otherwise every family with at least one problem).
    pub eligible_only: bool,
}

impl ExportView<'_> {
    /// Eligible families, reference numbers only.
    pub fn pseudonymised() -> ExportView<'static> {
        ExportView {
            access: IdentifierAccess::Pseudonymised,
            eligible_only: true,
        }
    }
}

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing CSV failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// Writing the workbook failed (including more rows than a sheet holds).
    #[error("cannot write workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

enum Cell {
    Text(String),
    Number(f64),
}

struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

fn families<'i>(
    id: &'i Identification,
    view: &ExportView,
) -> impl Iterator<Item = &'i FamilyResult> {
    let eligible_only = view.eligible_only;
    id.families.iter().filter(move |f| {
        if eligible_only {
            f.eligible
        } else {
            !f.problems.is_empty()
        }
    })
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "Y" } else { "N" }.into())
}

fn ids(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(" ")
}

fn ranked_table(id: &Identification, view: &ExportView) -> Table {
    let mut header = vec![
        "rank",
        "family_id",
        "eligible",
        "problem_count",
        "problems",
        "intergenerational",
        "estimated_annual_cost",
        "priority_score",
        "member_count",
        "member_ids",
        "has_dependent_child",
    ];
    if let IdentifierAccess::Full(_) = view.access {
        header.extend(["members", "address"]);
    }
    let mut rows = Vec::new();
    for f in families(id, view) {
        let inter: Vec<&str> = f
            .problems
            .iter()
            .filter(|p| p.intergenerational)
            .map(|p| p.key.as_str())
            .collect();
        let mut row = vec![
            Cell::Number(f.rank as f64),
            Cell::Number(f.family_id as f64),
            yes_no(f.eligible),
            Cell::Number(f.problems.len() as f64),
            Cell::Text(f.problem_keys().join(";")),
            Cell::Text(inter.join(";")),
            Cell::Number(f.estimated_annual_cost.round()),
            Cell::Number((f.priority_score * 100.0).round() / 100.0),
            Cell::Number(f.member_ids.len() as f64),
            Cell::Text(ids(&f.member_ids)),
            yes_no(f.has_dependent_child),
        ];
        if let IdentifierAccess::Full(lookup) = view.access {
            let names: Vec<String> = f
                .member_ids
                .iter()
                .map(|&p| match lookup.person(p) {
                    Some(d) => d.name,
                    None => format!("person {p}"),
                })
                .collect();
            row.push(Cell::Text(names.join("; ")));
            row.push(Cell::Text(
                lookup.family_address(f.family_id).unwrap_or_default(),
            ));
        }
        rows.push(row);
    }
    Table { header, rows }
}

fn evidence_table(id: &Identification, view: &ExportView) -> Table {
    let mut header = vec![
        "rank",
        "family_id",
        "problem",
        "indicator",
        "person_id",
        "age",
        "record_ids",
        "value",
        "estimated_annual_cost",
    ];
    if let IdentifierAccess::Full(_) = view.access {
        header.extend(["name", "date_of_birth"]);
    }
    let mut rows = Vec::new();
    for f in families(id, view) {
        for p in &f.problems {
            for e in &p.evidence {
                let mut row = vec![
                    Cell::Number(f.rank as f64),
                    Cell::Number(f.family_id as f64),
                    Cell::Text(p.key.clone()),
                    Cell::Text(e.indicator.clone()),
                    Cell::Number(e.person_id as f64),
                    match e.age {
                        Some(a) => Cell::Number(a as f64),
                        None => Cell::Text(String::new()),
                    },
                    Cell::Text(ids(&e.record_ids)),
                    Cell::Number((e.value * 10_000.0).round() / 10_000.0),
                    Cell::Number(e.estimated_annual_cost.round()),
                ];
                if let IdentifierAccess::Full(lookup) = view.access {
                    let d = lookup.person(e.person_id).unwrap_or_default();
                    row.push(Cell::Text(d.name));
                    row.push(Cell::Text(
                        d.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
                    ));
                }
                rows.push(row);
            }
        }
    }
    Table { header, rows }
}

/// A text cell made safe for spreadsheets: a leading `=`, `+`, `-` or `@` would make Excel
/// read the cell as a formula, so such text gets a leading apostrophe.
fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn write_csv(t: &Table, out: &mut impl Write) -> Result<(), ExportError> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(&t.header)?;
    for r in &t.rows {
        w.write_record(r.iter().map(|c| match c {
            Cell::Text(s) => csv_text(s),
            Cell::Number(n) => n.to_string(),
        }))?;
    }
    w.flush().map_err(::csv::Error::from)?;
    Ok(())
}

/// Writes the ranked list of families as CSV.
pub fn csv(
    id: &Identification,
    out: &mut impl Write,
    view: &ExportView,
) -> Result<(), ExportError> {
    write_csv(&ranked_table(id, view), out)
}

/// Writes the evidence behind each family as CSV, one row per (problem, indicator, person).
pub fn evidence_csv(
    id: &Identification,
    out: &mut impl Write,
    view: &ExportView,
) -> Result<(), ExportError> {
    write_csv(&evidence_table(id, view), out)
}

/// Writes an Excel workbook with two sheets: "Ranked families" and "Evidence".
pub fn xlsx(id: &Identification, path: &Path, view: &ExportView) -> Result<(), ExportError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, table) in [
        ("Ranked families", ranked_table(id, view)),
        ("Evidence", evidence_table(id, view)),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in table.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
            ws.set_column_width(c as u16, (h.len() as f64 + 2.0).max(10.0))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => ws.write_string(r, c as u16, s.as_str())?,
                    Cell::Number(n) => ws.write_number(r, c as u16, *n)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
        if !table.rows.is_empty() {
            let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
            ws.autofilter(0, 0, last_row, (table.header.len() - 1) as u16)?;
        }
    }
    wb.save(path)?;
    Ok(())
}
