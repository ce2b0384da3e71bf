//! Family progress data over time: a family's change on each measure from its first reading
//! to its latest, and the same for a cohort of families (for the performance officer).

use crate::measures::ProgressMeasures;
use chrono::NaiveDate;
use hearth_model::ProgressStage;
use serde::Serialize;
use std::collections::BTreeMap;

/// A family's positions on the progress measures at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Start, review or exit.
    pub stage: ProgressStage,
    /// When.
    pub on: NaiveDate,
    /// Position by measure key (measures not assessed are left out).
    pub positions: BTreeMap<String, i64>,
}

/// Which way a family moved on a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Up the scale.
    Better,
    /// Where it was.
    Same,
    /// Down the scale.
    Worse,
}

impl Change {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Change::Better => "Better",
            Change::Same => "No change",
            Change::Worse => "Worse",
        }
    }
}

/// A family's change on one measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureChange {
    /// The measure's key.
    pub key: String,
    /// Each reading of it, oldest first: (date, stage, position).
    pub positions: Vec<(NaiveDate, ProgressStage, i64)>,
    /// The first and the latest position (`None`: never read).
    pub first: Option<i64>,
    /// The latest position.
    pub latest: Option<i64>,
    /// From the first to the latest (`None`: fewer than two readings).
    pub change: Option<Change>,
}

fn change(first: i64, latest: i64) -> Change {
    match latest.cmp(&first) {
        std::cmp::Ordering::Greater => Change::Better,
        std::cmp::Ordering::Equal => Change::Same,
        std::cmp::Ordering::Less => Change::Worse,
    }
}

/// A family's change on each measure of `measures`, in the measures' order, from
/// `readings` in any order (sorted here by date, then start → review → exit).
pub fn family_change(readings: &[Reading], measures: &ProgressMeasures) -> Vec<MeasureChange> {
    let mut sorted: Vec<&Reading> = readings.iter().collect();
    sorted.sort_by_key(|r| (r.on, r.stage));
    measures
        .measures
        .iter()
        .map(|m| {
            let positions: Vec<(NaiveDate, ProgressStage, i64)> = sorted
                .iter()
                .filter_map(|r| r.positions.get(&m.key).map(|&p| (r.on, r.stage, p)))
                .collect();
            let first = positions.first().map(|p| p.2);
            let latest = positions.last().map(|p| p.2);
            MeasureChange {
                key: m.key.clone(),
                change: (positions.len() >= 2).then(|| change(first.unwrap(), latest.unwrap())),
                positions,
                first,
                latest,
            }
        })
        .collect()
}

/// The cohort's change on one measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortRow {
    /// The measure's key.
    pub key: String,
    /// Families read on it at least twice.
    pub families: usize,
    /// Of those, how many are better, the same, worse.
    pub better: usize,
    /// The same.
    pub same: usize,
    /// Worse.
    pub worse: usize,
    /// Their mean first and latest positions (`None`: no families).
    pub mean_first: Option<f64>,
    /// Mean latest position.
    pub mean_latest: Option<f64>,
}

/// The cohort view: for each measure, how the families read on it at least twice changed
/// from their first reading to their latest.
pub fn cohort(families: &[Vec<Reading>], measures: &ProgressMeasures) -> Vec<CohortRow> {
    let changes: Vec<Vec<MeasureChange>> = families
        .iter()
        .map(|r| family_change(r, measures))
        .collect();
    measures
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut row = CohortRow {
                key: m.key.clone(),
                families: 0,
                better: 0,
                same: 0,
                worse: 0,
                mean_first: None,
                mean_latest: None,
            };
            let (mut first, mut latest) = (0i64, 0i64);
            for c in changes.iter().map(|f| &f[i]) {
                let Some(ch) = c.change else { continue };
                row.families += 1;
                first += c.first.unwrap_or(0);
                latest += c.latest.unwrap_or(0);
                match ch {
                    Change::Better => row.better += 1,
                    Change::Same => row.same += 1,
                    Change::Worse => row.worse += 1,
                }
            }
            if row.families > 0 {
                row.mean_first = Some(first as f64 / row.families as f64);
                row.mean_latest = Some(latest as f64 / row.families as f64);
            }
            row
        })
        .collect()
}

