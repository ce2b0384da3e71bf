//! The cost savings pages' view models: figures as people read them (pounds with separators,
//! `[c]` where suppressed, `[x]` where the data cannot measure an item) and the charts as
//! server-rendered SVG geometry, each chart with its data table beside it for screen readers.

use crate::views::list::pounds;
use hearth_governance::disclosure::Cell;
use hearth_savings::{FamilySavings, PublishedCohort};
use serde::Serialize;

/// The latest savings run's published figures.
pub(crate) struct Published {
    /// The run's key.
    pub run_id: i64,
    /// When it ran (RFC 3339).
    pub run_at: String,
    /// The figures.
    pub cohort: PublishedCohort,
}

/// One family's result in the latest run, with the items' labels from the run.
pub(crate) struct FamilyResult {
    /// The run's key.
    pub run_id: i64,
    /// The run's as-at date.
    pub as_at: chrono::NaiveDate,
    /// The family's result.
    pub result: FamilySavings,
    /// Each item's label and whether its unit cost is sourced, by key.
    pub items: std::collections::BTreeMap<String, (String, bool)>,
    /// The price year.
    pub price_year: String,
}

/// Pounds, or `[c]` when the figure is suppressed. Negative values (use rose) keep their sign.
fn money(v: Option<f64>) -> String {
    match v {
        Some(v) if v < 0.0 => format!("−{}", pounds(-v)),
        Some(v) => pounds(v),
        None => "[c]".into(),
    }
}

fn signed(v: f64) -> String {
    money(Some(v))
}

/// One bar pair of a chart: before and after, in pixels, with their labels.
#[derive(Serialize)]
pub(crate) struct Bar {
    /// What the pair is (an agency).
    pub label: String,
    /// The label cut to fit beside the bars (the table has it whole).
    pub short: String,
    /// Top of the pair.
    pub y: u32,
    /// Width of the "before" bar.
    pub before: u32,
    /// Width of the "after" bar.
    pub after: u32,
    /// Text of the "before" value.
    pub before_label: String,
    /// Text of the "after" value.
    pub after_label: String,
}

/// A horizontal bar chart of cost before and after attachment.
#[derive(Serialize)]
pub(crate) struct Chart {
    /// Drawing width.
    pub width: u32,
    /// Drawing height.
    pub height: u32,
    /// Left edge of the bars (labels go to its left).
    pub left: u32,
    /// The bars.
    pub bars: Vec<Bar>,
    /// What the chart shows, for its accessible description.
    pub description: String,
}

const BAR_AREA: f64 = 420.0;

/// A chart of (label, before, after) rows, scaled to the largest value.
pub(crate) fn chart(rows: &[(String, f64, f64)], what: &str) -> Option<Chart> {
    if rows.is_empty() {
        return None;
    }
    let max = rows
        .iter()
        .map(|(_, b, a)| b.max(*a))
        .fold(0.0f64, f64::max)
        .max(1.0);
    let px = |v: f64| ((v.max(0.0) / max) * BAR_AREA).round() as u32;
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, b, a))| Bar {
            label: label.clone(),
            short: if label.chars().count() > 36 {
                format!("{}…", label.chars().take(35).collect::<String>())
            } else {
                label.clone()
            },
            y: 10 + i as u32 * 54,
            before: px(*b),
            after: px(*a),
            before_label: pounds(*b),
            after_label: pounds(*a),
        })
        .collect();
    Some(Chart {
        width: 900,
        height: 20 + bars.len() as u32 * 54,
        left: 300,
        description: format!(
            "{what}: for each of {} agencies, the cost in the 12 months before attachment (blue, upper bar) and the 12 months after (grey, lower bar). The table that follows gives the same figures.",
            bars.len()
        ),
        bars,
    })
}

/// An agency's row.
#[derive(Serialize)]
pub(crate) struct AgencyRow {
    agency: String,
    families_before: String,
    families_after: String,
    cost_before: String,
    cost_after: String,
    saving: String,
    present_value: String,
}

