//! A record pair as the review pages and the API show it: each comparison's contribution to
//! the match weight in plain words, the waterfall chart's geometry (drawn by
//! `review_pair.html` as SVG, with the same figures in a table for screen readers), and
//! both records side by side.
//!
//! No I/O and no access decisions: identifiers arrive only if the viewer may see them.

use crate::labels::{agency_label, comparison_label, level_label, name_case};
use hearth_store::{RecordId, RecordIdentity, RecordTrail, ReviewPair, RunLabels};
use serde::Serialize;

/// The queue: the pairs waiting, most likely matches first, and how many were decided.
pub(crate) struct Queue {
    pub pending: Vec<ReviewPair>,
    pub decided: usize,
}

/// One record of a pair as the reviewer sees it.
pub(crate) struct Side {
    pub record_id: RecordId,
    /// Where it came from and what it records (facts only).
    pub trail: Option<RecordTrail>,
    /// Its identifiers: only for roles that may see them.
    pub identity: Option<RecordIdentity>,
}

/// A pair with both records, and where it stands in the queue.
pub(crate) struct PairDetail {
    pub pair: ReviewPair,
    /// Its place in the queue, from 1.
    pub position: usize,
    pub queue: Queue,
    pub left: Side,
    pub right: Side,
    /// Identifiers are shown.
    pub identifiers: bool,
}

impl PairDetail {
    /// The pair after this one in the queue, if any.
    pub(crate) fn next(&self) -> Option<&ReviewPair> {
        self.queue.pending.get(self.position)
    }
}

/// The pair's key in audit lines and paths: `12-34`.
pub(crate) fn pair_key(l: RecordId, r: RecordId) -> String {
    format!("{}-{}", l.0, r.0)
}

/// A pair's two record keys from `12-34` (either order; `None` if it is not two keys).
pub(crate) fn parse_pair_key(raw: &str) -> Option<(RecordId, RecordId)> {
    let (a, b) = raw.split_once('-')?;
    let (a, b): (i64, i64) = (a.parse().ok()?, b.parse().ok()?);
    (a != b).then(|| (RecordId(a.min(b)), RecordId(a.max(b))))
}

/// One comparison's contribution to a pair's match weight.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Contribution {
    /// The engine's key, e.g. `date_of_birth` (`prior`: the starting weight).
    pub comparison: String,
    /// In plain words, e.g. `Date of birth`.
    pub label: String,
    /// The level's key, e.g. `day_month_swap` (empty for the starting weight).
    pub level: String,
    /// In plain words, e.g. `Day and month swapped`.
    pub level_label: String,
    /// The weight it adds (log2 of the Bayes factor).
    pub weight: f64,
    /// The match weight after it.
    pub running: f64,
    /// Both for people: `+4.0`.
    pub weight_label: String,
    pub running_label: String,
}

/// The contributions stored with a pair (its `explanation` JSON), in order, with running
/// totals; an explanation that cannot be read gives none.
pub(crate) fn contributions(pair: &ReviewPair) -> Vec<Contribution> {
    let raw: Vec<serde_json::Value> = serde_json::from_str(&pair.explanation).unwrap_or_default();
    let mut running = 0.0;
    raw.iter()
        .map(|c| {
            let comparison = c["comparison"].as_str().unwrap_or("").to_string();
            let level = c["level"].as_str().unwrap_or("").to_string();
            let weight = c["weight"].as_f64().unwrap_or(0.0);
            running += weight;
            let level_words = match (comparison.as_str(), level.as_str()) {
                ("prior", _) => "How often any two records are one person".to_string(),
                (c, "") if c.starts_with("tf_") => {
                    "A rarer name counts for more, a common one for less".to_string()
                }
                _ => level_label(&level),
            };
            Contribution {
                label: comparison_label(&comparison),
                level_label: level_words,
                comparison,
                level,
                weight,
                running,
                weight_label: format!("{weight:+.1}"),
                running_label: format!("{running:+.1}"),
            }
        })
        .collect()
}

/// A bar of the waterfall chart, in the SVG's units.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bar {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// `positive`, `negative` or `total`: the bar's colour.
    pub kind: &'static str,
    pub fill: &'static str,
    /// The weight as shown beside the bar: `+3.2`.
    pub value: String,
    pub value_x: f64,
    pub text_y: f64,
}

/// The waterfall chart: each comparison's bar starts where the last one ended; the last bar
/// is the total, from zero.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Waterfall {
    pub width: f64,
    pub height: f64,
    pub zero_x: f64,
    pub label_x: f64,
    pub bars: Vec<Bar>,
}

