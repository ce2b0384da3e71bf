//! The performance dashboard: families identified and worked with by stage, problem, area and
//! lead worker; referrals received, accepted and returned (with reasons); caseloads and
//! overdue steps; trends by month. Every table goes through
//! `hearth_governance::disclosure::protect` (the one disclosure-control module) before it is
//! shown, charted or exported. The analyst sees the same figures with lead workers numbered
//! rather than named.

use crate::access::sees_identifiers;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::labels;
use crate::service::audit;
use crate::state::AppState;
use crate::views::chart::{self, Chart};
use crate::views::Due;
use chrono::{Datelike, NaiveDate};
use hearth_governance::{protect_with, Margins, Policy, Table};

/// The totals of a panel whose rows are kinds a family is one of (a stage, an area) and whose
/// columns overlap ("identified" and "worked with"): each column's total, no row totals.
const COLUMN_TOTALS: Margins = Margins {
    rows: false,
    columns: true,
};

/// No totals: a family is counted under each of its problems, so neither sum counts families.
const NO_TOTALS: Margins = Margins {
    rows: false,
    columns: false,
};
use hearth_model::CaseStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The dashboard's filters (from the query string).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub(crate) struct DashboardFilters {
    /// An area (postcode sector), or empty for all.
    #[serde(default)]
    pub area: String,
    /// A problem key, or empty for all.
    #[serde(default)]
    pub problem: String,
}

/// One panel: a protected table and its chart.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Panel {
    pub id: &'static str,
    pub title: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<PanelRow>,
    /// Column totals, then the grand total.
    pub totals: Vec<String>,
    pub total: String,
    /// Whether a column of row totals is shown (not when the columns overlap).
    pub row_totals: bool,
    /// Whether a row of column totals is shown (not when a family is counted in several
    /// rows: families by problem).
    pub column_totals: bool,
    pub chart: Chart,
    /// Cells suppressed: primary and secondary.
    pub suppressed: usize,
}

/// One row of a panel.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PanelRow {
    pub label: String,
    pub cells: Vec<String>,
    pub total: String,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dashboard {
    pub as_at: Option<String>,
    pub filters: DashboardFilters,
    pub areas: Vec<String>,
    pub problems: Vec<(String, String)>,
    pub panels: Vec<Panel>,
    /// Filter values this run does not know (a mistyped or old link), field by field: each
    /// such filter is ignored, and the page says so.
    pub errors: Vec<(String, String)>,
    /// The cap on families claimed for results (`rules/claims.toml`).
    pub claims_cap: u64,
    pub threshold: u64,
}

/// A panel from counts, protected.
fn panel(
    id: &'static str,
    title: &str,
    row_header: &str,
    columns: &[&str],
    rows: Vec<(String, Vec<u64>)>,
    margins: Margins,
    policy: Policy,
) -> Panel {
    let columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
    let (labels, counts): (Vec<String>, Vec<Vec<u64>>) = rows.into_iter().unzip();
    let table = Table::new(labels.clone(), columns.clone(), counts)
        .expect("rows built with one count per column");
    let p = protect_with(&table, policy, margins);
    let chart = chart::grouped_bars(
        &labels,
        &columns
            .iter()
            .enumerate()
            .map(|(c, name)| {
                (
                    name.clone(),
                    p.cells
                        .iter()
                        .map(|r| r[c].value().map(|v| v as f64))
                        .collect(),
                )
            })
            .collect::<Vec<_>>(),
    );
    Panel {
        id,
        title: title.into(),
        row_header: row_header.into(),
        rows: labels
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((l, cells), t)| PanelRow {
                label: l.clone(),
                cells: cells.iter().map(ToString::to_string).collect(),
                total: t.to_string(),
            })
            .collect(),
        totals: p.column_totals.iter().map(ToString::to_string).collect(),
        total: p.total.to_string(),
        row_totals: margins.rows,
        column_totals: margins.columns,
        chart,
        suppressed: p.primary + p.secondary,
        columns,
    }
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// `filters` as `run` knows them: an area read as people type it (any case, spaces as one)
/// and written as the run writes it, a problem by its key or its words; a value the run does
/// not know is left out, with a message for its field (as the families list does), rather
/// than counting no family.
fn known_filters(
    run: &crate::run::RunData,
    filters: &DashboardFilters,
) -> (DashboardFilters, Vec<(String, String)>) {
    let mut applied = DashboardFilters::default();
    let mut errors = Vec::new();
    let area = filters.area.trim();
    if !area.is_empty() {
        match crate::views::find_area(&run.areas, area) {
            Some(i) => applied.area = run.areas[i].clone(),
            None => errors.push((
                "area".to_string(),
                format!(
                    "No family in this run lives in the area \"{area}\": showing families in any area"
                ),
            )),
        }
    }
    let problem = filters.problem.trim();
    if !problem.is_empty() {
        let found = run.problems.iter().find(|p| {
            p.eq_ignore_ascii_case(problem)
                || labels::problem_label(&run.run.labels, p).eq_ignore_ascii_case(problem)
        });
        match found {
            Some(p) => applied.problem = p.clone(),
            None => errors.push((
                "problem".to_string(),
                format!(
                    "No family in this run has the problem \"{problem}\": showing families with any problem"
                ),
            )),
        }
    }
    (applied, errors)
}