/// An item's row.
#[derive(Serialize)]
pub(crate) struct ItemRow {
    label: String,
    appendix: bool,
    data_source: String,
    agency: String,
    unit_cost: String,
    confidence: &'static str,
    measured: bool,
    /// Why the item is not measured (or measured for some families only), with how far its
    /// data reach; `None` for an item measured throughout or with no data at all.
    coverage: Option<String>,
    families_before: String,
    families_after: String,
    cost_before: String,
    cost_after: String,
    saving: String,
}

/// The cohort page's figures.
#[derive(Serialize)]
pub(crate) struct CohortView {
    run_id: i64,
    run_at: String,
    as_at: String,
    price_year: String,
    status_line: &'static str,
    indicative: bool,
    families: String,
    not_yet_complete: String,
    threshold: u64,
    agencies: Vec<AgencyRow>,
    chart: Option<Chart>,
    items: Vec<ItemRow>,
    unmeasured: usize,
    /// Items whose data stop before the families' months after attachment end.
    not_reached: usize,
    appraisal: Vec<(String, String)>,
    change_per_family: Option<String>,
}

fn cell(c: Cell) -> String {
    c.to_string()
}

/// The cohort page's figures from the published run.
pub(crate) fn cohort(p: &Published) -> CohortView {
    let c = &p.cohort;
    let agencies: Vec<AgencyRow> = c
        .agencies
        .iter()
        .map(|a| AgencyRow {
            agency: a.agency.clone(),
            families_before: cell(a.families_before),
            families_after: cell(a.families_after),
            cost_before: money(a.cost_before),
            cost_after: money(a.cost_after),
            saving: money(a.attributable),
            present_value: money(a.present_value),
        })
        .collect();
    let rows: Vec<(String, f64, f64)> = c
        .agencies
        .iter()
        .filter_map(|a| Some((a.agency.clone(), a.cost_before?, a.cost_after?)))
        .collect();
    let items = c
        .items
        .iter()
        .map(|i| ItemRow {
            label: i.label.clone(),
            appendix: i.appendix,
            data_source: i.data_source.clone(),
            agency: i.agency.clone(),
            unit_cost: format!("{} per {}", pounds(i.unit_value), i.unit),
            confidence: i.confidence.name(),
            measured: i.measured,
            coverage: (i.data_reach.is_some() && i.coverage != "measured")
                .then(|| i.coverage.clone()),
            families_before: cell(i.families_before),
            families_after: cell(i.families_after),
            cost_before: if i.measured {
                money(i.cost_before)
            } else {
                "[x]".into()
            },
            cost_after: if i.measured {
                money(i.cost_after)
            } else {
                "[x]".into()
            },
            saving: if i.measured {
                money(i.attributable)
            } else {
                "[x]".into()
            },
        })
        .collect();
    let appraisal = match &c.appraisal {
        None => Vec::new(),
        Some(a) => vec![
            (
                "Gross annual change in cost (before − after)".into(),
                signed(a.gross),
            ),
            (
                "Less deadweight (what would have happened anyway)".into(),
                signed(a.deadweight),
            ),
            ("Less optimism bias".into(), signed(a.optimism_bias)),
            ("Attributable annual saving".into(), signed(a.attributable)),
            (
                format!("Present value over {} years, discounted", a.stream.len()),
                signed(a.present_value),
            ),
            (
                "Present value of economic and social savings".into(),
                signed(a.economic_social_present_value),
            ),
            (
                "Cost of the work with these families".into(),
                pounds(a.programme_cost),
            ),
            ("Net present value".into(), signed(a.net_present_value)),
            (
                "Fiscal return on investment".into(),
                a.fiscal_roi
                    .map_or("[z]".into(), |r| format!("£{r:.2} for every £1 spent")),
            ),
            (
                "Payback period".into(),
                a.payback_years
                    .map_or("Not within the appraisal's years".into(), |y| {
                        format!("{y:.1} years")
                    }),
            ),
        ],
    };
    CohortView {
        run_id: p.run_id,
        run_at: p
            .run_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        as_at: c.as_at.format("%-d %B %Y").to_string(),
        price_year: c.price_year.clone(),
        status_line: hearth_savings::export::status_line(c),
        indicative: c.indicative,
        families: cell(c.families),
        not_yet_complete: cell(c.not_yet_complete),
        threshold: c.policy.threshold,
        chart: chart(&rows, "Annual cost to each agency"),
        agencies,
        unmeasured: c.items.iter().filter(|i| !i.measured).count(),
        not_reached: c
            .items
            .iter()
            .filter(|i| i.data_reach.is_some() && i.coverage != "measured")
            .count(),
        items,
        appraisal,
        change_per_family: c.change_per_family.map(|e| {
            format!(
                "{} on average (95% confidence interval {} to {}, from {} families)",
                signed(e.mean),
                signed(e.low),
                signed(e.high),
                e.n
            )
        }),
    }
}