/// Why a new progress reading cannot be recorded as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadingRefused {
    /// Dated after today: a reading records what was, not what will be.
    #[error("The date must be today or in the past")]
    Future,
    /// A start while the work that began at an earlier start has no exit yet.
    #[error("This family already has a start reading, dated {}: record a review or an exit", long(*.0))]
    SecondStart(NaiveDate),
    /// A review or exit before the start of the work it belongs to.
    #[error("The date must be on or after the start reading's, {}", long(*.0))]
    BeforeStart(NaiveDate),
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Checks a new reading (`stage` on `on`) against the family's `earlier` readings (stage and
/// date, any order) on `today`: never after today; one start per period of work (a start
/// again only after an exit); a review or exit not before its period's start.
pub fn check_reading(
    earlier: &[(ProgressStage, NaiveDate)],
    stage: ProgressStage,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), ReadingRefused> {
    if on > today {
        return Err(ReadingRefused::Future);
    }
    let mut sorted = earlier.to_vec();
    sorted.sort_by_key(|&(s, d)| (d, s != ProgressStage::Start));
    // The start of the period of work still open (no exit after it).
    let mut open: Option<NaiveDate> = None;
    for &(s, d) in &sorted {
        match s {
            ProgressStage::Start => open = Some(d),
            ProgressStage::Exit => open = None,
            ProgressStage::Review => {}
        }
    }
    match (stage, open) {
        (ProgressStage::Start, Some(start)) => Err(ReadingRefused::SecondStart(start)),
        (ProgressStage::Review | ProgressStage::Exit, Some(start)) if on < start => {
            Err(ReadingRefused::BeforeStart(start))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures() -> ProgressMeasures {
        ProgressMeasures::from_toml(
            "scale = [\"a\", \"b\", \"c\", \"d\", \"e\"]\n\
             [[measure]]\nkey = \"school\"\ntheme = \"Education\"\nlabel = \"School\"\n\
             [[measure]]\nkey = \"housing\"\ntheme = \"Housing\"\nlabel = \"Housing\"\n",
        )
        .unwrap()
    }

    fn reading(stage: ProgressStage, day: u32, pos: &[(&str, i64)]) -> Reading {
        Reading {
            stage,
            on: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
            positions: pos.iter().map(|(k, p)| (k.to_string(), *p)).collect(),
        }
    }

    #[test]
    fn a_family_changes_from_its_first_reading_to_its_latest() {
        let m = measures();
        let readings = vec![
            reading(ProgressStage::Exit, 20, &[("school", 4), ("housing", 2)]),
            reading(ProgressStage::Start, 1, &[("school", 2), ("housing", 3)]),
            reading(ProgressStage::Review, 10, &[("school", 3)]),
        ];
        let c = family_change(&readings, &m);
        assert_eq!(c[0].key, "school");
        assert_eq!(
            (c[0].first, c[0].latest, c[0].change),
            (Some(2), Some(4), Some(Change::Better))
        );
        assert_eq!(c[0].positions.len(), 3);
        assert_eq!(c[0].positions[1].1, ProgressStage::Review);
        assert_eq!(c[1].change, Some(Change::Worse));
        let only_start = family_change(&readings[1..2], &m);
        assert_eq!(only_start[0].change, None);
    }

    #[test]
    fn the_cohort_counts_families_read_at_least_twice() {
        let m = measures();
        let a = vec![
            reading(ProgressStage::Start, 1, &[("school", 1), ("housing", 3)]),
            reading(ProgressStage::Review, 9, &[("school", 3), ("housing", 3)]),
        ];
        let b = vec![
            reading(ProgressStage::Start, 2, &[("school", 4)]),
            reading(ProgressStage::Exit, 9, &[("school", 2)]),
        ];
        let c = vec![reading(ProgressStage::Start, 2, &[("school", 5)])];
        let rows = cohort(&[a, b, c], &m);
        assert_eq!(
            (
                rows[0].families,
                rows[0].better,
                rows[0].same,
                rows[0].worse
            ),
            (2, 1, 0, 1)
        );
        assert_eq!(rows[0].mean_first, Some(2.5));
        assert_eq!(rows[0].mean_latest, Some(2.5));
        assert_eq!((rows[1].families, rows[1].same), (1, 1));
    }

    #[test]
    fn a_reading_is_never_after_today_and_a_period_of_work_has_one_start() {
        use ProgressStage::{Exit, Review, Start};
        let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
        let today = d(8, 31);
        assert_eq!(
            check_reading(&[], Start, d(9, 1), today),
            Err(ReadingRefused::Future)
        );
        assert_eq!(check_reading(&[], Start, today, today), Ok(()));
        let started = [(Start, d(6, 1)), (Review, d(7, 1))];
        assert_eq!(
            check_reading(&started, Start, d(8, 1), today),
            Err(ReadingRefused::SecondStart(d(6, 1)))
        );
        assert_eq!(
            check_reading(&started, Start, d(8, 1), today)
                .unwrap_err()
                .to_string(),
            "This family already has a start reading, dated 1 June 2027: record a review or an exit"
        );
        assert_eq!(
            check_reading(&started, Review, d(5, 1), today),
            Err(ReadingRefused::BeforeStart(d(6, 1)))
        );
        assert_eq!(check_reading(&started, Review, d(8, 1), today), Ok(()));
        // After an exit the work may start again.
        let ended = [(Start, d(1, 1)), (Exit, d(3, 1))];
        assert_eq!(check_reading(&ended, Start, d(6, 1), today), Ok(()));
        // A review with no start is recorded as before.
        assert_eq!(check_reading(&[], Review, d(6, 1), today), Ok(()));
    }
}
