//! The quarantine for the data team: the rows of the batches the store holds that could not
//! be imported, by batch, and one batch's rows as CSV to send back to the partner. Every
//! read is audited (the rows hold the partner's cells, identifiers included).

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::state::AppState;
use hearth_model::QuarantinedRow;
use hearth_store::{BatchId, BatchInfo};

/// Every current batch with quarantined rows, oldest first, with its rows; audited.
pub(crate) async fn list(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(BatchInfo, Vec<QuarantinedRow>)>, WebError> {
    let batches = state
        .store()
        .run(|s| {
            let mut out = Vec::new();
            for b in s.current_batches_all()? {
                if b.rows_quarantined > 0 {
                    let rows = s.quarantine_for(b.id)?;
                    out.push((b, rows));
                }
            }
            Ok(out)
        })
        .await?;
    let rows: usize = batches.iter().map(|(_, r)| r.len()).sum();
    audit::record(
        state,
        user,
        "view quarantine",
        ("quarantine", "*".into()),
        format!("{} batches, {rows} rows", batches.len()),
    )
    .await?;
    Ok(batches)
}

/// The quarantine as CSV (file, row, column, value, reason, cells): of one current batch
/// with quarantined rows (with it), else of every current batch; audited. A batch that is not
/// current, or has no quarantined rows, is not found.
pub(crate) async fn csv(
    state: &AppState,
    user: &CurrentUser,
    batch: Option<i64>,
) -> Result<(Option<BatchInfo>, Vec<u8>), WebError> {
    let found = state
        .store()
        .run(move |s| {
            let mut out = Vec::new();
            for b in s.current_batches_all()? {
                if b.rows_quarantined > 0 && batch.is_none_or(|id| b.id == BatchId(id)) {
                    let rows = s.quarantine_for(b.id)?;
                    out.push((b, rows));
                }
            }
            Ok(out)
        })
        .await?;
    if batch.is_some() && found.is_empty() {
        return Err(WebError::NotFound);
    }
    let returned: Vec<hearth_intake::ReturnedRow<'_>> = found
        .iter()
        .flat_map(|(b, rows)| {
            rows.iter().map(|row| hearth_intake::ReturnedRow {
                file_name: &b.file_name,
                row,
            })
        })
        .collect();
    let mut out = Vec::new();
    hearth_intake::quarantine_csv(&mut out, &returned)
        .map_err(|e| WebError::Internal(format!("writing the quarantine CSV: {e}")))?;
    audit::record(
        state,
        user,
        "download quarantine",
        match batch {
            Some(id) => ("batch", id.to_string()),
            None => ("quarantine", "*".into()),
        },
        format!("{} rows", returned.len()),
    )
    .await?;
    let info = match batch {
        Some(_) => found.into_iter().next().map(|(b, _)| b),
        None => None,
    };
    Ok((info, out))
}
