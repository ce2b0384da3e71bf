//! GOV.UK Frontend's built files (copied by `scripts/update-govuk-frontend`) and Hearth's own
//! two scripts and small stylesheet, embedded in the binary and served with their content types.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::error::WebError;
use crate::state::AppState;

macro_rules! govuk {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../assets/govuk/", $path)) as &[u8],
        )
    };
}

/// Served under `/assets/`: (path, bytes).
const ASSETS: &[(&str, &[u8])] = &[
    govuk!("govuk-frontend.min.css"),
    govuk!("govuk-frontend.min.js"),
    govuk!("assets/fonts/bold-affa96571d-v2.woff"),
    govuk!("assets/fonts/bold-b542beb274-v2.woff2"),
    govuk!("assets/fonts/light-94a07e06a1-v2.woff2"),
    govuk!("assets/fonts/light-f591b13f7d-v2.woff"),
    govuk!("assets/images/favicon.ico"),
    govuk!("assets/images/favicon.svg"),
    govuk!("assets/images/govuk-icon-180.png"),
    govuk!("assets/manifest.json"),
    ("hearth.js", include_bytes!("../assets/hearth.js")),
    ("hearth.css", include_bytes!("../assets/hearth.css")),
    ("referrals.js", include_bytes!("../assets/referrals.js")),
    ("plan.js", include_bytes!("../assets/plan.js")),
    (
        "hearth-init.mjs",
        include_bytes!("../assets/hearth-init.mjs"),
    ),
];

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ico") => "image/x-icon",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(asset))
}

/// `GET /assets/{path}`: the stylesheet refers to fonts and images as `/assets/fonts/…` and
/// `/assets/images/…`; both spellings are served.
async fn asset(Path(path): Path<String>) -> Result<impl IntoResponse, WebError> {
    let found = ASSETS
        .iter()
        .find(|(p, _)| *p == path || p.strip_prefix("assets/") == Some(path.as_str()))
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type(found.0)),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        found.1,
    ))
}

#[cfg(test)]
mod tests {
    /// Hearth's stylesheet closes every block, and its screen rules are not inside a print
    /// block (an unclosed `@media print {` once left every chart unstyled on screen).
    #[test]
    fn the_stylesheet_s_blocks_close_and_screen_rules_are_at_the_top_level() {
        let css = std::str::from_utf8(include_bytes!("../assets/hearth.css")).unwrap();
        let mut depth = 0i32;
        let mut media = false;
        for (n, line) in css.lines().enumerate() {
            let line = line.trim_start();
            if depth == 0 {
                media = line.starts_with("@media");
            }
            if depth > 0 && media && line.starts_with(".hearth-chart {") {
                panic!(
                    "line {}: the chart's screen rule is inside an @media block",
                    n + 1
                );
            }
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            assert!(depth >= 0, "line {}: a block closed twice", n + 1);
        }
        assert_eq!(depth, 0, "a block is never closed");
        assert!(css.contains("[hidden] { display: none !important; }"));
    }
}
