//! Signing in and out, sessions, cookies, the sign-in throttle, idle timeouts and CSRF-checked forms.

use crate::helpers::*;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let t = TestApp::new().await;
    let page = t.get("/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<h1 class=\"govuk-heading-l\">Sign in</h1>"));
    let s = t.sign_in("po").await;
    assert!(s.set_cookie.contains("HttpOnly") && s.set_cookie.contains("SameSite=Lax"));
    assert!(!s.set_cookie.contains("Secure"));
    // Home redirects to the role's start page.
    let home = t.get("/", Some(&s)).await;
    assert_eq!(home.location(), Some("/families"));
    let out = t.submit("/sign-out", &s, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let after = t.get("/families", Some(&s)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), Some("/sign-in?next=%2Ffamilies"));
    assert_eq!(t.get("/", None).await.location(), Some("/sign-in"));
}

/// Signed out, a page asks for sign-in and, once signed in, the user is taken to it, not
/// to their start page; an address elsewhere is never followed.
#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for_and_only_on_this_site() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let r = t.get("/families/1/plan?x=1", None).await;
    let to = r.location().unwrap().to_string();
    assert_eq!(to, "/sign-in?next=%2Ffamilies%2F1%2Fplan%3Fx%3D1");
    let r = t.try_sign_in_at(&to, "lw1", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/families/1/plan?x=1"));
    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/sign-out",
        "/api/families",
    ] {
        let page = format!(
            "/sign-in?{}",
            serde_urlencoded::to_string([("next", elsewhere)]).unwrap()
        );
        let r = t.try_sign_in_at(&page, "lw1", PASSWORD).await;
        assert_eq!(r.location(), Some("/caseload"), "{elsewhere}");
    }
    // The API answers 401, never a redirect.
    let r = t.get("/api/families", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// A sign-in form posted from `ip` (as the connection's address), with a matching CSRF
/// cookie and field (named `cookie_prefix` + `hearth_sign_in`).
pub async fn sign_in_from_with(
    router: &axum::Router,
    cookie_prefix: &str,
    name: &str,
    password: &str,
    ip: [u8; 4],
) -> Resp {
    use tower::ServiceExt;
    let csrf = "c".repeat(64);
    let body = serde_urlencoded::to_string([
        ("csrf_token", csrf.as_str()),
        ("user_name", name),
        ("password", password),
    ])
    .unwrap();
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header("cookie", format!("{cookie_prefix}hearth_sign_in={csrf}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 40000,
        ))));
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Resp {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    }
}

/// [`sign_in_from_with`] without secure cookies.
pub async fn sign_in_from(router: &axum::Router, name: &str, password: &str, ip: [u8; 4]) -> Resp {
    sign_in_from_with(router, "", name, password, ip).await
}

