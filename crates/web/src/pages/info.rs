//! The footer's pages, open to everyone: `/accessibility`, `/privacy`, `/cookies`,
//! `/contact`. Plain content; a signed-in reader keeps their navigation.

use crate::actor::CurrentUser;
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

/// `GET /cookies`: the cookies this service sets.
pub(super) async fn cookies(State(state): State<AppState>, req: Request) -> Result<Page, WebError> {
    info(state, req, "info_cookies.html", "Cookies").await
}

/// `GET /contact`: who to contact.
pub(super) async fn contact(State(state): State<AppState>, req: Request) -> Result<Page, WebError> {
    info(state, req, "info_contact.html", "Contact").await
}
