//! The footer's pages, open to everyone: `/accessibility`, `/privacy`, `/cookies`,
//! `/contact`. Plain content; a signed-in reader keeps their navigation.

use crate::actor::CurrentUser;
use crate::auth;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use serde::Serialize;

/// An information page's context.
#[derive(Serialize)]
struct InfoPage {
    title: &'static str,
    errors: Vec<FieldError>,
}

/// The signed-in user, if the request carries a live session (these pages are public).
async fn reader(state: &AppState, req: Request) -> Option<CurrentUser> {
    let (mut parts, _) = req.into_parts();
    CurrentUser::from_request_parts(&mut parts, state)
        .await
        .ok()
}

async fn info(
    state: AppState,
    req: Request,
    template: &str,
    title: &'static str,
) -> Result<Page, WebError> {
    let user = reader(&state, req).await;
    let ctx = InfoPage {
        title,
        errors: Vec::new(),
    };
    render::page(&state, template, user.as_ref(), "", &ctx)
}

/// `GET /accessibility`: the accessibility statement.
pub(super) async fn accessibility(
    State(state): State<AppState>,
    req: Request,
) -> Result<Page, WebError> {
    info(
        state,
        req,
        "info_accessibility.html",
        "Accessibility statement",
    )
    .await
}

/// `GET /privacy`: the privacy notice.
pub(super) async fn privacy(State(state): State<AppState>, req: Request) -> Result<Page, WebError> {
    info(state, req, "info_privacy.html", "Privacy notice").await
}

/// The cookies page's context: the cookies as this server sets them.
#[derive(Serialize)]
struct CookiesPage {
    title: &'static str,
    errors: Vec<FieldError>,
    cookies: Vec<CookieRow>,
}

/// One cookie the server sets: its name as sent (`__Host-` first with secure cookies), what
/// it is for and when it goes.
#[derive(Serialize)]
struct CookieRow {
    name: String,
    purpose: String,
    expires: String,
}

/// "30 minutes", "1 hour", "12 hours".
fn span(d: chrono::Duration) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match d.num_minutes() {
        m if m > 0 && m % 60 == 0 => plural(m / 60, "hour"),
        m => plural(m, "minute"),
    }
}

/// The cookies this server sets, named from the same constants and settings that set them:
/// the session's, the sign-in form's and, with single sign-on on, the one that carries a
/// sign-in through the provider.
fn cookie_rows(state: &AppState) -> Vec<CookieRow> {
    let settings = state.settings();
    let mut rows = vec![
        CookieRow {
            name: auth::cookie_name(state, auth::SESSION_COOKIE),
            purpose: "Keeps you signed in".into(),
            expires: format!(
                "When you sign out or close your browser; after {} without use; always within {}",
                span(settings.idle_timeout),
                span(settings.session_lifetime)
            ),
        },
        CookieRow {
            name: auth::cookie_name(state, auth::SIGN_IN_COOKIE),
            purpose: "Protects the sign-in form against forged requests".into(),
            expires: "When you close your browser".into(),
        },
    ];
    if let Some(sso) = state.sso() {
        rows.push(CookieRow {
            name: auth::cookie_name(state, super::sso::SSO_COOKIE),
            purpose: format!(
                "Keeps your sign-in with {} safe while you sign in there",
                sso.config().provider_name
            ),
            expires: format!(
                "When you have signed in, or after {}",
                span(chrono::Duration::minutes(
                    crate::sso::provider::PENDING_MINUTES
                ))
            ),
        });
    }
    rows
}

/// `GET /cookies`: the cookies this service sets, by the names it sets them under.
pub(super) async fn cookies(State(state): State<AppState>, req: Request) -> Result<Page, WebError> {
    let cookies = cookie_rows(&state);
    let user = reader(&state, req).await;
    let ctx = CookiesPage {
        title: "Cookies",
        errors: Vec::new(),
        cookies,
    };
    render::page(&state, "info_cookies.html", user.as_ref(), "", &ctx)
}

/// `GET /contact`: who to contact.
pub(super) async fn contact(State(state): State<AppState>, req: Request) -> Result<Page, WebError> {
    info(state, req, "info_contact.html", "Contact").await
}