const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 250.0;
const VALUE_WIDTH: f64 = 60.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The chart of `contributions` ending at `total`.
pub(crate) fn waterfall(contributions: &[Contribution], total: f64) -> Waterfall {
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    let mut from = 0.0;
    for c in contributions {
        lo = lo.min(from).min(c.running);
        hi = hi.max(from).max(c.running);
        from = c.running;
    }
    lo = lo.min(total);
    hi = hi.max(total);
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let (x0, x1) = (LABEL_WIDTH + 10.0, WIDTH - VALUE_WIDTH);
    let x = |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0);
    let bar = |i: usize, label: String, a: f64, b: f64, kind: &'static str, value: f64| {
        let (left, right) = (x(a.min(b)), x(a.max(b)));
        let y = 10.0 + i as f64 * ROW;
        Bar {
            label,
            x: round1(left),
            y: round1(y),
            width: round1((right - left).max(1.0)),
            height: BAR,
            kind,
            fill: match kind {
                "positive" => "#00703c",
                "negative" => "#d4351c",
                _ => "#1d70b8",
            },
            value: format!("{value:+.1}"),
            value_x: round1(right + 4.0),
            text_y: round1(y + BAR - 4.0),
        }
    };
    let mut bars: Vec<Bar> = Vec::with_capacity(contributions.len() + 1);
    let mut from = 0.0;
    for (i, c) in contributions.iter().enumerate() {
        let kind = if c.comparison == "prior" {
            "total"
        } else if c.weight >= 0.0 {
            "positive"
        } else {
            "negative"
        };
        bars.push(bar(i, c.label.clone(), from, c.running, kind, c.weight));
        from = c.running;
    }
    bars.push(bar(
        contributions.len(),
        "Match weight".into(),
        0.0,
        total,
        "total",
        total,
    ));
    Waterfall {
        width: WIDTH,
        height: round1(20.0 + bars.len() as f64 * ROW),
        zero_x: round1(x(0.0)),
        label_x: LABEL_WIDTH,
        bars,
    }
}

/// One line of a record's side: what, and its value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Field {
    pub label: &'static str,
    pub value: String,
}

/// One record of a pair as shown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SideView {
    pub record_id: i64,
    /// The agency, as people name it.
    pub agency: String,
    /// What the record is (e.g. `incident`) and when.
    pub event: String,
    /// Identifiers (empty when the viewer may not see them).
    pub identifiers: Vec<Field>,
}

fn side_view(side: &Side, labels: &RunLabels) -> SideView {
    let agency = side
        .trail
        .as_ref()
        .map(|t| agency_label(labels, &t.source))
        .or_else(|| {
            side.identity
                .as_ref()
                .map(|i| agency_label(labels, &i.source))
        })
        .unwrap_or_else(|| "Not known".into());
    let event = side.trail.as_ref().map_or_else(String::new, |t| {
        let what = t.event_type.replace('_', " ");
        match t.event_date {
            Some(d) => format!("{what}, {}", d.format("%-d %B %Y")),
            None => what,
        }
    });
    let mut identifiers = Vec::new();
    if let Some(i) = &side.identity {
        let name = [&i.given_name, &i.middle_name, &i.family_name]
            .iter()
            .filter_map(|p| p.as_deref())
            .map(name_case)
            .collect::<Vec<_>>()
            .join(" ");
        let name = if name.is_empty() {
            i.full_name.as_deref().map(name_case).unwrap_or_default()
        } else {
            name
        };
        let date = i.date_of_birth.as_deref().map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_else(|_| d.to_string())
        });
        let sex = i.sex.as_deref().map(|s| {
            match s {
                "F" => "Female",
                "M" => "Male",
                _ => "Not known",
            }
            .to_string()
        });
        let address = match (&i.address, &i.postcode) {
            (Some(a), Some(p)) => Some(format!("{a}, {p}")),
            (Some(a), None) => Some(a.clone()),
            (None, p) => p.clone(),
        };
        for (label, value) in [
            ("Name", (!name.is_empty()).then_some(name)),
            ("Date of birth", date),
            ("Sex", sex),
            ("Address", address),
            ("NHS number", i.nhs_number.clone()),
            ("National Insurance number", i.ni_number.clone()),
            ("Unique pupil number", i.upn.clone()),
            ("Agency's reference", i.source_person_id.clone()),
        ] {
            identifiers.push(Field {
                label,
                value: value.unwrap_or_else(|| "Not recorded".into()),
            });
        }
    }
    SideView {
        record_id: side.record_id.0,
        agency,
        event,
        identifiers,
    }
}

/// A pair as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PairView {
    pub record_l: i64,
    pub record_r: i64,
    /// `12-34`: the pair's key in paths.
    pub key: String,
    pub match_probability: f64,
    /// e.g. `62%`.
    pub probability_label: String,
    pub match_weight: f64,
    /// e.g. `+0.5`.
    pub weight_label: String,
    pub contributions: Vec<Contribution>,
    pub identifiers_shown: bool,
    pub left: SideView,
    pub right: SideView,
    /// Place in the queue (from 1), pairs waiting and decided.
    pub position: usize,
    pub pending: usize,
    pub decided: usize,
    /// The next pair's key, if any.
    pub next: Option<String>,
}

/// A pair waiting in the queue, as the queue lists it (no identifiers).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QueueRow {
    pub record_l: i64,
    pub record_r: i64,
    pub key: String,
    pub match_probability: f64,
    pub probability_label: String,
    pub match_weight: f64,
    /// The comparisons that agree most, in plain words, e.g. `Date of birth, Family name`.
    pub agreeing: String,
    /// The comparisons that disagree, in plain words.
    pub disagreeing: String,
}

