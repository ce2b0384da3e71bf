//! What can be wrong with a mapping file, or with a mapping against a partner file's header.
//!
//! Messages name the mapping file and columns only, never cell values. This module does not
//! find the problems (the rules and the header check do).

use std::path::PathBuf;

/// A problem with a mapping file, or with a mapping against a partner file's header.
/// Messages name the mapping file and columns only, never cell values.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The mapping file (or the directory of mappings) could not be read.
    #[error("cannot read mapping {path}: {error}")]
    Io {
        /// The mapping file or directory.
        path: PathBuf,
        /// The underlying error (shown in the message, so not also its `source`: a report
        /// of the error's chain would say it twice).
        error: std::io::Error,
    },
    /// The mapping file is not valid TOML, has an unknown key, or a value of the wrong kind.
    #[error("mapping {path} is not valid: {message}")]
    Syntax {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong and where (line and column), from the TOML reader.
        message: String,
    },
    /// The mapping file is valid TOML but breaks a rule in MAPPINGS.md.
    #[error("mapping {path}: {message}")]
    Invalid {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Columns named in the mapping are not in the partner file's header.
    #[error(
        "mapping {mapping} names column(s) {} that the file's header does not have; the header has: {}{}",
        quote_list(missing),
        quote_list(found),
        notes.iter().map(|n| format!("; {n}")).collect::<String>()
    )]
    MissingColumns {
        /// The mapping file.
        mapping: PathBuf,
        /// The mapped columns not found.
        missing: Vec<String>,
        /// The columns the header does have (shown with tabs as `\t` and invisible
        /// characters named, so that none looks identical to a missing column).
        found: Vec<String>,
        /// Header cells that differ from a missing column only by invisible characters,
        /// naming them.
        notes: Vec<String>,
    },
    /// A mapped column appears more than once in the header, so Hearth cannot tell which to use.
    #[error("mapping {mapping} names column \"{column}\", which appears more than once in the file's header; rename one of them")]
    DuplicateColumn {
        /// The mapping file.
        mapping: PathBuf,
        /// The column name.
        column: String,
    },
    /// No mapping in the directory applies to the file.
    #[error("no mapping in {dir} applies to file {file_name}; the mappings there cover: {}", known.join("; "))]
    NoMapping {
        /// The directory of mappings searched.
        dir: PathBuf,
        /// The partner file's name.
        file_name: String,
        /// Each mapping's source and file patterns, e.g. `police (police*.csv)`.
        known: Vec<String>,
    },
    /// More than one mapping applies to the file.
    #[error("more than one mapping applies to file {file_name}: {}; make their `files` patterns distinct", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The partner file's name.
        file_name: String,
        /// The mapping files that match.
        paths: Vec<PathBuf>,
    },
}

fn quote_list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("\"{}\"", super::names::visible(s)))
        .collect::<Vec<_>>()
        .join(", ")
}
