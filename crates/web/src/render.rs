//! Templates (minijinja, autoescaped, embedded), page responses, and the middleware that
//! turns every error — ours or the framework's — into a GOV.UK error page or a JSON problem,
//! and adds the security headers.

use crate::auth::{set_cookie, CurrentUser, SESSION_COOKIE};
use crate::error::{ErrorInfo, WebError};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("sign_in.html", include_str!("../templates/sign_in.html")),
    ("families.html", include_str!("../templates/families.html")),
    ("family.html", include_str!("../templates/family.html")),
    (
        "family_facts.html",
        include_str!("../templates/family_facts.html"),
    ),
    ("caseload.html", include_str!("../templates/caseload.html")),
    (
        "referrals.html",
        include_str!("../templates/referrals.html"),
    ),
    ("audit.html", include_str!("../templates/audit.html")),
    ("users.html", include_str!("../templates/users.html")),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
];

/// The template environment: every template HTML-escaped.
pub(crate) fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    // A status's tag colour, decided in one place (`views::status_tag_class`).
    env.add_filter("tag_class", |status: &str| {
        crate::views::status_tag_class(status)
    });
    for (name, source) in TEMPLATES {
        // The templates are part of the binary; a broken one fails every test.
        if let Err(e) = env.add_template(name, source) {
            panic!("template {name} does not parse: {e}");
        }
    }
    env
}

/// Marks a response as a finished page, so that the error middleware leaves it alone (a form
/// shown again with its errors has a 4xx status).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rendered;

/// A rendered HTML page.
pub(crate) struct Page {
    pub status: StatusCode,
    pub html: String,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            self.html,
        )
            .into_response();
        r.extensions_mut().insert(Rendered);
        r
    }
}

/// Renders `name` with `ctx` plus the layout's context (who is signed in, navigation, CSRF).
pub(crate) fn page(
    state: &AppState,
    name: &str,
    user: Option<&CurrentUser>,
    active: &str,
    ctx: Value,
) -> Result<Page, WebError> {
    page_with(state, name, user, active, ctx, None)
}

/// Like [`page`], with `extra`: more of the context (its large parts, such as a table's rows),
/// converted straight to template values rather than through JSON first. Its keys must not
/// be in `ctx`.
pub(crate) fn page_with(
    state: &AppState,
    name: &str,
    user: Option<&CurrentUser>,
    active: &str,
    mut ctx: Value,
    extra: Option<minijinja::Value>,
) -> Result<Page, WebError> {
    if let (Some(u), Value::Object(map)) = (user, &mut ctx) {
        map.insert(
            "me".into(),
            json!({
                "user_name": u.user.user_name,
                "display_name": u.user.display_name,
                "role": u.role.key(),
                "role_label": u.role.label(),
                "csrf_token": u.session.csrf_token,
                "account_active": active == crate::pages::ACCOUNT_PASSWORD,
                "nav": u.role.navigation().iter().map(|(href, label)| json!({
                    "href": href, "label": label, "active": *href == active,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    let html = state
        .templates()
        .get_template(name)
        .and_then(|t| {
            let base = minijinja::Value::from_serialize(&ctx);
            match extra {
                Some(extra) => t.render(minijinja::value::merge_maps([base, extra])),
                None => t.render(base),
            }
        })
        .map_err(|e| WebError::Internal(format!("rendering {name}: {e}")))?;
    Ok(Page {
        status: StatusCode::OK,
        html,
    })
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Renders errors and adds security headers to every response.
pub(crate) async fn error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    let mut res = next.run(req).await;
    let status = res.status();
    if res.extensions().get::<Rendered>().is_none()
        && (status.is_client_error() || status.is_server_error())
    {
        let info = res
            .extensions()
            .get::<ErrorInfo>()
            .cloned()
            .or_else(|| WebError::from_status(status).map(|e| e.info()));
        if let Some(info) = info {
            res = render_error(&state, &info, api);
        }
    }
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    res
}

fn render_error(state: &AppState, info: &ErrorInfo, api: bool) -> Response {
    if api {
        let body = json!({
            "type": "about:blank",
            "title": info.title,
            "status": info.status.as_u16(),
            "detail": info.detail,
            "errors": info.fields.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
        });
        let mut r = (
            info.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response();
        r.extensions_mut().insert(Rendered);
        return r;
    }
    if info.sign_in {
        let to = if info.expired {
            "/sign-in?expired=1"
        } else {
            "/sign-in"
        };
        let mut r = (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store")],
        )
            .into_response();
        if info.expired {
            if let Ok(v) = HeaderValue::from_str(&set_cookie(state, SESSION_COOKIE, "", Some(0))) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        return r;
    }
    let ctx = json!({ "title": info.title, "detail": info.detail, "status": info.status.as_u16() });
    match state
        .templates()
        .get_template("error.html")
        .and_then(|t| t.render(&ctx))
    {
        Ok(html) => Page {
            status: info.status,
            html,
        }
        .into_response(),
        Err(_) => (info.status, info.title.clone()).into_response(),
    }
}
