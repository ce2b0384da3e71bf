//! [`link`]: the engine's stages in order — prepare (standardise and intern), deduplicate,
//! block, train, score, cluster, review — each in its own module, timed, and the [`Linkage`]
//! they produce. It holds no stage's logic itself.

use crate::blocking::{self, BlockingReport};
use crate::dedup;
use crate::model::{explain, Contribution, ScoredPair, TrainedModel};
use crate::people;
use crate::prepare;
use crate::record::LinkRecord;
use crate::review_list::{self, Outcome};
use crate::score::{self, TermFrequencies};
use crate::settings::{Constraints, Settings};
use crate::standardise;
use crate::train::{self, TrainingInput};

/// The result of [`link`].
#[derive(Debug, Clone)]
pub struct Linkage {
    /// Person index (0-based, dense, numbered in order of each person's first record) of
    /// every input record.
    pub person_of: Vec<u32>,
    /// Number of people.
    pub people: usize,
    /// Links: scored pairs at or above the match threshold, not vetoed, whose records ended
    /// in the same person (pairs of exact duplicate records included). A group of more than 16
    /// identical records is written as its first record: each duplicate paired once with it,
    /// and it alone in the group's pairs with other records, so the list grows with the
    /// records, never with the square of a group. Also each lone record `attach` placed, with
    /// the record that matched (scored as any pair, often below the threshold).
    pub pairs: Vec<ScoredPair>,
    /// For a reviewer: pairs in the clerical-review band, vetoed pairs above it, and links the
    /// clustering refused (conflicting identifiers or dates, or too little support), and lone
    /// records without a date of birth or identifier paired with each person they could be.
    pub review: Vec<ScoredPair>,
    /// The trained model.
    pub model: TrainedModel,
    /// What blocking did.
    pub report: BlockingReport,
}

impl Linkage {
    /// Explains a pair.
    pub fn explain(&self, pair: &ScoredPair) -> Vec<Contribution> {
        explain(pair, &self.model)
    }
}

/// Stage timings, logged at debug level as each stage ends.
struct Laps {
    t0: std::time::Instant,
    last: f64,
    stages: Vec<(&'static str, f64)>,
}

impl Laps {
    fn start() -> Self {
        Laps {
            t0: std::time::Instant::now(),
            last: 0.0,
            stages: Vec::new(),
        }
    }

    fn lap(&mut self, what: &'static str) {
        let now = self.t0.elapsed().as_secs_f64();
        tracing::debug!(stage = what, seconds = now - self.last, "link stage done");
        self.stages.push((what, now - self.last));
        self.last = now;
    }
}

/// Links records into people. Pure and deterministic.
pub fn link(records: &[LinkRecord], settings: &Settings, constraints: &Constraints) -> Linkage {
    let mut laps = Laps::start();
    let prep = prepared(records, settings);
    laps.lap("prepare");
    stages(prep, records.len(), settings, constraints, laps)
}

/// As [`link`], taking the records: once they are prepared, all but their keys (returned, in
/// order) are dropped, so that the rest of the run does not hold the input as written (about
/// half the memory of a run of millions of records). The same result as [`link`].
pub fn link_keys(
    records: Vec<LinkRecord>,
    settings: &Settings,
    constraints: &Constraints,
) -> (Linkage, Vec<String>) {
    let mut laps = Laps::start();
    let prep = prepared(&records, settings);
    let n_in = records.len();
    let keys: Vec<String> = records.into_iter().map(|r| r.key).collect();
    laps.lap("prepare");
    (stages(prep, n_in, settings, constraints, laps), keys)
}

fn prepared(records: &[LinkRecord], settings: &Settings) -> prepare::Prepared {
    let nick = match &settings.nicknames {
        Some(t) => standardise::Nicknames::parse(t),
        None => standardise::Nicknames::shipped(),
    };
    prepare::prepare(records, &nick, &settings.placeholders)
}

/// The stages after preparation.
fn stages(
    mut prep: prepare::Prepared,
    n_in: usize,
    settings: &Settings,
    constraints: &Constraints,
    mut laps: Laps,
) -> Linkage {
    let distinct = dedup::deduplicate(&mut prep, constraints);
    let nd = prep.recs.len();
    let unique = settings.unique_mask();
    let recs = &prep.recs;
    let allowed_recs =
        |a: &prepare::Rec, b: &prepare::Rec| !(a.source == b.source && unique[a.source as usize]);
    let allowed = |i: usize, j: usize| allowed_recs(&recs[i], &recs[j]);
    let veto = settings
        .veto
        .unwrap_or_else(|| !prep.recs.iter().all(|r| unique[r.source as usize]));
    let (cands, rule_reports) = blocking::candidates(
        &prep,
        &settings.rules,
        settings.max_block_size,
        &allowed_recs,
    );
    laps.lap("blocking");

    let model = train::train(
        &prep,
        &cands,
        TrainingInput {
            settings,
            constraints,
            rep_of: &distinct.rep_of,
            unique: &unique,
            allowed: &allowed,
        },
    );
    laps.lap("train");

    let tf = TermFrequencies::new(&prep, settings.term_frequency);
    let threshold = model.threshold_probability;
    let score::Scored { link, kept: scored } = score::score(
        &prep,
        &cands,
        &model,
        &tf,
        veto,
        (threshold, threshold.min(settings.review_band.0)),
    );
    laps.lap("score");

    let people::People {
        person_of,
        people,
        links,
        attached,
    } = people::cluster(
        &prep,
        // Lone records without a date of birth or identifiers, and lone records under another
        // forename, are attached to the one person they can be, within a council's records
        // (not in a link between deduplicated files).
        veto.then_some(settings.max_block_size),
        (&cands, &link),
        &scored,
        threshold,
        &distinct,
        constraints,
        &unique,
    );
    drop((cands, link));
    laps.lap("cluster");

    let Outcome {
        mut pairs,
        mut review,
    } = review_list::review(
        review_list::Scored {
            prep: &prep,
            scored: &scored,
            links: &links,
            model: &model,
            tf: &tf,
        },
        &distinct,
        &person_of,
        settings.review_band,
    );

    review_list::add_attached(
        &prep,
        (&model, &tf),
        &distinct,
        &attached,
        (&mut pairs, &mut review),
    );

    let report = BlockingReport {
        candidate_pairs: rule_reports.iter().map(|r| r.pairs).sum(),
        rules: rule_reports,
        distinct_records: nd,
        records: n_in,
        stage_seconds: {
            laps.lap("output");
            laps.stages
        },
    };
    tracing::info!(
        records = n_in,
        distinct = nd,
        candidates = report.candidate_pairs,
        people,
        "linked"
    );
    Linkage {
        person_of,
        people,
        pairs,
        review,
        model,
        report,
    }
}
