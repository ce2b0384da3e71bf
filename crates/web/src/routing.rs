//! A route as declared: its method, path, the [`Permission`] it needs and its handler. The
//! pages' and the API's routers are built from their tables of these, each handler behind
//! the check of its permission (`auth::require`), so a route cannot be added without
//! declaring who may use it; tests enumerate the same tables.
//!
//! Declares and builds only: which role holds a permission is `access`'s.

use crate::access::Permission;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::routing::MethodRouter;
use axum::Router;

/// One route.
pub(crate) struct Route {
    pub method: Method,
    pub path: &'static str,
    pub permission: Permission,
    pub handler: MethodRouter<AppState>,
}

/// A route as declared: `(method, path, permission, handler)`.
pub(crate) fn route(
    method: Method,
    path: &'static str,
    permission: Permission,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        permission,
        handler,
    }
}

/// A router of `routes`, each behind the check of its permission.
pub(crate) fn router(state: &AppState, routes: Vec<Route>) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, r| {
        let permission = r.permission;
        let handler = r.handler.route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            move |s: State<AppState>, req: Request, next: Next| {
                crate::auth::require(permission, s, req, next)
            },
        ));
        router.route(r.path, handler)
    })
}
