//! Sign-in at the HTTP edge: cookies, the signed-in user extractor, the permission check a
//! route declares ([`require`]), and CSRF-checked forms.
//!
//! Sessions and passwords themselves are the service layer's (`service::session`); which
//! role holds which permission is `access`'s.

use crate::access::{permits, Permission};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::{family, session};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The session cookie's name (with [`cookie_name`]'s prefix when cookies are secure).
pub(crate) const SESSION_COOKIE: &str = "hearth_session";
/// The sign-in form's CSRF cookie (before there is a session), named as the session's is.
pub(crate) const SIGN_IN_COOKIE: &str = "hearth_sign_in";

/// A cookie's name as sent: with secure cookies, `__Host-` first, so that browsers take it
/// only if it is `Secure`, set by this host, for `Path=/` and without a `Domain` (no
/// neighbouring subdomain can plant or overwrite it).
pub(crate) fn cookie_name(state: &AppState, name: &str) -> String {
    if state.settings().secure_cookies {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// A cookie's value from the request (`name` as [`cookie_name`] sends it).
pub(crate) fn cookie<'a>(parts: &'a Parts, state: &AppState, name: &str) -> Option<&'a str> {
    let name = cookie_name(state, name);
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name.as_str())
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, no domain; Secure and named with
/// `__Host-` when configured ([`cookie_name`]).
pub(crate) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> String {
    let name = cookie_name(state, name);
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    if state.settings().secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The client's address, for the audit log and the sign-in throttle: the connection's, or,
/// when the connection comes from a trusted proxy ([`Config::trusted_proxies`](crate::Config)),
/// the last address in `X-Forwarded-For` that is not itself a trusted proxy (the addresses
/// before it were written by the client and prove nothing).
pub(crate) fn client_ip(parts: &Parts, state: &AppState) -> String {
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".into();
    };
    let proxies = &state.settings().trusted_proxies;
    let trusted = |ip: &std::net::IpAddr| proxies.iter().any(|r| r.contains(*ip));
    if !trusted(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    // From the right: skip our own proxies; the first other address is the client's (an
    // entry that is not an address ends the search, and the proxy's address is used).
    for entry in forwarded.into_iter().rev() {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(a) if trusted(&a) => continue,
            Ok(a) => return a.to_string(),
            Err(_) => break,
        }
    }
    peer.to_string()
}

/// Extracting the signed-in user checks the session cookie and the idle timeout, and
/// records the request on the session; the user is left in the request's extensions for
/// later extractors.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let token = cookie(parts, state, SESSION_COOKIE).ok_or(WebError::SignInRequired)?;
        let (session, user, role) = session::find(state, token).await?;
        let current = CurrentUser {
            user,
            role,
            session,
            client_ip: client_ip(parts, state),
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// The check a route's declared [`Permission`] adds in front of its handler: signed in
/// (unless public), and the role holds the permission (403 otherwise). A refused route
/// about a family, by a role that may not open families at all, is audited as a refused
/// view of that family.
pub(crate) async fn require(
    permission: Permission,
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if permission == Permission::Public {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let user = match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    if !permits(user.role, permission) {
        let family = parts
            .uri
            .path()
            .split('/')
            .skip_while(|s| *s != "families")
            .nth(1)
            .and_then(|id| id.parse::<i64>().ok());
        let refused = match family {
            Some(id)
                if permission.about_a_family() && !permits(user.role, Permission::OpenFamily) =>
            {
                family::refuse(&state, &user, id).await
            }
            _ => WebError::Forbidden,
        };
        return refused.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A form posted by a signed-in user, its CSRF token checked against the session's. Takes
/// `application/x-www-form-urlencoded` only (415 otherwise); the body limit gives 413.
pub(crate) struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let bytes = form_bytes(parts, body, state).await?;
        let csrf: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::Csrf)?;
        if !session::same_token(&csrf.csrf_token, &user.session.csrf_token) {
            tracing::warn!(user = %user.user.user_name, "form posted without a valid CSRF token");
            return Err(WebError::Csrf);
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("the form's fields are not as expected".into()))?;
        Ok(CsrfForm { user, form })
    }
}

/// A form body: checks the content type (415) and the size limit (413).
pub(crate) async fn form_bytes(
    parts: Parts,
    body: axum::body::Body,
    state: &AppState,
) -> Result<axum::body::Bytes, WebError> {
    let is_form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(WebError::UnsupportedMediaType);
    }
    axum::body::to_bytes(body, state.settings().body_limit)
        .await
        .map_err(|_| WebError::PayloadTooLarge)
}
