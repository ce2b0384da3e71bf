//! Hearth's synthetic borough: a made-up English borough whose partner agencies' files look
//! like the real thing (errors and all), together with the ground truth to score against.
//!
//! [`generate`] builds a borough in memory — people in households, what truly happened to
//! them over the school years 2022/23 to 2024/25, and the seven partner source tables that
//! record it imperfectly. [`write()`] puts it on disk in exactly the layout of
//! `docs/partner-sources.md`: `sources/` (the files intake imports) and `truth/` (never
//! imported: true people, the true person of every source row, and each family's true
//! headline problems from the [`truth`] oracle).
//!
//! Generation is pure and deterministic: the same [`Config`] gives byte-identical files, on
//! any number of threads (each household draws from its own generator seeded by the seed and
//! the household's index). No clock, no hash-map ordering, no I/O until [`write()`].
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

mod borough;
pub mod cohort;
pub mod dates;
mod errors;
mod events;
mod geo;
mod model;
mod names;
mod population;
pub mod referrals;
mod rows;
mod sources;
pub mod truth;
mod write;

pub use borough::{Borough, Config, Summary, SynthError};
pub use errors::{ErrorKind, ErrorRates, SourceErrors};
pub use model::{
    family_id, household_id, person_id, Attendance, BenefitClaim, BenefitType, CareEpisode,
    ContactType, EpisodeType, Facts, HealthContact, Household, HouseholdKind, HousingRecord,
    Incident, IncidentCategory, Involvement, Person, YouthOffence,
};
pub use sources::{Cell, Source, SourceTable};

use rayon::prelude::*;
use std::path::Path;

/// The largest borough: identifiers are made distinct from person indices up to here.
pub const MAX_PEOPLE: usize = 5_000_000;

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
    let built: Vec<(Vec<Person>, Household, Facts, f64)> = plans
        .par_iter()
        .enumerate()
        .map(|(h, plan)| {
            let mut rng = population::household_rng(seed, h as u64, 1);
            let (people, household, traits) = population::populate(plan, h, &mut rng);
            let facts = events::happen(&people, &household, traits, &mut rng);
            (people, household, facts, traits.risk)
        })
        .collect();
    let movers = plans.iter().filter(|p| p.old_address.is_some()).count();
    let geo = geo::Geography::with_capacity(plans.len() + movers);
    let rows: Vec<_> = built
        .par_iter()
        .map(|(people, household, facts, _)| {
            let mut rng = population::household_rng(seed, household.index as u64, 2);
            rows::household_rows(household, people, facts, &geo, &config.errors, 0, &mut rng)
        })
        .collect();
    let (sources, refs) = rows::assemble_continuing(rows, Default::default());
    let mut all_people = Vec::with_capacity(config.people);
    let mut households = Vec::with_capacity(built.len());
    let mut facts = Facts::default();
    let mut risks = Vec::with_capacity(built.len());
    for (mut p, h, mut f, risk) in built {
        all_people.append(&mut p);
        households.push(h);
        facts.append(&mut f);
        risks.push(risk);
    }
    let mut borough = Borough {
        config: config.clone(),
        people: all_people,
        households,
        facts,
        sources,
        geo,
        followup: None,
    };
    if let Some(cohort) = &config.cohort {
        borough.followup = Some(cohort::build(&borough, &risks, refs, cohort));
    }
    Ok(borough)
}

/// Writes `borough` under `out_dir`: `sources/` and `truth/` as in
/// `docs/partner-sources.md`. Existing files of the same names are replaced.
pub fn write(borough: &Borough, out_dir: &Path) -> Result<Summary, SynthError> {
    write::write(borough, out_dir)
}

#[cfg(test)]
mod tests;
