//! The Fellegi–Sunter model as trained ([`TrainedModel`]: m, u and weight per level, the prior,
//! the threshold), a scored pair ([`ScoredPair`]) and its explanation. Training is in `em` and
//! `train`; scoring in `score`. Nothing here reads records.

use crate::compare::level;
use serde::Serialize;

/// Parameters of one level of one comparison.
#[derive(Debug, Clone, Serialize)]
pub struct LevelParams {
    /// The level's label.
    pub label: &'static str,
    /// P(level | match), from EM.
    pub m: f64,
    /// P(level | non-match), from random sampling of record pairs.
    pub u: f64,
    /// The weight this level contributes: log2(m / u).
    pub weight: f64,
}

/// Parameters of one comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonParams {
    /// The comparison's name.
    pub name: &'static str,
    /// Levels; index 0 is "missing" and always weighs 0.
    pub levels: Vec<LevelParams>,
}

/// A trained model: everything needed to score and explain a pair.
#[derive(Debug, Clone, Serialize)]
pub struct TrainedModel {
    /// Per comparison.
    pub comparisons: Vec<ComparisonParams>,
    /// Probability that two records the run could compare are the same person (estimated by
    /// EM over all pairs, treating pairs that no blocking rule found as non-matches).
    pub prior: f64,
    /// EM iterations run.
    pub em_iterations: usize,
    /// Whether EM converged within the iteration limit.
    pub converged: bool,
    /// How each EM session ended (iterations, the last change, why it stopped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub em_sessions: Vec<EmSession>,
    /// Match threshold as a probability (pairs at or above it are links).
    pub threshold_probability: f64,
    /// The same threshold as a match weight.
    pub threshold_weight: f64,
    /// How the threshold was chosen.
    pub threshold_method: &'static str,
    /// Clerical review band (probabilities, inclusive).
    pub review_band: (f64, f64),
    /// Record pairs sampled for u.
    pub u_sample_pairs: usize,
}

/// How one EM training session ended.
#[derive(Debug, Clone, Serialize)]
pub struct EmSession {
    /// `names` (pairs sharing given and family names) or `dob` (pairs sharing a date of birth).
    pub name: &'static str,
    /// Pairs the session learned from.
    pub pairs: u64,
    /// Iterations run.
    pub iterations: usize,
    /// Whether it converged (no parameter moved more than the tolerance).
    pub converged: bool,
    /// The largest change of a parameter in the last iteration.
    pub last_change: f64,
    /// Which parameter that was.
    pub last_change_in: String,
    /// The session's log-likelihood (natural log) at the start of its last iteration.
    pub log_likelihood: f64,
    /// How much the log-likelihood grew in the last iteration.
    pub last_log_likelihood_gain: f64,
    /// Why it stopped, in plain words.
    pub stopped: String,
}

/// A scored candidate pair. `left`/`right` index the input records (`left < right`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoredPair {
    /// Index of the first record in the input slice.
    pub left: u32,
    /// Index of the second record in the input slice.
    pub right: u32,
    /// The packed comparison levels (see `COMPARISONS`).
    pub pattern: u32,
    /// Term-frequency adjustment applied for an exact given-name match (bits).
    pub tf_given: f32,
    /// Term-frequency adjustment applied for an exact family-name match (bits).
    pub tf_family: f32,
    /// Total match weight (log2 odds, prior included).
    pub match_weight: f64,
    /// Never a link, whatever the weight: the given names or the dates of birth plainly differ
    /// and no identifier agrees (twins, siblings, parent and child of one name). Such a pair
    /// can still be put to a reviewer.
    pub vetoed: bool,
    /// Posterior match probability.
    pub match_probability: f64,
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// Comparison name, or `prior` / `tf_given_name` / `tf_family_name` / `veto` (a line
    /// with no weight saying the pair can never be a link).
    pub comparison: &'static str,
    /// Level label (or empty for prior/tf lines).
    pub level: &'static str,
    /// Bits of evidence contributed.
    pub weight: f64,
}

/// Explains a scored pair: the weight each comparison contributed. The weights add up to
/// the pair's `match_weight`.
pub fn explain(pair: &ScoredPair, model: &TrainedModel) -> Vec<Contribution> {
    let mut out = vec![Contribution {
        comparison: "prior",
        level: "",
        weight: log2_odds(model.prior),
    }];
    for (k, c) in model.comparisons.iter().enumerate() {
        let l = level(pair.pattern, k);
        out.push(Contribution {
            comparison: c.name,
            level: c.levels[l].label,
            weight: c.levels[l].weight,
        });
    }
    if pair.tf_given != 0.0 {
        out.push(Contribution {
            comparison: "tf_given_name",
            level: "",
            weight: pair.tf_given as f64,
        });
    }
    if pair.tf_family != 0.0 {
        out.push(Contribution {
            comparison: "tf_family_name",
            level: "",
            weight: pair.tf_family as f64,
        });
    }
    if pair.vetoed {
        out.push(Contribution {
            comparison: "veto",
            level: "names_or_dates_differ_no_identifier",
            weight: 0.0,
        });
    }
    out
}

pub(crate) fn log2_odds(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    (p / (1.0 - p)).log2()
}

/// Probability from a match weight.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

impl TrainedModel {
    /// The weight of a pattern (prior included, term-frequency adjustments excluded).
    pub fn pattern_weight(&self, pattern: u32) -> f64 {
        let mut w = log2_odds(self.prior);
        for (k, c) in self.comparisons.iter().enumerate() {
            w += c.levels[level(pattern, k)].weight;
        }
        w
    }
}
