//! `hearth-linkage`: Hearth's record linkage engine.
//!
//! Given records about people from many partner datasets, it decides which records are the
//! same person:
//!
//! 1. **Standardise** ([`standardise`]): case, accents, punctuation, titles; forename
//!    nicknames from an editable table (`data/nicknames.csv`); full names split; UK postcodes
//!    with sector and district; addresses (St→street, Flat 2→2, house numbers); dates of birth
//!    kept as written so typos compare; NHS/NI/UPN validated through `hearth-model`;
//!    placeholder names, dates, addresses and postcodes ("NOT KNOWN", 01/01/1900, "No fixed
//!    abode", `ZZ99 3VZ`: [`Placeholders`], the one editable list, `hearth-model`'s
//!    `data/placeholders.toml`) treated as missing. Records identical after
//!    standardisation are compared once (a group of more than 16 is written as a star
//!    around its first record, not every pair).
//! 2. **Block** ([`BlockingRule`]): several rules (identifiers; date of birth with name
//!    phonetics; postcode with initial; names with district, birth year or house number; …)
//!    generate candidate pairs by sorting keys, each pair once across rules, with a
//!    [`BlockingReport`] and a guard that splits or skips huge blocks.
//! 3. **Compare** ([`COMPARISONS`]): graded levels per field — Jaro–Winkler and
//!    Damerau–Levenshtein ([`metrics`], hand-written), nicknames, swapped names, day/month
//!    swaps, postcode sector/district, identifier typos.
//! 4. **Score**: Fellegi–Sunter. u from random record pairs; m by EM in two sessions (pairs
//!    sharing names, pairs sharing a date of birth — no comparison trained on pairs chosen for
//!    agreeing on it); the prior by EM over all comparable pairs; term-frequency adjustments
//!    for common names; the threshold is posterior probability 0.5 (overridable); a review
//!    band. [`explain`] gives each comparison's weight. A veto keeps twins, siblings and a
//!    parent and child of one name apart: plainly different forenames or dates of birth are
//!    never a link without an agreeing identifier.
//! 5. **Cluster**: links in descending weight through a union-find that refuses merges of
//!    conflicting clusters (different NHS/NI/UPN, incompatible dates of birth, reviewers'
//!    cannot-links, two records of a deduplicated source) and merges of clusters that most
//!    of their compared pairs do not support; reviewers' must-links first. Different
//!    identifiers do not stop a link whose own identifiers differ while it agrees exactly on
//!    names, full date of birth and address (one person registered twice: a temporary NHS
//!    number, a reissued UPN).
//! 6. **Stable IDs** ([`assign_stable_ids`]): previous person IDs kept, merges and splits
//!    reported.
//!
//! [`link`] runs these as named stages, one module each, in order: `prepare` (standardise and
//! intern), `dedup`, `blocking`, `train` (estimates in `em`), `score` (the one function that
//! scores a pair), `people` (clustering through `cluster`'s guarded union-find) and
//! `review_list` (pairs in input-record terms, links and the review list). No module imports
//! the crate root; shared types sit low (`record`, `settings`, `model`, `hash`).
//!
//! The engine does no I/O and is deterministic: the same records and settings give the same
//! pairs, people and IDs (seeded sampling, stable sorts, no hash-map order in outputs). The
//! [`spec`] module (Splink-like `hearth link --spec` runs over CSV files, documented in
//! `SPEC.md`) is the only part that touches files. It does not know about households or
//! families: that is for the crates that use it.
//!
//! ```
//! use hearth_linkage::{link, Constraints, LinkRecord, Settings};
//! let mut a = LinkRecord::new(0, "a1");
//! a.given_name = Some("Bill".into());
//! a.family_name = Some("Smith".into());
//! a.date_of_birth = hearth_linkage::standardise::parse_dob("2011-04-03", "%Y-%m-%d").unwrap();
//! a.postcode = Some("LS1 4AB".into());
//! let mut b = LinkRecord::new(1, "b1");
//! b.full_name = Some("SMITH, William".into());
//! b.date_of_birth = a.date_of_birth;
//! b.postcode = Some("ls14ab".into());
//! let linkage = link(&[a, b], &Settings::default(), &Constraints::default());
//! assert_eq!(linkage.person_of.len(), 2);
//! ```
#![deny(missing_docs)]

mod attach;
mod blocking;
mod cluster;
mod compare;
mod dedup;
mod em;
mod hash;
mod incremental;
mod index;
mod laps;
mod link;
mod lookup;
pub mod metrics;
mod model;
mod people;
pub mod placeholder;
mod prepare;
mod record;
mod review;
mod review_list;
mod score;
mod settings;
pub mod spec;
mod stable;
pub mod standardise;
mod train;

pub use blocking::{BlockingReport, BlockingRule, RuleReport};
pub use compare::{dob_level, level, parse_level, Comparison, COMPARISONS};
pub use incremental::{IncrementalLinkage, IncrementalRefusal};
pub use link::{link, link_keys, Linkage};
pub use lookup::{LookupIndex, LookupMatch, ModelParameters};
pub use model::{
    explain, probability, ComparisonParams, Contribution, EmSession, LevelParams, ScoredPair,
    TrainedModel,
};
pub use placeholder::Placeholders;
pub use record::LinkRecord;
pub use review::{review_order, review_queue};
pub use score::vetoed;
pub use settings::{Constraints, Settings};
pub use stable::{assign_stable_ids, IdChange, StableIds};
pub use standardise::Dob;
