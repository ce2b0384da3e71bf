//! The layout every page shares: one service name, the phase banner, the footer's pages,
//! sign out in the header, and error pages that keep a signed-in user's navigation.

use crate::helpers::*;
use axum::http::StatusCode;

#[tokio::test]
async fn every_page_names_one_service_with_a_phase_banner_and_the_footer_pages() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    for (path, session) in [("/sign-in", None), ("/families", Some(&po))] {
        let r = t.get(path, session).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("– Supporting Families</title>"), "{path}");
        assert!(!r.body.contains(">Hearth<"), "{path}: one service name");
        assert!(r.body.contains("govuk-phase-banner"), "{path}");
        for link in ["/accessibility", "/privacy", "/cookies", "/contact"] {
            assert!(
                r.body.contains(&format!("href=\"{link}\"")),
                "{path}: {link}"
            );
        }
    }
    // The footer's pages are public and plain.
    for (path, heading) in [
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
        ("/contact", "Contact"),
    ] {
        let r = t.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.body
                .contains(&format!("<h1 class=\"govuk-heading-l\">{heading}</h1>")),
            "{path}"
        );
        assert!(!r.body.contains("Sign out"), "{path}: nobody is signed in");
        // A signed-in reader keeps their navigation.
        let signed_in = t.get(path, Some(&po)).await;
        assert!(signed_in.body.contains("Sign out") && signed_in.body.contains(">Families</a>"));
    }
    let privacy = t.get("/privacy", None).await.body;
    assert!(privacy
        .contains("No one will be able to identify you or your family in any published reports"));
}

#[tokio::test]
async fn sign_out_sits_in_the_header() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let body = t.get("/families", Some(&po)).await.body;
    let header = &body[body.find("<header").unwrap()..body.find("</header>").unwrap()];
    assert!(header.contains("action=\"/sign-out\"") && header.contains(">Sign out</button>"));
    assert!(header.contains("Pat Officer"));
}

#[tokio::test]
async fn not_found_and_forbidden_pages_keep_a_signed_in_users_navigation() {
    let t = TestApp::new().await;
    let lw = t.sign_in("lw1").await;
    let r = t.get("/no-such-page", Some(&lw)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page not found"));
    assert!(r.body.contains(">Caseload</a>") && r.body.contains("Sign out"));
    let r = t.get("/families", Some(&lw)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains(">Caseload</a>") && r.body.contains("Sign out"));
    // Signed out: no navigation.
    let r = t.get("/no-such-page", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Sign out"));
}
