//! Hearth's web application: the families a council works with, in a browser.
//!
//! Server-rendered HTML in the GOV.UK Design System's style (pages work without JavaScript)
//! and a JSON API under `/api` described by an OpenAPI document at `/api/openapi.json`. Both
//! read and write the same [`hearth_store::Store`].
//!
//! * **Sign-in**: local accounts with argon2id password hashes; a random session token in an
//!   `HttpOnly`, `SameSite=Lax` cookie (`Secure` and named `__Host-…` with
//!   [`Config::secure_cookies`], which also turns on HSTS), stored only as its SHA-256; an idle
//!   timeout and an absolute lifetime ([`Config::session_lifetime`]); failed sign-ins
//!   throttled per account and address (five in fifteen minutes), per account (fifty) and per
//!   address (twenty), attempts being checked counted too; a CSRF token in every form,
//!   checked on every POST. Every user can change their own password (`/account/password`),
//!   which ends their other sessions.
//! * **Single sign-on** ([`OidcConfig`], optional): OpenID Connect's authorisation code flow
//!   with PKCE, `state` and `nonce`, the ID token checked against the provider's keys; the
//!   role from the provider's group claim ([`RoleMap`]), refused without a mapped group; the
//!   account created at the first sign-in; the same kind of session as a local sign-in.
//!   Local accounts stay for break-glass.
//! * **Bounded input**: sign-in fields, names, notes and web addresses have maximum lengths,
//!   refused before anything is written; names and notes refuse control and text-direction
//!   characters; failures by people not signed in write at most ten audit lines a minute per
//!   address (the rest counted in one line). API answers are never cached.
//! * **Need to know**, enforced by the server on every route: each route declares the [`Permission`] it
//!   needs ([`declared_routes`]), and [`permits`] says which [`Role`] holds which: a lead worker sees
//!   only the families assigned to them; a data analyst sees pseudonymised data only; names,
//!   dates of birth and addresses are shown only to roles that need them. Every view of a
//!   family's record is written to the append-only audit log (who, what, when, from where).
//! * **Operations**: `/healthz` (the process answers), `/readyz` (the store answers and is
//!   migrated), `/metrics` (Prometheus text by route template, only with
//!   [`Config::metrics_token`] or from [`Config::metrics_from`]); every request counted and
//!   logged by its route template, never its path.
//! * **Errors**: one type, [`WebError`], mapped to status codes in one place and rendered as
//!   a GOV.UK error page or, under `/api`, as a JSON problem; so are the framework's own
//!   rejections (413, 415, 404, …).
//!
//! # Code map
//!
//! * `service`: the typed operations pages and the API both call (sessions, families,
//!   a family's record, casework, the audit log, accounts); one error type; need to know per
//!   family decided here.
//! * `pages` (one module per area) and `api`: thin adapters from HTTP to the service layer;
//!   each route declares its [`Permission`] once, checked in front of its handler.
//! * `access`: which [`Role`] holds which [`Permission`] ([`permits`]), home pages, and what
//!   a user may do with one family.
//! * `state`: the store handle (every store call on a store thread, never a tokio worker), the caches, the
//!   audit writer. `views` and `facts`: what is shown, built from what was read.
//! * `domain`: validated inputs (user names, passwords, notes). `labels`: words for data keys.
//! * `render` and `templates`: typed template contexts, strict about undefined variables.
//!
//! Tests drive [`app`] in-process:
//!
//! ```no_run
//! # async fn demo() -> Result<(), hearth_web::WebError> {
//! use hearth_web::{app, AppState, Config};
//! let state = AppState::open(&Config::new("data/hearth.sqlite"))?;
//! let router = app(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! hearth_web::serve(listener, router).await.unwrap();
//! # Ok(()) }
//! ```
//!
//! # What it does not do
//!
//! No TLS of its own (put it behind a TLS-terminating proxy and set `secure_cookies`).
//! Logs carry account names,
//! family and person keys and counts, never names, dates of birth or addresses.
#![deny(missing_docs)]
#![recursion_limit = "512"]

