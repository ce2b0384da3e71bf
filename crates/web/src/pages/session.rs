//! Signing in and out: `/`, `/sign-in`, `/sign-out`.

use super::see_other;
use crate::access::RoleHome;
use crate::actor::CurrentUser;
use crate::auth::{self, cookie, form_bytes, set_cookie, CsrfForm, SESSION_COOKIE, SIGN_IN_COOKIE};
use crate::domain::{SIGN_IN_NAME_LIMIT, SIGN_IN_PASSWORD_LIMIT};
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError};
use crate::service::session::{self, SignIn};
use crate::state::AppState;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// `GET /`: the signed-in user's home for their role, or the sign-in page.
pub(super) async fn home(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, WebError> {
    let (mut parts, _) = req.into_parts();
    match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(u) => Ok(see_other(u.role.home())),
        Err(_) => Ok(see_other("/sign-in")),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct SignInQuery {
    #[serde(default)]
    expired: Option<String>,
    /// Where the user was going when they were asked to sign in.
    #[serde(default)]
    next: Option<String>,
}

form_errors!(
    /// The sign-in form's messages.
    SignInErrors { user_name, password }
);

/// `sign_in.html`'s context.
#[derive(Serialize)]
struct SignInPage<'a> {
    title: &'static str,
    csrf_token: &'a str,
    user_name: &'a str,
    notice: Option<&'a str>,
    /// The single sign-on provider's name, when it is configured.
    sso: Option<&'a str>,
    errors: Vec<FieldError>,
    error: SignInErrors,
    /// Where to go once signed in (a checked address on this site, or empty).
    next: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn sign_in_form(
    state: &AppState,
    token: &str,
    user_name: &str,
    errors: &[(String, String)],
    notice: Option<&str>,
    next: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = SignInPage {
        title: "Sign in",
        next: next.and_then(crate::render::return_address).unwrap_or(""),
        csrf_token: token,
        user_name,
        notice,
        sso: state.sso().map(|p| p.config().provider_name.as_str()),
        errors: render::field_errors(errors),
        error: SignInErrors::from_pairs(errors),
    };
    let mut r = render::page(state, "sign_in.html", None, "", &ctx)?
        .with_status(status)
        .into_response();
    if let Ok(v) = set_cookie(state, SIGN_IN_COOKIE, token, None).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// `GET /sign-in`: the sign-in form.
pub(super) async fn sign_in_page(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let notice = q.expired.map(|_| {
        "You were signed out because you had not done anything for a while. Sign in again."
    });
    sign_in_form(
        &state,
        &session::random_token(),
        "",
        &[],
        notice,
        q.next.as_deref(),
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn one(field: &str, message: &str) -> Vec<(String, String)> {
    vec![(field.to_string(), message.to_string())]
}

/// `POST /sign-in`: checks the form's CSRF token against its cookie, throttles failures and
/// starts a session.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, WebError> {
    let (parts, body) = req.into_parts();
    let ip = auth::client_ip(&parts, &state);
    let expected = cookie(&parts, &state, SIGN_IN_COOKIE).map(str::to_string);
    let bytes = form_bytes(parts, body, &state).await?;
    let form: SignInForm = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| WebError::BadRequest("the form's fields are not as expected".into()))?;
    if !expected.is_some_and(|e| !e.is_empty() && session::same_token(&e, &form.csrf_token)) {
        return Err(WebError::Csrf);
    }
    let token = session::random_token();
    let mut errors = Vec::new();
    // Over-long input is refused before anything is checked, written or audited.
    let name_too_long = form.user_name.trim().chars().count() > SIGN_IN_NAME_LIMIT;
    if form.user_name.trim().is_empty() {
        errors.push(("user_name".to_string(), "Enter your user name".to_string()));
    } else if name_too_long {
        errors.push((
            "user_name".to_string(),
            format!("User name must be {SIGN_IN_NAME_LIMIT} characters or fewer"),
        ));
    }
    if form.password.is_empty() {
        errors.push(("password".to_string(), "Enter your password".to_string()));
    } else if form.password.chars().count() > SIGN_IN_PASSWORD_LIMIT {
        errors.push((
            "password".to_string(),
            format!("Password must be {SIGN_IN_PASSWORD_LIMIT} characters or fewer"),
        ));
    }
    if !errors.is_empty() {
        return sign_in_form(
            &state,
            &token,
            if name_too_long { "" } else { &form.user_name },
            &errors,
            None,
            Some(&form.next),
            StatusCode::BAD_REQUEST,
        );
    }
    match session::sign_in(&state, &form.user_name, &form.password, &ip).await? {
        SignIn::Started { token, role } => {
            // Where they were going, else their role's start page.
            let mut r = see_other(crate::render::return_address(&form.next).unwrap_or(role.home()));
            if let Ok(v) = set_cookie(&state, SESSION_COOKIE, &token, None).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(&state, SIGN_IN_COOKIE, "", Some(0)).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        SignIn::Wrong => sign_in_form(
            &state,
            &token,
            &form.user_name,
            &one("user_name", "Enter a correct user name and password"),
            None,
            Some(&form.next),
            StatusCode::UNAUTHORIZED,
        ),
        SignIn::Throttled => sign_in_form(
            &state,
            &token,
            &form.user_name,
            &one(
                "user_name",
                "Sign-in to this account is paused for 15 minutes after too many wrong passwords. Wait and try again, or ask an administrator to unlock it",
            ),
            None,
            Some(&form.next),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    }
}

#[derive(Deserialize)]
pub(super) struct Empty {}

/// `POST /sign-out`: ends the session.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    f: CsrfForm<Empty>,
) -> Result<Response, WebError> {
    session::sign_out(&state, &f.user).await?;
    let mut r = see_other("/sign-in");
    if let Ok(v) = set_cookie(&state, SESSION_COOKIE, "", Some(0)).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}
