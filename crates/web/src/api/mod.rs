//! The JSON API under `/api`: the same operations as the pages (the service layer), the
//! same access rules, the same audit log. Signed in by the same session cookie; a POST
//! carries the session's CSRF token in the `X-CSRF-Token` header (from `GET /api/session`).
//! Errors are JSON problems (RFC 9457). Described by the OpenAPI document at
//! `/api/openapi.json` ([`openapi`]).

mod claims;
mod governance;
pub(crate) mod openapi;
mod outcomes;
mod performance;
mod referrals;
mod review;
mod rights;
mod savings;
mod work;
mod workload;

use crate::access::sees_identifiers;
use crate::access::Permission as P;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::routing::{route, Route};
use crate::service::families::{self, Via};
use crate::service::session::same_token;
use crate::service::{casework, family};
use crate::state::AppState;
use crate::views::{self, Filters};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// Every API route (paths as in the OpenAPI document) with the permission it needs.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/openapi.json", P::Public, get(openapi_json)),
        route(Method::GET, "/session", P::SignedIn, get(session)),
        route(
            Method::GET,
            "/audit",
            P::ReadAudit,
            get(governance::audit_log),
        ),
        route(
            Method::GET,
            "/objections",
            P::Govern,
            get(governance::objections),
        ),
        route(
            Method::POST,
            "/objections",
            P::Govern,
            post(governance::add_objection),
        ),
        route(
            Method::POST,
            "/objections/{id}/withdraw",
            P::Govern,
            post(governance::withdraw_objection),
        ),
        route(
            Method::GET,
            "/extract/transfers",
            P::Govern,
            get(governance::transfers),
        ),
        route(
            Method::POST,
            "/extract",
            P::Govern,
            post(governance::make_extract),
        ),
        route(
            Method::GET,
            "/rights/people/{id}",
            P::Govern,
            get(rights::person),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/rectify",
            P::Govern,
            post(rights::rectify),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/restrict",
            P::Govern,
            post(rights::restrict),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/lift",
            P::Govern,
            post(rights::lift),
        ),
        route(
            Method::GET,
            "/rights/people/{id}/erasure",
            P::Govern,
            get(rights::erasure),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/erase",
            P::Govern,
            post(rights::erase),
        ),
        route(
            Method::GET,
            "/retention/reports",
            P::Govern,
            get(governance::retention_reports),
        ),
        route(
            Method::GET,
            "/progress/export.csv",
            P::ProgressCohort,
            get(crate::pages::governance::cohort_export),
        ),
        route(
            Method::GET,
            "/families",
            P::ListFamilies,
            get(list_families),
        ),
        route(
            Method::GET,
            "/families/export.xlsx",
            P::ListFamilies,
            get(workload::export),
        ),
        route(
            Method::POST,
            "/families/assign",
            P::AssignLeadWorker,
            post(workload::assign_many),
        ),
        route(
            Method::POST,
            "/families/{id}/unassign",
            P::AssignLeadWorker,
            post(workload::unassign),
        ),
        route(
            Method::GET,
            "/workload",
            P::AssignLeadWorker,
            get(workload::workloads),
        ),
        route(
            Method::GET,
            "/families/{id}",
            P::OpenFamily,
            get(get_family),
        ),
        route(
            Method::POST,
            "/families/{id}/lead-worker",
            P::AssignLeadWorker,
            post(assign),
        ),
        route(Method::GET, "/caseload", P::Caseload, get(caseload)),
        route(Method::GET, "/claims", P::ViewClaims, get(claims::overview)),
        route(
            Method::GET,
            "/claims/export.csv",
            P::ViewClaims,
            get(claims::export_csv),
        ),
        route(
            Method::GET,
            "/claims/export.xlsx",
            P::ViewClaims,
            get(claims::export_xlsx),
        ),
        route(
            Method::POST,
            "/claims/batches",
            P::MakeClaims,
            post(claims::prepare),
        ),
        route(
            Method::GET,
            "/claims/batches/{id}",
            P::ViewClaims,
            get(claims::batch),
        ),
        route(
            Method::GET,
            "/claims/batches/{id}/sample",
            P::ViewClaims,
            get(claims::sample),
        ),
        route(
            Method::GET,
            "/claims/{id}",
            P::ViewClaims,
            get(claims::claim),
        ),
        route(
            Method::POST,
            "/claims/{id}/withdraw",
            P::MakeClaims,
            post(claims::withdraw),
        ),
        route(
            Method::POST,
            "/claims/{id}/audit",
            P::AuditClaims,
            post(claims::record_finding),
        ),
        route(
            Method::POST,
            "/families/{id}/status",
            P::Casework,
            post(work::change_status),
        ),
        route(
            Method::POST,
            "/families/{id}/assessment",
            P::Casework,
            post(work::add_assessment),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals",
            P::Casework,
            post(work::add_goal),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions",
            P::Casework,
            post(work::add_action),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}/done",
            P::Casework,
            post(work::action_done),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/reviews",
            P::Casework,
            post(work::add_review),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals/{goal}",
            P::Casework,
            post(work::change_goal),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals/{goal}/remove",
            P::Casework,
            post(work::remove_goal),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}",
            P::Casework,
            post(work::change_action),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}/remove",
            P::Casework,
            post(work::remove_action),
        ),
        route(
            Method::POST,
            "/families/{id}/team/{member}/end",
            P::Casework,
            post(work::end_team_member),
        ),
        route(
            Method::POST,
            "/families/{id}/team",
            P::Casework,
            post(work::add_team_member),
        ),
        route(
            Method::POST,
            "/families/{id}/progress",
            P::Casework,
            post(work::add_progress),
        ),
        route(
            Method::GET,
            "/progress",
            P::ProgressCohort,
            get(work::cohort),
        ),
        route(
            Method::GET,
            "/savings",
            P::CostSavings,
            get(savings::cohort),
        ),
        route(
            Method::GET,
            "/savings.xlsx",
            P::CostSavings,
            get(savings::xlsx),
        ),
        route(
            Method::GET,
            "/families/{id}/outcomes",
            P::OpenFamily,
            get(outcomes::family_outcomes),
        ),
        route(
            Method::GET,
            "/families/{id}/savings",
            P::OpenFamily,
            get(savings::family_savings),
        ),
        route(
            Method::GET,
            "/dashboard",
            P::SeePerformance,
            get(performance::dashboard),
        ),
        route(
            Method::GET,
            "/evaluation",
            P::SeePerformance,
            get(performance::evaluation),
        ),
        route(Method::GET, "/review", P::ReviewPairs, get(review::queue)),
        route(
            Method::GET,
            "/review/{pair}",
            P::ReviewPairs,
            get(review::pair),
        ),
        route(
            Method::POST,
            "/review/{pair}",
            P::ReviewPairs,
            post(review::decide),
        ),
        route(Method::GET, "/referrals", P::Refer, get(referrals::list)),
        route(
            Method::POST,
            "/referrals",
            P::Refer,
            post(referrals::submit),
        ),
        route(
            Method::GET,
            "/referrals/{id}",
            P::Refer,
            get(referrals::get),
        ),
        route(
            Method::POST,
            "/referrals/{id}/decision",
            P::DecideReferral,
            post(referrals::decide),
        ),
    ]
}

