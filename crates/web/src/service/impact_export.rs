//! The local impact evaluation as a workbook (`/evaluation/export.xlsx`): the page's tables —
//! each outcome by band, the groups and the balance table — with the figures as numbers an
//! analyst can chart, withheld cells as the GSS symbols the page shows. Already through
//! disclosure control: it holds nothing the page does not.

use crate::error::WebError;
use crate::service::impact::ReportView;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn fail(e: XlsxError) -> WebError {
    WebError::Internal(format!("writing the evaluation workbook: {e}"))
}

/// A figure as written on the page: a number when it is one ("−0.25", "12%"), otherwise the
/// text ("[c]", "+0.1 to +0.4").
fn cell(ws: &mut Worksheet, r: u32, c: u16, text: &str) -> Result<(), WebError> {
    let plain = text.trim().replace('\u{2212}', "-");
    let (number, percent) = match plain.strip_suffix('%') {
        Some(p) => (p.trim().trim_start_matches('+').parse::<f64>().ok(), true),
        None => (plain.trim_start_matches('+').parse::<f64>().ok(), false),
    };
    match number {
        Some(v) if percent => ws
            .write_number_with_format(r, c, v / 100.0, &Format::new().set_num_format("0%"))
            .map(|_| ()),
        Some(v) => ws.write_number(r, c, v).map(|_| ()),
        None => ws.write_string(r, c, text).map(|_| ()),
    }
    .map_err(fail)
}

fn header(ws: &mut Worksheet, r: u32, names: &[&str]) -> Result<(), WebError> {
    let bold = Format::new().set_bold();
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &bold)
            .map_err(fail)?;
        ws.set_column_width(c as u16, if c == 0 { 34 } else { 16 })
            .map_err(fail)?;
    }
    Ok(())
}

/// The workbook of `report`; with none yet, one sheet that says so.
pub(crate) fn xlsx(report: Option<&ReportView>) -> Result<Vec<u8>, WebError> {
    let mut wb = Workbook::new();
    let Some(report) = report else {
        let ws = wb.add_worksheet();
        ws.set_name("About").map_err(fail)?;
        ws.write_string(
            0,
            0,
            "No impact evaluation has been made yet (hearth evaluate).",
        )
        .map_err(fail)?;
        return wb.save_to_buffer().map_err(fail);
    };
    let ws = wb.add_worksheet();
    ws.set_name("Outcomes").map_err(fail)?;
    header(
        ws,
        0,
        &[
            "Outcome",
            "Measured as",
            "Months after",
            "Programme families",
            "Comparison families",
            "Programme",
            "Comparison",
            "Difference",
            "95% interval",
            "Relative",
            "Smallest change it could show",
        ],
    )?;
    let mut r = 1;
    for o in &report.outcomes {
        for b in &o.rows {
            ws.write_string(r, 0, &o.label).map_err(fail)?;
            ws.write_string(r, 1, o.unit).map_err(fail)?;
            ws.write_string(r, 2, &b.band).map_err(fail)?;
            for (c, text) in [
                &b.programme_n,
                &b.comparison_n,
                &b.programme,
                &b.comparison,
                &b.difference,
                &b.interval,
                &b.relative,
                &b.detectable,
            ]
            .into_iter()
            .enumerate()
            {
                cell(ws, r, c as u16 + 3, text)?;
            }
            r += 1;
        }
    }
    ws.write_string(
        r + 1,
        0,
        "[c]: withheld to protect confidentiality (a count under the threshold, or one that would reveal it); [z]: not applicable",
    )
    .map_err(fail)?;

    let ws = wb.add_worksheet();
    ws.set_name("Groups").map_err(fail)?;
    header(ws, 0, &["Group", "", "Families"])?;
    let mut r = 1;
    for (group, rows) in [
        ("Programme families", &report.programme),
        ("Eligible families not worked with", &report.comparison),
    ] {
        for (label, n) in rows {
            ws.write_string(r, 0, group).map_err(fail)?;
            ws.write_string(r, 1, label).map_err(fail)?;
            cell(ws, r, 2, n)?;
            r += 1;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("Balance").map_err(fail)?;
    header(
        ws,
        0,
        &[
            "Characteristic",
            "Programme",
            "All not worked with",
            "Matched comparison",
            "Standardised difference before",
            "After",
        ],
    )?;
    for (i, b) in report.balance.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &b.characteristic).map_err(fail)?;
        for (c, text) in [
            &b.programme,
            &b.pool,
            &b.matched,
            &b.smd_before,
            &b.smd_after,
        ]
        .into_iter()
        .enumerate()
        {
            cell(ws, r, c as u16 + 1, text)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("About").map_err(fail)?;
    ws.set_column_width(0, 28).map_err(fail)?;
    for (r, (k, v)) in [
        ("Local impact evaluation", String::new()),
        ("As at", report.as_at.clone()),
        ("Made", format!("{} by {}", report.made_at, report.made_by)),
        ("Rules (SHA-256)", report.rules_sha256.clone()),
        (
            "Disclosure control",
            format!(
                "counts under {} withheld, with any that would reveal them",
                report.threshold
            ),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string(r as u32, 0, k).map_err(fail)?;
        ws.write_string(r as u32, 1, &v).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}