/// With secure cookies (served over TLS), the cookies are `Secure` and named `__Host-…` (so
/// only this host, over HTTPS, for the whole site, can set them), and every answer asks
/// browsers to use HTTPS only (HSTS).
#[tokio::test]
async fn cookies_are_secure_and_host_only_when_configured() {
    let t = TestApp::with(|c| c.secure_cookies = true).await;
    let form = t.get("/sign-in", None).await;
    let csrf_cookie = form.header("set-cookie").unwrap();
    assert!(
        csrf_cookie.starts_with("__Host-hearth_sign_in=") && csrf_cookie.contains("; Secure"),
        "{csrf_cookie}"
    );
    assert!(form
        .header("strict-transport-security")
        .is_some_and(|h| h.contains("max-age=31536000")));
    let r = sign_in_from_with(&t.router, "__Host-", "po", PASSWORD, [10, 0, 0, 1]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-hearth_session="))
        .expect("a __Host- session cookie")
        .to_string();
    assert!(set.contains("; Secure") && set.contains("Path=/") && set.contains("HttpOnly"));
    assert!(!set.to_ascii_lowercase().contains("domain="), "{set}");
    let token = set["__Host-hearth_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let with = |cookie: String| {
        let t = &t;
        async move {
            t.request(Method::GET, "/families", None, None, &[("cookie", &cookie)])
                .await
        }
    };
    let ok = with(format!("__Host-hearth_session={token}")).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.header("strict-transport-security").is_some());
    // The unprefixed name (which a neighbouring host could set) is not read.
    let plain = with(format!("hearth_session={token}")).await;
    assert_eq!(plain.sign_in_location().as_deref(), Some("/sign-in"));
    // Errors carry HSTS too; without secure cookies, nothing asks for HTTPS.
    let missing = t.get("/no/such/page", None).await;
    assert!(missing.header("strict-transport-security").is_some());
    let plain_app = TestApp::new().await;
    assert!(plain_app
        .get("/sign-in", None)
        .await
        .header("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn the_session_token_is_stored_hashed() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    let raw = std::fs::read(&t.db_path).unwrap();
    let wal = std::fs::read(t.db_path.with_extension("sqlite-wal")).unwrap_or_default();
    let token = s.token.as_bytes();
    assert!(!raw.windows(token.len()).any(|w| w == token));
    assert!(!wal.windows(token.len()).any(|w| w == token));
}

#[tokio::test]
async fn sign_in_without_its_csrf_cookie_is_refused() {
    let t = TestApp::new().await;
    let r = t
        .post_form_cookie(
            "/sign-in",
            None,
            &[
                ("csrf_token", "abc"),
                ("user_name", "po"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("The form could not be sent"));
}

#[tokio::test]
async fn a_wrong_password_keeps_the_user_name_and_escapes_it() {
    let t = TestApp::new().await;
    let r = t.try_sign_in("<script>alert(1)</script>", "nope").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r.body.contains("Enter a correct user name and password"));
    assert!(r
        .body
        .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(!r.body.contains("<script>alert(1)"));
    let empty = t.try_sign_in("", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.body.contains("Enter your user name") && empty.body.contains("Enter your password")
    );
    assert!(empty.body.contains("<title>Error: Sign in"));
}

#[tokio::test]
async fn five_failures_lock_the_account_name_for_fifteen_minutes() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            t.try_sign_in("lw1", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = t.try_sign_in("lw1", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("paused for 15 minutes"));
    // Another account is not affected.
    assert_eq!(
        t.try_sign_in("lw2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    t.advance(chrono::Duration::minutes(16));
    assert_eq!(
        t.try_sign_in("lw1", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

/// 150 wrong passwords at once for one account from one address: five are checked (the
/// throttle counts attempts being checked), the rest refused unchecked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_checked_at_most_five_times() {
    let t = TestApp::new().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..150 {
        let router = t.router.clone();
        tasks.spawn(async move {
            sign_in_from(&router, "lw1", "wrong password", [10, 0, 0, 7])
                .await
                .status
        });
    }
    let mut checked = 0;
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, 5, "wrong passwords checked");
    assert_eq!(
        sign_in_from(&t.router, "lw1", PASSWORD, [10, 0, 0, 7])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// One address may fail only so often, whatever the account names it tries.
#[tokio::test]
async fn one_address_cannot_guess_across_many_accounts() {
    let t = TestApp::new().await;
    let mut checked = 0;
    for i in 0..35 {
        let r = sign_in_from(&t.router, &format!("user{i:02}"), "guess", [10, 0, 0, 8]).await;
        if r.status == StatusCode::UNAUTHORIZED {
            checked += 1;
        } else {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    assert_eq!(checked, 20);
    // That address is refused even for a right password; others are not affected.
    assert_eq!(
        sign_in_from(&t.router, "lw1", PASSWORD, [10, 0, 0, 8])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_from(&t.router, "lw1", PASSWORD, [10, 0, 0, 9])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// Someone who knows a user name cannot lock its owner out: failures count per account and
/// address, so the owner signs in from their own; only far more failures, from many
/// addresses, reach the account's ceiling.
#[tokio::test]
async fn a_guesser_cannot_lock_the_owner_out() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&t.router, "lw1", "wrong", [10, 0, 1, 1])
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_from(&t.router, "lw1", PASSWORD, [10, 0, 1, 1])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_from(&t.router, "lw1", PASSWORD, [10, 0, 2, 2])
            .await
            .status,
        StatusCode::SEE_OTHER,
        "the owner, from their own address"
    );
    // Fifty failures from ten addresses reach the account's ceiling.
    for a in 0..10u8 {
        for _ in 0..5 {
            assert_eq!(
                sign_in_from(&t.router, "lw2", "wrong", [10, 1, a, 1])
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        }
    }
    assert_eq!(
        sign_in_from(&t.router, "lw2", PASSWORD, [10, 2, 0, 1])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    t.advance(chrono::Duration::minutes(16));
    assert_eq!(
        sign_in_from(&t.router, "lw2", PASSWORD, [10, 2, 0, 1])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// However busy, a session ends after its lifetime (configurable; 12 hours by default).
#[tokio::test]
async fn sessions_have_an_absolute_lifetime() {
    assert_eq!(
        hearth_web::Config::new("x").session_lifetime,
        chrono::Duration::hours(12)
    );
    let t = TestApp::with(|c| c.session_lifetime = chrono::Duration::hours(2)).await;
    let s = t.sign_in("po").await;
    for _ in 0..6 {
        t.advance(chrono::Duration::minutes(20));
        assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    }
    t.advance(chrono::Duration::minutes(1));
    assert_eq!(
        t.get("/families", Some(&s))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in?expired=1")
    );
    assert_eq!(
        t.get("/api/families", Some(&s)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    t.advance(chrono::Duration::minutes(29));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    // Activity keeps it alive…
    t.advance(chrono::Duration::minutes(29));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    // …idleness ends it.
    t.advance(chrono::Duration::minutes(31));
    let r = t.get("/families", Some(&s)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.sign_in_location().as_deref(), Some("/sign-in?expired=1"));
    let api = t.get("/api/families", Some(&s)).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let notice = t.get("/sign-in?expired=1", None).await;
    assert!(notice.body.contains("You were signed out"));
}

#[tokio::test]
async fn the_idle_timeout_is_configurable() {
    let t = TestApp::with(|c| c.idle_timeout = chrono::Duration::minutes(5)).await;
    let s = t.sign_in("po").await;
    t.advance(chrono::Duration::minutes(6));
    assert_eq!(
        t.get("/families", Some(&s))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in?expired=1")
    );
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await.to_string();
    for token in ["", "0000", "wrong-token-of-some-length"] {
        let r = t
            .post_form(
                "/families/1/lead-worker",
                Some(&s),
                &[("csrf_token", token), ("lead_worker", &lw1)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{token:?}");
        assert!(r.body.contains("The form could not be sent"));
    }
    let r = t.post_form("/sign-out", Some(&s), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another session's token does not work either.
    let other = t.sign_in("po").await;
    let r = t
        .post_form(
            "/families/1/lead-worker",
            Some(&s),
            &[("csrf_token", &other.csrf), ("lead_worker", &lw1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.case(1).await, None);
}

/// The session's last-seen time is written at most once a minute (and at least every tenth
/// of the idle timeout), yet a user who keeps making requests is never taken for idle, and
/// one who stops is signed out after the idle timeout.
#[tokio::test]
async fn throttled_session_touches_keep_idle_timeout_semantics() {
    let t = TestApp::with(|c| c.idle_timeout = chrono::Duration::minutes(5)).await;
    let s = t.sign_in("po").await;
    let last_seen = || async {
        let digest = {
            use sha2::Digest;
            sha2::Sha256::digest(s.token.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let (a, o) = t.store_address();
        tokio::task::spawn_blocking(move || {
            hearth_store::Store::open_with(&a, &o)
                .unwrap()
                .session(&digest)
                .unwrap()
                .unwrap()
                .last_seen_at
        })
        .await
        .unwrap()
    };
    let signed_in = last_seen().await;
    // Requests 10 s apart: no write (the session was seen less than 30 s ago)…
    for _ in 0..2 {
        t.advance(chrono::Duration::seconds(10));
        assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    }
    assert_eq!(last_seen().await, signed_in, "no write within the interval");
    // …one once the interval (a tenth of 5 minutes) has passed.
    t.advance(chrono::Duration::seconds(15));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    assert!(last_seen().await > signed_in);
    // Steady use for far longer than the idle timeout keeps the session.
    for _ in 0..20 {
        t.advance(chrono::Duration::seconds(50));
        assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    }
    // Idle for the timeout ends it, even if a request came just after the last write.
    t.advance(chrono::Duration::seconds(10));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    t.advance(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    assert_eq!(
        t.get("/families", Some(&s))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in?expired=1")
    );
}

/// Sessions are briefly cached, but ending one, or deactivating its account, takes effect
/// on the very next request.
#[tokio::test]
async fn ended_sessions_end_at_once_despite_the_cache() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let other = t.sign_in("po").await;
    assert_eq!(t.get("/families", Some(&po)).await.status, StatusCode::OK);
    assert_eq!(
        t.get("/families", Some(&other)).await.status,
        StatusCode::OK
    );
    t.submit("/sign-out", &po, &[]).await;
    assert_eq!(
        t.get("/families", Some(&po))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        t.get("/families", Some(&other)).await.status,
        StatusCode::OK
    );
    let admin = t.sign_in("admin").await;
    let r = t
        .change_account(&admin, "po", &[("role", "performance_officer")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/families", Some(&other))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in")
    );
}

/// Behind a trusted reverse proxy, the client's address comes from `X-Forwarded-For` (the
/// last entry not written by a trusted proxy), so the per-address throttle and the audit see
/// clients, not the proxy; from anyone else the header is ignored. The proxies are a subnet
/// (a council's load balancers), given as a CIDR range.
#[tokio::test]
async fn client_addresses_come_from_trusted_proxies_only() {
    use tower::ServiceExt;
    let t = TestApp::with(|c| c.trusted_proxies = vec!["10.9.9.0/24".parse().unwrap()]).await;
    let post = |from: [u8; 4], forwarded: &'static str| {
        let router = t.router.clone();
        async move {
            let csrf = "c".repeat(64);
            let body = serde_urlencoded::to_string([
                ("csrf_token", csrf.as_str()),
                ("user_name", "nobody"),
                ("password", "guess"),
            ])
            .unwrap();
            let mut req = axum::http::Request::builder()
                .method(Method::POST)
                .uri("/sign-in")
                .header("cookie", format!("hearth_sign_in={csrf}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-forwarded-for", forwarded)
                .body(axum::body::Body::from(body))
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    from, 40000,
                ))));
            router.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(
        post([10, 9, 9, 9], "6.6.6.6, 203.0.113.5, 10.9.9.4").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post([198, 51, 100, 1], "203.0.113.6").await,
        StatusCode::UNAUTHORIZED
    );
    let ips: Vec<String> = t.audit().await.into_iter().map(|l| l.client_ip).collect();
    assert!(ips.contains(&"203.0.113.5".to_string()), "{ips:?}");
    assert!(ips.contains(&"198.51.100.1".to_string()), "{ips:?}");
    assert!(!ips
        .iter()
        .any(|i| i.starts_with("10.9.9.") || i == "6.6.6.6" || i == "203.0.113.6"));
}
