//! Hearth's synthetic borough: a made-up English borough whose partner agencies' files look
//! like the real thing (errors and all), together with the ground truth to score against.
//!
//! [`generate`] builds a borough in memory — people in households, what truly happened to
//! them over the school years 2022/23 to 2024/25, and the seven partner source tables that
//! record it imperfectly. [`write`] puts it on disk in exactly the layout of
//! `docs/partner-sources.md`: `sources/` (the files intake imports) and `truth/` (never
//! imported: true people, the true person of every source row, and each family's true
//! headline problems from the [`truth`] oracle).
//!
//! Generation is pure and deterministic: the same [`Config`] gives byte-identical files, on
//! any number of threads (each household draws from its own generator seeded by the seed and
//! the household's index). No clock, no hash-map ordering, no I/O until [`write`].
//!
//! It is not a statistical model of any real council, and it holds no real person's data.
//!
//! ```
//! let config = hearth_synth::Config { people: 500, seed: 7, ..Default::default() };
//! let borough = hearth_synth::generate(&config).unwrap();
//! assert_eq!(borough.people().len(), 500);
//! let dir = tempfile::tempdir().unwrap();
//! let summary = hearth_synth::write(&borough, dir.path()).unwrap();
//! assert!(dir.path().join("sources/social_care.xlsx").exists());
//! assert_eq!(summary.people, 500);
//! ```
#![deny(missing_docs)]

pub mod dates;
mod errors;
mod events;
mod geo;
mod model;
mod names;
mod population;
mod sources;
pub mod truth;
mod write;

pub use errors::{ErrorKind, ErrorRates, SourceErrors};
pub use model::{
    family_id, household_id, person_id, Attendance, BenefitClaim, BenefitType, CareEpisode,
    ContactType, EpisodeType, Facts, HealthContact, Household, HouseholdKind, HousingRecord,
    Incident, IncidentCategory, Involvement, Person, YouthOffence,
};
pub use sources::{Cell, Source, SourceTable};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The largest borough: identifiers are made distinct from person indices up to here.
pub const MAX_PEOPLE: usize = 5_000_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Number of people in the borough.
    pub people: usize,
    /// Seed: the same seed and size give the same borough.
    pub seed: u64,
    /// Recording error rates per source.
    pub errors: SourceErrors,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            people: 10_000,
            seed: 1,
            errors: SourceErrors::default(),
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
    config: Config,
    people: Vec<Person>,
    households: Vec<Household>,
    facts: Facts,
    sources: Vec<SourceTable>,
    geo: geo::Geography,
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

    /// The address of an address index: (first line, town, postcode).
    pub fn address(&self, index: usize) -> (String, &'static str, String) {
        let a = self.geo.address(index);
        (a.line, a.town, a.postcode)
    }
}

/// What [`write`] wrote.
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

/// Generates a borough in memory. Pure: no I/O, no clock.
pub fn generate(config: &Config) -> Result<Borough, SynthError> {
    if config.people == 0 || config.people > MAX_PEOPLE {
        return Err(SynthError::Size {
            asked: config.people,
            max: MAX_PEOPLE,
        });
    }
    let seed = config.seed;
    let plans = population::plan(config.people, seed);
    let built: Vec<(Vec<Person>, Household, Facts)> = plans
        .par_iter()
        .enumerate()
        .map(|(h, plan)| {
            let mut rng = population::household_rng(seed, h as u64, 1);
            let (people, household, traits) = population::populate(plan, h, &mut rng);
            let facts = events::happen(&people, &household, traits, &mut rng);
            (people, household, facts)
        })
        .collect();
    let movers = plans.iter().filter(|p| p.old_address.is_some()).count();
    let geo = geo::Geography::with_capacity(plans.len() + movers);
    let rows: Vec<_> = built
        .par_iter()
        .map(|(people, household, facts)| {
            let mut rng = population::household_rng(seed, household.index as u64, 2);
            sources::household_rows(household, people, facts, &geo, &config.errors, &mut rng)
        })
        .collect();
    let sources = sources::assemble(rows);
    let mut all_people = Vec::with_capacity(config.people);
    let mut households = Vec::with_capacity(built.len());
    let mut facts = Facts::default();
    for (mut p, h, mut f) in built {
        all_people.append(&mut p);
        households.push(h);
        facts.append(&mut f);
    }
    Ok(Borough {
        config: config.clone(),
        people: all_people,
        households,
        facts,
        sources,
        geo,
    })
}

/// Writes `borough` under `out_dir`: `sources/` and `truth/` as in
/// `docs/partner-sources.md`. Existing files of the same names are replaced.
pub fn write(borough: &Borough, out_dir: &Path) -> Result<Summary, SynthError> {
    write::write(borough, out_dir)
}

#[cfg(test)]
mod tests;
