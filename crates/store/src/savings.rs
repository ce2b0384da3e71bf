//! The cost savings calculator's runs: the cohort's figures and each attached family's
//! result, stored as JSON written by `hearth savings` and read by the web pages. The store does
//! not interpret them (it does not depend on the calculator).

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, date, int, Tx};
use chrono::{NaiveDate, Utc};

/// A stored savings run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavingsRun {
    /// The run's key.
    pub id: i64,
    /// When it ran (RFC 3339).
    pub run_at: String,
    /// The data's as-at date.
    pub as_at: NaiveDate,
    /// SHA-256 of the rules and unit-cost files it used.
    pub rules_sha256: String,
    /// The cohort's figures (JSON).
    pub cohort: String,
}

impl Store {
    /// Saves a run and its families' results (family ID, JSON) in one transaction; returns
    /// the run's key.
    pub fn save_savings_run(
        &mut self,
        as_at: NaiveDate,
        rules_sha256: &str,
        cohort: &str,
        families: &[(i64, String)],
    ) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO savings_run (run_at, as_at, rules_sha256, cohort) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    Utc::now().to_rfc3339().into(),
                    as_at.format("%Y-%m-%d").to_string().into(),
                    rules_sha256.into(),
                    cohort.into(),
                ],
            )?;
            let id = rows
                .first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| corrupt("savings_run", "id", 0))?;
            tx.bulk(
                "savings_family",
                &["run_id", "family_id", "result"],
                &mut families
                    .iter()
                    .map(|(f, r)| vec![id.into(), (*f).into(), r.as_str().into()]),
            )?;
            Ok(id)
        })
    }

    /// The latest savings run, if any.
    pub fn latest_savings_run(&mut self) -> Result<Option<SavingsRun>> {
        self.with_read(latest)
    }

    /// One family's result in a run (JSON), if the family was in it.
    pub fn savings_family(&mut self, run_id: i64, family_id: i64) -> Result<Option<String>> {
        self.with_read(|tx| {
            Ok(tx
                .query(
                    "SELECT result FROM savings_family WHERE run_id = $1 AND family_id = $2",
                    &[run_id.into(), family_id.into()],
                )?
                .first()
                .and_then(|r| r[0].text()))
        })
    }
}

fn latest(tx: &mut dyn Tx) -> Result<Option<SavingsRun>> {
    const T: &str = "savings_run";
    let rows = tx.query(
        "SELECT id, run_at, as_at, rules_sha256, cohort FROM savings_run ORDER BY id DESC LIMIT 1",
        &[],
    )?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(SavingsRun {
        id: int(r, 0, T, "id")?,
        run_at: r[1].text().ok_or_else(|| corrupt(T, "run_at", 0))?,
        as_at: date(&r[2], T, "as_at")?,
        rules_sha256: r[3].text().ok_or_else(|| corrupt(T, "rules_sha256", 0))?,
        cohort: r[4].text().ok_or_else(|| corrupt(T, "cohort", 0))?,
    }))
}