/// One item of a family's service use.
#[derive(Serialize)]
pub(crate) struct FamilyItemRow {
    label: String,
    before: String,
    after: String,
    cost_before: String,
    cost_after: String,
    sourced: bool,
}

/// A family's section.
#[derive(Serialize)]
pub(crate) struct FamilyView {
    run_id: i64,
    as_at: String,
    attached_on: String,
    complete: bool,
    price_year: String,
    indicative: bool,
    items: Vec<FamilyItemRow>,
    /// Items not measured for this family: (label, "not measured (data reach …)").
    not_measured: Vec<(String, String)>,
    agencies: Vec<AgencyRow>,
    chart: Option<Chart>,
    cost_before: String,
    cost_after: String,
    change: String,
    /// While a restriction of processing on a member's data is in force: the sentence
    /// saying so, every figure above left out (they count that member's records).
    withheld: Option<&'static str>,
}

fn units(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A family's section from its stored result; with `withheld` (a member's processing is
/// restricted: `FamilyDetail::figures_withheld`), only when and how it was measured, and
/// [`crate::views::FIGURES_WITHHELD`] in place of the figures.
pub(crate) fn family(f: &FamilyResult, withheld: bool) -> FamilyView {
    let view = family_figures(f);
    if !withheld {
        return view;
    }
    let none = || "Withheld".to_string();
    FamilyView {
        indicative: false,
        items: Vec::new(),
        not_measured: Vec::new(),
        agencies: Vec::new(),
        chart: None,
        cost_before: none(),
        cost_after: none(),
        change: none(),
        withheld: Some(crate::views::FIGURES_WITHHELD),
        ..view
    }
}

fn family_figures(f: &FamilyResult) -> FamilyView {
    let r = &f.result;
    let items = r
        .items
        .iter()
        .map(|u| {
            let (label, sourced) = f
                .items
                .get(&u.item)
                .cloned()
                .unwrap_or_else(|| (u.item.clone(), false));
            FamilyItemRow {
                label,
                before: units(u.before),
                after: units(u.after),
                cost_before: pounds(u.cost_before),
                cost_after: pounds(u.cost_after),
                sourced,
            }
        })
        .collect();
    let rows: Vec<(String, f64, f64)> = r
        .agencies
        .iter()
        .map(|a| (a.agency.clone(), a.before, a.after))
        .collect();
    FamilyView {
        run_id: f.run_id,
        as_at: f.as_at.format("%-d %B %Y").to_string(),
        attached_on: r.attached_on.format("%-d %B %Y").to_string(),
        complete: r.complete,
        price_year: f.price_year.clone(),
        indicative: r.indicative,
        items,
        not_measured: r
            .not_measured
            .iter()
            .map(|n| {
                let label = f
                    .items
                    .get(&n.item)
                    .map_or_else(|| n.item.clone(), |(l, _)| l.clone());
                (
                    label,
                    hearth_savings::coverage_text(false, Some(n.data_reach), false),
                )
            })
            .collect(),
        agencies: r
            .agencies
            .iter()
            .map(|a| AgencyRow {
                agency: a.agency.clone(),
                families_before: String::new(),
                families_after: String::new(),
                cost_before: pounds(a.before),
                cost_after: pounds(a.after),
                saving: signed(a.attributable),
                present_value: String::new(),
            })
            .collect(),
        chart: chart(
            &rows,
            "Annual cost of this family's service use to each agency",
        ),
        cost_before: pounds(r.fiscal_before),
        cost_after: pounds(r.fiscal_after),
        change: signed(r.gross()),
        withheld: None,
    }
}
