//! Page responses: rendering a template with its typed context plus the layout's (who is
//! signed in, the navigation, the CSRF token), and the middleware that turns every error —
//! ours or the framework's — into a GOV.UK error page or a JSON problem, and adds the
//! security headers.
//!
//! What goes into each page is the page's (`pages::*`); the templates are `templates`'.

use crate::access::RoleHome;
use crate::actor::CurrentUser;
use crate::auth::{set_cookie, SESSION_COOKIE};
use crate::error::{ErrorInfo, WebError};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// The service's one name, in the header, every page's title and the footer. "Hearth" is
/// the product's name, in the documentation only: people use the Supporting Families service.
pub(crate) const SERVICE_NAME: &str = "Supporting Families";

/// The change-your-password page's path (linked from every signed-in page's header).
pub(crate) const ACCOUNT_PASSWORD: &str = "/account/password";

/// Marks a response as a finished page, so that the error middleware leaves it alone (a form
/// shown again with its errors has a 4xx status).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rendered;

/// A rendered HTML page.
pub(crate) struct Page {
    pub status: StatusCode,
    pub html: String,
}

impl Page {
    /// The page with another status (a form shown again with its errors).
    pub(crate) fn with_status(mut self, status: StatusCode) -> Page {
        self.status = status;
        self
    }
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

/// A mistake in a form, for the error summary at the top of the page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

/// The error summary's list from (field, message) pairs.
pub(crate) fn field_errors(errors: &[(String, String)]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|(f, m)| FieldError {
            field: f.clone(),
            message: m.clone(),
        })
        .collect()
}

/// A form's message beside each of its fields: `$name { field, … }` with an
/// `Option<String>` per field (the last message for a field wins), so that a template can
/// ask for any field of its form.
macro_rules! form_errors {
    ($(#[$meta:meta])* $name:ident { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Serialize)]
        pub(crate) struct $name {
            $(pub $field: Option<String>,)+
        }

        impl $name {
            /// Each field's message from (field, message) pairs.
            pub(crate) fn from_pairs(errors: &[(String, String)]) -> $name {
                let mut e = $name::default();
                for (field, message) in errors {
                    match field.as_str() {
                        $(stringify!($field) => e.$field = Some(message.clone()),)+
                        _ => {}
                    }
                }
                e
            }
        }
    };
}
pub(crate) use form_errors;

/// The signed-in user as the layout shows them.
#[derive(Debug, Serialize)]
struct Me<'a> {
    user_name: &'a str,
    display_name: &'a str,
    role: &'static str,
    role_label: &'static str,
    csrf_token: &'a str,
    account_active: bool,
    nav: Vec<NavItem>,
}

/// An item of the service navigation.
#[derive(Debug, Serialize)]
struct NavItem {
    href: &'static str,
    label: &'static str,
    active: bool,
}

/// A page's context with the layout's.
#[derive(Serialize)]
struct WithLayout<'a, T> {
    #[serde(flatten)]
    page: &'a T,
    me: Option<Me<'a>>,
    service_name: &'static str,
    /// What the form just sent did ("Note added"), shown as a success banner.
    confirmation: Option<&'static str>,
    /// A demonstration's day ("31 August 2027"), said on every page; `None` in production.
    demo_today: Option<String>,
}

tokio::task_local! {
    /// The `saved` key of the request being answered (see [`confirmation`]).
    static SAVED: Option<&'static str>;
}

/// What each form did: its key in the address the form sends the browser to (`?saved=note`)
/// and the fixed sentence the page then shows (never text from the address). One variant a
/// form, so a form cannot send a key the pages do not know. (The review pages say their
/// decisions themselves.)
macro_rules! saved {
    ($($variant:ident => $key:literal, $sentence:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Saved {
            $($variant,)*
        }

        impl Saved {
            /// Every form's confirmation.
            pub(crate) const ALL: &[Saved] = &[$(Saved::$variant,)*];

            /// The key in the address (`note`).
            pub(crate) fn key(self) -> &'static str {
                match self {
                    $(Saved::$variant => $key,)*
                }
            }

            /// The sentence the page shows ("Note added").
            pub(crate) fn sentence(self) -> &'static str {
                match self {
                    $(Saved::$variant => $sentence,)*
                }
            }
        }
    };
}

