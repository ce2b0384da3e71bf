//! Logs never hold personal data. A test binary of its own: it installs the global tracing
//! subscriber.

mod helpers;

use helpers::*;

/// Logs (at every level, store and web) never carry names, dates of birth, addresses or
/// what users typed into notes.
#[tokio::test]
async fn logs_carry_no_personal_data() {
    #[derive(Clone)]
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Capture(Default::default());
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // The whole binary's default, so that blocking threads log into it too.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    t.get("/families/1", Some(&po)).await;
    t.get("/api/families/1", Some(&po)).await;
    t.post_form(
        "/families/1/notes",
        Some(&po),
        &[("csrf_token", &po.csrf), ("note", "Secret note text")],
    )
    .await;
    t.post_form(
        "/families/1/notes",
        Some(&po),
        &[("csrf_token", "forged"), ("note", "Forged note text")],
    )
    .await;
    let lw2 = t.sign_in("lw2").await;
    t.get("/families/1", Some(&lw2)).await;
    t.try_sign_in("lw2", "a wrong password").await;
    // Names in the path, the query and the sign-in form: the request lines carry the route
    // template only.
    t.get("/families/2?name=Alice+Example", Some(&po)).await;
    t.get("/families/Alice%20Example", Some(&po)).await;
    t.get("/no-such-page/Test-Street-TS1", Some(&po)).await;
    t.try_sign_in("alice.example", "Secret note").await;
    t.finish().await;
    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("signed in") && logs.contains("family refused"),
        "{logs}"
    );
    assert!(
        logs.contains("/families/{id}") && logs.contains("unmatched"),
        "no request lines by route template:\n{logs}"
    );
    assert!(!logs.contains("/families/2"), "{logs}");
    for secret in [
        "Alice",
        "alice",
        "Example",
        "1985",
        "Test Street",
        "TS1",
        "Secret note",
        "Forged note",
        "a wrong password",
        PASSWORD,
    ] {
        assert!(!logs.contains(secret), "logs hold {secret:?}:\n{logs}");
    }
}
