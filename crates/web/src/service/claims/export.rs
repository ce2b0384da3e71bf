//! The claim return: every claim (withdrawn ones too, marked, with a payment of 0 so the
//! column adds up to the results payments claimed), one row each, as CSV or `.xlsx`. Family keys, results, dates, payments and the evidence pack's SHA-256: no
//! personal data.
//!
//! The return goes to the national team, so it honours objections to all sharing
//! (`hearth_pipeline::sharing`, `Output::ClaimReturn`; Cheshire East's notice: "We will stop
//! sharing your information when you ask us to"). A claim about a family with a member who
//! objects to all sharing is kept, not left out: the payment was earned by work the family
//! agreed to, the return's totals must match the batch the council signed off, and internal
//! audit's sample is drawn over every claim. What would let the national team tell who the
//! family is is withheld: the family's key becomes [`WITHHELD`] and the evidence pack's
//! SHA-256 (which ties the row to the pack that quotes names) is left empty. The pack itself
//! stays inside Hearth for the council's own audit, found by the claim's number.

use hearth_outcomes::ResultKind;
use hearth_store::{AuditFinding, ClaimBatch, StoredClaim};
use std::collections::{BTreeMap, BTreeSet};

/// The claim return's columns.
pub const COLUMNS: [&str; 13] = [
    "claim",
    "batch",
    "window",
    "data_as_at",
    "family",
    "result",
    "achieved_on",
    "payment_gbp",
    "status",
    "withdrawn_on",
    "withdrawal_reason",
    "internal_audit",
    "evidence_sha256",
];

/// The family cell of a claim whose family objects to all sharing.
pub const WITHHELD: &str = "withheld (objection to sharing)";

/// One row of the return, as text cells in [`COLUMNS`] order (numbers as digits); the
/// families in `withheld` (objecting to all sharing) without their key and pack's hash.
pub fn rows(
    batches: &[ClaimBatch],
    claims: &[StoredClaim],
    findings: &BTreeMap<i64, Vec<AuditFinding>>,
    withheld: &BTreeSet<i64>,
) -> Vec<[String; 13]> {
    let by_id: BTreeMap<i64, &ClaimBatch> = batches.iter().map(|b| (b.id, b)).collect();
    claims
        .iter()
        .map(|c| {
            let b = by_id.get(&c.batch_id);
            let hide = withheld.contains(&c.family_id);
            [
                c.id.to_string(),
                c.batch_id.to_string(),
                b.map(|b| b.window_key.clone()).unwrap_or_default(),
                b.map(|b| b.prepared_on.to_string()).unwrap_or_default(),
                if hide {
                    WITHHELD.to_string()
                } else {
                    c.family_id.to_string()
                },
                ResultKind::from_key(&c.result_kind)
                    .map(|k| k.title().to_string())
                    .unwrap_or_else(|| c.result_kind.clone()),
                c.achieved_on.to_string(),
                // A withdrawn claim is not paid: the column adds up to the results payments.
                if c.status == "withdrawn" {
                    "0".to_string()
                } else {
                    c.payment.to_string()
                },
                c.status.clone(),
                c.withdrawn_at
                    .map(|t| t.date_naive().to_string())
                    .unwrap_or_default(),
                c.withdrawal_reason.clone().unwrap_or_default(),
                findings
                    .get(&c.id)
                    .and_then(|f| f.last())
                    .map(|f| f.outcome.clone())
                    .unwrap_or_default(),
                if hide {
                    String::new()
                } else {
                    c.evidence_sha256.clone()
                },
            ]
        })
        .collect()
}

/// The return as CSV.
pub fn csv(rows: &[[String; 13]]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for r in rows {
        // A cell a spreadsheet would read as a formula is prefixed with an apostrophe.
        w.write_record(r.iter().map(|c| safe_cell(c)))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn safe_cell(c: &str) -> String {
    if c.starts_with(['=', '+', '-', '@']) {
        format!("'{c}")
    } else {
        c.to_string()
    }
}

/// The return as an `.xlsx` workbook (one sheet, "Claim return"); numbers as numbers.
pub fn xlsx(rows: &[[String; 13]]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Claim return")?;
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, (h.len() as f64 + 2.0).max(12.0))?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let numeric = matches!(c, 0 | 1 | 4 | 7);
            match cell.parse::<f64>() {
                Ok(n) if numeric => ws.write_number(r, c as u16, n)?,
                _ => ws.write_string(r, c as u16, cell)?,
            };
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn claim(id: i64, withdrawn: bool) -> StoredClaim {
        StoredClaim {
            id,
            batch_id: 1,
            family_id: id * 10,
            result_kind: "continuous_employment".into(),
            achieved_on: NaiveDate::from_ymd_opt(2016, 4, 2).unwrap(),
            payment: 800,
            evidence_pack: String::new(),
            evidence_sha256: "ab".repeat(32),
            status: if withdrawn { "withdrawn" } else { "claimed" }.into(),
            withdrawn_by: withdrawn.then(|| "po".to_string()),
            withdrawn_at: withdrawn.then(|| Utc.with_ymd_and_hms(2016, 5, 4, 9, 0, 0).unwrap()),
            withdrawal_reason: withdrawn.then(|| "wrong".to_string()),
        }
    }

    #[test]
    fn the_payment_column_adds_up_to_the_claims_not_withdrawn() {
        let rows = rows(
            &[],
            &[claim(1, false), claim(2, true), claim(3, false)],
            &BTreeMap::new(),
            &BTreeSet::new(),
        );
        let paid: u64 = rows.iter().map(|r| r[7].parse::<u64>().unwrap()).sum();
        assert_eq!(paid, 1600);
        assert_eq!(rows[1][8], "withdrawn");
        assert_eq!(rows[1][7], "0");
    }
}