saved! {
    LeadWorker => "lead_worker", "Lead worker saved";
    Unassigned => "unassigned", "Lead worker removed";
    Assigned => "assigned", "Lead worker assigned to the families chosen";
    Status => "status", "Status changed";
    Assessment => "assessment", "Assessment saved";
    Goal => "goal", "Goal added to the plan";
    GoalChange => "goal_change", "Goal changed";
    Action => "action", "Action added to the plan";
    ActionChange => "action_change", "Action changed";
    ActionDone => "action_done", "Action marked as done";
    Remove => "remove", "Removed from the plan";
    Review => "review", "Review recorded";
    Team => "team", "Added to the team around the family";
    TeamEnd => "team_end", "Team member's involvement ended";
    Progress => "progress", "Progress recorded";
    Note => "note", "Note added";
    Objection => "objection", "Objection recorded";
    ObjectionWithdrawn => "objection_withdrawn", "Objection withdrawn";
    ClaimWithdrawn => "claim_withdrawn", "Claim withdrawn";
    Finding => "finding", "Finding recorded";
    Account => "account", "Account saved";
    ReferralSent => "referral_sent", "Referral sent. A performance officer will check it and accept it or return it with a reason";
    ReferralResent => "referral_resent", "Referral corrected and sent again. A performance officer will check it and accept it or return it with a reason";
    Decision => "decision", "Decision recorded";
}

/// Forms' names in the family pages' context (`forms.form == "goal"`) are their keys.
impl Serialize for Saved {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// What a form did, by the key its page's address carries after it (`?saved=note`).
pub(crate) fn confirmation(key: &str) -> Option<&'static str> {
    Saved::ALL
        .iter()
        .find(|s| s.key() == key)
        .map(|s| s.sentence())
}

/// `to` with `?saved=key` (or `&saved=key`) added before any `#anchor`: the address a form
/// sends the browser to, whose page then says what the form did.
pub(crate) fn with_confirmation(to: &str, saved: Saved) -> String {
    let key = saved.key();
    let (path, anchor) = match to.find('#') {
        Some(i) => to.split_at(i),
        None => (to, ""),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}saved={key}{anchor}")
}

