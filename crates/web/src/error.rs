//! The one error type, mapped to status codes here and rendered by
//! [`render::error_pages`](crate::render::error_pages).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_store::StoreError;

/// Everything a request can fail with. Messages shown to users are plain English and never
/// carry internals; store and internal errors are logged (they hold no personal data).
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session: pages redirect to the sign-in page, the API answers 401.
    #[error("you need to sign in")]
    SignInRequired,
    /// The session timed out.
    #[error("you were signed out because you had not done anything for a while")]
    SessionExpired,
    /// Signed in, but the role (or the assignment) does not allow this.
    #[error("you do not have permission to see this page")]
    Forbidden,
    /// No such page or record.
    #[error("page not found")]
    NotFound,
    /// A POST without the session's CSRF token.
    #[error("the form could not be sent: go back, refresh the page and try again")]
    Csrf,
    /// The request cannot be understood (bad query, malformed form).
    #[error("the request could not be understood: {0}")]
    BadRequest(String),
    /// API input that fails validation: each field with its message.
    #[error("there is a problem with the request")]
    Invalid(Vec<(String, String)>),
    /// The body is larger than the limit.
    #[error("the request is too large")]
    PayloadTooLarge,
    /// The web address (with its query) is longer than any this service makes.
    #[error("the web address is too long")]
    UriTooLong,
    /// The body is not of the content type the route takes.
    #[error("the request's content type is not supported here")]
    UnsupportedMediaType,
    /// The route exists, the method does not.
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    /// The thing was changed by someone else first (a referral already decided).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed sign-ins (API form of the throttle).
    #[error("too many attempts: wait 15 minutes and try again")]
    TooManyRequests,
    /// The store failed (said once: the store's error is this error's whole message).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else went wrong on the server.
    #[error("internal: {0}")]
    Internal(String),
}

/// What the error renderer needs, carried in the response's extensions.
#[derive(Debug, Clone)]
pub(crate) struct ErrorInfo {
    pub status: StatusCode,
    pub title: String,
    pub detail: String,
    pub fields: Vec<(String, String)>,
    pub sign_in: bool,
    pub expired: bool,
}

impl WebError {
    /// The status code: the one place errors meet HTTP.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::SignInRequired | WebError::SessionExpired => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UriTooLong => StatusCode::URI_TOO_LONG,
            WebError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn info(&self) -> ErrorInfo {
        let status = self.status();
        let title = match self {
            WebError::SignInRequired => "You need to sign in",
            WebError::SessionExpired => "You have been signed out",
            WebError::Forbidden => "You do not have permission to see this page",
            WebError::NotFound => "Page not found",
            WebError::Csrf => "The form could not be sent",
            WebError::BadRequest(_) | WebError::Invalid(_) => "There is a problem",
            WebError::PayloadTooLarge => "What you sent is too large",
            WebError::UriTooLong => "The web address is too long",
            WebError::UnsupportedMediaType => {
                "What you sent is in a format this page does not take"
            }
            WebError::MethodNotAllowed => "This page cannot do that",
            WebError::TooManyRequests => "Too many attempts",
            WebError::Conflict(_) => "Someone else got there first",
            WebError::Store(_) | WebError::Internal(_) => {
                "Sorry, there is a problem with the service"
            }
        };
        let detail = match self {
            WebError::Store(_) | WebError::Internal(_) => "Try again later.".to_string(),
            WebError::NotFound => {
                "If you typed the web address, check it is correct. If you pasted it, check you \
                 copied the entire address."
                    .to_string()
            }
            WebError::Forbidden => {
                "Your role does not give you access to this, or the family is not assigned to \
                 you. Ask your performance officer or administrator if you need it."
                    .to_string()
            }
            other => capitalise(&other.to_string()) + ".",
        };
        ErrorInfo {
            status,
            title: title.to_string(),
            detail,
            fields: match self {
                WebError::Invalid(f) => f.clone(),
                _ => Vec::new(),
            },
            sign_in: matches!(self, WebError::SignInRequired | WebError::SessionExpired),
            expired: matches!(self, WebError::SessionExpired),
        }
    }

    /// The generic error for a bare status (a framework rejection).
    pub(crate) fn from_status(status: StatusCode) -> Option<WebError> {
        Some(match status {
            StatusCode::NOT_FOUND => WebError::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => WebError::PayloadTooLarge,
            StatusCode::URI_TOO_LONG => WebError::UriTooLong,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => WebError::UnsupportedMediaType,
            StatusCode::METHOD_NOT_ALLOWED => WebError::MethodNotAllowed,
            StatusCode::UNAUTHORIZED => WebError::SignInRequired,
            StatusCode::FORBIDDEN => WebError::Forbidden,
            s if s.is_client_error() => {
                WebError::BadRequest("check what you entered and try again".into())
            }
            s if s.is_server_error() => WebError::Internal(format!("status {s}")),
            _ => return None,
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Store(e) => tracing::error!(error = %e, "store error"),
            WebError::Internal(e) => tracing::error!(error = %e, "internal error"),
            _ => {}
        }
        let info = self.info();
        let mut r = info.status.into_response();
        r.extensions_mut().insert(info);
        r
    }
}
