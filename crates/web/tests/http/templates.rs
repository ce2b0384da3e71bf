//! Every template is rendered by a page with its typed context. Templates treat an
//! undefined variable as an error, so a misspelt one fails here (and in the page tests).

use crate::helpers::*;
use axum::http::StatusCode;

#[tokio::test]
async fn every_template_is_rendered_by_a_page() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    // (template, who, path, expected status, something only that template writes)
    crate::referrals::a_referral(&t).await;
    let pages: [(&str, Option<&str>, &str, StatusCode, &str); 14] = [
        (
            "layout.html",
            Some("po"),
            "/families",
            StatusCode::OK,
            "govuk-template__body",
        ),
        (
            "macros.html",
            Some("po"),
            "/families/1",
            StatusCode::OK,
            "<strong class=\"govuk-tag govuk-tag--",
        ),
        (
            "error.html",
            Some("po"),
            "/no-such-page",
            StatusCode::NOT_FOUND,
            "Go to the start page",
        ),
        (
            "sign_in.html",
            None,
            "/sign-in",
            StatusCode::OK,
            "autocomplete=\"current-password\"",
        ),
        (
            "families.html",
            Some("po"),
            "/families",
            StatusCode::OK,
            "families match (page 1 of",
        ),
        (
            "family.html",
            Some("lw1"),
            "/families/1",
            StatusCode::OK,
            "Add a note",
        ),
        (
            "family_facts.html",
            Some("analyst"),
            "/families/1",
            StatusCode::OK,
            "Team around the family",
        ),
        (
            "caseload.html",
            Some("lw1"),
            "/caseload",
            StatusCode::OK,
            "Your families and what is due",
        ),
        (
            "referrals.html",
            Some("referrer"),
            "/referrals",
            StatusCode::OK,
            "Make a referral",
        ),
        (
            "referral_form.html",
            Some("referrer"),
            "/referrals/new",
            StatusCode::OK,
            "Add another member",
        ),
        (
            "referral.html",
            Some("po"),
            "/referrals/1",
            StatusCode::OK,
            "Double check",
        ),
        (
            "audit.html",
            Some("igo"),
            "/audit",
            StatusCode::OK,
            "lines</caption>",
        ),
        (
            "users.html",
            Some("admin"),
            "/admin/users",
            StatusCode::OK,
            "accounts</caption>",
        ),
        (
            "account_password.html",
            Some("referrer"),
            "/account/password",
            StatusCode::OK,
            "Confirm new password",
        ),
    ];
    for (template, who, path, status, marker) in pages {
        let session = match who {
            Some(who) => Some(t.sign_in(who).await),
            None => None,
        };
        let r = t.get(path, session.as_ref()).await;
        assert_eq!(r.status, status, "{template} at {path}: {}", r.body);
        assert!(r.body.contains(marker), "{template} at {path}:\n{}", r.body);
    }
    // Every template in the folder is one of those.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut covered: Vec<String> = pages.iter().map(|p| p.0.to_string()).collect();
    covered.sort();
    assert_eq!(files, covered);
}
