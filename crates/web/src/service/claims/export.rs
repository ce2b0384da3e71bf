//! The claim return: every claim (withdrawn ones too, marked), one row each, as CSV or
//! `.xlsx`. Family keys, results, dates, payments and the evidence pack's SHA-256: no
//! personal data.

use hearth_outcomes::ResultKind;
use hearth_store::{AuditFinding, ClaimBatch, StoredClaim};
use std::collections::BTreeMap;

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

/// One row of the return, as text cells in [`COLUMNS`] order (numbers as digits).
pub fn rows(
    batches: &[ClaimBatch],
    claims: &[StoredClaim],
    findings: &BTreeMap<i64, Vec<AuditFinding>>,
) -> Vec<[String; 13]> {
    let by_id: BTreeMap<i64, &ClaimBatch> = batches.iter().map(|b| (b.id, b)).collect();
    claims
        .iter()
        .map(|c| {
            let b = by_id.get(&c.batch_id);
            [
                c.id.to_string(),
                c.batch_id.to_string(),
                b.map(|b| b.window_key.clone()).unwrap_or_default(),
                b.map(|b| b.prepared_on.to_string()).unwrap_or_default(),
                c.family_id.to_string(),
                ResultKind::from_key(&c.result_kind)
                    .map(|k| k.title().to_string())
                    .unwrap_or_else(|| c.result_kind.clone()),
                c.achieved_on.to_string(),
                c.payment.to_string(),
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
                c.evidence_sha256.clone(),
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
