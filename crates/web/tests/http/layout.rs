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

/// Every link in an error summary (`href="#x"`) goes to an element with that id on the page.
fn assert_summary_links_to_fields(label: &str, body: &str) {
    let summary = &body[body
        .find("govuk-error-summary")
        .unwrap_or_else(|| panic!("{label}: no error summary"))..];
    let summary = &summary[..summary.find("</ul>").unwrap()];
    let targets: Vec<&str> = summary
        .split("href=\"#")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(!targets.is_empty(), "{label}: no links");
    for t in targets {
        assert!(
            body.contains(&format!("id=\"{t}\"")),
            "{label}: the summary links to #{t}, which is not on the page"
        );
        assert!(
            body.contains(&format!("id=\"{t}-error\"")),
            "{label}: no message beside #{t}"
        );
    }
}

#[tokio::test]
async fn every_error_summary_links_to_its_fields() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let admin = t.sign_in("admin").await;
    let r = t
        .submit(
            "/admin/users",
            &admin,
            &[
                ("user_name", ""),
                ("display_name", ""),
                ("role", ""),
                ("password", ""),
            ],
        )
        .await;
    assert_summary_links_to_fields("add an account", &r.body);
    let lw2 = t.user_id("lw2").await;
    let r = t
        .submit(&format!("/admin/users/{lw2}"), &admin, &[("role", "")])
        .await;
    assert_summary_links_to_fields("change an account's role", &r.body);
    let r = t
        .submit(
            &format!("/admin/users/{lw2}/password"),
            &admin,
            &[("password", "short")],
        )
        .await;
    assert_summary_links_to_fields("reset a password", &r.body);
    let r = t
        .submit(
            "/account/password",
            &admin,
            &[
                ("current_password", ""),
                ("new_password", ""),
                ("confirm_password", ""),
            ],
        )
        .await;
    assert_summary_links_to_fields("change your password", &r.body);
    let lw = t.sign_in("lw1").await;
    let r = t.submit("/families/1/notes", &lw, &[("note", " ")]).await;
    assert_summary_links_to_fields("a note", &r.body);
    let po = t.sign_in("po").await;
    let r = t
        .submit("/families/2/lead-worker", &po, &[("lead_worker", "")])
        .await;
    assert_summary_links_to_fields("assign a lead worker", &r.body);
    let r = t
        .get(
            "/families?problem=nope&area=ZZ9+9&status=nope&lead_worker=x&sort=nope",
            Some(&po),
        )
        .await;
    assert_summary_links_to_fields("unknown filters", &r.body);
    let r = t
        .submit("/families/assign", &po, &[("lead_worker", "")])
        .await;
    assert_summary_links_to_fields("bulk assignment", &r.body);
    let r = t
        .submit("/families/1/unassign", &po, &[("reason", "")])
        .await;
    assert_summary_links_to_fields("unassign", &r.body);
    let pair = t.review_pair_key().await;
    let r = t
        .submit(
            &format!("/review/{pair}"),
            &po,
            &[("decision", ""), ("reason", "")],
        )
        .await;
    assert_summary_links_to_fields("review decision", &r.body);
    let analyst = t.sign_in("analyst").await;
    let r = t.get("/families?q=Alice", Some(&analyst)).await;
    assert_summary_links_to_fields("a search the analyst may not make", &r.body);
    let igo = t.sign_in("igo").await;
    let r = t
        .get("/audit?from=not-a-date&to=nor&family=x", Some(&igo))
        .await;
    assert_summary_links_to_fields("audit search", &r.body);
}

#[tokio::test]
async fn a_demonstration_says_so_and_its_day_on_every_page_and_production_does_not() {
    let day = chrono::NaiveDate::from_ymd_opt(2027, 8, 31).unwrap();
    let demo = TestApp::with(|c| c.demo_today = Some(day)).await;
    let po = demo.sign_in("po").await;
    for (path, session) in [("/sign-in", None), ("/families", Some(&po))] {
        let body = demo.get(path, session).await.body;
        assert!(
            body.contains("A demonstration on a synthetic borough")
                && body.contains("as if today were 31 August 2027"),
            "{path}"
        );
    }
    assert!(demo
        .get("/privacy", None)
        .await
        .body
        .contains("synthetic data only"));

    let production = TestApp::new().await;
    for path in ["/sign-in", "/privacy"] {
        let body = production.get(path, None).await.body;
        assert!(
            !body.contains("synthetic"),
            "{path}: a council's own data is not synthetic"
        );
        assert!(!body.contains("as if today were"), "{path}");
    }
    assert!(production
        .get("/sign-in", None)
        .await
        .body
        .contains("This is a new service"));
}

/// The cookies page names each cookie as the server sets it: under HTTPS (secure cookies)
/// with the `__Host-` prefix, with the configured session timeouts, and the single sign-on
/// cookie only when single sign-on is on.
#[tokio::test]
async fn the_cookies_page_names_the_cookies_as_the_server_sets_them() {
    let t = TestApp::with(|c| {
        c.secure_cookies = true;
        c.idle_timeout = chrono::Duration::minutes(20);
        c.session_lifetime = chrono::Duration::hours(8);
        c.oidc = Some(hearth_web::OidcConfig {
            issuer: "http://127.0.0.1:9".into(),
            client_id: "hearth".into(),
            client_secret: None,
            redirect_url: "https://hearth.example.gov.uk/sign-in/sso/callback".into(),
            provider_name: "Council account".into(),
            groups_claim: "groups".into(),
            roles: hearth_web::RoleMap::parse(["g=administrator"]).unwrap(),
            scopes: Vec::new(),
        });
    })
    .await;
    let form = t.get("/sign-in", None).await;
    let set = form
        .header("set-cookie")
        .expect("the sign-in form's cookie");
    let name = set.split('=').next().unwrap();
    let page = t.get("/cookies", None).await.body;
    for listed in [name, "__Host-hearth_session", "__Host-hearth_sso"] {
        assert!(
            page.contains(&format!(">{listed}</td>")),
            "{listed}: {page}"
        );
    }
    assert!(!page.contains(">hearth_session</td>"), "{page}");
    assert!(
        page.contains("after 20 minutes without use; always within 8 hours"),
        "{page}"
    );
    assert!(page.contains("Keeps your sign-in with Council account safe"));

    // Plain HTTP, the default timeouts and no single sign-on.
    let plain = TestApp::new().await;
    let page = plain.get("/cookies", None).await.body;
    assert!(page.contains(">hearth_session</td>") && page.contains(">hearth_sign_in</td>"));
    assert!(page.contains("after 30 minutes without use; always within 12 hours"));
    assert!(!page.contains("hearth_sso"), "{page}");
}
