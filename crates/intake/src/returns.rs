//! The quarantine sent back to a partner: their rows that Hearth could not take, as a CSV
//! they can open in a spreadsheet — file, row, column, value (as the reason quotes it),
//! reason, then the row's cells as they were sent.
//!
//! It writes to the writer it is given and nothing else. The CSV holds the partner's own
//! cells, identifiers included: it is for sending back to them, never for logs.

use hearth_model::QuarantinedRow;
use std::io::Write;

/// One quarantined row and the file it came from.
pub struct ReturnedRow<'a> {
    /// The file's name as imported.
    pub file_name: &'a str,
    /// The row.
    pub row: &'a QuarantinedRow,
}

/// Writes `rows` as CSV: a header (`file,row,column,value,reason,cell 1,…`) and a line per
/// row. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is written
/// with a leading `'`.
pub fn quarantine_csv<W: Write>(w: W, rows: &[ReturnedRow<'_>]) -> Result<(), csv::Error> {
    let cells = rows.iter().map(|r| r.row.raw.len()).max().unwrap_or(0);
    let mut out = csv::WriterBuilder::new().flexible(false).from_writer(w);
    let mut header: Vec<String> = ["file", "row", "column", "value", "reason"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend((1..=cells).map(|i| format!("cell {i}")));
    out.write_record(&header)?;
    for r in rows {
        let q = r.row;
        let field = q.field.as_deref().unwrap_or("");
        let mut line = vec![
            safe(r.file_name),
            q.source_row.to_string(),
            safe(field),
            safe(&quoted_value(field, &q.reason).unwrap_or_default()),
            safe(&q.reason),
        ];
        line.extend(q.raw.iter().map(|c| safe(c)));
        line.resize(5 + cells, String::new());
        out.write_record(&line)?;
    }
    out.flush()?;
    Ok(())
}

/// The value a reason quotes for its column: intake's reasons read `COLUMN "value" is …`.
fn quoted_value(field: &str, reason: &str) -> Option<String> {
    let rest = reason.strip_prefix(field)?.strip_prefix(" \"")?;
    let end = rest.rfind("\" ")?;
    Some(rest[..end].to_string())
}

/// A cell as a spreadsheet will show it, never run: formulas get a leading `'`.
fn safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_back_with_their_value_reason_and_cells_formulas_defused() {
        let a = QuarantinedRow {
            source_row: 3,
            field: Some("DOB".into()),
            reason: r#"DOB "31/02/2011" is not a real date; use dd/mm/yyyy"#.into(),
            raw: vec!["P1".into(), "=cmd()".into(), "31/02/2011".into()],
        };
        let b = QuarantinedRow {
            source_row: 9,
            field: None,
            reason: "wrong number of cells".into(),
            raw: vec!["x, y".into()],
        };
        let mut out = Vec::new();
        quarantine_csv(
            &mut out,
            &[
                ReturnedRow {
                    file_name: "police.csv",
                    row: &a,
                },
                ReturnedRow {
                    file_name: "police.csv",
                    row: &b,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "file,row,column,value,reason,cell 1,cell 2,cell 3\n\
             police.csv,3,DOB,31/02/2011,\"DOB \"\"31/02/2011\"\" is not a real date; use dd/mm/yyyy\",P1,'=cmd(),31/02/2011\n\
             police.csv,9,,,wrong number of cells,\"x, y\",,\n"
        );
    }
}
