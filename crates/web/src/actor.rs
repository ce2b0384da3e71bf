//! Who is making a request: the signed-in user with their role, session and address.
//!
//! Plain data, made by the sign-in extractor (`auth`) and taken by the service layer; this
//! module checks nothing.

use hearth_model::Role;
use hearth_store::{SessionRecord, UserRecord};

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser {
    pub user: UserRecord,
    pub role: Role,
    pub session: SessionRecord,
    pub client_ip: String,
}
