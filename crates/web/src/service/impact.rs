//! The local impact evaluation's report as the web shows it: the latest report `hearth
//! evaluate` kept (already through disclosure control), with a chart and a table per
//! outcome, the balance table and the groups' sizes. Counts only; no family is named.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::state::AppState;
use crate::views::chart::{self, Chart};
use hearth_governance::Cell;
use hearth_impact::{publish::PublishedEstimate, Measure, Published};
use serde::Serialize;

/// The report, or nothing yet.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvaluationView {
    pub report: Option<ReportView>,
}

/// A kept report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportView {
    pub id: i64,
    pub as_at: String,
    pub made_at: String,
    pub made_by: String,
    pub rules_sha256: String,
    /// The published figures (what the API returns).
    pub published: Published,
    /// Programme families: matched, not matched, all.
    pub programme: Vec<(String, String)>,
    /// Eligible families not worked with: compared, not compared, all.
    pub comparison: Vec<(String, String)>,
    pub outcomes: Vec<OutcomeView>,
    pub balance: Vec<BalanceLine>,
    /// Whether every characteristic is balanced after matching (|SMD| under 0.1).
    pub balanced: bool,
    pub threshold: u64,
}

/// One outcome: a chart of the two groups' rates by band and its table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OutcomeView {
    pub key: String,
    pub label: String,
    /// What the rates are.
    pub unit: &'static str,
    pub chart: Chart,
    pub rows: Vec<BandLine>,
    /// The smallest change the last band (in the shipped rules the whole follow-up) could
    /// show clearly, as a whole percentage, when its figures are published; and that band.
    pub detectable: Option<u32>,
    pub detectable_band: String,
}

/// One band's figures, as written.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BandLine {
    pub band: String,
    pub programme_n: String,
    pub comparison_n: String,
    pub programme: String,
    pub comparison: String,
    pub difference: String,
    pub interval: String,
    pub relative: String,
    /// The smallest relative change this size could show clearly (`Figures::detectable`).
    pub detectable: String,
    /// The interval leaves out zero.
    pub significant: bool,
}

/// One characteristic's balance, as written.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BalanceLine {
    pub characteristic: String,
    pub programme: String,
    pub pool: String,
    pub matched: String,
    pub smd_before: String,
    pub smd_after: String,
    pub balanced: bool,
}

/// The latest report (audited: who looked at the evaluation).
pub(crate) async fn latest(
    state: &AppState,
    user: &CurrentUser,
) -> Result<EvaluationView, WebError> {
    let stored = state.store().run(|s| s.latest_impact_report()).await?;
    let cases = state.cases().await?;
    let named = crate::access::sees_identifiers(user.role);
    let report = match stored {
        None => None,
        Some(r) => {
            let published: Published = serde_json::from_str(&r.report)
                .map_err(|e| WebError::Internal(format!("impact report {}: {e}", r.id)))?;
            Some(view(
                r.id,
                r.as_at.to_string(),
                r.made_at.format("%Y-%m-%d %H:%M").to_string(),
                cases.staff_label_by_name(&r.made_by, named),
                r.rules_sha256,
                published,
            ))
        }
    };
    audit::record(
        state,
        user,
        "view impact evaluation",
        (
            "impact_evaluation",
            report.as_ref().map_or("none".into(), |r| r.id.to_string()),
        ),
        String::new(),
    )
    .await?;
    Ok(EvaluationView { report })
}

