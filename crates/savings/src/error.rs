//! What can be wrong with a savings rules file: always the file, the item (or section) and
//! what to change.

use std::path::PathBuf;

/// A savings rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SavingsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The unit-cost table the rules name is wrong.
    #[error(transparent)]
    UnitCosts(#[from] hearth_identification::RulesError),
    /// Something in the savings rules is wrong.
    #[error("{file}: {place}: {message}")]
    Invalid {
        /// The file, as given.
        file: String,
        /// `item `key`` or the section.
        place: String,
        /// What is wrong, in plain English.
        message: String,
    },
}
