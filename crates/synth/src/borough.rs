//! A generated borough ([`Borough`]) and what generation is asked ([`Config`]) and reports
//! ([`Summary`], [`SynthError`]). Plain data and accessors; generating is in the crate root,
//! rendering sources in `rows`, writing in `write`.

use crate::errors::SourceErrors;
use crate::geo::Geography;
use crate::model::{Facts, Household, Person};
use crate::sources::{Source, SourceTable};
use std::path::PathBuf;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Number of people in the borough.
    pub people: usize,
    /// Seed: the same seed and size give the same borough.
    pub seed: u64,
    /// Recording error rates per source.
    pub errors: SourceErrors,
    /// The programme cohort past the as-at date (`None`: the period only, as before).
    pub cohort: Option<crate::cohort::Cohort>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            people: 10_000,
            seed: 1,
            errors: SourceErrors::default(),
            cohort: None,
        }
    }
}

/// Why generating or writing a borough failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The size asked for is out of range.
    #[error("a borough needs between 1 and {max} people; {asked} were asked for")]
    Size {
        /// People asked for.
        asked: usize,
        /// The maximum.
        max: usize,
    },
    /// A file or folder could not be written.
    #[error("could not write {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The Excel workbook could not be written.
    #[error("could not write the workbook {path}: {message}")]
    Xlsx {
        /// The path.
        path: PathBuf,
        /// The library's message.
        message: String,
    },
    /// Text that Windows-1252 cannot hold (a bug: names are folded first).
    #[error("text in {path} cannot be encoded as Windows-1252")]
    Encoding {
        /// The path.
        path: PathBuf,
    },
}

/// A generated borough, in memory.
#[derive(Debug, Clone)]
pub struct Borough {
    pub(crate) config: Config,
    pub(crate) people: Vec<Person>,
    pub(crate) households: Vec<Household>,
    pub(crate) facts: Facts,
    pub(crate) sources: Vec<SourceTable>,
    pub(crate) geo: Geography,
    pub(crate) followup: Option<crate::cohort::FollowUp>,
}

impl Borough {
    /// The configuration it was generated from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Everyone, by index (person id `P0000001` is index 0).
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Households at the as-at date, by index.
    pub fn households(&self) -> &[Household] {
        &self.households
    }

    /// What truly happened.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The seven source tables, in [`Source::ALL`] order.
    pub fn sources(&self) -> &[SourceTable] {
        &self.sources
    }

    /// One source table.
    pub fn source(&self, source: Source) -> &SourceTable {
        &self.sources[source as usize]
    }

    /// The programme cohort after the as-at date, when asked for.
    pub fn followup(&self) -> Option<&crate::cohort::FollowUp> {
        self.followup.as_ref()
    }

    /// The address of an address index: (first line, town, postcode).
    pub fn address(&self, index: usize) -> (String, &'static str, String) {
        let a = self.geo.address(index);
        (a.line, a.town, a.postcode)
    }
}

/// What `write` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// People in the borough.
    pub people: usize,
    /// Households.
    pub households: usize,
    /// Households with a child on the as-at date.
    pub families: usize,
    /// Families with two or more true headline problems.
    pub eligible_families: usize,
    /// Data rows (excluding the header) per source file.
    pub rows: Vec<(Source, usize)>,
    /// The output folder.
    pub out_dir: PathBuf,
}
