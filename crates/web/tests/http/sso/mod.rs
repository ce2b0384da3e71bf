//! Single sign-on (OpenID Connect) at the HTTP level, against the small provider in
//! `provider.rs` on a loopback port: a sign-in that works, a wrong `state`, a replayed
//! callback, ID tokens signed by another key or with another nonce, someone with no mapped
//! group, a switched-off account, a taken name; single sign-on off; local break-glass.

mod provider;

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use hearth_store::{Store, UserRecord};
use provider::{Person, TestProvider};

async fn app_with(p: &TestProvider) -> TestApp {
    let config = p.config();
    TestApp::with(move |c| c.oidc = Some(config)).await
}

fn set_cookie(r: &Resp, name: &str) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

/// `GET /sign-in/sso`: the provider's authorisation URL and the browser's key.
async fn start(t: &TestApp) -> (String, String) {
    let r = t.get("/sign-in/sso", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let key = set_cookie(&r, "hearth_sso").expect("the sign-in's key");
    assert!(key.len() >= 16);
    (r.location().unwrap().to_string(), key)
}

async fn callback(t: &TestApp, query: &str, key: Option<&str>) -> Resp {
    let cookie = key.map(|k| format!("hearth_sso={k}"));
    let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("cookie", c.as_str())).collect();
    t.request(
        Method::GET,
        &format!("/sign-in/sso/callback?{query}"),
        None,
        None,
        &headers,
    )
    .await
}

/// A whole sign-in as `person`: the callback's answer and its query.
async fn sign_in_as(t: &TestApp, p: &TestProvider, person: Person) -> (Resp, String, String) {
    let (url, key) = start(t).await;
    let query = p.log_in(&url, person);
    (callback(t, &query, Some(&key)).await, query, key)
}

async fn user_named(t: &TestApp, name: &str) -> Option<UserRecord> {
    let (address, options) = t.store_address();
    let name = name.to_string();
    tokio::task::spawn_blocking(move || {
        Store::open_with(&address, &options)
            .unwrap()
            .user_by_name(&name)
            .unwrap()
    })
    .await
    .unwrap()
}

fn worker() -> Person {
    Person::new(
        "subject-1",
        "Sam.Staff@council.example",
        &["all-staff", "staff-lw"],
    )
}

fn refused(r: &Resp, status: StatusCode, title: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.contains(title), "{}", r.body);
    assert!(set_cookie(r, "hearth_session").is_none(), "no session");
}

