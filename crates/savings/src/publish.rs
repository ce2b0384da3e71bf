//! The cohort's figures made safe to publish: every count of families passes
//! `governance::disclosure::protect`, and a sum of money is shown only where the counts of
//! families behind it are (a cost of one family is as identifying as a count of one).

use crate::appraisal::Estimate;
use crate::calculate::{CohortAppraisal, CohortSavings};
use chrono::NaiveDate;
use hearth_governance::disclosure::{protect, Cell, Policy, Table};
use hearth_identification::Confidence;
use serde::Serialize;

/// One item, published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedItem {
    /// Key.
    pub key: String,
    /// What it counts.
    pub label: String,
    /// Whether it is one of Appendix 2's items.
    pub appendix: bool,
    /// Suggested data source.
    pub data_source: String,
    /// Who bears the cost.
    pub agency: String,
    /// Unit cost key.
    pub cost: String,
    /// Value of one unit at the price year.
    pub unit_value: f64,
    /// What one unit is.
    pub unit: String,
    /// Confidence in the unit cost.
    pub confidence: Confidence,
    /// Whether the data can measure it.
    pub measured: bool,
    /// The last day its data reach (`None`: no data of its kind).
    pub data_reach: Option<NaiveDate>,
    /// Whether it is measured, and if not why, in plain English: "measured", "not measured
    /// (data reach 1 September 2025)", "not measured (no data)", or measured only for the
    /// families whose months after the data reach.
    pub coverage: String,
    /// Families with any use before.
    pub families_before: Cell,
    /// After.
    pub families_after: Cell,
    /// Units before (None: suppressed or not measured).
    pub units_before: Option<f64>,
    /// Units after.
    pub units_after: Option<f64>,
    /// Fiscal cost before.
    pub cost_before: Option<f64>,
    /// After.
    pub cost_after: Option<f64>,
    /// Attributable annual saving.
    pub attributable: Option<f64>,
}

/// One agency, published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedAgency {
    /// The agency.
    pub agency: String,
    /// Families with any cost to it before.
    pub families_before: Cell,
    /// After.
    pub families_after: Cell,
    /// Fiscal cost before.
    pub cost_before: Option<f64>,
    /// After.
    pub cost_after: Option<f64>,
    /// Attributable annual saving.
    pub attributable: Option<f64>,
    /// Present value.
    pub present_value: Option<f64>,
}

/// The cohort, ready for a page, the API or an export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedCohort {
    /// As-at date.
    pub as_at: NaiveDate,
    /// Price year.
    pub price_year: String,
    /// Months before attachment.
    pub months_before: u32,
    /// Months after.
    pub months_after: u32,
    /// Families counted.
    pub families: Cell,
    /// Families not yet complete.
    pub not_yet_complete: Cell,
    /// Items.
    pub items: Vec<PublishedItem>,
    /// Agencies.
    pub agencies: Vec<PublishedAgency>,
    /// The appraisal (None when the cohort itself is too small to publish).
    pub appraisal: Option<CohortAppraisal>,
    /// Change per family with its uncertainty (None when too few families).
    pub change_per_family: Option<Estimate>,
    /// Whether the figures rest on any value that is not "sourced".
    pub indicative: bool,
    /// The policy applied.
    pub policy: Policy,
}

/// A date as GOV.UK writes it: "1 September 2025".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Why an item is or is not measured, in plain English. `partial`: measured for some families
/// but not for those whose months after attachment end after its data reach.
pub fn coverage_text(measured: bool, data_reach: Option<NaiveDate>, partial: bool) -> String {
    match (measured, data_reach) {
        (false, Some(d)) => format!("not measured (data reach {})", long_date(d)),
        (false, None) => "not measured (no data)".into(),
        (true, Some(d)) if partial => format!(
            "measured where its data reach the end of a family's months after attachment; not measured for the others (data reach {})",
            long_date(d)
        ),
        (true, _) => "measured".into(),
    }
}

fn shown(cells: &[Cell]) -> bool {
    cells.iter().all(|c| matches!(c, Cell::Shown(_)))
}

/// Protects the cohort's figures under `policy`.
pub fn publish(c: &CohortSavings, policy: Policy) -> PublishedCohort {
    let big_enough = c.families >= policy.threshold;
    let one =
        |n: u64| protect(&Table::one_way("families", vec![("n".into(), n)]), policy).cells[0][0];
    // Items the data measures, as a table of families before and after.
    let measured: Vec<usize> = (0..c.items.len())
        .filter(|&i| c.items[i].measured)
        .collect();
    let item_cells = if measured.is_empty() {
        Vec::new()
    } else {
        let t = Table::new(
            measured.iter().map(|&i| c.items[i].key.clone()).collect(),
            vec!["before".into(), "after".into()],
            measured
                .iter()
                .map(|&i| vec![c.items[i].families_before, c.items[i].families_after])
                .collect(),
        )
        .expect("two columns a row");
        protect(&t, policy).cells
    };
    let items = c
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let cells = measured
                .iter()
                .position(|&m| m == i)
                .map(|k| item_cells[k].clone());
            let (fb, fa) = match &cells {
                Some(v) if big_enough => (v[0], v[1]),
                Some(_) => (Cell::Confidential, Cell::Confidential),
                None => (Cell::NotAvailable, Cell::NotAvailable),
            };
            let ok = big_enough && cells.is_some() && shown(&[fb, fa]);
            let money = |v: f64| ok.then_some(v);
            PublishedItem {
                key: it.key.clone(),
                label: it.label.clone(),
                appendix: it.appendix,
                data_source: it.data_source.clone(),
                agency: it.agency.clone(),
                cost: it.cost.clone(),
                unit_value: it.unit_value,
                unit: it.unit.clone(),
                confidence: it.confidence,
                measured: it.measured,
                data_reach: it.data_reach,
                coverage: coverage_text(it.measured, it.data_reach, it.families_not_measured > 0),
                families_before: fb,
                families_after: fa,
                units_before: money(it.units_before),
                units_after: money(it.units_after),
                cost_before: money(it.cost_before),
                cost_after: money(it.cost_after),
                attributable: money(it.attributable),
            }
        })
        .collect();
    let agency_cells = if c.agencies.is_empty() {
        Vec::new()
    } else {
        let t = Table::new(
            c.agencies.iter().map(|a| a.agency.clone()).collect(),
            vec!["before".into(), "after".into()],
            c.agencies
                .iter()
                .map(|a| vec![a.families_before, a.families_after])
                .collect(),
        )
        .expect("two columns a row");
        protect(&t, policy).cells
    };
    let agencies = c
        .agencies
        .iter()
        .zip(agency_cells)
        .map(|(a, cells)| {
            let (fb, fa) = if big_enough {
                (cells[0], cells[1])
            } else {
                (Cell::Confidential, Cell::Confidential)
            };
            let ok = big_enough && shown(&[fb, fa]);
            let money = |v: f64| ok.then_some(v);
            PublishedAgency {
                agency: a.agency.clone(),
                families_before: fb,
                families_after: fa,
                cost_before: money(a.cost_before),
                cost_after: money(a.cost_after),
                attributable: money(a.attributable),
                present_value: money(a.present_value),
            }
        })
        .collect();
    PublishedCohort {
        as_at: c.as_at,
        price_year: c.price_year.clone(),
        months_before: c.months_before,
        months_after: c.months_after,
        families: one(c.families),
        not_yet_complete: one(c.not_yet_complete),
        items,
        agencies,
        appraisal: big_enough.then(|| c.appraisal.clone()),
        change_per_family: big_enough.then_some(c.change_per_family),
        indicative: c.indicative,
        policy,
    }
}
