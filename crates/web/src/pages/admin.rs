//! Accounts and roles, for administrators: `/admin/users` and `/admin/users/{id}`.

use super::{see_other, Choice};
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::domain::{DisplayName, Password, UserName};
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::accounts::{self, NewAccount};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_model::Role;
use serde::{Deserialize, Serialize};

/// The new-account form as typed (never the password).
#[derive(Deserialize, Default, Clone, Serialize)]
pub(super) struct NewUserForm {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default, skip_serializing)]
    password: String,
}

form_errors!(
    /// The new-account form's messages.
    UserErrors { user_name, display_name, role, password }
);

/// An account as listed.
#[derive(Serialize)]
struct Account<'a> {
    id: i64,
    user_name: &'a str,
    display_name: &'a str,
    role: &'a str,
    role_label: &'static str,
    active: bool,
    me: bool,
}

/// `users.html`'s context.
#[derive(Serialize)]
struct UsersPage<'a> {
    title: &'static str,
    users: Vec<Account<'a>>,
    roles: Vec<Choice<'static>>,
    form: NewUserForm,
    errors: Vec<FieldError>,
    error: UserErrors,
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: Vec<(String, String)>,
) -> Result<Page, WebError> {
    let users = accounts::list(state).await?;
    let ctx = UsersPage {
        title: "Accounts",
        users: users
            .iter()
            .map(|u| Account {
                id: u.id,
                user_name: &u.user_name,
                display_name: &u.display_name,
                role: u.role.key(),
                role_label: u.role.label(),
                active: u.active,
                me: u.id == user.user.id,
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                key: r.key(),
                label: r.label(),
            })
            .collect(),
        form,
        errors: render::field_errors(&errors),
        error: UserErrors::from_pairs(&errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(state, "users.html", Some(user), "/admin/users", &ctx)?.with_status(status))
}

/// `GET /admin/users`: accounts and roles.
pub(super) async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    users_page(&state, &user, NewUserForm::default(), Vec::new()).await
}

/// `POST /admin/users`: adds an account.
pub(super) async fn add_user(
    State(state): State<AppState>,
    f: CsrfForm<NewUserForm>,
) -> Result<Response, WebError> {
    let form = f.form;
    let mut errors: Vec<(String, String)> = Vec::new();
    let name = UserName::parse(&form.user_name);
    if let Err(m) = &name {
        errors.push(("user_name".into(), m.clone()));
    }
    let display = DisplayName::parse(&form.display_name);
    if let Err(m) = &display {
        errors.push(("display_name".into(), m.clone()));
    }
    let role = Role::parse(&form.role).ok();
    if role.is_none() {
        errors.push(("role".into(), "Select a role".into()));
    }
    let password = match Password::parse(&form.password, &form.user_name) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(("password".into(), format!("Enter a password {}", e.rule())));
            None
        }
    };
    let new = match (name, display, role, password) {
        (Ok(user_name), Ok(display_name), Some(role), Some(password)) => NewAccount {
            user_name,
            display_name,
            role,
            password,
        },
        (Ok(name), ..) => {
            // A taken name is said beside the other mistakes, first as its field is.
            if accounts::name_taken(&state, &name).await? {
                errors.insert(0, accounts::taken());
            }
            return Ok(users_page(&state, &f.user, form, errors)
                .await?
                .into_response());
        }
        _ => {
            return Ok(users_page(&state, &f.user, form, errors)
                .await?
                .into_response())
        }
    };
    match accounts::add(&state, &f.user, new).await {
        Ok(_) => Ok(see_other(&crate::render::with_confirmation(
            "/admin/users",
            crate::render::Saved::Account,
        ))),
        Err(WebError::Invalid(errors)) => Ok(users_page(&state, &f.user, form, errors)
            .await?
            .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct UpdateUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: Option<String>,
}

/// `POST /admin/users/{id}`: changes an account's role or deactivates it (not the
/// administrator's own account).
pub(super) async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<UpdateUserForm>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let role = Role::parse(&f.form.role).ok();
    let active = f.form.active.as_deref() == Some("yes");
    let mut errors = Vec::new();
    // The row's own field, so that the error summary links to it.
    let field = format!("role-{id}");
    if role.is_none() {
        errors.push((field.clone(), "Select a role".to_string()));
    }
    if id == f.user.user.id {
        errors.push((
            field.clone(),
            "You cannot change your own account".to_string(),
        ));
    }
    let outcome = match role.filter(|_| errors.is_empty()) {
        Some(role) => accounts::update(&state, &f.user, id, role, active).await,
        None => Err(WebError::Invalid(errors)),
    };
    match outcome {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            "/admin/users",
            crate::render::Saved::Account,
        ))),
        Err(WebError::Invalid(errors)) => {
            Ok(users_page(&state, &f.user, NewUserForm::default(), errors)
                .await?
                .into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct ResetPasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/users/{id}/password`: sets another account's password (ending its sessions
/// and clearing its failed sign-ins).
pub(super) async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<ResetPasswordForm>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let field = format!("password-{id}");
    let outcome = match Password::parse(&f.form.password, "") {
        Ok(password) => accounts::reset_password(&state, &f.user, id, &password).await,
        Err(e) => Err(WebError::Invalid(vec![(
            field.clone(),
            format!("Enter a new password {}", e.rule()),
        )])),
    };
    match outcome {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            "/admin/users",
            crate::render::Saved::Account,
        ))),
        Err(WebError::Invalid(errors)) => {
            let errors = errors
                .into_iter()
                .map(|(_, m)| (field.clone(), m))
                .collect();
            Ok(users_page(&state, &f.user, NewUserForm::default(), errors)
                .await?
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/users/{id}/unlock`: clears an account's failed sign-ins.
pub(super) async fn clear_failures(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<super::session::Empty>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    accounts::clear_failures(&state, &f.user, id).await?;
    Ok(see_other(&crate::render::with_confirmation(
        "/admin/users",
        crate::render::Saved::Account,
    )))
}