/// Renders `name` with `ctx` (which carries the layout's `title` and `errors`) and the
/// signed-in user; `active`: the navigation item to mark.
pub(crate) fn page<T: Serialize>(
    state: &AppState,
    name: &str,
    user: Option<&CurrentUser>,
    active: &str,
    ctx: &T,
) -> Result<Page, WebError> {
    let me = user.map(|u| Me {
        user_name: &u.user.user_name,
        display_name: &u.user.display_name,
        role: u.role.key(),
        role_label: u.role.label(),
        csrf_token: &u.session.csrf_token,
        account_active: active == ACCOUNT_PASSWORD,
        nav: u
            .role
            .navigation()
            .iter()
            .map(|&(href, label)| NavItem {
                href,
                label,
                active: href == active,
            })
            .collect(),
    });
    let html = state
        .templates()
        .get_template(name)
        .and_then(|t| {
            t.render(minijinja::Value::from_serialize(WithLayout {
                page: ctx,
                me,
                service_name: SERVICE_NAME,
                confirmation: SAVED.try_with(|s| *s).ok().flatten(),
                demo_today: state
                    .settings()
                    .demo_today
                    .map(|d| d.format("%-d %B %Y").to_string()),
            }))
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

/// An address on this site to go to after signing in, if `to` is one: a path of this site
/// (`/families/382/plan?tab=x`), not another site (`//evil.example`, `/\\evil`), not signing in
/// or out again, not the API, and no longer than any address this site takes.
pub(crate) fn return_address(to: &str) -> Option<&str> {
    let ok = to.starts_with('/')
        && !to.starts_with("//")
        && !to.contains('\\')
        && !to.chars().any(char::is_control)
        && to.len() <= URI_LIMIT
        && to != "/"
        && !["/sign-in", "/sign-out", "/api"].iter().any(|p| {
            to == *p || to.starts_with(&format!("{p}/")) || to.starts_with(&format!("{p}?"))
        });
    ok.then_some(to)
}

/// The page a form address belongs to: the address without its last part
/// (`/families/382/status` → `/families/382`, `/claims/4/withdraw` → `/claims/4`); `None` for
/// an address of one part.
fn form_page_of(path: &str) -> Option<&str> {
    let trimmed = path.trim_end_matches('/');
    let cut = trimmed.rfind('/')?;
    (cut > 0).then(|| &trimmed[..cut])
}

/// The longest web address (path and query) taken, in bytes: far longer than any this
/// service links to, so every query parameter is bounded before a handler sees it.
pub(crate) const URI_LIMIT: usize = 2048;

/// How long browsers are told to use only HTTPS (a year), when cookies are secure.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Refuses over-long web addresses (414), renders errors and adds the security headers to
/// every response, pages, API answers and errors alike: under `/api` every answer is
/// `Cache-Control: no-store` (they carry personal data), and with secure cookies every
/// answer carries `Strict-Transport-Security`.
pub(crate) async fn error_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    // A page's address that only takes a form (`/families/382/status`): a browser shows it
    // after a form with a mistake is redisplayed there, and opening it again asks for it.
    let form_address =
        (!api && req.method() == axum::http::Method::GET).then(|| req.uri().path().to_string());
    // Where a signed-out user was going, to take them there once they sign in.
    let going_to = form_address.as_ref().and_then(|_| {
        req.uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .filter(|pq| return_address(pq).is_some())
    });
    // The session's cookie, to show a signed-in user's navigation on an error page.
    let token = if api {
        None
    } else {
        let (parts, body) = req.into_parts();
        let token = crate::auth::cookie(&parts, &state, SESSION_COOKIE).map(str::to_string);
        req = Request::from_parts(parts, body);
        token
    };
    let too_long = req
        .uri()
        .path_and_query()
        .is_some_and(|pq| pq.as_str().len() > URI_LIMIT);
    // A confirmation the page's address asks for (`?saved=note`), for `page` to show.
    let saved = req
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|q| q.into_iter().find(|(k, _)| k == "saved"))
        .and_then(|(_, v)| confirmation(&v));
    let mut res = if too_long {
        WebError::UriTooLong.into_response()
    } else {
        SAVED.scope(saved, next.run(req)).await
    };
    let status = res.status();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        if let Some(page) = form_address.as_deref().and_then(form_page_of) {
            // Back to the page the form is on, rather than "this page cannot do that".
            return (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, page),
                    (header::CACHE_CONTROL, "no-store"),
                ],
            )
                .into_response();
        }
    }
    if res.extensions().get::<Rendered>().is_none()
        && (status.is_client_error() || status.is_server_error())
    {
        let info = res
            .extensions()
            .get::<ErrorInfo>()
            .cloned()
            .or_else(|| WebError::from_status(status).map(|e| e.info()));
        if let Some(info) = info {
            let user = match (&token, info.sign_in) {
                (Some(t), false) => crate::service::session::find(&state, t).await.ok().map(
                    |(session, user, role)| CurrentUser {
                        user,
                        role,
                        session,
                        client_ip: String::new(),
                    },
                ),
                _ => None,
            };
            res = render_error(&state, &info, api, user.as_ref(), going_to.as_deref());
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
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings().secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// `error.html`'s context.
#[derive(Serialize)]
pub(crate) struct ErrorPage<'a> {
    pub title: &'a str,
    pub detail: &'a str,
    pub status: u16,
    pub errors: Vec<FieldError>,
}

fn render_error(
    state: &AppState,
    info: &ErrorInfo,
    api: bool,
    user: Option<&CurrentUser>,
    going_to: Option<&str>,
) -> Response {
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
        let mut query: Vec<(&str, &str)> = Vec::new();
        if info.expired {
            query.push(("expired", "1"));
        }
        if let Some(to) = going_to {
            query.push(("next", to));
        }
        let to = match serde_urlencoded::to_string(&query) {
            Ok(q) if !q.is_empty() => format!("/sign-in?{q}"),
            _ => "/sign-in".to_string(),
        };
        let mut r = (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, to.as_str()),
                (header::CACHE_CONTROL, "no-store"),
            ],
        )
            .into_response();
        if info.expired {
            if let Ok(v) = HeaderValue::from_str(&set_cookie(state, SESSION_COOKIE, "", Some(0))) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        return r;
    }
    let ctx = ErrorPage {
        title: &info.title,
        detail: &info.detail,
        status: info.status.as_u16(),
        errors: Vec::new(),
    };
    match page(state, "error.html", user, "", &ctx) {
        Ok(p) => p.with_status(info.status).into_response(),
        Err(_) => (info.status, info.title.clone()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::{confirmation, form_page_of, with_confirmation};

    #[test]
    fn a_confirmation_goes_before_the_anchor_and_only_known_keys_have_words() {
        assert_eq!(
            with_confirmation("/families/1", super::Saved::Note),
            "/families/1?saved=note"
        );
        assert_eq!(
            with_confirmation("/families/1/plan#goal-3", super::Saved::Goal),
            "/families/1/plan?saved=goal#goal-3"
        );
        assert_eq!(
            with_confirmation("/families?problem=", super::Saved::Assigned),
            "/families?problem=&saved=assigned"
        );
        assert_eq!(confirmation("note"), Some("Note added"));
        assert_eq!(confirmation("<script>"), None);
    }

    #[test]
    fn a_form_s_page_is_its_address_without_the_last_part() {
        assert_eq!(form_page_of("/families/382/status"), Some("/families/382"));
        assert_eq!(form_page_of("/claims/4/withdraw/"), Some("/claims/4"));
        assert_eq!(form_page_of("/sign-out"), None);
    }
}
