//! Mapping files: how one partner source's columns become Hearth's identity and fact fields.
//!
//! The format is documented in `crates/intake/MAPPINGS.md`; [`Mapping::load`] reads the TOML
//! (`raw`), checks every rule there (`rules`) and names the mapping file in its errors
//! (`error`). This module does not read partner files (see `read`) or check rows (see
//! `validate`).

mod error;
mod names;
mod raw;
mod rules;
mod sharing;
#[cfg(test)]
mod tests;

pub use error::MappingError;
use names::glob_match;
use names::invisible_difference;
pub(crate) use names::{normalise_header, visible};
pub use raw::{AttrType, Encoding, InvalidIdentifiers, NameOrder, Untranslated};
pub(crate) use raw::{AttributeMapping, ColumnSpec, FactMapping, IdentityMapping};
pub use sharing::Sharing;

use hearth_model::standardise::dates::DateFormat;
use raw::RawMapping;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A checked mapping for one partner source: where its columns go in Hearth.
///
/// Built only by [`Mapping::load`] or [`Mapping::parse`], which check the rules in
/// MAPPINGS.md; a `Mapping` in hand is a valid one.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub(crate) path: PathBuf,
    pub(crate) source: String,
    pub(crate) name: Option<String>,
    pub(crate) files: Vec<String>,
    pub(crate) encoding: Encoding,
    pub(crate) sheet: Option<String>,
    /// The CSV separator byte (`,` unless the mapping's `delimiter` says otherwise).
    pub(crate) delimiter: u8,
    /// The row (1-based) holding the header; `None`: the first row that is not blank.
    pub(crate) header_row: Option<u32>,
    /// The decimal mark of the file's numbers (`decimal`); `None`: a point, except in a
    /// semicolon-separated file, where each column's values decide.
    pub(crate) decimal: Option<crate::values::Decimal>,
    pub(crate) event_type: String,
    pub(crate) date_formats: Option<Vec<DateFormat>>,
    pub(crate) invalid_identifiers: InvalidIdentifiers,
    pub(crate) identity: IdentityMapping,
    pub(crate) fact: FactMapping,
    pub(crate) attributes: BTreeMap<String, AttributeMapping>,
    pub(crate) sharing: Option<Sharing>,
}