/// Builds the dashboard (audited: who looked).
pub(crate) async fn dashboard(
    state: &AppState,
    user: &CurrentUser,
    mut filters: DashboardFilters,
) -> Result<Dashboard, WebError> {
    let policy = Policy::default();
    let run = state.latest_run().await?;
    let cases = state.cases().await?;
    let referrals = state.store().run(|s| s.referrals(None)).await?;
    let today = state.now().date_naive();
    let due = &state.settings().due;
    // The one notion of attached, which claims and the evaluation count too.
    // (Attached by today: the claims page counts the same.)
    let mut attachments = state.store().run(|s| s.attachments()).await?;
    attachments.retain(|_, d| *d <= today);
    let mut panels = Vec::new();
    let (mut areas, mut problems, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(run) = &run {
        (filters, errors) = known_filters(run, &filters);
        areas = run.areas.clone();
        problems = run
            .problems
            .iter()
            .map(|p| (p.clone(), labels::problem_label(&run.run.labels, p)))
            .collect();
        // The families in view: eligible in the run, with a case, or attached; filtered.
        let in_view: Vec<usize> = (0..run.assessments.len())
            .filter(|&i| {
                let a = &run.assessments[i];
                (a.eligible
                    || cases.cases.contains_key(&a.family_id)
                    || attachments.contains_key(&a.family_id))
                    && (filters.problem.is_empty() || a.problems.contains(&filters.problem))
                    && (filters.area.is_empty()
                        || run.area_of[i].map(|x| run.areas[x as usize].as_str())
                            == Some(filters.area.as_str()))
            })
            .collect();
        let attached = |i: usize| attachments.get(&run.assessments[i].family_id).copied();
        // Stage.
        let mut by_stage: Vec<(String, Vec<u64>)> = CaseStatus::ALL
            .iter()
            .map(|s| (s.label().to_owned(), vec![0]))
            .collect();
        let mut no_case = 0;
        for &i in &in_view {
            match cases.cases.get(&run.assessments[i].family_id) {
                Some(c) => {
                    let k = CaseStatus::ALL
                        .iter()
                        .position(|s| *s == c.status)
                        .unwrap_or(0);
                    by_stage[k].1[0] += 1;
                }
                None => no_case += 1,
            }
        }
        if let Some(first) = by_stage.first_mut() {
            first.1[0] += no_case;
        }
        panels.push(panel(
            "stage",
            "Families by stage",
            "Stage",
            &["Families"],
            by_stage,
            COLUMN_TOTALS,
            policy,
        ));
        // Problem.
        let by_problem = run
            .problems
            .iter()
            .map(|p| {
                let (mut ident, mut att) = (0, 0);
                for &i in &in_view {
                    if run.assessments[i].problems.contains(p) {
                        ident += u64::from(run.assessments[i].eligible);
                        att += u64::from(attached(i).is_some());
                    }
                }
                (labels::problem_label(&run.run.labels, p), vec![ident, att])
            })
            .collect();
        panels.push(panel(
            "problem",
            "Families by problem",
            "Problem",
            &["Identified", "Worked with"],
            by_problem,
            NO_TOTALS,
            policy,
        ));
        // Area.
        let mut by_area: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for &i in &in_view {
            let area =
                run.area_of[i].map_or("Not known".to_owned(), |x| run.areas[x as usize].clone());
            let e = by_area.entry(area).or_insert_with(|| vec![0, 0]);
            e[0] += u64::from(run.assessments[i].eligible);
            e[1] += u64::from(attached(i).is_some());
        }
        panels.push(panel(
            "area",
            "Families by area",
            "Area (postcode sector)",
            &["Identified", "Worked with"],
            by_area.into_iter().collect(),
            COLUMN_TOTALS,
            policy,
        ));
        // Lead worker: open cases and overdue steps.
        let named = sees_identifiers(user.role);
        let by_worker = cases
            .lead_workers_labelled(named)
            .into_iter()
            .map(|(u, label)| {
                let (mut open, mut overdue) = (0, 0);
                for &i in &in_view {
                    if let Some(c) = cases.cases.get(&run.assessments[i].family_id) {
                        if c.lead_worker_user_id == Some(u.id) && c.status != CaseStatus::Closed {
                            open += 1;
                            overdue += u64::from(
                                Due::of(Some(c), today, due).urgency
                                    == Some(hearth_casework::Urgency::Overdue),
                            );
                        }
                    }
                }
                (label, vec![open, overdue])
            })
            .collect();
        panels.push(panel(
            "caseload",
            "Caseloads and overdue steps",
            "Lead worker",
            &["Open cases", "Of which overdue"],
            by_worker,
            COLUMN_TOTALS,
            policy,
        ));
        // Attachments by month (the last 12 months).
        let mut by_month: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for m in 0..12 {
            let d = today
                .with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(11 - m)))
                .unwrap_or(today);
            by_month.insert(month(d), vec![0, 0]);
        }
        for &i in &in_view {
            if let Some(d) = attached(i) {
                if let Some(e) = by_month.get_mut(&month(d)) {
                    e[1] += 1;
                }
            }
        }
        for r in &referrals {
            if let Some(e) = by_month.get_mut(&month(r.submitted_at.date_naive())) {
                e[0] += 1;
            }
        }
        panels.push(panel(
            "trend",
            "Referrals received and families worked with, by month",
            "Month",
            &["Referrals received", "Families starting work"],
            by_month.into_iter().collect(),
            COLUMN_TOTALS,
            policy,
        ));
    }
    // Referrals: decisions and return reasons (not filtered: a referral has no area yet).
    let mut decided: BTreeMap<&str, u64> = BTreeMap::new();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for r in &referrals {
        let k = match r.status.as_str() {
            "accepted" => "Accepted",
            "returned" => "Returned",
            _ => "Awaiting a decision",
        };
        *decided.entry(k).or_default() += 1;
        if r.status == "returned" {
            let reason = r
                .return_reason
                .clone()
                .unwrap_or_else(|| "Not given".into());
            *reasons.entry(labels::humanise(&reason)).or_default() += 1;
        }
    }
    panels.push(panel(
        "referrals",
        "Referrals received",
        "Decision",
        &["Referrals"],
        ["Accepted", "Returned", "Awaiting a decision"]
            .iter()
            .map(|k| ((*k).to_owned(), vec![decided.get(k).copied().unwrap_or(0)]))
            .collect(),
        COLUMN_TOTALS,
        policy,
    ));
    panels.push(panel(
        "returns",
        "Referrals returned, by reason",
        "Reason",
        &["Referrals"],
        reasons.into_iter().map(|(k, v)| (k, vec![v])).collect(),
        COLUMN_TOTALS,
        policy,
    ));
    // Claims against the cap (not filtered: the cap is the council's whole programme).
    let claims = state.store().run(|s| s.active_claims()).await?;
    let mut by_kind: BTreeMap<&str, std::collections::BTreeSet<i64>> = BTreeMap::new();
    for c in &claims {
        by_kind
            .entry(c.result_kind.as_str())
            .or_default()
            .insert(c.family_id);
    }
    panels.push(panel(
        "claims",
        "Families claimed for results",
        "Result",
        &["Families"],
        [
            hearth_outcomes::ResultKind::SignificantAndSustainedProgress,
            hearth_outcomes::ResultKind::ContinuousEmployment,
        ]
        .iter()
        .map(|k| {
            let n = by_kind.get(k.key()).map_or(0, |f| f.len() as u64);
            (k.title().to_string(), vec![n])
        })
        .collect(),
        COLUMN_TOTALS,
        policy,
    ));
    audit::record(
        state,
        user,
        "view dashboard",
        ("family", "*".into()),
        format!("{} panels", panels.len()),
    )
    .await?;
    Ok(Dashboard {
        as_at: run.as_ref().map(|r| r.run.as_at.to_string()),
        filters,
        areas,
        problems,
        panels,
        errors,
        claims_cap: state.settings().claim_rules.cap.families,
        threshold: policy.threshold,
    })
}

