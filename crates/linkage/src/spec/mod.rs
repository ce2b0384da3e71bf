//! Standalone spec runs, like Splink: `hearth link --spec link.toml --out DIR`.
//!
//! The spec names each input CSV file, its record-id column and which column plays which
//! role; with no other settings the engine trains itself and links. This module is the only
//! part of the crate that does I/O. The format is documented in `SPEC.md`.

use crate::blocking::BlockingReport;
use crate::link::link_keys;
use crate::model::EmSession;
use crate::placeholder::Placeholders;
use crate::settings::{Constraints, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod decisions;
mod output;
mod read;

use output::write_outputs;
use read::{read_source, Loaded};

/// Why a spec run failed. Messages name the file, row, column and value that failed.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The spec file could not be read.
    #[error("cannot read the spec file {path}")]
    ReadSpec {
        /// The spec path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The spec is not valid TOML for this format.
    #[error("the spec file {path} is not valid: {message}")]
    ParseSpec {
        /// The spec path.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// An input file named in the spec does not exist.
    #[error("source \"{source_name}\": input file {path} does not exist")]
    MissingFile {
        /// The source's name.
        source_name: String,
        /// The resolved path.
        path: PathBuf,
    },
    /// A column named in the spec is not in the file's header.
    #[error("{file}: no column \"{column}\" (wanted as {role}); the file's columns are: {}", available.join(", "))]
    UnknownColumn {
        /// The file.
        file: PathBuf,
        /// The missing column.
        column: String,
        /// The role it was to play.
        role: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A date of birth does not match the declared format.
    #[error("{file}, row {row}, column \"{column}\": date of birth \"{value}\" does not match the format \"{format}\"")]
    BadDate {
        /// The file.
        file: PathBuf,
        /// Row as a spreadsheet shows it (header = row 1).
        row: u64,
        /// The column.
        column: String,
        /// The value found.
        value: String,
        /// The expected format.
        format: String,
    },
    /// The CSV could not be read.
    #[error("{file}: {message}")]
    Csv {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Rows without a record id.
    #[error("{file}, rows {rows}: no record id in column \"{column}\"; every row needs one")]
    EmptyId {
        /// The file.
        file: PathBuf,
        /// The record-id column.
        column: String,
        /// The rows, as a spreadsheet numbers them.
        rows: String,
    },
    /// Record ids on more than one row.
    #[error(
        "{file}: record ids in column \"{column}\" must be unique, but these are repeated: {ids}"
    )]
    DuplicateId {
        /// The file.
        file: PathBuf,
        /// The record-id column.
        column: String,
        /// Each repeated id with its rows.
        ids: String,
    },
    /// An output could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A column or several joined with ", " (for addresses split over columns).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Columns {
    /// One column.
    One(String),
    /// Several columns joined.
    Many(Vec<String>),
}

impl Columns {
    fn names(&self) -> Vec<&str> {
        match self {
            Columns::One(c) => vec![c.as_str()],
            Columns::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// Which column plays which role. Every role is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRoles {
    /// Given name.
    pub given_name: Option<String>,
    /// Middle name(s).
    pub middle_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Whole name (`Forename Surname` or `SURNAME, Forename`).
    pub full_name: Option<String>,
    /// Date of birth (see the source's `date_format`).
    pub date_of_birth: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Address: one column or a list joined with ", ".
    pub address: Option<Columns>,
    /// Postcode.
    pub postcode: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// National Insurance number.
    pub ni_number: Option<String>,
    /// Unique Pupil Number.
    pub upn: Option<String>,
    /// Other identifiers: kind → column. Same kind in two sources = comparable.
    #[serde(default)]
    pub other_ids: BTreeMap<String, String>,
}

/// One input file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// The source's name (written in the outputs).
    pub name: String,
    /// CSV file, relative to the spec's folder.
    pub file: PathBuf,
    /// The record-id column.
    pub record_id: String,
    /// Date format in the one date grammar (`hearth_model::standardise::dates`: `%Y`, `%y`,
    /// `%m`, `%d`, `%E`; default `%Y-%m-%d`).
    #[serde(default = "default_date_format")]
    pub date_format: String,
    /// True when every record of this file is a different person (a deduplicated file).
    #[serde(default)]
    pub unique_people: bool,
    /// Column roles.
    pub columns: ColumnRoles,
}

fn default_date_format() -> String {
    "%Y-%m-%d".into()
}

/// Optional settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecSettings {
    /// Match threshold probability (default: automatic).
    pub match_threshold: Option<f64>,
    /// Blocking guard.
    pub max_block_size: Option<usize>,
    /// Sampling seed.
    pub seed: Option<u64>,
    /// A forename equivalence table replacing the shipped one (relative to the spec).
    pub nicknames_file: Option<PathBuf>,
    /// Turn term-frequency adjustments off.
    pub term_frequency: Option<bool>,
    /// Force the veto rule on or off (default automatic; see `Settings::veto`).
    pub veto: Option<bool>,
    /// A list of placeholder names, dates of birth, addresses and postcodes (treated as
    /// missing) replacing the shipped `crates/model/data/placeholders.toml` (relative to the
    /// spec).
    pub placeholders_file: Option<PathBuf>,
    /// Reviewers' decisions (relative to the spec): a CSV
    /// `source_l,record_id_l,source_r,record_id_r,same`, applied as must-links and
    /// cannot-links.
    pub decisions_file: Option<PathBuf>,
}

/// A link spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Settings.
    #[serde(default)]
    pub settings: SpecSettings,
    /// Input files.
    #[serde(rename = "source")]
    pub sources: Vec<SourceSpec>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Records read.
    pub records: usize,
    /// Records per source.
    pub records_per_source: Vec<(String, usize)>,
    /// The blocking report.
    pub report: BlockingReport,
    /// Threshold probability and weight, and how it was chosen.
    pub threshold: (f64, f64, &'static str),
    /// Linked pairs written.
    pub links: usize,
    /// Pairs in the review band.
    pub review: usize,
    /// People found.
    pub people: usize,
    /// Seconds reading, linking and writing.
    pub seconds: (f64, f64, f64),
    /// EM iterations and convergence.
    pub em: (usize, bool),
    /// How each EM session ended, and why.
    pub em_sessions: Vec<EmSession>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "records: {} ({})",
            self.records,
            self.records_per_source
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(
            f,
            "distinct records after collapsing exact duplicates: {}",
            self.report.distinct_records
        )?;
        writeln!(f, "candidate pairs: {}", self.report.candidate_pairs)?;
        writeln!(
            f,
            "blocking: rule | keyed | blocks | largest | new pairs | split | skipped"
        )?;
        for r in &self.report.rules {
            if r.records_keyed == 0 {
                continue;
            }
            writeln!(
                f,
                "  {} | {} | {} | {} | {} | {} | {}",
                r.rule,
                r.records_keyed,
                r.blocks,
                r.largest_block,
                r.pairs,
                r.blocks_split,
                r.blocks_skipped
            )?;
        }
        writeln!(f, "EM: {} iterations, converged: {}", self.em.0, self.em.1)?;
        for s in &self.em_sessions {
            writeln!(
                f,
                "  {} session ({} pairs): {} iterations; {}",
                s.name, s.pairs, s.iterations, s.stopped
            )?;
        }
        writeln!(
            f,
            "threshold: probability {:.3} (weight {:.2}); {}",
            self.threshold.0, self.threshold.1, self.threshold.2
        )?;
        writeln!(f, "links: {}; in review band: {}", self.links, self.review)?;
        writeln!(f, "people: {}", self.people)?;
        let stages: Vec<String> = self
            .report
            .stage_seconds
            .iter()
            .map(|(s, t)| format!("{s} {t:.2}s"))
            .collect();
        write!(
            f,
            "time: read {:.2}s, link {:.2}s ({}), write {:.2}s",
            self.seconds.0,
            self.seconds.1,
            stages.join(", "),
            self.seconds.2
        )
    }
}

/// Parses a spec file (no inputs read).
pub fn load(spec_path: &Path) -> Result<Spec, SpecError> {
    let text = std::fs::read_to_string(spec_path).map_err(|source| SpecError::ReadSpec {
        path: spec_path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| SpecError::ParseSpec {
        path: spec_path.to_owned(),
        message: e.to_string(),
    })
}

/// A spec's inputs, read: every record (sources numbered in the spec's order), the settings
/// and reviewers' decisions.
pub struct Inputs {
    /// Every record.
    pub records: Vec<crate::record::LinkRecord>,
    /// Records per source.
    pub per_source: Vec<(String, usize)>,
    /// The settings.
    pub settings: Settings,
    /// Reviewers' decisions.
    pub constraints: Constraints,
}

/// Reads a spec's inputs (for runs other than [`run`]: an incremental run's benchmark).
pub fn inputs(spec_path: &Path) -> Result<Inputs, SpecError> {
    let spec = load(spec_path)?;
    let base = spec_path.parent().unwrap_or(Path::new("."));
    if spec.sources.is_empty() {
        return Err(SpecError::ParseSpec {
            path: spec_path.to_owned(),
            message: "no [[source]] tables".into(),
        });
    }
    let mut loaded = Loaded {
        records: Vec::new(),
    };
    let mut per_source = Vec::new();
    let mut settings = Settings::default();
    for (i, src) in spec.sources.iter().enumerate() {
        let n = read_source(i as u16, src, base, &mut loaded)?;
        per_source.push((src.name.clone(), n));
        if src.unique_people {
            settings.unique_sources.push(i as u16);
        }
    }
    let s = &spec.settings;
    settings.match_threshold = s.match_threshold;
    if let Some(m) = s.max_block_size {
        settings.max_block_size = m;
    }
    if let Some(seed) = s.seed {
        settings.seed = seed;
    }
    settings.veto = s.veto;
    if let Some(tf) = s.term_frequency {
        settings.term_frequency = tf;
    }
    if let Some(nf) = &s.nicknames_file {
        let p = base.join(nf);
        settings.nicknames =
            Some(
                std::fs::read_to_string(&p).map_err(|_| SpecError::MissingFile {
                    source_name: "settings.nicknames_file".into(),
                    path: p,
                })?,
            );
    }
    if let Some(pf) = &s.placeholders_file {
        let p = base.join(pf);
        let text = std::fs::read_to_string(&p).map_err(|_| SpecError::MissingFile {
            source_name: "settings.placeholders_file".into(),
            path: p.clone(),
        })?;
        settings.placeholders = Placeholders::parse(&text).map_err(|e| SpecError::ParseSpec {
            path: p,
            message: e.to_string(),
        })?;
    }
    let constraints = match &s.decisions_file {
        Some(df) => decisions::read_decisions(&base.join(df), &loaded.records)?,
        None => Constraints::default(),
    };
    Ok(Inputs {
        records: loaded.records,
        per_source,
        settings,
        constraints,
    })
}

/// Runs a spec: reads the inputs, links, writes `out_dir/clusters.csv`, `out_dir/pairs.csv`
/// (links), `out_dir/review.csv` (pairs for a reviewer) and `out_dir/model.json` (trained
/// parameters and blocking report), and returns a summary.
pub fn run(spec_path: &Path, out_dir: &Path) -> Result<Summary, SpecError> {
    let t0 = Instant::now();
    let Inputs {
        records,
        per_source,
        settings,
        constraints,
    } = inputs(spec_path)?;
    let n_records = records.len();
    let t1 = Instant::now();
    // The records as written are dropped once prepared (only their keys kept).
    let (linkage, keys) = link_keys(records, &settings, &constraints);
    let t2 = Instant::now();
    std::fs::create_dir_all(out_dir).map_err(|source| SpecError::Write {
        path: out_dir.to_owned(),
        source,
    })?;
    write_outputs(out_dir, &keys, &linkage)?;
    let t3 = Instant::now();
    Ok(Summary {
        records: n_records,
        records_per_source: per_source,
        report: linkage.report.clone(),
        threshold: (
            linkage.model.threshold_probability,
            linkage.model.threshold_weight,
            linkage.model.threshold_method,
        ),
        links: linkage.pairs.len(),
        review: linkage.review.len(),
        people: linkage.people,
        seconds: (
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
        ),
        em: (linkage.model.em_iterations, linkage.model.converged),
        em_sessions: linkage.model.em_sessions.clone(),
    })
}
