//! What operators and their tools ask of a running server: `/healthz` (the process is up,
//! no store call), `/readyz` (the store answers and is migrated to this build's schema),
//! `/metrics` (Prometheus text, restricted: see [`metrics`]), and the middleware that counts
//! and logs every request by its route template ([`track`]).
//!
//! None of them says anything about a person: no names, no keys from paths, no queries.
//! They are not declared routes (no session, no role), like the assets; the security headers
//! are added to their answers as to every other.

use crate::auth::client_ip;
use crate::service::session::same_token;
use crate::state::metrics::{intern, method_label};
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::time::{Duration, Instant};

/// How long `/readyz` waits for the store before saying it is not ready.
const READY_WAIT: Duration = Duration::from_secs(2);

/// The operators' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// A plain-text answer, finished as it is (the error pages leave a 503 here alone).
fn text(status: StatusCode, body: String) -> Response {
    let mut r = (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    r.extensions_mut().insert(crate::render::Rendered);
    r
}

/// `GET /healthz`: the process answers. No store call, so a busy store never makes an
/// orchestrator restart a working server.
async fn healthz() -> Response {
    text(StatusCode::OK, "ok\n".into())
}

/// `GET /readyz`: the store answers within two seconds and its schema is this build's; 503
/// otherwise (with the reason, which names no data).
async fn readyz(State(state): State<AppState>) -> Response {
    let asked = state.store().run(|s| s.schema_version());
    match tokio::time::timeout(READY_WAIT, asked).await {
        Ok(Ok(v)) if v == hearth_store::LATEST_VERSION => text(StatusCode::OK, "ready\n".into()),
        Ok(Ok(v)) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "not ready: the store's schema is at version {v}, this server needs {}\n",
                hearth_store::LATEST_VERSION
            ),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the store did not answer");
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the store did not answer\n".into(),
            )
        }
        Err(_) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store is busy (no answer in 2 s)\n".into(),
        ),
    }
}

/// `GET /metrics`: Prometheus text, for a client allowed by [`metrics_allowed`]; 404 for
/// anyone else (as if there were no such page), so it tells a stranger nothing.
async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    if !metrics_allowed(&parts, &state) {
        return crate::error::WebError::NotFound.into_response();
    }
    let body = state.metrics().render(state.store().queue_depth());
    let mut r = text(StatusCode::OK, body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// Whether a request may read `/metrics`: it carries `Authorization: Bearer TOKEN` with the
/// configured token ([`Config::metrics_token`](crate::Config)), or comes from one of the
/// configured addresses ([`Config::metrics_from`](crate::Config); the client's address as
/// the audit log sees it, so behind a trusted proxy the forwarded one). Neither configured:
/// nobody.
fn metrics_allowed(parts: &Parts, state: &AppState) -> bool {
    let settings = state.settings();
    if let Some(token) = settings.metrics_token.as_deref() {
        let offered = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if offered.is_some_and(|o| same_token(o.trim(), token)) {
            return true;
        }
    }
    if settings.metrics_from.is_empty() {
        return false;
    }
    client_ip(parts, state)
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| settings.metrics_from.iter().any(|r| r.contains(ip)))
}

/// Counts every request by route template, method and status, times it, and logs one line
/// (at `info`) with the same fields: never the path, the query or anything typed.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| intern(m.as_str()));
    let method = method_label(req.method());
    let res = next.run(req).await;
    let took = started.elapsed();
    let status = res.status().as_u16();
    state.metrics().request(route, method, status, took);
    tracing::info!(
        method,
        route,
        status,
        elapsed_ms = took.as_secs_f64() * 1000.0,
        "request"
    );
    res
}