// The modules, in layers; a module uses only modules of its own layer (without a cycle)
// or the layers before it:
// 1. no I/O, no state: error, labels, access, domain, actor, run, facts, templates;
// 2. state: the store handle, the caches, the audit writer; sso (the OpenID Connect
//    provider, its configuration pure);
// 3. views: what pages and the API show;
// 4. service: the typed operations;
// 5. the HTTP edge: auth, routing, render;
// 6. the handlers: pages, api, assets, ops (health, readiness, metrics).
mod access;
mod actor;
mod api;
mod assets;
mod auth;
mod domain;
mod error;
mod facts;
mod ip_range;
mod labels;
pub mod listener;
mod ops;
mod pages;
mod render;
mod routing;
mod run;
mod service;
mod sso;
mod state;
mod templates;
mod views;

pub use access::{permits, Permission};

/// Payment-by-results claims for `hearth claims`: preparing a batch against the store, and
/// the claim return.
pub mod claims {
    pub use crate::service::claims::export::{
        csv, rows, xlsx, COLUMNS as RETURN_COLUMNS, WITHHELD,
    };
    pub use crate::service::claims::prepare::{
        active_claims, prepare_claims, ClaimableResults, PrepareError, PrepareRequest, Prepared,
        ResultsFile,
    };
}
pub use api::openapi::openapi_document;
pub use error::WebError;
pub use hearth_model::Role;
pub use ip_range::{IpRange, IpRangeError};
pub use service::accounts::{create_account, random_password};
pub use service::referrals::import_referrals;
pub use service::session::{hash_password, verify_password};
pub use sso::{OidcConfig, OidcConfigError, RoleMap};
pub use state::{AppState, Clock, Config, Mappings};

use axum::http::Method;
use axum::Router;

/// The whole application: pages, API and assets, with the error pages, body limit and
/// security headers. `state` carries the store, caches, audit writer, templates, settings
/// and clock.
pub fn app(state: AppState) -> Router {
    let limit = state.settings().body_limit;
    Router::new()
        .merge(routing::router(&state, pages::routes()))
        .nest(
            "/api",
            routing::router(&state, api::routes()).fallback(|| async { WebError::NotFound }),
        )
        .merge(assets::routes())
        .merge(ops::routes())
        .fallback(|| async { WebError::NotFound })
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render::error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track,
        ))
        .with_state(state)
}

/// A route of the application as declared: who may use it is [`permits`]`(role,
/// permission)` (need to know per family comes on top, for the routes about one family).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredRoute {
    /// The method.
    pub method: Method,
    /// The path as routed, with `{id}` for a key (the API's under `/api`).
    pub path: String,
    /// What it needs.
    pub permission: Permission,
}

/// Every page and API route with the permission it declares (assets are public and not
/// listed): what the router is built from, for tests to enumerate.
pub fn declared_routes() -> Vec<DeclaredRoute> {
    let pages = pages::routes().into_iter().map(|r| (String::new(), r));
    let api = api::routes().into_iter().map(|r| ("/api".to_string(), r));
    pages
        .chain(api)
        .map(|(prefix, r)| DeclaredRoute {
            method: r.method,
            path: prefix + r.path,
            permission: r.permission,
        })
        .collect()
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM (what `docker stop` and systemd
/// send; as a container's first process, an unhandled SIGTERM would be ignored), finishing
/// the requests under way, with each client's address available for the audit log.
/// Connections silent both ways for [`listener::IDLE`] are closed.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::from_fn(client_address));
    axum::serve(
        listener::IdleListener::new(listener, listener::IDLE),
        router.into_make_service_with_connect_info::<listener::Peer>(),
    )
    .with_graceful_shutdown(stop_requested())
    .await
}

/// The client's address as the handlers read it (`ConnectInfo<SocketAddr>`), from the
/// listener's.
async fn client_address(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::extract::ConnectInfo;
    if let Some(ConnectInfo(listener::Peer(addr))) = req
        .extensions()
        .get::<ConnectInfo<listener::Peer>>()
        .copied()
    {
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    next.run(req).await
}

/// Resolves at Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