impl Mapping {
    /// Reads and checks a mapping file.
    pub fn load(path: impl AsRef<Path>) -> Result<Mapping, MappingError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| MappingError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Mapping::parse(&text, path)
    }

    /// Checks a mapping given as TOML text; `path` is used in error messages only.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Mapping, MappingError> {
        let path = path.as_ref().to_path_buf();
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError::Syntax {
            path: path.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        rules::check(&raw, &path)?;
        if let Some(problem) = raw.sharing.as_ref().and_then(Sharing::problem) {
            return Err(MappingError::Invalid {
                path,
                message: problem.to_string(),
            });
        }
        let mut raw = raw;
        if let Some(pivot) = raw.two_digit_year_pivot {
            raw.set_pivot(pivot);
        }
        Ok(Mapping {
            path,
            source: raw.source,
            name: raw
                .name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            files: raw.files,
            encoding: raw.encoding,
            sheet: raw.sheet,
            delimiter: raw
                .delimiter
                .as_deref()
                .and_then(rules::delimiter_byte)
                .unwrap_or(b','),
            header_row: raw.header_row,
            decimal: raw.decimal.as_deref().and_then(rules::decimal_mark),
            event_type: raw.event_type,
            date_formats: raw.date_formats,
            invalid_identifiers: raw.invalid_identifiers,
            identity: raw.identity,
            fact: raw.fact,
            attributes: raw.attributes,
            sharing: raw.sharing,
        })
    }

    /// The mapping file this was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The source's name, e.g. `police`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source's name for people, e.g. `Police` (the mapping's optional `name`): pages
    /// show it instead of the key.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The source's data sharing agreement and lawful basis (the optional `[sharing]`).
    pub fn sharing(&self) -> Option<&Sharing> {
        self.sharing.as_ref()
    }

    /// The event type of every fact from this source, e.g. `incident`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The file names or patterns (`*`, `?`) this mapping applies to.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The declared encoding of the source's text files.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The worksheet to read in a workbook; `None` reads the first sheet.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// The separator between a CSV row's values (the mapping's `delimiter`, default `,`).
    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// The decimal mark of the file's numbers (the mapping's `decimal`: `.` or `,`); `None`
    /// when unset: a point, except in a semicolon-separated file, where each number column's
    /// values decide (see MAPPINGS.md, "Decimal commas").
    pub fn decimal(&self) -> Option<char> {
        self.decimal.map(|d| match d {
            crate::values::Decimal::Point => '.',
            crate::values::Decimal::Comma => ',',
        })
    }

    /// The row (1-based, as a spreadsheet numbers it) holding the header (the mapping's
    /// `header_row`); `None`: the first row that is not blank.
    pub fn header_row(&self) -> Option<u32> {
        self.header_row
    }

    /// The names of the fact's attributes, sorted.
    pub fn attribute_names(&self) -> Vec<&str> {
        self.attributes.keys().map(String::as_str).collect()
    }

    /// True if this mapping applies to a file with this name (not path), case-insensitively.
    pub fn applies_to(&self, file_name: &str) -> bool {
        self.files.iter().any(|p| glob_match(p, file_name))
    }

    /// Every column the mapping names, in mapping order, each once.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let specs = self
            .identity
            .roles()
            .into_iter()
            .filter_map(|(_, c)| c)
            .chain(self.fact.event_date.as_ref())
            .chain(self.fact.end_date.as_ref());
        for spec in specs {
            for c in &spec.columns {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
        }
        for c in self.attributes.values().filter_map(|a| a.column.as_deref()) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Checks that every column the mapping names is in `header` exactly once, compared
    /// trimmed, without case, with non-breaking spaces as spaces and runs of spaces as one.
    pub fn check_header<S: AsRef<str>>(&self, header: &[S]) -> Result<(), MappingError> {
        self.header_index(header).map(|_| ())
    }

    /// For each column the mapping names, its position in `header`.
    pub(crate) fn header_index<S: AsRef<str>>(
        &self,
        header: &[S],
    ) -> Result<BTreeMap<String, usize>, MappingError> {
        let norm: Vec<String> = header
            .iter()
            .map(|h| normalise_header(h.as_ref()))
            .collect();
        let mut index = BTreeMap::new();
        let mut missing = Vec::new();
        for col in self.columns() {
            let key = normalise_header(col);
            let mut hits = norm.iter().enumerate().filter(|(_, h)| **h == key);
            match (hits.next(), hits.next()) {
                (Some((i, _)), None) => {
                    index.insert(col.to_string(), i);
                }
                (Some(_), Some(_)) => {
                    return Err(MappingError::DuplicateColumn {
                        mapping: self.path.clone(),
                        column: col.to_string(),
                    })
                }
                (None, _) => missing.push(col.to_string()),
            }
        }
        if missing.is_empty() {
            Ok(index)
        } else {
            let mut notes = Vec::new();
            for col in &missing {
                for h in header.iter().map(AsRef::as_ref) {
                    if let Some(names) = invisible_difference(h, col) {
                        notes.push(format!(
                            "the header \"{}\" differs from \"{col}\" only by invisible \
                             characters ({}): retype that header in the file",
                            visible(h.trim()),
                            names.join(", ")
                        ));
                    }
                }
            }
            Err(MappingError::MissingColumns {
                mapping: self.path.clone(),
                missing,
                notes,
                found: header
                    .iter()
                    .map(|h| h.as_ref().trim().trim_start_matches('\u{feff}').to_string())
                    .filter(|h| !h.is_empty())
                    .collect(),
            })
        }
    }

    /// Loads every `*.toml` mapping in `dir` (sorted by file name).
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Mapping>, MappingError> {
        let dir = dir.as_ref();
        let io = |error| MappingError::Io {
            path: dir.to_path_buf(),
            error,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let p = entry.map_err(io)?.path();
            if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
                paths.push(p);
            }
        }
        paths.sort();
        paths.iter().map(Mapping::load).collect()
    }

    /// Finds the one mapping in `dir` whose `files` patterns match `file`'s name.
    pub fn find_for(
        dir: impl AsRef<Path>,
        file: impl AsRef<Path>,
    ) -> Result<Mapping, MappingError> {
        let dir = dir.as_ref();
        let file_name = file
            .as_ref()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let all = Mapping::load_dir(dir)?;
        let (mut hits, rest): (Vec<Mapping>, Vec<Mapping>) =
            all.into_iter().partition(|m| m.applies_to(&file_name));
        match hits.len() {
            1 => Ok(hits.remove(0)),
            0 => Err(MappingError::NoMapping {
                dir: dir.to_path_buf(),
                file_name,
                known: rest
                    .iter()
                    .map(|m| format!("{} ({})", m.source, m.files.join(", ")))
                    .collect(),
            }),
            _ => Err(MappingError::Ambiguous {
                file_name,
                paths: hits.into_iter().map(|m| m.path).collect(),
            }),
        }
    }
}
