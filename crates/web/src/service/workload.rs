//! The performance officer's tools for lead workers: each lead worker's workload, assigning
//! one lead worker to many families at once, and unassigning with a reason; and the
//! families list as a spreadsheet.
//!
//! Assignment itself is `casework::assign`'s (need to know per family, the account's
//! check, the audit line); this module checks a whole selection before changing any of it.

use crate::access::sees_identifiers;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::families::{self, Via};
use crate::service::{audit, casework, family, invalid};
use crate::state::AppState;
use crate::views::{self, Filters};
use hearth_model::{CaseStatus, Role};

/// One lead worker's workload.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Workload {
    pub user_id: i64,
    pub name: String,
    /// Open cases (not closed), and how many of them are at each status.
    pub open: usize,
    pub by_status: Vec<(&'static str, usize)>,
    pub closed: usize,
    /// Open cases whose next step is overdue today.
    pub overdue: usize,
}

/// Every active lead worker's workload, by name, and how many eligible families have no
/// lead worker.
pub(crate) async fn workloads(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<Workload>, usize), WebError> {
    let cases = state.cases().await?;
    let run = state.latest_run().await?;
    let today = state.now().date_naive();
    let rules = &state.settings().due;
    let mut out: Vec<Workload> = cases
        .lead_workers()
        .into_iter()
        .map(|u| {
            let mine: Vec<_> = cases
                .cases
                .values()
                .filter(|c| c.lead_worker_user_id == Some(u.id))
                .collect();
            let open: Vec<_> = mine
                .iter()
                .filter(|c| c.status != CaseStatus::Closed)
                .collect();
            let by_status = CaseStatus::ALL
                .iter()
                .filter(|s| **s != CaseStatus::Closed)
                .map(|s| (s.label(), open.iter().filter(|c| c.status == *s).count()))
                .collect();
            let overdue = open
                .iter()
                .filter(|c| {
                    views::Due::of(Some(c), today, rules).urgency
                        == Some(hearth_casework::Urgency::Overdue)
                })
                .count();
            Workload {
                user_id: u.id,
                name: u.display_name.clone(),
                open: open.len(),
                by_status,
                closed: mine.len() - open.len(),
                overdue,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    let unassigned = run.as_ref().map_or(0, |run| {
        run.ranked
            .iter()
            .filter(|&&i| {
                cases
                    .cases
                    .get(&run.assessments[i].family_id)
                    .and_then(|c| c.lead_worker_user_id)
                    .is_none()
            })
            .count()
    });
    audit::record(
        state,
        user,
        "view workloads",
        ("user", "*".into()),
        format!("{} lead workers", out.len()),
    )
    .await?;
    Ok((out, unassigned))
}

/// The most families assigned in one go.
pub(crate) const BULK_LIMIT: usize = 500;

/// Assigns `lead_worker` to every family of `family_ids`, or to none of them: the selection
/// and the lead worker are checked first (`Invalid` on `families` or `lead_worker`), then
/// each family is assigned (and audited) in turn.
pub(crate) async fn assign_many(
    state: &AppState,
    user: &CurrentUser,
    family_ids: &[i64],
    lead_worker: Option<i64>,
) -> Result<usize, WebError> {
    let mut errors = Vec::new();
    let mut ids: Vec<i64> = family_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        errors.push((
            "families".to_string(),
            "Select at least one family".to_string(),
        ));
    } else if ids.len() > BULK_LIMIT {
        errors.push((
            "families".to_string(),
            format!("Select at most {BULK_LIMIT} families at a time"),
        ));
    }
    let cases = state.cases().await?;
    let lead_ok = lead_worker.is_some_and(|id| {
        cases
            .users
            .get(&id)
            .is_some_and(|u| u.active && u.role == Role::LeadWorker)
    });
    if !lead_ok {
        errors.push((
            "lead_worker".to_string(),
            "Select a lead worker".to_string(),
        ));
    }
    let run = state.latest_run().await?.ok_or(WebError::NotFound)?;
    // Every family must be one this user may open (eligible or with a case): checked for
    // all before any is changed.
    let unknown: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| {
            !run.by_family.contains_key(id)
                || !(family::eligible_in(Some(&run), *id) || cases.cases.contains_key(id))
        })
        .collect();
    if !unknown.is_empty() && errors.is_empty() {
        errors.push((
            "families".to_string(),
            format!(
                "Family {} is not in the list: select families from the list",
                unknown[0]
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    for id in &ids {
        casework::assign(state, user, *id, lead_worker).await?;
    }
    Ok(ids.len())
}

/// The longest reason for unassigning, in characters.
pub(crate) const REASON_LIMIT: usize = 1000;

/// Takes a family's lead worker off it, with a reason (audited with it).
pub(crate) async fn unassign(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    reason: &str,
) -> Result<(), WebError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid(
            "reason",
            "Enter why the lead worker is taken off this family",
        ));
    }
    if reason.chars().count() > REASON_LIMIT {
        return Err(invalid(
            "reason",
            format!("Reason must be {REASON_LIMIT} characters or fewer"),
        ));
    }
    if reason
        .chars()
        .any(|c| crate::domain::is_control(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(invalid(
            "reason",
            "Reason must not contain control or text-direction characters",
        ));
    }
    let before = state
        .cases()
        .await?
        .cases
        .get(&family_id)
        .and_then(|c| c.lead_worker_user_id);
    casework::assign(state, user, family_id, None).await?;
    audit::record(
        state,
        user,
        "unassign lead worker",
        ("family", family_id.to_string()),
        format!(
            "was {}: {reason}",
            before.map_or_else(|| "no one".to_string(), |id| format!("user {id}"))
        ),
    )
    .await
}

/// The families list (as filtered, searched and sorted) as an `.xlsx` workbook: family
/// names only for roles that may see identifiers. Audited by `families::list`.
///
/// The list on screen is an internal working view; the workbook is a file that leaves Hearth
/// and can be passed on, so it honours objections to all sharing
/// (`hearth_governance::sharing::Output::FamiliesList`): a family with a member who objects
/// to all sharing is left out of it ("We will stop sharing your information when you ask us
/// to", Cheshire East), the count audited.
pub(crate) async fn export(
    state: &AppState,
    user: &CurrentUser,
    filters: &Filters,
) -> Result<Vec<u8>, WebError> {
    let listing = families::list(state, user, filters, Via::Export).await?;
    let Some(run) = listing.run.as_deref() else {
        return build_xlsx(&[], false, 0);
    };
    let output = hearth_governance::sharing::Output::FamiliesList;
    let excluded = crate::service::governance::excluded(state, output).await?;
    let all_keys = listing.shown_keys();
    let keys: Vec<_> = all_keys
        .iter()
        .filter(|k| !excluded.family(k.assessment.family_id))
        .collect();
    audit::record(
        state,
        user,
        "export families list",
        ("family", "*".into()),
        excluded.audit_detail(output, keys.len(), all_keys.len() - keys.len()),
    )
    .await?;
    let left_out = all_keys.len() - keys.len();
    let ids: Vec<i64> = keys.iter().map(|k| k.assessment.family_id).collect();
    let names = families::family_names(state, user, run, &ids).await?;
    let rows: Vec<(views::FamilyRow, Option<String>)> = keys
        .iter()
        .map(|k| {
            let row = views::row(
                run,
                &listing.cases,
                k,
                sees_identifiers(user.role),
                &listing.withheld,
            );
            let name = names.get(&row.family_id).cloned();
            (row, name)
        })
        .collect();
    build_xlsx(&rows, sees_identifiers(user.role), left_out)
}

/// How many of the listed families the workbook leaves out (a member objecting to all
/// sharing, or restricted), for the families page to say so beside its download link.
pub(crate) async fn left_out_of_export(
    state: &AppState,
    listing: &families::Listing,
) -> Result<usize, WebError> {
    let Some(run) = listing.run.as_deref() else {
        return Ok(0);
    };
    let excluded = crate::service::governance::excluded(
        state,
        hearth_governance::sharing::Output::FamiliesList,
    )
    .await?;
    Ok(listing
        .matching
        .iter()
        .filter(|&&i| excluded.family(run.assessments[i].family_id))
        .count())
}

/// The sentence saying how many families a file leaves out and why (counts only).
pub(crate) fn left_out_sentence(left_out: usize) -> String {
    match left_out {
        0 => "No family in the list was left out of this file.".to_string(),
        1 => "1 family in the list was left out of this file because a member objects to \
              sharing their information or has asked for its use to be restricted."
            .to_string(),
        n => format!(
            "{n} families in the list were left out of this file because a member objects to \
             sharing their information or has asked for its use to be restricted."
        ),
    }
}

fn build_xlsx(
    rows: &[(views::FamilyRow, Option<String>)],
    with_names: bool,
    left_out: usize,
) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail =
        |e: rust_xlsxwriter::XlsxError| WebError::Internal(format!("writing the export: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Families").map_err(fail)?;
    let mut header = vec!["Priority", "Family reference"];
    if with_names {
        header.push("Family name");
    }
    header.extend([
        "Problems",
        "Area (postcode sector)",
        "Adults",
        "Children",
        "Estimated cost a year (£)",
        "Status",
        "Lead worker",
    ]);
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(fail)?;
        ws.set_column_width(c as u16, (h.len() as f64 + 2.0).max(12.0))
            .map_err(fail)?;
    }
    for (r, (row, name)) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let mut c: u16 = 0;
        let mut next = || {
            c += 1;
            c - 1
        };
        match (row.priority_rank, row.summary_withheld) {
            (_, Some(_)) => ws.write_string(r, next(), "Withheld"),
            (Some(p), None) => ws.write_number(r, next(), p as f64),
            (None, None) => ws.write_string(r, next(), "Not eligible"),
        }
        .map_err(fail)?;
        ws.write_number(r, next(), row.family_id as f64)
            .map_err(fail)?;
        if with_names {
            ws.write_string(r, next(), name.as_deref().unwrap_or(""))
                .map_err(fail)?;
        }
        let problems: Vec<&str> = row.problems.iter().map(|p| p.label.as_str()).collect();
        ws.write_string(r, next(), problems.join(", "))
            .map_err(fail)?;
        ws.write_string(r, next(), row.area.as_deref().unwrap_or("Not known"))
            .map_err(fail)?;
        ws.write_number(r, next(), row.adults as f64)
            .map_err(fail)?;
        ws.write_number(r, next(), row.children as f64)
            .map_err(fail)?;
        match row.estimated_cost {
            Some(cost) => ws.write_number(r, next(), cost.round()),
            None => ws.write_string(r, next(), "Withheld"),
        }
        .map_err(fail)?;
        ws.write_string(r, next(), row.status_label).map_err(fail)?;
        ws.write_string(
            r,
            next(),
            row.lead_worker.as_deref().unwrap_or("Not assigned"),
        )
        .map_err(fail)?;
    }
    ws.set_freeze_panes(1, 0).map_err(fail)?;
    // What the file holds and what it leaves out (counts only, never who).
    let about = wb.add_worksheet();
    about.set_name("About this file").map_err(fail)?;
    about.set_column_width(0, 100).map_err(fail)?;
    about
        .write_string_with_format(0, 0, "About this file", &bold)
        .map_err(fail)?;
    let families = match rows.len() {
        1 => "This file lists 1 family, from the families list as filtered and sorted.".into(),
        n => {
            format!("This file lists {n} families, from the families list as filtered and sorted.")
        }
    };
    about.write_string(2, 0, families).map_err(fail)?;
    about
        .write_string(3, 0, left_out_sentence(left_out))
        .map_err(fail)?;
    about
        .write_string_with_format(5, 0, "Families left out (objection or restriction)", &bold)
        .map_err(fail)?;
    about.write_number(5, 1, left_out as f64).map_err(fail)?;
    wb.save_to_buffer().map_err(fail)
}
