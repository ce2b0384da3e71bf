//! The HTML pages, one module per area: signing in and out ([`session`]) and through single
//! sign-on ([`sso`]), the families list
//! ([`families`]), a family's pages and their forms ([`family`], the work's posts and the
//! cohort's progress in [`family_work`]), the caseload ([`caseload`]),
//! referrals and their double check ([`referrals`]), the audit log ([`audit`]), accounts ([`admin`]) and
//! one's own password ([`account`]).
//!
//! Pages are thin: they read forms and queries into typed inputs, call the service layer,
//! and render a template with its typed context. Each route's permission is declared once,
//! in [`routes`].

mod account;
mod admin;
mod audit;
mod caseload;
mod claims;
mod families;
mod family;
mod family_notes;
mod family_work;
pub(crate) mod governance;
mod info;
mod performance;
mod quarantine;
mod referrals;
mod review;
mod rights;
pub(crate) mod rights_requests;
mod savings;
mod session;
mod sso;
mod workload;

use crate::access::Permission as P;
use crate::routing::{route, Route};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;

/// Every page route with the permission it needs.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/", P::Public, get(session::home)),
        route(
            Method::GET,
            "/sign-in",
            P::Public,
            get(session::sign_in_page),
        ),
        route(Method::POST, "/sign-in", P::Public, post(session::sign_in)),
        route(Method::GET, "/sign-in/sso", P::Public, get(sso::start)),
        route(
            Method::GET,
            "/sign-in/sso/callback",
            P::Public,
            get(sso::callback),
        ),
        route(
            Method::GET,
            "/accessibility",
            P::Public,
            get(info::accessibility),
        ),
        route(Method::GET, "/privacy", P::Public, get(info::privacy)),
        route(Method::GET, "/cookies", P::Public, get(info::cookies)),
        route(Method::GET, "/contact", P::Public, get(info::contact)),
        route(
            Method::POST,
            "/sign-out",
            P::SignedIn,
            post(session::sign_out),
        ),
        route(
            Method::GET,
            "/families",
            P::ListFamilies,
            get(families::families),
        ),
        route(
            Method::GET,
            "/families/export.xlsx",
            P::ListFamilies,
            get(families::export),
        ),
        route(
            Method::POST,
            "/families/assign",
            P::AssignLeadWorker,
            post(workload::assign_many),
        ),
        route(
            Method::GET,
            "/workload",
            P::AssignLeadWorker,
            get(workload::workload),
        ),
        route(
            Method::GET,
            "/families/{id}/unassign",
            P::AssignLeadWorker,
            get(workload::unassign_form),
        ),
        route(
            Method::POST,
            "/families/{id}/unassign",
            P::AssignLeadWorker,
            post(workload::unassign),
        ),
        route(
            Method::GET,
            "/families/{id}",
            P::OpenFamily,
            get(family::family),
        ),
        route(
            Method::GET,
            "/families/{id}/members",
            P::OpenFamily,
            get(family::members),
        ),
        route(
            Method::GET,
            "/families/{id}/problems",
            P::OpenFamily,
            get(family::problems),
        ),
        route(
            Method::GET,
            "/families/{id}/plan",
            P::OpenFamily,
            get(family::plan),
        ),
        route(
            Method::GET,
            "/families/{id}/team",
            P::OpenFamily,
            get(family::team),
        ),
        route(
            Method::GET,
            "/families/{id}/progress",
            P::OpenFamily,
            get(family::progress),
        ),
        route(
            Method::GET,
            "/families/{id}/outcomes",
            P::OpenFamily,
            get(family::outcomes),
        ),
        route(
            Method::GET,
            "/families/{id}/timeline",
            P::OpenFamily,
            get(family::timeline),
        ),
        route(
            Method::GET,
            "/families/{id}/savings",
            P::OpenFamily,
            get(family::savings),
        ),
        route(
            Method::GET,
            "/families/{id}/notes",
            P::Casework,
            get(family::notes),
        ),
        route(
            Method::POST,
            "/families/{id}/assessment",
            P::Casework,
            post(family_work::add_assessment),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals",
            P::Casework,
            post(family_work::add_goal),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions",
            P::Casework,
            post(family_work::add_action),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}/done",
            P::Casework,
            post(family_work::action_done),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/reviews",
            P::Casework,
            post(family_work::add_review),
        ),
        route(
            Method::GET,
            "/families/{id}/plan/goals/{goal}",
            P::Casework,
            get(family_work::goal_page),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals/{goal}",
            P::Casework,
            post(family_work::change_goal),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/goals/{goal}/remove",
            P::Casework,
            post(family_work::remove_goal),
        ),
        route(
            Method::GET,
            "/families/{id}/plan/actions/{action}",
            P::Casework,
            get(family_work::action_page),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}",
            P::Casework,
            post(family_work::change_action),
        ),
        route(
            Method::POST,
            "/families/{id}/plan/actions/{action}/remove",
            P::Casework,
            post(family_work::remove_action),
        ),
        route(
            Method::GET,
            "/families/{id}/team/{member}",
            P::Casework,
            get(family_work::team_member_page),
        ),
        route(
            Method::POST,
            "/families/{id}/team/{member}/end",
            P::Casework,
            post(family_work::end_team_member),
        ),
        route(
            Method::POST,
            "/families/{id}/team",
            P::Casework,
            post(family_work::add_team_member),
        ),
        route(
            Method::POST,
            "/families/{id}/progress",
            P::Casework,
            post(family_work::add_progress),
        ),
        route(
            Method::GET,
            "/progress",
            P::ProgressCohort,
            get(family_work::cohort),
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
            Method::POST,
            "/families/{id}/lead-worker",
            P::AssignLeadWorker,
            post(family::assign_lead_worker),
        ),
        route(
            Method::POST,
            "/families/{id}/status",
            P::Casework,
            post(family::change_status),
        ),
        route(
            Method::POST,
            "/families/{id}/notes",
            P::Casework,
            post(family_notes::add_note),
        ),
        route(
            Method::GET,
            "/caseload",
            P::Caseload,
            get(caseload::caseload),
        ),
        route(Method::GET, "/referrals", P::Refer, get(referrals::list)),
        route(
            Method::GET,
            "/referrals/new",
            P::Refer,
            get(referrals::new_form),
        ),
        route(
            Method::POST,
            "/referrals/new",
            P::Refer,
            post(referrals::submit),
        ),
        route(
            Method::GET,
            "/referrals/{id}",
            P::Refer,
            get(referrals::detail),
        ),
        route(
            Method::POST,
            "/referrals/{id}/decision",
            P::DecideReferral,
            post(referrals::decide),
        ),
        route(
            Method::GET,
            "/referrals/{id}/resend",
            P::Refer,
            get(referrals::resend_form),
        ),
        route(
            Method::POST,
            "/referrals/{id}/resend",
            P::Refer,
            post(referrals::resend),
        ),
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
            Method::GET,
            "/claims/{id}/audit",
            P::AuditClaims,
            get(claims::audit_form),
        ),
        route(
            Method::POST,
            "/claims/{id}/audit",
            P::AuditClaims,
            post(claims::record_finding),
        ),
        route(Method::GET, "/audit", P::ReadAudit, get(audit::audit)),
        route(
            Method::GET,
            "/audit/export.csv",
            P::ReadAudit,
            get(audit::export),
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
        route(Method::GET, "/extract", P::Govern, get(governance::extract)),
        route(Method::GET, "/subject-access", P::Govern, get(rights::form)),
        route(
            Method::POST,
            "/subject-access",
            P::Govern,
            post(rights::make),
        ),
        route(Method::GET, "/sharing", P::Govern, get(rights::sharing)),
        route(
            Method::GET,
            "/rights/people/{id}",
            P::Govern,
            get(rights_requests::person),
        ),
        route(
            Method::GET,
            "/rights/people/{id}/rectify",
            P::Govern,
            get(rights_requests::rectify_form),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/rectify",
            P::Govern,
            post(rights_requests::rectify),
        ),
        route(
            Method::GET,
            "/rights/people/{id}/restrict",
            P::Govern,
            get(rights_requests::restrict_form),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/restrict",
            P::Govern,
            post(rights_requests::restrict),
        ),
        route(
            Method::GET,
            "/rights/people/{id}/lift",
            P::Govern,
            get(rights_requests::lift_form),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/lift",
            P::Govern,
            post(rights_requests::lift),
        ),
        route(
            Method::GET,
            "/rights/people/{id}/erase",
            P::Govern,
            get(rights_requests::erase_form),
        ),
        route(
            Method::POST,
            "/rights/people/{id}/erase",
            P::Govern,
            post(rights_requests::erase),
        ),
        route(
            Method::POST,
            "/extract",
            P::Govern,
            post(governance::make_extract),
        ),
        route(
            Method::GET,
            "/retention",
            P::Govern,
            get(governance::retention),
        ),
        route(
            Method::GET,
            "/progress/export.csv",
            P::ProgressCohort,
            get(governance::cohort_export),
        ),
        route(
            Method::GET,
            "/dashboard",
            P::SeePerformance,
            get(performance::dashboard),
        ),
        route(
            Method::GET,
            "/dashboard/export.xlsx",
            P::SeePerformance,
            get(performance::dashboard_export),
        ),
        route(
            Method::GET,
            "/evaluation",
            P::SeePerformance,
            get(performance::evaluation),
        ),
        route(
            Method::GET,
            "/evaluation/export.xlsx",
            P::SeePerformance,
            get(performance::evaluation_export),
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
        route(
            Method::GET,
            "/quarantine",
            P::ReviewQuarantine,
            get(quarantine::quarantine),
        ),
        route(
            Method::GET,
            "/quarantine/csv",
            P::ReviewQuarantine,
            get(quarantine::download),
        ),
        route(
            Method::GET,
            "/admin/users",
            P::ManageAccounts,
            get(admin::users),
        ),
        route(
            Method::POST,
            "/admin/users",
            P::ManageAccounts,
            post(admin::add_user),
        ),
        route(
            Method::POST,
            "/admin/users/{id}",
            P::ManageAccounts,
            post(admin::update_user),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/password",
            P::ManageAccounts,
            post(admin::reset_password),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/unlock",
            P::ManageAccounts,
            post(admin::clear_failures),
        ),
        route(
            Method::GET,
            "/account/password",
            P::SignedIn,
            get(account::password_page),
        ),
        route(
            Method::POST,
            "/account/password",
            P::SignedIn,
            post(account::change_password),
        ),
    ]
}

pub(crate) use claims::{export_csv as claims_export_csv, export_xlsx as claims_export_xlsx};

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A choice in a select: its key and label.
#[derive(Debug, Clone, Serialize)]
struct Choice<'a> {
    key: &'a str,
    label: &'a str,
}

/// A person to choose (a lead worker): their account key, as text, and name.
#[derive(Debug, Clone, Serialize)]
struct Person {
    id: String,
    name: String,
}

/// A family's key from its path (404 if it is not a number).
fn family_id(raw: &str) -> Result<i64, crate::error::WebError> {
    raw.parse().map_err(|_| crate::error::WebError::NotFound)
}
