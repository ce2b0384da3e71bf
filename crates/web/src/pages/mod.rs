//! The HTML pages, one module per area: signing in and out ([`session`]), the families list
//! ([`families`]), a family's record and its forms ([`family`]), the caseload ([`caseload`]),
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
mod families;
mod family;
mod referrals;
mod session;

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
            "/families/{id}",
            P::OpenFamily,
            get(family::family),
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
            post(family::add_note),
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
        route(Method::GET, "/audit", P::ReadAudit, get(audit::audit)),
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
struct Person<'a> {
    id: String,
    name: &'a str,
}

/// A family's key from its path (404 if it is not a number).
fn family_id(raw: &str) -> Result<i64, crate::error::WebError> {
    raw.parse().map_err(|_| crate::error::WebError::NotFound)
}
