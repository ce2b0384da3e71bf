//! The local impact evaluation's reports, as published (every figure already through
//! disclosure control): `hearth evaluate` writes one, the web shows the latest.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, date, int, time, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// One evaluation report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactReport {
    /// Its key (0 for a new one).
    pub id: i64,
    /// Outcomes counted up to this date.
    pub as_at: NaiveDate,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// By whom.
    pub made_by: String,
    /// SHA-256 of the rules file used.
    pub rules_sha256: String,
    /// The published report (JSON).
    pub report: String,
}

impl Store {
    /// Keeps a report; returns its key.
    pub fn save_impact_report(&mut self, r: &ImpactReport) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO impact_evaluation (as_at, made_at, made_by, rules_sha256, report) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    r.as_at.to_string().into(),
                    ts(r.made_at).into(),
                    r.made_by.as_str().into(),
                    r.rules_sha256.as_str().into(),
                    r.report.as_str().into(),
                ],
            )?;
            rows.first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| corrupt("impact_evaluation", "id", 0))
        })
    }

    /// The latest report, if any.
    pub fn latest_impact_report(&mut self) -> Result<Option<ImpactReport>> {
        self.with_read(|tx| {
            let rows = tx.query(
                "SELECT id, as_at, made_at, made_by, rules_sha256, report \
                 FROM impact_evaluation ORDER BY id DESC LIMIT 1",
                &[],
            )?;
            let t = "impact_evaluation";
            rows.first()
                .map(|r| {
                    Ok(ImpactReport {
                        id: int(r, 0, t, "id")?,
                        as_at: date(&r[1], t, "as_at")?,
                        made_at: time(&r[2], t, "made_at")?,
                        made_by: r[3].text().unwrap_or_default(),
                        rules_sha256: r[4].text().unwrap_or_default(),
                        report: r[5].text().unwrap_or_default(),
                    })
                })
                .transpose()
        })
    }
}
