//! `hearth import --dry-run`: what importing a file would do, shown before anything is
//! written — its first rows as parsed, its quarantine by reason (the summary), warnings
//! (values dropped or not recognised), and how many facts carry no date.
//!
//! When a store is at hand (opened read-only), the preview also says what the import would
//! do with the file as a whole: nothing, for a file already imported; stop and ask, or
//! replace the batch it resembles, for a new version of one ([`InStore`]).
//!
//! The first rows are shown as parsed, identifiers included, to the person running the dry
//! run, so that they can see that names, dates and codes were read as meant. They are never
//! logged.

use super::versions::{EarlierVersion, Versions};
use hearth_intake::{FileImport, ImportSummary};
use hearth_model::{AttrValue, ImportedRow};
use std::fmt;

/// How many rows a preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// What importing one file would do.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Counts of rows read, imported and quarantined, by reason; warnings.
    pub summary: ImportSummary,
    /// The first good rows, as parsed.
    pub first_rows: Vec<ImportedRow>,
    /// Good rows whose fact has no event date (identification cannot place them in time).
    pub undated: u64,
    /// What the store already holds of the file, when the dry run could look (`None`: nothing,
    /// or no store to look in).
    pub in_store: Option<InStore>,
}

/// What a dry run found the store already holds of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InStore {
    /// The same file (same bytes) is this batch: importing it would do nothing.
    AlreadyImported(i64),
    /// Most of its rows are in these batches of its source: the import would stop and ask
    /// (`Versions::Ask`) or replace them (`Versions::Replace`).
    NewVersion(Vec<EarlierVersion>, Versions),
}

impl fmt::Display for InStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InStore::AlreadyImported(batch) => writeln!(
                f,
                "  Already imported (batch {batch}): importing it would change nothing"
            ),
            InStore::NewVersion(earlier, versions) => {
                writeln!(
                    f,
                    "  It looks like a new version of a file already imported:"
                )?;
                for e in earlier {
                    writeln!(
                        f,
                        "    batch {} ({}, imported {}): {} of its {} rows are in this file",
                        e.batch, e.file_name, e.imported_at, e.shared, e.rows
                    )?;
                }
                match versions {
                    Versions::Replace => writeln!(
                        f,
                        "  With --replace, importing it would replace that batch: its records and \
                         quarantined rows would be removed"
                    ),
                    _ => writeln!(
                        f,
                        "  Importing it would stop and write nothing: run it with --replace to \
                         replace that batch, or --as-new if it really is new data"
                    ),
                }
            }
        }
    }
}

impl Preview {
    /// The preview of a file read by intake.
    pub fn of(import: &FileImport) -> Preview {
        Preview {
            summary: import.summary.clone(),
            first_rows: import.rows.iter().take(PREVIEW_ROWS).cloned().collect(),
            undated: import
                .rows
                .iter()
                .filter(|r| r.fact.event_date.is_none())
                .count() as u64,
            in_store: None,
        }
    }
}

impl fmt::Display for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DRY RUN (nothing written) — {}", self.summary)?;
        if let Some(in_store) = &self.in_store {
            write!(f, "{in_store}")?;
        }
        if self.undated > 0 {
            writeln!(
                f,
                "  Facts with no date: {} of {} rows imported (identification cannot place \
                 them in time; check the mapping's date column)",
                self.undated, self.summary.rows_imported
            )?;
        } else {
            writeln!(f, "  Every fact has a date")?;
        }
        if self.first_rows.is_empty() {
            return writeln!(f, "  No row would be imported");
        }
        writeln!(f, "  First rows as parsed:")?;
        for r in &self.first_rows {
            write_row(f, r)?;
        }
        Ok(())
    }
}

fn write_row(f: &mut fmt::Formatter<'_>, r: &ImportedRow) -> fmt::Result {
    let i = &r.identity;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let name = match (&i.given_name, &i.family_name, &i.full_name) {
        (None, None, Some(full)) => format!("whole name {full:?}"),
        _ => format!(
            "given {:?}, middle {:?}, family {:?}",
            opt(&i.given_name),
            opt(&i.middle_name),
            opt(&i.family_name)
        ),
    };
    let date = |d: Option<chrono::NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
    writeln!(
        f,
        "    row {}: {name}; born {}; sex {}; postcode {}; address {:?}",
        r.source_row,
        date(i.date_of_birth),
        i.sex.map_or("-", |s| s.code()),
        i.postcode.as_ref().map_or("-", |p| p.as_str()),
        opt(&i.address),
    )?;
    let ids: Vec<String> = [
        ("ref", i.source_person_id.clone()),
        ("NHS", i.nhs_number.as_ref().map(|n| n.as_str().to_string())),
        ("NI", i.ni_number.as_ref().map(|n| n.as_str().to_string())),
        ("UPN", i.upn.as_ref().map(|n| n.as_str().to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
    .collect();
    let attrs: Vec<String> = r
        .fact
        .attributes
        .iter()
        .map(|(k, v)| match v {
            AttrValue::Bool(b) => format!("{k}={}", if *b { "yes" } else { "no" }),
            AttrValue::Number(n) => format!("{k}={n}"),
            AttrValue::Text(t) => format!("{k}={t:?}"),
        })
        .collect();
    let mut parts = vec![format!(
        "{} {} to {}",
        r.fact.event_type,
        date(r.fact.event_date),
        date(r.fact.end_date)
    )];
    parts.extend((!ids.is_empty()).then(|| ids.join(", ")));
    parts.extend((!attrs.is_empty()).then(|| attrs.join(", ")));
    writeln!(f, "      {}", parts.join("; "))
}