fn view(
    id: i64,
    as_at: String,
    made_at: String,
    made_by: String,
    rules_sha256: String,
    published: Published,
) -> ReportView {
    let rows = |p: &hearth_governance::Protected| {
        p.row_labels
            .iter()
            .zip(&p.cells)
            .map(|(l, c)| (l.clone(), c[0].to_string()))
            .chain(std::iter::once(("All".to_owned(), p.total.to_string())))
            .collect()
    };
    let mut outcomes: Vec<OutcomeView> = Vec::new();
    for e in &published.estimates {
        if outcomes.last().is_none_or(|o| o.key != e.outcome) {
            outcomes.push(OutcomeView {
                key: e.outcome.clone(),
                label: e.label.clone(),
                unit: match e.measure {
                    Measure::Any => "Families with the outcome in the band (%)",
                    // The whole follow-up to date (a censored band) is a rate per year.
                    Measure::Count => {
                        "Events per 100 families in the band (in the band to date: per year)"
                    }
                    Measure::Absence => "School sessions missed (%)",
                    Measure::StillOpen => {
                        "Of the spells open at the band's start, still open at its end (%)"
                    }
                },
                chart: chart::grouped_bars(&[], &[]),
                rows: Vec::new(),
                detectable: None,
                detectable_band: String::new(),
            });
        }
        if let Some(o) = outcomes.last_mut() {
            o.rows.push(band_line(e));
        }
    }
    for o in &mut outcomes {
        let ests: Vec<&PublishedEstimate> = published
            .estimates
            .iter()
            .filter(|e| e.outcome == o.key)
            .collect();
        let bands: Vec<String> = ests.iter().map(|e| e.band.clone()).collect();
        // The last band (the whole follow-up, in the shipped rules): what it could show is the
        // outcome's reading.
        if let Some(e) = ests.last() {
            o.detectable = e
                .figures
                .and_then(|f| f.detectable())
                .map(|d| (d * 100.0).round() as u32);
            o.detectable_band = e.band.clone();
        }
        o.chart = chart::grouped_bars(
            &bands,
            &[
                (
                    "Programme families".into(),
                    ests.iter()
                        .map(|e| e.figures.map(|f| f.programme))
                        .collect(),
                ),
                (
                    "Matched comparison".into(),
                    ests.iter()
                        .map(|e| e.figures.map(|f| f.comparison))
                        .collect(),
                ),
            ],
        );
    }
    let balance: Vec<BalanceLine> = published
        .balance
        .iter()
        .map(|b| BalanceLine {
            characteristic: b.characteristic.clone(),
            programme: format!("{:.2}", b.programme_mean),
            pool: format!("{:.2}", b.pool_mean),
            matched: format!("{:.2}", b.matched_mean),
            smd_before: format!("{:+.2}", b.smd_before),
            smd_after: format!("{:+.2}", b.smd_after),
            balanced: b.smd_after.abs() < 0.1,
        })
        .collect();
    ReportView {
        id,
        as_at,
        made_at,
        made_by,
        rules_sha256,
        programme: rows(&published.programme),
        comparison: rows(&published.comparison),
        balanced: balance.iter().all(|b| b.balanced),
        balance,
        outcomes,
        threshold: published.policy.threshold,
        published,
    }
}

fn band_line(e: &PublishedEstimate) -> BandLine {
    let c = |c: Cell| c.to_string();
    match &e.figures {
        Some(f) => BandLine {
            band: e.band.clone(),
            programme_n: c(e.programme_n),
            comparison_n: c(e.comparison_n),
            programme: format!("{:.1}", f.programme),
            comparison: format!("{:.1}", f.comparison),
            difference: format!("{:+.1}", f.difference),
            interval: format!("{:+.1} to {:+.1}", f.interval.low, f.interval.high),
            relative: f
                .relative
                .map_or("[z]".into(), |r| format!("{:+.0}%", r * 100.0)),
            detectable: f
                .detectable()
                .map_or("[z]".into(), |d| format!("{:.0}%", d * 100.0)),
            significant: f.significant(),
        },
        None => BandLine {
            band: e.band.clone(),
            programme_n: c(e.programme_n),
            comparison_n: c(e.comparison_n),
            programme: "[c]".into(),
            comparison: "[c]".into(),
            difference: "[c]".into(),
            interval: "[c]".into(),
            relative: "[c]".into(),
            detectable: "[c]".into(),
            significant: false,
        },
    }
}