fn percent(p: f64) -> String {
    format!("{:.0}%", (p * 100.0).clamp(0.0, 100.0))
}

/// The queue's row for `pair`.
pub(crate) fn queue_row(pair: &ReviewPair) -> QueueRow {
    let c = contributions(pair);
    let names = |keep: &dyn Fn(f64) -> bool| {
        c.iter()
            .filter(|c| c.comparison != "prior" && keep(c.weight))
            .map(|c| c.label.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // What is not the same on both records, even where the model counts it as evidence for
    // a match (a reissued pupil number two characters different; a nickname): a pair whose
    // every weight is positive is in the queue for such a difference, which the reviewer
    // must see ("Differ on: Nothing" hid it).
    let same = |level: &str| matches!(level, "" | "exact" | "address_exact" | "same" | "missing");
    let disagreeing = c
        .iter()
        .filter(|c| c.comparison != "prior" && !c.comparison.starts_with("tf_"))
        .filter(|c| c.weight < 0.0 || !same(&c.level))
        .map(|c| {
            if c.weight < 0.0 {
                c.label.clone()
            } else {
                format!("{} ({})", c.label, c.level_label.to_lowercase())
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    QueueRow {
        record_l: pair.record_l.0,
        record_r: pair.record_r.0,
        key: pair_key(pair.record_l, pair.record_r),
        match_probability: pair.match_probability,
        probability_label: percent(pair.match_probability),
        match_weight: pair.match_weight,
        agreeing: names(&|w| w > 0.0),
        disagreeing,
    }
}

/// The pair as shown, named by `labels` (the latest run's agency names).
pub(crate) fn pair_view(d: &PairDetail, labels: &RunLabels) -> PairView {
    PairView {
        record_l: d.pair.record_l.0,
        record_r: d.pair.record_r.0,
        key: pair_key(d.pair.record_l, d.pair.record_r),
        match_probability: d.pair.match_probability,
        probability_label: percent(d.pair.match_probability),
        match_weight: d.pair.match_weight,
        weight_label: format!("{:+.1}", d.pair.match_weight),
        contributions: contributions(&d.pair),
        identifiers_shown: d.identifiers,
        left: side_view(&d.left, labels),
        right: side_view(&d.right, labels),
        position: d.position,
        pending: d.queue.pending.len(),
        decided: d.queue.decided,
        next: d.next().map(|p| pair_key(p.record_l, p.record_r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys_read_either_way_round() {
        assert_eq!(parse_pair_key("34-12"), Some((RecordId(12), RecordId(34))));
        assert_eq!(pair_key(RecordId(12), RecordId(34)), "12-34");
        assert_eq!(parse_pair_key("12-12"), None);
        assert_eq!(parse_pair_key("12"), None);
        assert_eq!(parse_pair_key("a-b"), None);
    }

    fn pair() -> ReviewPair {
        ReviewPair {
            record_l: RecordId(1),
            record_r: RecordId(2),
            match_probability: 0.6,
            match_weight: 0.5,
            explanation: r#"[{"comparison":"prior","level":"","weight":-8.0},
                {"comparison":"family_name","level":"exact","weight":6.5},
                {"comparison":"date_of_birth","level":"day_month_swap","weight":4.0},
                {"comparison":"sex","level":"different","weight":-2.0}]"#
                .into(),
        }
    }

    #[test]
    fn contributions_add_up_to_the_match_weight_in_plain_words() {
        let c = contributions(&pair());
        assert_eq!(c.len(), 4);
        assert!((c.last().unwrap().running - 0.5).abs() < 1e-9);
        assert_eq!(c[2].label, "Date of birth");
        assert_eq!(c[2].level_label, "Day and month swapped");
        let row = queue_row(&pair());
        assert_eq!(row.agreeing, "Family name, Date of birth");
        // Not the same, though counted for a match: named with how they differ.
        assert_eq!(
            row.disagreeing,
            "Date of birth (day and month swapped), Sex"
        );
        assert_eq!(row.probability_label, "60%");
    }

    #[test]
    fn each_bar_starts_where_the_last_ended() {
        let c = contributions(&pair());
        let w = waterfall(&c, 0.5);
        assert_eq!(w.bars.len(), 5);
        // Bars in order: prior (from 0 down to -8), +6.5, +4, -2, total.
        let right = |b: &Bar| b.x + b.width;
        assert!(
            (right(&w.bars[0]) - w.zero_x).abs() < 0.2,
            "the prior ends at zero"
        );
        assert!(
            (w.bars[1].x - w.bars[0].x).abs() < 0.2,
            "the next starts where it ended"
        );
        assert_eq!(w.bars[1].kind, "positive");
        assert_eq!(w.bars[3].kind, "negative");
        assert_eq!(w.bars[4].kind, "total");
        assert_eq!(w.bars[3].value, "-2.0");
        assert!(w
            .bars
            .iter()
            .all(|b| b.x >= w.label_x && right(b) <= w.width));
    }
}
