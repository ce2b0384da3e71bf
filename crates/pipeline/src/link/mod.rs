//! The link stage: every imported record → people with stable IDs → households and
//! families with stable IDs, and the clerical review queue, written to the store in one
//! transaction.
//!
//! [`link_store`] runs named steps, each in its own module: load (read the store), prepare
//! and link (linkage's input, people, stable person IDs), families (households, families,
//! stable family IDs), save (the store's rows, written). It holds no linkage or household
//! rule.

mod families;
mod incremental;
mod load;
mod people;
mod rows;
mod save;

use anyhow::Result;
use chrono::NaiveDate;
use hearth_linkage::Settings;
use hearth_store::Store;
use std::time::Instant;

/// How `hearth link` links the store's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    /// Every record, from the start (the model trained again).
    Full,
    /// Only the records added since the last run, into its people under its model; a full
    /// re-link instead (saying why) when that cannot be done safely.
    Incremental,
}

/// How a run linked, for its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// Every record.
    Full,
    /// Only the new records.
    Incremental {
        /// Records linked in.
        new_records: usize,
    },
    /// Every record, because an incremental run was refused.
    FullInstead {
        /// Why the incremental run was refused.
        reason: String,
    },
}

/// What a pipeline linkage run did (counts only).
#[derive(Debug, Clone)]
pub struct LinkReport {
    /// Records linked.
    pub records: usize,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Pairs at or above the threshold.
    pub matched_pairs: usize,
    /// Pairs queued for clerical review.
    pub review_pairs: usize,
    /// People found.
    pub people: usize,
    /// New people since the previous run.
    pub new_people: usize,
    /// Merges since the previous run.
    pub merges: usize,
    /// Splits since the previous run.
    pub splits: usize,
    /// Households at the as-at date.
    pub households: usize,
    /// Families (households with a child, by default).
    pub families: usize,
    /// People no address placed.
    pub unplaced: usize,
    /// Reviewers' decisions applied as constraints.
    pub decisions_applied: usize,
    /// Seconds: load, link, households, save.
    pub seconds: [f64; 4],
    /// Full or incremental.
    pub linked: Linked,
}

/// Links every record in the store and forms households and families at `as_at`.
pub fn link_store(store: &mut Store, as_at: NaiveDate) -> Result<LinkReport> {
    link_store_with(store, as_at, LinkMode::Full)
}

/// Links the store's records (all, or only the new ones: [`LinkMode`]) and forms households
/// and families at `as_at`.
pub fn link_store_with(store: &mut Store, as_at: NaiveDate, mode: LinkMode) -> Result<LinkReport> {
    let t0 = Instant::now();
    let loaded = load::load(store, as_at)?;
    let load_s = t0.elapsed().as_secs_f64();

    let prepared = people::prepare(&loaded);
    let settings = Settings::default();
    let t1 = Instant::now();
    let incremental = match mode {
        LinkMode::Full => None,
        LinkMode::Incremental => Some(incremental::link(store, &loaded, &prepared, &settings)?),
    };
    let (linkage, stable, kept_review, linked) = match incremental {
        Some(Ok(inc)) => (
            inc.linkage,
            inc.stable,
            inc.kept_review,
            Linked::Incremental {
                new_records: inc.new_records,
            },
        ),
        other => {
            let (linkage, stable) = people::link(&prepared, &loaded, &settings);
            let linked = match other {
                Some(Err(refusal)) => Linked::FullInstead {
                    reason: refusal.to_string(),
                },
                _ => Linked::Full,
            };
            (linkage, stable, Vec::new(), linked)
        }
    };
    let link_s = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    let formed = families::form(&loaded, &linkage, &stable, as_at);
    let households_s = t2.elapsed().as_secs_f64();

    let t3 = Instant::now();
    let run = save::Run {
        loaded: &loaded,
        linkage: &linkage,
        stable: &stable,
        formed: &formed,
        kept_review: &kept_review,
        settings: &settings,
        incremental: matches!(linked, Linked::Incremental { .. }),
    };
    let saved = save::save(store, &run, as_at, [load_s, link_s, households_s])?;
    // Objections follow their person: records re-sent by a partner, or newly linked to an
    // objector, join the objection's coverage.
    store.refresh_objection_coverage()?;
    let save_s = t3.elapsed().as_secs_f64();
    tracing::info!(
        records = prepared.records.len(),
        people = linkage.people,
        families = saved.families,
        "linkage run saved"
    );
    Ok(LinkReport {
        records: prepared.records.len(),
        candidate_pairs: linkage.report.candidate_pairs,
        matched_pairs: linkage.pairs.len(),
        review_pairs: saved.review_pairs,
        people: linkage.people,
        new_people: saved.new_people,
        merges: saved.merges,
        splits: saved.splits,
        households: formed.households.households.len(),
        families: saved.families,
        unplaced: formed.households.unplaced,
        decisions_applied: prepared.decisions_applied(),
        seconds: [load_s, link_s, households_s, save_s],
        linked,
    })
}

impl std::fmt::Display for LinkReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.linked {
            Linked::Full => {}
            Linked::Incremental { new_records } => writeln!(
                f,
                "Incremental: {new_records} new records linked into the last run's people under its model \
                 (a full re-link, `hearth link`, is recommended at least monthly and after a tenth more records)"
            )?,
            Linked::FullInstead { reason } => writeln!(
                f,
                "Incremental linking was not possible ({reason}): every record was linked again"
            )?,
        }
        writeln!(
            f,
            "Linked {} records into {} people ({} candidate pairs compared; {} record pairs linked, \
             exact duplicate records included; {} for clerical review)",
            self.records, self.people, self.candidate_pairs, self.matched_pairs, self.review_pairs
        )?;
        writeln!(
            f,
            "  since the last run: {} new people, {} merges, {} splits; {} reviewer decisions applied",
            self.new_people, self.merges, self.splits, self.decisions_applied
        )?;
        writeln!(
            f,
            "  {} households, {} families with children; {} people with no usable address \
             (none, a placeholder such as \"No fixed abode\", or none seen in the {} months \
             before the as-at date)",
            self.households,
            self.families,
            self.unplaced,
            hearth_households::Settings::as_at(chrono::NaiveDate::MIN).max_sighting_age_months
        )?;
        write!(
            f,
            "  time: load {:.1} s, link {:.1} s, households {:.1} s, save {:.1} s",
            self.seconds[0], self.seconds[1], self.seconds[2], self.seconds[3]
        )
    }
}
