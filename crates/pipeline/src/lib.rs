//! `hearth-pipeline`: the stages of Hearth's data work, run against a [`hearth_store::Store`].
//!
//! Each stage reads what the previous one stored and writes its own results in one
//! transaction, so any stage can be re-run on its own (`hearth import`, `hearth link`,
//! `hearth identify`) or all together (`hearth demo`):
//!
//! * [`import`]: partner files → intake (read, validate, quarantine) → one batch per file.
//! * [`link`]: every stored record → linkage (people, stable person IDs, the clerical review
//!   queue) → households (households, families, stable family IDs) → the store.
//! * [`rights`]: erased people's rows kept out of imports, restricted records out of linkage,
//!   objections kept with their person, and the subject access document.
//! * [`identify`]: the latest linkage run's families and their members' facts →
//!   identification (problems, eligibility, priority, evidence; what changed since the
//!   previous run) → the store.
//!
//! It only orchestrates: it moves data between the domain crates and the store and converts
//! between their shapes. It holds no domain rule — how records link, who is in a household,
//! a person's best-known values, which pairs go to review, who is eligible, how families are
//! ranked and what changed between runs are decided by `hearth-linkage`,
//! `hearth-households` and `hearth-identification`. It prints nothing (the reports implement
//! `Display` for the `hearth` binary to print) and logs counts, never personal data.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use chrono::NaiveDate;
//! use hearth_pipeline::{identify, import, link};
//! use std::path::Path;
//!
//! let mut store = hearth_store::Store::open("data/hearth.sqlite")?;
//! let files = import::partner_files(&[Path::new("data/demo/sources").to_path_buf()])?;
//! let today = NaiveDate::from_ymd_opt(2025, 9, 1);
//! import::import_files(&mut store, &files, Path::new("mappings"), "officer", today)?;
//! let as_at = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
//! println!("{}", link::link_store(&mut store, as_at)?);
//! let (rules, sha256) = identify::load_rules(Path::new("rules/expanded-2015.toml"))?;
//! println!("{}", identify::identify_store(&mut store, &rules, &sha256, as_at)?);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod extract;
mod hash;
pub mod identify;
pub mod impact;
pub mod import;
pub mod link;
pub mod outcomes;
pub mod quarantine;
pub mod retention;
pub mod rights;
pub mod savings;
pub mod sharing;