#[tokio::test]
async fn single_sign_on_signs_in_with_the_groups_role_creating_the_account_once() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let (r, _, _) = sign_in_as(&t, &p, worker()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/caseload"));
    let token = set_cookie(&r, "hearth_session").expect("a session");
    assert_eq!(
        set_cookie(&r, "hearth_sso").as_deref(),
        Some(""),
        "the key is cleared"
    );
    let session = Session {
        token,
        csrf: String::new(),
        set_cookie: String::new(),
    };
    let me: serde_json::Value =
        serde_json::from_str(&t.get("/api/session", Some(&session)).await.body).unwrap();
    assert_eq!(me["role"], "lead_worker", "{me}");
    assert_eq!(
        t.get("/caseload", Some(&session)).await.status,
        StatusCode::OK
    );
    let user = user_named(&t, "sam.staff").await.expect("the account");
    assert_eq!(user.display_name, "Sam Staff");
    assert_eq!(user.password_hash, hearth_store::NO_PASSWORD);

    // Again, now in the performance officers' group: the same account, its role changed.
    let mut again = worker();
    again.groups = vec!["staff-po"];
    let (r, _, _) = sign_in_as(&t, &p, again).await;
    assert_eq!(r.location(), Some("/families"));
    let after = user_named(&t, "sam.staff").await.unwrap();
    assert_eq!(
        (after.id, after.role.key()),
        (user.id, "performance_officer")
    );
    let actions: Vec<String> = t
        .audit()
        .await
        .into_iter()
        .filter(|e| e.user_name == "sam.staff")
        .map(|e| format!("{} {}", e.action, e.detail))
        .collect();
    for want in [
        "account created by single sign-on role: Lead worker",
        "sign in (single sign-on) ",
        "role changed by single sign-on from Lead worker to Performance officer",
    ] {
        assert!(
            actions.iter().any(|a| a.eq_ignore_ascii_case(want)),
            "{want:?} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_callback_with_the_wrong_state_is_refused_and_cannot_be_retried() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let (url, key) = start(&t).await;
    let query = p.log_in(&url, worker());
    let code = query.split('&').next().unwrap();
    let wrong = callback(&t, &format!("{code}&state=not-the-state"), Some(&key)).await;
    refused(
        &wrong,
        StatusCode::BAD_REQUEST,
        "Sign-in could not be finished",
    );
    // The right state after a wrong one: the sign-in is over.
    let right = callback(&t, &query, Some(&key)).await;
    refused(
        &right,
        StatusCode::BAD_REQUEST,
        "Sign-in could not be finished",
    );
    // From a browser that did not start it (no key): refused too.
    let (url, _) = start(&t).await;
    let other = callback(&t, &p.log_in(&url, worker()), None).await;
    refused(
        &other,
        StatusCode::BAD_REQUEST,
        "Sign-in could not be finished",
    );
    assert_eq!(p.token_requests(), 0, "no code was sent to the provider");
    assert!(user_named(&t, "sam.staff").await.is_none());
    assert!(t
        .audit()
        .await
        .iter()
        .any(|e| e.action == "single sign-on failed"));
}

#[tokio::test]
async fn a_replayed_callback_is_refused_without_reaching_the_provider() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let (first, query, key) = sign_in_as(&t, &p, worker()).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The same code and state, with the same key (this test provider would take the code
    // again; a real one must not).
    let replay = callback(&t, &query, Some(&key)).await;
    refused(
        &replay,
        StatusCode::BAD_REQUEST,
        "Sign-in could not be finished",
    );
    assert_eq!(p.token_requests(), 1);
}

#[tokio::test]
async fn id_tokens_signed_by_another_key_or_for_another_nonce_are_refused() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let mut rogue = worker();
    rogue.rogue_key = true;
    let (r, _, _) = sign_in_as(&t, &p, rogue).await;
    refused(&r, StatusCode::BAD_REQUEST, "Sign-in could not be finished");
    let mut replayed_token = worker();
    replayed_token.wrong_nonce = true;
    let (r, _, _) = sign_in_as(&t, &p, replayed_token).await;
    refused(&r, StatusCode::BAD_REQUEST, "Sign-in could not be finished");
    assert!(user_named(&t, "sam.staff").await.is_none(), "no account");
    // The provider did exchange both codes: the ID tokens themselves were refused.
    assert_eq!(p.token_requests(), 2);
}

#[tokio::test]
async fn someone_in_no_mapped_group_is_refused_with_a_plain_page() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let outsider = Person::new(
        "subject-9",
        "oli@council.example",
        &["all-staff", "finance"],
    );
    let (r, _, _) = sign_in_as(&t, &p, outsider).await;
    refused(
        &r,
        StatusCode::FORBIDDEN,
        "You do not have access to Hearth",
    );
    assert!(r
        .body
        .contains("not in any group that gives access to Hearth"));
    assert!(user_named(&t, "oli").await.is_none(), "no account is made");
    let lines = t.audit().await;
    let line = lines
        .iter()
        .find(|e| e.action == "single sign-on refused: no group with a Hearth role")
        .expect("audited");
    assert_eq!(line.user_name, "oli");
}

#[tokio::test]
async fn switched_off_accounts_and_taken_names_are_refused() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let (r, _, _) = sign_in_as(&t, &p, worker()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let admin = t.sign_in("admin").await;
    let off = t
        .change_account(&admin, "sam.staff", &[("role", "lead_worker")])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    let (r, _, _) = sign_in_as(&t, &p, worker()).await;
    refused(
        &r,
        StatusCode::FORBIDDEN,
        "Your Hearth account is switched off",
    );

    // Someone whose name is the local administrator's does not get that account.
    let admin_id = t.user_id("admin").await;
    let namesake = Person::new("subject-7", "admin@council.example", &["staff-po"]);
    let (r, _, _) = sign_in_as(&t, &p, namesake).await;
    refused(&r, StatusCode::CONFLICT, "could not be created");
    let admin = user_named(&t, "admin").await.unwrap();
    assert_eq!((admin.id, admin.role.key()), (admin_id, "administrator"));
}

#[tokio::test]
async fn with_single_sign_on_off_its_routes_are_not_found() {
    let t = TestApp::new().await;
    assert_eq!(
        t.get("/sign-in/sso", None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t.get("/sign-in/sso/callback?code=x&state=y", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = t.get("/sign-in", None).await;
    assert!(
        !page.body.contains("/sign-in/sso"),
        "no single sign-on button"
    );
}

#[tokio::test]
async fn local_break_glass_accounts_still_sign_in_beside_single_sign_on() {
    let p = TestProvider::start().await;
    let t = app_with(&p).await;
    let page = t.get("/sign-in", None).await;
    assert!(
        page.body.contains("Sign in with Council account"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"user_name\""),
        "the local form stays"
    );
    let s = t.sign_in("admin").await;
    assert_eq!(t.get("/admin/users", Some(&s)).await.status, StatusCode::OK);
    // An account made by single sign-on has no password to sign in with locally.
    let (r, _, _) = sign_in_as(&t, &p, worker()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for password in [hearth_store::NO_PASSWORD, PASSWORD, ""] {
        let r = t.try_sign_in("sam.staff", password).await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{password:?}");
    }
}
