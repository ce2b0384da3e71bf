//! Single sign-on's pages: `/sign-in/sso` sends the browser to the provider, and
//! `/sign-in/sso/callback` is where the provider sends it back. Both answer 404 when single
//! sign-on is not configured.

use super::see_other;
use crate::access::RoleHome;
use crate::auth::{self, cookie, set_cookie, SESSION_COOKIE, SIGN_IN_COOKIE};
use crate::error::WebError;
use crate::render::{self, FieldError};
use crate::service::sso::{self, SsoSignIn};
use crate::sso::provider::PENDING_MINUTES;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The cookie holding the key of the sign-in under way, between Hearth and the provider.
pub(crate) const SSO_COOKIE: &str = "hearth_sso";

/// `sso_refused.html`'s context.
#[derive(Serialize)]
struct RefusedPage<'a> {
    title: &'a str,
    paragraphs: Vec<String>,
    errors: Vec<FieldError>,
}

fn refused(
    state: &AppState,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
) -> Result<Response, WebError> {
    let ctx = RefusedPage {
        title,
        paragraphs,
        errors: Vec::new(),
    };
    let mut r = render::page(state, "sso_refused.html", None, "", &ctx)?
        .with_status(status)
        .into_response();
    clear_key(state, &mut r);
    Ok(r)
}

fn clear_key(state: &AppState, r: &mut Response) {
    if let Ok(v) = set_cookie(state, SSO_COOKIE, "", Some(0)).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// `GET /sign-in/sso`: starts a sign-in and sends the browser to the provider.
pub(super) async fn start(State(state): State<AppState>) -> Result<Response, WebError> {
    let name = sso::provider(&state)?.config().provider_name.clone();
    let Some((url, key)) = sso::begin(&state).await? else {
        return refused(
            &state,
            StatusCode::BAD_GATEWAY,
            &format!("{name} cannot be reached"),
            vec![
                format!("Hearth could not reach {name} to sign you in. Try again in a few minutes."),
                "If it still does not work, sign in with your Hearth user name and password if you have one, or contact the IT service desk.".into(),
            ],
        );
    };
    let mut r = see_other(&url);
    let max_age = PENDING_MINUTES * 60;
    if let Ok(v) = set_cookie(&state, SSO_COOKIE, &key, Some(max_age)).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

#[derive(Deserialize, Default)]
struct Callback {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// `GET /sign-in/sso/callback`: finishes the sign-in with the provider's answer.
pub(super) async fn callback(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, WebError> {
    let name = sso::provider(&state)?.config().provider_name.clone();
    let (parts, _) = req.into_parts();
    let ip = auth::client_ip(&parts, &state);
    let key = cookie(&parts, &state, SSO_COOKIE)
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let q: Callback = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let start_again = || {
        vec![
            "Your sign-in could not be finished. It may have taken too long, or the link was used already.".to_string(),
            format!("Go back to the sign-in page and choose ‘Sign in with {name}’ again."),
        ]
    };
    if let Some(error) = q.error.as_deref() {
        sso::provider_error(&state, key.as_deref(), error, &ip).await?;
        return refused(
            &state,
            StatusCode::FORBIDDEN,
            "You were not signed in",
            vec![
                format!("{name} did not sign you in (the sign-in was cancelled or refused)."),
                "Go back to the sign-in page to try again.".into(),
            ],
        );
    }
    let (Some(code), Some(returned)) = (q.code.as_deref(), q.state.as_deref()) else {
        sso::provider_error(&state, key.as_deref(), "no_code", &ip).await?;
        return refused(
            &state,
            StatusCode::BAD_REQUEST,
            "Sign-in could not be finished",
            start_again(),
        );
    };
    match sso::finish(&state, key.as_deref(), returned, code, &ip).await? {
        SsoSignIn::Started { token, role } => {
            let mut r = see_other(role.home());
            if let Ok(v) = set_cookie(&state, SESSION_COOKIE, &token, None).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(&state, SIGN_IN_COOKIE, "", Some(0)).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            clear_key(&state, &mut r);
            Ok(r)
        }
        SsoSignIn::NoRole => refused(
            &state,
            StatusCode::FORBIDDEN,
            "You do not have access to Hearth",
            vec![
                format!("You signed in to {name}, but your account is not in any group that gives access to Hearth."),
                "Ask your manager to request access for you from the IT service desk.".into(),
            ],
        ),
        SsoSignIn::Inactive => refused(
            &state,
            StatusCode::FORBIDDEN,
            "Your Hearth account is switched off",
            vec!["Ask a Hearth administrator to switch your account back on.".into()],
        ),
        SsoSignIn::NameTaken(account) => refused(
            &state,
            StatusCode::CONFLICT,
            "Your Hearth account could not be created",
            vec![
                format!("Hearth already has an account called ‘{account}’ that was not made for {name}."),
                "Ask a Hearth administrator to rename or remove that account, then sign in again.".into(),
            ],
        ),
        SsoSignIn::Failed => refused(
            &state,
            StatusCode::BAD_REQUEST,
            "Sign-in could not be finished",
            start_again(),
        ),
    }
}