/// `GET /api/openapi.json`: this API's description.
async fn openapi_json() -> Json<Value> {
    Json(openapi::openapi_document())
}

/// `GET /api/session`: who is signed in and the CSRF token for POSTs.
async fn session(user: CurrentUser) -> Json<Value> {
    Json(json!({
        "user_name": user.user.user_name,
        "display_name": user.user.display_name,
        "role": user.role.key(),
        "csrf_token": user.session.csrf_token,
    }))
}

/// `GET /api/families`: eligible families of the latest run, filtered.
async fn list_families(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Json<Value>, WebError> {
    let listing = families::list(&state, &user, &filters, Via::Api).await?;
    let rows: Vec<views::FamilyRow> = match listing.run.as_deref() {
        Some(run) => listing
            .shown_keys()
            .iter()
            .map(|k| {
                views::row(
                    run,
                    &listing.cases,
                    k,
                    sees_identifiers(user.role),
                    &listing.withheld,
                )
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Json(json!({
        "identification_run": listing.run.as_ref().map(|r| r.run.id),
        "families": rows,
        "unknown_filters": listing.errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
    })))
}

/// `GET /api/families/{id}`: a family's record as the caller's role may see it.
async fn get_family(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<views::FamilyDetail>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (_, detail) = family::record(&state, &user, id).await?;
    Ok(Json(detail))
}

/// A JSON body, or the problem that it is not one: 415 without the JSON content type, 413
/// too large, 422 on `field` with `help` otherwise.
fn json_body<T>(
    body: Result<Json<T>, JsonRejection>,
    field: &str,
    help: &str,
) -> Result<Json<T>, WebError> {
    body.map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![(field.to_string(), help.to_string())]),
    })
}

/// Checks a POST's `X-CSRF-Token` header against the session's token.
fn csrf(headers: &HeaderMap, user: &CurrentUser) -> Result<(), WebError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if same_token(token, &user.session.csrf_token) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

#[derive(Deserialize)]
struct Assignment {
    lead_worker_user_id: Option<i64>,
    #[serde(default)]
    home_service: Option<String>,
}

/// `POST /api/families/{id}/lead-worker`: assigns a lead worker;
/// `{"lead_worker_user_id": null}` unassigns.
async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<Assignment>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let Json(body) = body.map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![(
            "lead_worker_user_id".into(),
            "Send {\"lead_worker_user_id\": <user id or null>}".into(),
        )]),
    })?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let service = body
        .home_service
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if service.as_deref().is_some_and(|s| {
        s.chars().count() > crate::service::work_input::SHORT_LIMIT
            || crate::domain::has_control(s, false)
    }) {
        return Err(WebError::Invalid(vec![(
            "home_service".into(),
            "Home service must be 200 characters or fewer, without control characters".into(),
        )]));
    }
    let assigned = match service {
        None => casework::assign(&state, &user, id, body.lead_worker_user_id).await,
        Some(s) => {
            casework::assign_from(&state, &user, id, body.lead_worker_user_id, Some(s)).await
        }
    };
    let case = assigned.map_err(|e| match e {
        WebError::Invalid(fields) => WebError::Invalid(
            fields
                .into_iter()
                .map(|(_, m)| ("lead_worker_user_id".to_string(), m))
                .collect(),
        ),
        e => e,
    })?;
    Ok(Json(json!({
        "family_id": case.family_id,
        "status": case.status,
        "lead_worker_user_id": case.lead_worker_user_id,
        "home_service": case.home_service,
    })))
}

/// `GET /api/caseload`: the signed-in lead worker's families.
async fn caseload(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let rows = casework::caseload(&state, &user).await?;
    Ok(Json(json!({ "families": rows })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_route_is_documented_and_every_documented_route_exists() {
        let routed: BTreeSet<(String, String)> = routes()
            .into_iter()
            .map(|r| (r.method.as_str().to_lowercase(), r.path.to_string()))
            .collect();
        let doc = openapi::openapi_document();
        let mut documented = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for method in ops.as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        assert_eq!(routed, documented);
    }
}
