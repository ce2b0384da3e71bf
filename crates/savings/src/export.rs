//! The published cohort as an Excel workbook (bytes, for a download or a file): a "Read me"
//! sheet that says what the figures are and, when they rest on values not checked against
//! their source, that they are INDICATIVE; then items, agencies and the appraisal.

use crate::publish::PublishedCohort;
use hearth_governance::disclosure::Cell;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// What a figure that is not shown says instead.
fn cell_text(c: Cell) -> String {
    c.to_string()
}

/// The statement every page and export of the calculator carries.
pub fn status_line(p: &PublishedCohort) -> &'static str {
    if p.indicative {
        "INDICATIVE: some unit costs behind these figures have not been checked against their source (confidence \"indicative\" or \"placeholder\" in rules/unit-costs.toml). Do not report them as verified savings."
    } else {
        "Every unit cost behind these figures is marked as checked against its source."
    }
}

fn money(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(r, c, v, fmt).map(|_| ()),
        None => ws.write_string(r, c, "[c]").map(|_| ()),
    }
}

fn count(ws: &mut Worksheet, r: u32, c: u16, v: Cell) -> Result<(), XlsxError> {
    match v {
        Cell::Shown(n) => ws.write_number(r, c, n as f64).map(|_| ()),
        other => ws.write_string(r, c, cell_text(other)).map(|_| ()),
    }
}

fn header(ws: &mut Worksheet, cols: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, h) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, bold)?;
        ws.set_column_width(i as u16, (h.len() as f64 + 2.0).max(12.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The workbook's bytes.
pub fn xlsx(p: &PublishedCohort) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pounds = Format::new().set_num_format("£#,##0");
    let ratio = Format::new().set_num_format("0.00");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Read me")?;
        ws.set_column_width(0, 40)?;
        ws.set_column_width(1, 90)?;
        let rows: Vec<(&str, String)> = vec![
            ("Cost savings calculator", "Service use by attached families in the months before and after attachment, priced from the unit-cost table (GMCA method).".into()),
            ("Status", status_line(p).into()),
            ("Data as at", p.as_at.to_string()),
            ("Price year", p.price_year.clone()),
            ("Months before / after attachment", format!("{} / {}", p.months_before, p.months_after)),
            ("Families counted", cell_text(p.families)),
            ("Families not yet 12 months on", cell_text(p.not_yet_complete)),
            ("Disclosure control", format!("counts of families from 1 to {} are suppressed ([c]), with secondary suppression; a sum of money is shown only where the counts behind it are", p.policy.threshold.saturating_sub(1))),
            ("Symbols", "[c] suppressed for confidentiality; [x] not available (the data cannot measure the item)".into()),
            ("Not measured", "An item whose data do not reach the end of a family's 12 months after attachment (a partner's file not sent again, or without that kind of record) is not measured for that family: left out of every figure and interval, never counted as no use. The Items sheet gives each item's data reach.".into()),
        ];
        for (r, (k, v)) in rows.iter().enumerate() {
            ws.write_string_with_format(r as u32, 0, *k, &bold)?;
            ws.write_string(r as u32, 1, v)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Items")?;
        header(
            ws,
            &[
                "Item",
                "Appendix 2",
                "Suggested data source",
                "Agency",
                "Unit cost",
                "Unit",
                "Value of one unit",
                "Confidence",
                "Measured",
                "Data reach",
                "Families before",
                "Families after",
                "Units before",
                "Units after",
                "Cost before",
                "Cost after",
                "Attributable annual saving",
            ],
            &bold,
        )?;
        for (i, it) in p.items.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &it.label)?;
            ws.write_string(r, 1, if it.appendix { "yes" } else { "local" })?;
            ws.write_string(r, 2, &it.data_source)?;
            ws.write_string(r, 3, &it.agency)?;
            ws.write_string(r, 4, &it.cost)?;
            ws.write_string(r, 5, &it.unit)?;
            ws.write_number_with_format(r, 6, it.unit_value, &pounds)?;
            ws.write_string(r, 7, it.confidence.name())?;
            ws.write_string(r, 8, &it.coverage)?;
            match it.data_reach {
                Some(d) => ws.write_string(r, 9, crate::publish::long_date(d))?,
                None => ws.write_string(r, 9, "[x]")?,
            };
            count(ws, r, 10, it.families_before)?;
            count(ws, r, 11, it.families_after)?;
            money(ws, r, 12, it.units_before, &ratio)?;
            money(ws, r, 13, it.units_after, &ratio)?;
            money(ws, r, 14, it.cost_before, &pounds)?;
            money(ws, r, 15, it.cost_after, &pounds)?;
            money(ws, r, 16, it.attributable, &pounds)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Agencies")?;
        header(
            ws,
            &[
                "Agency",
                "Families before",
                "Families after",
                "Cost before",
                "Cost after",
                "Attributable annual saving",
                "Present value",
            ],
            &bold,
        )?;
        for (i, a) in p.agencies.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &a.agency)?;
            count(ws, r, 1, a.families_before)?;
            count(ws, r, 2, a.families_after)?;
            money(ws, r, 3, a.cost_before, &pounds)?;
            money(ws, r, 4, a.cost_after, &pounds)?;
            money(ws, r, 5, a.attributable, &pounds)?;
            money(ws, r, 6, a.present_value, &pounds)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Appraisal")?;
        header(ws, &["Figure", "Value"], &bold)?;
        ws.set_column_width(0, 50)?;
        let a = p.appraisal.as_ref();
        let e = p.change_per_family.as_ref();
        let rows: Vec<(&str, Option<f64>, &Format)> = vec![
            (
                "Gross annual fiscal change (before − after)",
                a.map(|a| a.gross),
                &pounds,
            ),
            ("Less deadweight", a.map(|a| a.deadweight), &pounds),
            ("Less optimism bias", a.map(|a| a.optimism_bias), &pounds),
            (
                "Attributable annual fiscal saving",
                a.map(|a| a.attributable),
                &pounds,
            ),
            (
                "Present value of fiscal savings",
                a.map(|a| a.present_value),
                &pounds,
            ),
            (
                "Present value of economic and social savings",
                a.map(|a| a.economic_social_present_value),
                &pounds,
            ),
            (
                "Cost of the work with these families",
                a.map(|a| a.programme_cost),
                &pounds,
            ),
            ("Net present value", a.map(|a| a.net_present_value), &pounds),
            (
                "Fiscal return on investment (£ saved per £1 spent)",
                a.and_then(|a| a.fiscal_roi),
                &ratio,
            ),
            (
                "Payback period (years)",
                a.and_then(|a| a.payback_years),
                &ratio,
            ),
            ("Gross change per family: mean", e.map(|e| e.mean), &pounds),
            (
                "Gross change per family: 95% interval, low",
                e.map(|e| e.low),
                &pounds,
            ),
            (
                "Gross change per family: 95% interval, high",
                e.map(|e| e.high),
                &pounds,
            ),
        ];
        for (i, (k, v, f)) in rows.into_iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, k)?;
            match v {
                Some(v) => ws.write_number_with_format(r, 1, v, f)?,
                None => ws.write_string(r, 1, if a.is_none() { "[c]" } else { "[z]" })?,
            };
        }
    }
    wb.save_to_buffer()
}
