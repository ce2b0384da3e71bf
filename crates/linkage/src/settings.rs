//! What a run is told: [`Settings`] (blocking rules, sampling, EM limits, threshold, review band,
//! veto, deduplicated sources, nicknames, placeholders) and reviewers' [`Constraints`]. Plain data with the
//! tuned defaults; it does no linkage.

use crate::blocking::BlockingRule;
use crate::placeholder::Placeholders;

/// Linkage settings. `Default` gives the tuned defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Blocking rules, in order.
    pub rules: Vec<BlockingRule>,
    /// Blocks larger than this are split by a secondary key, then skipped if still too large.
    pub max_block_size: usize,
    /// Random record pairs sampled to estimate u.
    pub u_sample_pairs: usize,
    /// Seed for sampling.
    pub seed: u64,
    /// Record pairs sampled for each EM training session (pairs sharing names; pairs sharing
    /// a date of birth).
    pub em_pairs: usize,
    /// EM iteration limit.
    pub em_max_iterations: usize,
    /// EM stops when no parameter moves more than this.
    pub em_tolerance: f64,
    /// Match threshold as a probability; `None` = automatic (posterior 0.5).
    pub match_threshold: Option<f64>,
    /// Clerical review band of probabilities (inclusive).
    pub review_band: (f64, f64),
    /// Term-frequency adjustments for exact name matches.
    pub term_frequency: bool,
    /// Apply the `vetoed` rule (pairs that are never links). `None` = automatic: on, unless
    /// every source is in `unique_sources` (a pure link between deduplicated files, where
    /// each record can join at most one record of each other file, so siblings cannot chain,
    /// and a plainly different forename or date is more likely a recording error).
    pub veto: Option<bool>,
    /// Sources whose records are each a different person (no pairs within them; never two
    /// of their records in one person).
    pub unique_sources: Vec<u16>,
    /// Forename equivalence table text (same format as `data/nicknames.csv`); `None` = the
    /// shipped table.
    pub nicknames: Option<String>,
    /// Names and dates of birth that mean "not known" and are treated as missing (default:
    /// the shipped `data/placeholders.toml`).
    pub placeholders: Placeholders,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: BlockingRule::defaults(),
            max_block_size: 300,
            u_sample_pairs: 100_000,
            seed: 1,
            em_pairs: 200_000,
            em_max_iterations: 100,
            em_tolerance: 1e-5,
            match_threshold: None,
            review_band: (0.2, 0.8),
            term_frequency: true,
            veto: None,
            unique_sources: Vec::new(),
            nicknames: None,
            placeholders: Placeholders::shipped(),
        }
    }
}

/// Reviewers' decisions: pairs of record indices (into the input slice).
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Always the same person.
    pub must_link: Vec<(u32, u32)>,
    /// Never the same person.
    pub cannot_link: Vec<(u32, u32)>,
}

impl Settings {
    /// A fingerprint of everything that decides how records are blocked, compared and
    /// linked once a model is trained (blocking rules, block limit, threshold, review band,
    /// term frequencies, veto, deduplicated sources, nicknames, placeholders) and of this
    /// build's comparisons: an incremental run links into a run only under the same one.
    pub fn fingerprint(&self) -> String {
        let text = format!(
            "{:?}|{}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.rules,
            self.max_block_size,
            self.match_threshold,
            self.review_band,
            self.term_frequency,
            self.veto,
            self.unique_sources,
            self.nicknames,
            self.placeholders,
            crate::compare::COMPARISONS,
        );
        let mut h = 0x6865_6172_7468u64; // "hearth"
        for chunk in text.as_bytes().chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            h = crate::hash::mix(h, u64::from_le_bytes(b));
        }
        format!("{h:016x}")
    }

    /// For every possible source number, whether its records are each a different person.
    pub(crate) fn unique_mask(&self) -> Vec<bool> {
        let mut u = vec![false; u16::MAX as usize + 1];
        for &s in &self.unique_sources {
            u[s as usize] = true;
        }
        u
    }
}
