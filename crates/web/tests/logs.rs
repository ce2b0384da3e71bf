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
    // The date of birth (2 March 1985) in any form; "1985" alone only as a number of its own,
    // not inside a timestamp's or a duration's digits (".019850Z" is not a year).
    assert!(
        !year_in(&logs, "1985"),
        "logs hold the year of birth:\n{logs}"
    );
    for secret in [
        "Alice",
        "alice",
        "Example",
        "1985-03-02",
        "02/03/1985",
        "2 March 1985",
        "2 Mar 1985",
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

/// Whether `year` stands in `text` as a number of its own: not next to a digit or a decimal
/// point (which would make it part of a timestamp, a duration or another number).
fn year_in(text: &str, year: &str) -> bool {
    let numeric = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
    text.match_indices(year).any(|(i, _)| {
        !numeric(text[..i].chars().next_back()) && !numeric(text[i + year.len()..].chars().next())
    })
}

#[test]
fn a_year_inside_a_timestamp_or_a_duration_is_not_a_year() {
    assert!(!year_in("2026-12-04T17:41:11.019850Z INFO", "1985"));
    assert!(!year_in("elapsed_ms=0.1985", "1985"));
    assert!(!year_in("elapsed_ms=1985.2", "1985"));
    assert!(year_in("dob=1985-03-02", "1985"));
    assert!(year_in("born 2 March 1985", "1985"));
    assert!(year_in("\"02/03/1985\"", "1985"));
}
