//! One's own password: `/account/password`.

use super::see_other;
use crate::access::RoleHome;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::domain::{Password, MIN_PASSWORD};
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page, ACCOUNT_PASSWORD};
use crate::service::session::{self, Check};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub(super) struct PasswordQuery {
    #[serde(default)]
    changed: Option<String>,
}

form_errors!(
    /// The change-your-password form's messages.
    PasswordErrors { current_password, new_password, confirm_password }
);

/// `account_password.html`'s context.
#[derive(Serialize)]
struct PasswordPage {
    title: &'static str,
    changed: bool,
    home: &'static str,
    min_password: usize,
    errors: Vec<FieldError>,
    error: PasswordErrors,
}

/// The change-your-password page: the form (never with the passwords typed) and its errors,
/// or the confirmation.
fn password_form(
    state: &AppState,
    user: &CurrentUser,
    errors: &[(String, String)],
    changed: bool,
    status: StatusCode,
) -> Result<Page, WebError> {
    let ctx = PasswordPage {
        title: if changed {
            "Password changed"
        } else {
            "Change your password"
        },
        changed,
        home: user.role.home(),
        min_password: MIN_PASSWORD,
        errors: render::field_errors(errors),
        error: PasswordErrors::from_pairs(errors),
    };
    Ok(render::page(
        state,
        "account_password.html",
        Some(user),
        ACCOUNT_PASSWORD,
        &ctx,
    )?
    .with_status(status))
}

/// `GET /account/password`: the form to change your own password (every role); with
/// `?changed=1`, the confirmation after a change.
pub(super) async fn password_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PasswordQuery>,
) -> Result<Page, WebError> {
    password_form(&state, &user, &[], q.changed.is_some(), StatusCode::OK)
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`: changes the signed-in user's own password (every role). The
/// current password is checked as a sign-in is, so wrong ones count towards the sign-in
/// throttle; the new one follows the rule for new accounts ([`Password`]). On success every
/// other session of the account ends; this one continues.
pub(super) async fn change_password(
    State(state): State<AppState>,
    f: CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let user = f.user;
    let form = f.form;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut push = |field: &str, message: String| errors.push((field.to_string(), message));
    if form.current_password.is_empty() {
        push(
            "current_password",
            "Enter your current password".to_string(),
        );
    }
    let new = Password::parse(&form.new_password, &user.user.user_name);
    if form.new_password.is_empty() {
        push("new_password", "Enter a new password".to_string());
    } else if let Err(e) = &new {
        push("new_password", format!("Enter a new password {}", e.rule()));
    } else if form.new_password == form.current_password {
        push(
            "new_password",
            "Enter a new password that is different from your current password".to_string(),
        );
    }
    if form.confirm_password.is_empty() {
        if !form.new_password.is_empty() {
            push("confirm_password", "Confirm your new password".to_string());
        }
    } else if form.confirm_password != form.new_password {
        push(
            "confirm_password",
            "Enter the same new password in both boxes".to_string(),
        );
    }
    let mut status = StatusCode::BAD_REQUEST;
    if !form.current_password.is_empty() {
        match session::check_current_password(&state, &user, &form.current_password).await? {
            Check::Ok(_) => {}
            Check::Wrong => errors.insert(
                0,
                (
                    "current_password".to_string(),
                    "Your current password is not correct".to_string(),
                ),
            ),
            Check::Throttled => {
                errors.insert(
                    0,
                    (
                        "current_password".to_string(),
                        "Sign-in to this account is paused for 15 minutes after too many wrong passwords. Wait and try again, or ask an administrator to unlock it".to_string(),
                    ),
                );
                status = StatusCode::TOO_MANY_REQUESTS;
            }
        }
    }
    let new = match new {
        Ok(new) if errors.is_empty() => new,
        _ => return Ok(password_form(&state, &user, &errors, false, status)?.into_response()),
    };
    session::change_password(&state, &user, &new).await?;
    Ok(see_other(&format!("{ACCOUNT_PASSWORD}?changed=1")))
}