/// The dashboard as a workbook: one sheet per panel, the protected figures only.
pub(crate) fn xlsx(d: &Dashboard) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail =
        |e: rust_xlsxwriter::XlsxError| WebError::Internal(format!("writing the export: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for p in &d.panels {
        let ws = wb.add_worksheet();
        ws.set_name(p.id).map_err(fail)?;
        ws.write_string_with_format(0, 0, &p.title, &bold)
            .map_err(fail)?;
        ws.write_string_with_format(2, 0, &p.row_header, &bold)
            .map_err(fail)?;
        ws.set_column_width(0, 36).map_err(fail)?;
        for (c, h) in p.columns.iter().enumerate() {
            ws.write_string_with_format(2, c as u16 + 1, h, &bold)
                .map_err(fail)?;
            ws.set_column_width(c as u16 + 1, 20).map_err(fail)?;
        }
        let write = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, cell: &str| match cell
            .parse::<f64>()
        {
            Ok(v) => ws.write_number(r, c, v).map(|_| ()),
            Err(_) => ws.write_string(r, c, cell).map(|_| ()),
        };
        let mut r = 3;
        for row in &p.rows {
            ws.write_string(r, 0, &row.label).map_err(fail)?;
            for (c, cell) in row.cells.iter().enumerate() {
                write(ws, r, c as u16 + 1, cell).map_err(fail)?;
            }
            r += 1;
        }
        if p.column_totals {
            ws.write_string_with_format(r, 0, "Total", &bold)
                .map_err(fail)?;
            for (c, cell) in p.totals.iter().enumerate() {
                write(ws, r, c as u16 + 1, cell).map_err(fail)?;
            }
        }
        ws.write_string(
            r + 2,
            0,
            "[c]: withheld to protect confidentiality (a count under 5, or one that would reveal it)",
        )
        .map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Families by problem: a family counts under each of its problems, so the panel has no
    /// totals and only its small cells are withheld (once every cell was, protecting a
    /// "total" that added the problems up).
    #[test]
    fn the_problem_panel_withholds_only_its_small_cells_and_shows_no_total() {
        let rows = vec![
            ("Crime".to_string(), vec![55, 3]),
            ("Health".to_string(), vec![37, 12]),
            ("Worklessness".to_string(), vec![43, 2]),
        ];
        let p = panel(
            "problem",
            "Families by problem",
            "Problem",
            &["Identified", "Worked with"],
            rows,
            NO_TOTALS,
            Policy::default(),
        );
        let cells: Vec<Vec<&str>> = p
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(cells, [["55", "[c]"], ["37", "12"], ["43", "[c]"]]);
        assert!(!p.column_totals && !p.row_totals);
        assert_eq!(p.suppressed, 2);
    }
}
