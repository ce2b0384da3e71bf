//! Standalone spec runs, like Splink: `hearth link --spec link.toml --out DIR`.
//!
//! The spec names each input CSV file, its record-id column and which column plays which
//! role; with no other settings the engine trains itself and links. This module is the only
//! part of the crate that does I/O. The format is documented in `SPEC.md`.

use crate::blocking::BlockingReport;
use crate::link::{link, Linkage};
use crate::model::ScoredPair;
use crate::record::LinkRecord;
use crate::settings::{Constraints, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

struct Loaded {
    records: Vec<LinkRecord>,
}

/// Record keys in spec runs are `source name` + U+001F + `record id`.
const KEY_SEP: char = '\u{1f}';

fn read_source(
    idx: u16,
    src: &SourceSpec,
    base: &Path,
    out: &mut Loaded,
) -> Result<usize, SpecError> {
    let path = base.join(&src.file);
    if !path.is_file() {
        return Err(SpecError::MissingFile {
            source_name: src.name.clone(),
            path,
        });
    }
    let csv_err = |e: csv::Error| SpecError::Csv {
        file: path.clone(),
        message: e.to_string(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .map_err(csv_err)?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    let col = |name: &str, role: &str| -> Result<usize, SpecError> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| SpecError::UnknownColumn {
                file: path.clone(),
                column: name.to_owned(),
                role: role.to_owned(),
                available: headers.clone(),
            })
    };
    let c = &src.columns;
    let opt = |name: &Option<String>, role: &str| name.as_deref().map(|n| col(n, role)).transpose();
    let id_col = col(&src.record_id, "record_id")?;
    let given = opt(&c.given_name, "given_name")?;
    let middle = opt(&c.middle_name, "middle_name")?;
    let family = opt(&c.family_name, "family_name")?;
    let full = opt(&c.full_name, "full_name")?;
    let dob = opt(&c.date_of_birth, "date_of_birth")?;
    let sex = opt(&c.sex, "sex")?;
    let postcode = opt(&c.postcode, "postcode")?;
    let nhs = opt(&c.nhs_number, "nhs_number")?;
    let ni = opt(&c.ni_number, "ni_number")?;
    let upn = opt(&c.upn, "upn")?;
    let address: Vec<usize> = match &c.address {
        Some(a) => a
            .names()
            .into_iter()
            .map(|n| col(n, "address"))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let others: Vec<(String, usize)> = c
        .other_ids
        .iter()
        .map(|(k, n)| Ok((k.clone(), col(n, &format!("other_ids.{k}"))?)))
        .collect::<Result<_, SpecError>>()?;
    let mut count = 0;
    let mut row = csv::StringRecord::new();
    let mut line: u64 = 1;
    while rdr.read_record(&mut row).map_err(csv_err)? {
        line += 1;
        let get = |i: Option<usize>| -> Option<String> {
            i.and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let date_of_birth = match dob.and_then(|i| row.get(i)) {
            Some(v) => crate::standardise::parse_dob(v, &src.date_format).map_err(|_| {
                SpecError::BadDate {
                    file: path.clone(),
                    row: line,
                    column: c.date_of_birth.clone().unwrap_or_default(),
                    value: v.to_owned(),
                    format: src.date_format.clone(),
                }
            })?,
            None => None,
        };
        let addr: Vec<&str> = address
            .iter()
            .filter_map(|&i| row.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let rid = row.get(id_col).unwrap_or("").to_owned();
        out.records.push(LinkRecord {
            source: idx,
            key: format!("{}{KEY_SEP}{}", src.name, rid),
            given_name: get(given),
            middle_name: get(middle),
            family_name: get(family),
            full_name: get(full),
            date_of_birth,
            sex: get(sex),
            address: (!addr.is_empty()).then(|| addr.join(", ")),
            postcode: get(postcode),
            nhs_number: get(nhs),
            ni_number: get(ni),
            upn: get(upn),
            other_ids: others
                .iter()
                .filter_map(|(k, i)| get(Some(*i)).map(|v| (k.clone(), v)))
                .collect(),
        });
        count += 1;
    }
    Ok(count)
}

/// Runs a spec: reads the inputs, links, writes `out_dir/clusters.csv`, `out_dir/pairs.csv`
/// (links), `out_dir/review.csv` (pairs for a reviewer) and `out_dir/model.json` (trained
/// parameters and blocking report), and returns a summary.
pub fn run(spec_path: &Path, out_dir: &Path) -> Result<Summary, SpecError> {
    let t0 = Instant::now();
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
    let t1 = Instant::now();
    let linkage = link(&loaded.records, &settings, &Constraints::default());
    let t2 = Instant::now();
    std::fs::create_dir_all(out_dir).map_err(|source| SpecError::Write {
        path: out_dir.to_owned(),
        source,
    })?;
    write_outputs(out_dir, &loaded.records, &linkage)?;
    let t3 = Instant::now();
    Ok(Summary {
        records: loaded.records.len(),
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
    })
}

fn write_outputs(
    out_dir: &Path,
    records: &[LinkRecord],
    linkage: &Linkage,
) -> Result<(), SpecError> {
    use rayon::prelude::*;
    use std::io::Write;
    // "source,record_id" of every record, escaped once.
    let labels: Vec<String> = records
        .par_iter()
        .map(|r| {
            let (s, id) = r.key.split_once(KEY_SEP).unwrap_or(("", &r.key));
            format!("{},{}", field(s), field(id))
        })
        .collect();
    let w = |name: &str,
             body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>|
     -> Result<(), SpecError> {
        let path = out_dir.join(name);
        let f = std::fs::File::create(&path).map_err(|source| SpecError::Write {
            path: path.clone(),
            source,
        })?;
        let mut b = std::io::BufWriter::with_capacity(1 << 20, f);
        body(&mut b)
            .and_then(|_| b.flush())
            .map_err(|source| SpecError::Write { path, source })
    };
    w("model.json", &|b| {
        serde_json::to_writer_pretty(&mut *b, &(&linkage.model, &linkage.report))
            .map_err(std::io::Error::other)
    })?;
    w("clusters.csv", &|b| {
        writeln!(b, "source,record_id,person_id")?;
        for (r, label) in labels.iter().enumerate() {
            writeln!(b, "{label},{}", linkage.person_of[r] + 1)?;
        }
        Ok(())
    })?;
    let write_pairs = |name: &str, pairs: &[ScoredPair]| {
        w(name, &|b| {
            writeln!(
                b,
                "source_l,record_id_l,source_r,record_id_r,match_probability,match_weight"
            )?;
            // Format in parallel chunks, write in order.
            for chunk in pairs.chunks(1 << 16) {
                let text: String = chunk
                    .par_iter()
                    .map(|p| {
                        format!(
                            "{},{},{:.6},{:.3}\n",
                            labels[p.left as usize],
                            labels[p.right as usize],
                            p.match_probability,
                            p.match_weight
                        )
                    })
                    .collect();
                b.write_all(text.as_bytes())?;
            }
            Ok(())
        })
    };
    write_pairs("pairs.csv", &linkage.pairs)?;
    write_pairs("review.csv", &linkage.review)
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
