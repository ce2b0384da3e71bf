//! The error a rules or unit-cost file gives when it cannot be used: which file, which part of
//! it ([`Location`]), what kind of mistake ([`ErrorKind`]) and a message for people. It does not
//! decide what is a mistake: reading and validating do (in `rules` and `costs`).

use std::fmt;
use std::path::PathBuf;

/// A rules file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but something in it is wrong.
    #[error("{file}: {location}{message}")]
    Invalid {
        /// The file, as given to the loader.
        file: String,
        /// Which part of the file.
        location: Location,
        /// What kind of mistake, for programs (the message is for people).
        kind: ErrorKind,
        /// What is wrong, in plain English.
        message: String,
    },
}

impl RulesError {
    /// The kind of mistake, if the file was read.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            RulesError::Io { .. } => None,
            RulesError::Invalid { kind, .. } => Some(*kind),
        }
    }
}

/// Which part of a rules or unit-cost file an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole, or its top-level settings.
    File,
    /// A `[[problems]]` entry, by key.
    Problem(String),
    /// An `[[indicators]]` entry, by key (or `#n` when it has no key).
    Indicator(String),
    /// A section such as `[eligibility]` or `[priority]`.
    Section(String),
    /// A `[[costs]]` row of the unit-cost table, by key.
    UnitCost(String),
    /// A `[[deflators]]` row, by year.
    Deflator(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Problem(k) => write!(f, "problem `{k}`: "),
            Location::Indicator(k) => write!(f, "indicator `{k}`: "),
            Location::Section(s) => write!(f, "[{s}]: "),
            Location::UnitCost(k) => write!(f, "unit cost `{k}`: "),
            Location::Deflator(y) => write!(f, "deflator `{y}`: "),
        }
    }
}

/// The kinds of mistake a rules file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML, a field of the wrong type, or a field this format does not have.
    Syntax,
    /// A required field is missing.
    MissingField,
    /// The same key twice.
    Duplicate,
    /// An indicator names a problem the file does not define.
    UnknownProblem,
    /// A condition or value expression does not parse.
    BadExpression,
    /// An aggregation kind this version does not know.
    UnknownAggregation,
    /// A window kind this version does not know.
    UnknownWindow,
    /// An indicator has no window.
    MissingWindow,
    /// A number out of range (negative threshold, min age above max age, zero months...).
    BadValue,
    /// A cost mapping names a unit cost the table does not have (or there is no table).
    UnknownCostItem,
    /// A cost mapping counts a unit cost in a way its unit does not allow.
    CostUnitMismatch,
    /// A price year with no deflator.
    UnknownPriceYear,
}
