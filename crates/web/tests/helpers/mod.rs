//! Test helpers: a fresh store with a tiny synthetic borough and an account per role, the
//! router driven in-process, a settable clock.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hearth_model::{Fact, Identity, ImportedRow, Postcode};
use hearth_store::OpenOptions;
use hearth_store::*;
use hearth_web::{app, hash_password, AppState, Config};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

mod savings;
use savings::seed_savings;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// (user name, display name, role)
pub const ACCOUNTS: [(&str, &str, &str); 7] = [
    ("referrer", "Rita Referrer", "referrer"),
    ("lw1", "Lee Worker", "lead_worker"),
    ("lw2", "Lou Otherworker", "lead_worker"),
    ("po", "Pat Officer", "performance_officer"),
    ("analyst", "Ana Lyst", "data_analyst"),
    ("igo", "Ian Governance", "ig_officer"),
    ("admin", "Ada Admin", "administrator"),
];

pub struct TestApp {
    pub router: Router,
    pub db_path: PathBuf,
    address: String,
    options: OpenOptions,
    clock: Arc<Mutex<DateTime<Utc>>>,
    _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: String,
    pub headers: axum::http::HeaderMap,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The redirect's target without the `next` address a sign-in redirect carries
    /// (`/sign-in?next=%2Ffamilies` → `/sign-in`).
    pub fn sign_in_location(&self) -> Option<String> {
        let loc = self.location()?;
        let (path, query) = loc.split_once('?').unwrap_or((loc, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("next="))
            .collect();
        Some(if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        })
    }
    fn cookie(&self, name: &str) -> Option<(String, String)> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| {
                let value = v[name.len() + 1..]
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .to_string();
                (value, v.to_string())
            })
    }
}

pub struct Session {
    pub token: String,
    pub csrf: String,
    pub set_cookie: String,
}

/// A date, for tests: `date(2025, 9, 1)`.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn person(given: &str, family: &str, dob: NaiveDate, row: u64) -> ImportedRow {
    ImportedRow {
        source_row: row,
        identity: Identity {
            given_name: Some(given.into()),
            family_name: Some(family.into()),
            date_of_birth: Some(dob),
            address: Some("1 Test Street".into()),
            postcode: Some(Postcode::parse("TS1 1AA").unwrap()),
            ..Identity::default()
        },
        fact: Fact {
            event_type: "incident".into(),
            event_date: Some(date(2025, 3, 1)),
            // A fact and the police's reference to its row (`OCC-000<row>`).
            attributes: [
                (
                    "incident_category".to_string(),
                    hearth_model::AttrValue::Text("ASB".into()),
                ),
                (
                    "occurrence_ref".to_string(),
                    hearth_model::AttrValue::Text(format!("OCC-{row:04}")),
                ),
            ]
            .into(),
            ..Fact::default()
        },
    }
}

/// The words the seeded run keeps for its keys, as `hearth identify` writes them from the
/// rules and the mappings.
fn labels() -> hearth_store::RunLabels {
    let mut l = hearth_store::RunLabels::default();
    for (key, label) in [
        ("crime_asb", "Crime or anti-social behaviour"),
        ("school_attendance", "School attendance"),
        ("health", "Health"),
        ("worklessness", "Worklessness or financial exclusion"),
    ] {
        l.problems.insert(
            key.into(),
            hearth_store::ProblemLabel {
                label: label.into(),
                title: label.into(),
            },
        );
    }
    l.sources.insert("police".into(), "Police".into());
    l
}

/// Three families: 1 (eligible, rank 1: crime, school), 2 (eligible, rank 2: health,
/// worklessness), 3 (not eligible).
fn seed(store: &mut Store) {
    let batch = NewBatch {
        source: "police".into(),
        file_name: "police.csv".into(),
        file_sha256: "a".repeat(64),
        imported_by: "test".into(),
        imported_at: Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap(),
        rows_read: 6,
        source_name: Some("Police".into()),
    };
    let rows = vec![
        person("Alice", "Example", date(1985, 3, 2), 2),
        person("Bobby", "Example", date(2014, 6, 1), 3),
        person("Carol", "Sample", date(1990, 1, 1), 4),
        person("Dan", "Sample", date(2012, 1, 1), 5),
        person("Eve", "Third", date(1970, 1, 1), 6),
    ];
    store.write_batch(&batch, &rows, &[]).unwrap();
    let ids: Vec<RecordId> = store
        .load_identities()
        .unwrap()
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    let summary = LinkRunSummary {
        records: 5,
        people: 5,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 3,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let assignment: Vec<(RecordId, i64)> = ids
        .iter()
        .zip([101, 102, 201, 202, 301])
        .map(|(r, p)| (*r, p))
        .collect();
    let member = |person_id, role: &str, age| FamilyMember {
        person_id,
        role: hearth_model::MemberRole::parse(role).unwrap(),
        age: Some(age),
    };
    let families = vec![
        StoredFamily {
            area: Some("WA7 2".into()),
            family_id: 1,
            members: vec![member(101, "adult", 40), member(102, "child", 11)],
            relationships: vec![FamilyRelationship {
                parent_person_id: 101,
                child_person_id: 102,
                basis: hearth_model::RelationshipBasis::AgeGapAndFamilyName,
            }],
        },
        StoredFamily {
            area: Some("WA8 6".into()),
            family_id: 2,
            members: vec![member(201, "adult", 35), member(202, "child", 13)],
            relationships: vec![],
        },
        StoredFamily {
            area: Some("WA7 2".into()),
            family_id: 3,
            members: vec![member(301, "adult", 55)],
            relationships: vec![],
        },
    ];
    let link_run = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment,
            changes: &[],
            // One pair of records waiting for clerical review: Alice and Bobby Example.
            review: &[ReviewPair {
                record_l: ids[0],
                record_r: ids[1],
                match_probability: 0.5,
                match_weight: 0.0,
                explanation: r#"[{"comparison":"prior","level":"","weight":-6.0},{"comparison":"family_name","level":"exact","weight":6.0}]"#.into(),
            }],
            families: &families,
        })
        .unwrap();
    let run = IdentificationRun {
        id: 0,
        as_at: date(2025, 9, 1),
        profile: "expanded-2015".into(),
        rules_sha256: "b".repeat(64),
        link_run_id: link_run,
        families_assessed: 3,
        families_eligible: 2,
        labels: labels(),
    };
    let assess = |family_id, problems: &[&str], rank: Option<i64>| FamilyAssessment {
        family_id,
        eligible: rank.is_some(),
        problems: problems.iter().map(|p| p.to_string()).collect(),
        estimated_cost: 12345.0,
        score: 3.5,
        priority_rank: rank,
    };
    let assessments = vec![
        assess(1, &["crime_asb", "school_attendance"], Some(1)),
        assess(2, &["health", "worklessness"], Some(2)),
        assess(3, &["health"], None),
    ];
    let evidence = vec![EvidenceRow {
        family_id: 1,
        problem_key: "crime_asb".into(),
        indicator_key: "crime_asb.police_crime".into(),
        person_id: 101,
        record_ids: vec![ids[0].0],
        value: Some(1.0),
    }];
    store
        .save_identification(&run, &assessments, &evidence)
        .unwrap();
    seed_savings(store);
    let hash = hash_password(PASSWORD).unwrap();
    for (name, display, role) in ACCOUNTS {
        store
            .create_user(
                &NewUser {
                    user_name: name.into(),
                    display_name: display.into(),
                    role: hearth_model::Role::parse(role).unwrap(),
                    password_hash: hash.clone(),
                },
                Utc::now(),
            )
            .unwrap();
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("hearth.sqlite");
        let address = db_path.to_str().unwrap().to_string();
        TestApp::build(dir, db_path, address, OpenOptions::default(), configure).await
    }

    /// The same borough in a fresh PostgreSQL schema (dropped by [`TestApp::finish`]).
    pub async fn postgres(url: &str) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("hearth_web_test_{}_{nanos}", std::process::id());
        let options = OpenOptions {
            pg_schema: Some(schema),
        };
        TestApp::build(dir, PathBuf::new(), url.to_string(), options, |_| {}).await
    }

    async fn build(
        dir: tempfile::TempDir,
        db_path: PathBuf,
        address: String,
        options: OpenOptions,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::new(address.clone());
        config.pg_schema = options.pg_schema.clone();
        configure(&mut config);
        let clock = Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2025, 9, 2, 10, 0, 0).unwrap(),
        ));
        let c = clock.clone();
        let (a, o) = (address.clone(), options.clone());
        // Store work is synchronous (and PostgreSQL's client may not run on the runtime).
        let state = tokio::task::spawn_blocking(move || {
            let mut store = Store::open_with(&a, &o).unwrap();
            seed(&mut store);
            drop(store);
            AppState::open_with_clock(&config, Arc::new(move || *c.lock().unwrap())).unwrap()
        })
        .await
        .unwrap();
        TestApp {
            router: app(state),
            db_path,
            address,
            options,
            clock,
            _dir: dir,
        }
    }

    /// Drops the app off the runtime and, for PostgreSQL, its schema.
    pub async fn finish(self) {
        tokio::task::spawn_blocking(move || {
            let TestApp {
                router,
                address,
                options,
                ..
            } = self;
            drop(router);
            if let Some(schema) = options.pg_schema {
                let mut c = postgres::Client::connect(&address, postgres::NoTls).unwrap();
                c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .unwrap();
            }
        })
        .await
        .unwrap();
    }

    /// The store's address and options, to open it directly.
    pub fn store_address(&self) -> (String, OpenOptions) {
        (self.address.clone(), self.options.clone())
    }

    /// The server restarted: a new application on the same store, nothing in memory kept.
    pub async fn restart(&mut self) {
        let (a, o, c) = (
            self.address.clone(),
            self.options.clone(),
            self.clock.clone(),
        );
        let state = tokio::task::spawn_blocking(move || {
            let mut config = Config::new(a);
            config.pg_schema = o.pg_schema;
            AppState::open_with_clock(&config, Arc::new(move || *c.lock().unwrap())).unwrap()
        })
        .await
        .unwrap();
        let old = std::mem::replace(&mut self.router, app(state));
        tokio::task::spawn_blocking(move || drop(old))
            .await
            .unwrap();
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.clock.lock().unwrap() += by;
    }

    pub async fn with_store<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> R {
        let (a, o) = (self.address.clone(), self.options.clone());
        tokio::task::spawn_blocking(move || f(&mut Store::open_with(&a, &o).unwrap()))
            .await
            .unwrap()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.request_with_cookie(
            method,
            path,
            session.map(|s| format!("hearth_session={}", s.token)),
            body,
            headers,
        )
        .await
    }

    async fn request_with_cookie(
        &self,
        method: Method,
        path: &str,
        cookie: Option<String>,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some((ty, b)) => req.header("content-type", ty).body(Body::from(b)),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
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

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Resp {
        self.request(Method::GET, path, session, None, &[]).await
    }

    pub async fn post_form(
        &self,
        path: &str,
        session: Option<&Session>,
        fields: &[(&str, &str)],
    ) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.request(
            Method::POST,
            path,
            session,
            Some(("application/x-www-form-urlencoded", body)),
            &[],
        )
        .await
    }

    /// A form post by a signed-in user, with their session's CSRF token first.
    pub async fn submit(&self, path: &str, session: &Session, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf_token", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, Some(session), &all).await
    }

    /// An administrator's change to the account `name` (role, active) through the admin page.
    pub async fn change_account(
        &self,
        admin: &Session,
        name: &str,
        fields: &[(&str, &str)],
    ) -> Resp {
        let id = self.user_id(name).await;
        self.submit(&format!("/admin/users/{id}"), admin, fields)
            .await
    }

    /// A form post with no cookies at all.
    pub async fn post_form_cookie(
        &self,
        path: &str,
        cookie: Option<String>,
        fields: &[(&str, &str)],
    ) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.request_with_cookie(
            Method::POST,
            path,
            cookie,
            Some(("application/x-www-form-urlencoded", body)),
            &[],
        )
        .await
    }

    pub async fn try_sign_in(&self, name: &str, password: &str) -> Resp {
        self.try_sign_in_at("/sign-in", name, password).await
    }

    /// Signs in through the form at `page` (e.g. `/sign-in?next=…`), posting what it holds.
    pub async fn try_sign_in_at(&self, page: &str, name: &str, password: &str) -> Resp {
        let form = self.get(page, None).await;
        let (cookie, _) = form.cookie("hearth_sign_in").expect("sign-in cookie");
        let marker = "name=\"csrf_token\" value=\"";
        let at = form.body.find(marker).unwrap() + marker.len();
        let token = &form.body[at..at + 64];
        assert_eq!(token, cookie);
        self.post_form_cookie(
            "/sign-in",
            Some(format!("hearth_sign_in={cookie}")),
            &[
                ("csrf_token", token),
                ("user_name", name),
                ("password", password),
                ("next", &hidden(&form.body, "next")),
            ],
        )
        .await
    }

    pub async fn sign_in_with(&self, name: &str, password: &str) -> Session {
        let r = self.try_sign_in(name, password).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "signing in {name}: {}",
            r.body
        );
        let (token, set_cookie) = r.cookie("hearth_session").expect("session cookie");
        let mut s = Session {
            token,
            csrf: String::new(),
            set_cookie,
        };
        let me: serde_json::Value =
            serde_json::from_str(&self.get("/api/session", Some(&s)).await.body).unwrap();
        s.csrf = me["csrf_token"].as_str().unwrap().to_string();
        s
    }

    pub async fn sign_in(&self, name: &str) -> Session {
        self.sign_in_with(name, PASSWORD).await
    }

    pub async fn user_id(&self, name: &str) -> i64 {
        let name = name.to_string();
        self.with_store(move |s| s.user_by_name(&name).unwrap().unwrap().id)
            .await
    }

    pub async fn assign_directly(&self, family_id: i64, lead_worker: &str) {
        let id = self.user_id(lead_worker).await;
        self.with_store(move |s| {
            let now = Utc::now();
            let mut case = FamilyCase::new(family_id, now, "test");
            case.set_status(hearth_model::CaseStatus::Referred, now, "test");
            case.assign(Some(id), now, "test");
            s.save_family_case(&case).unwrap()
        })
        .await
    }

    pub async fn case(&self, family_id: i64) -> Option<FamilyCase> {
        self.with_store(move |s| s.family_case(family_id).unwrap())
            .await
    }

    /// The key (`12-34`) of the first pair waiting for clerical review.
    pub async fn review_pair_key(&self) -> String {
        self.with_store(|s| {
            let p = &s.pending_review().unwrap()[0];
            format!("{}-{}", p.record_l.0, p.record_r.0)
        })
        .await
    }

    pub async fn audit(&self) -> Vec<AuditEntry> {
        self.with_store(|s| s.audit_log(&AuditQuery::default()).unwrap())
            .await
    }
}

/// A GET over a real socket, HTTP/1.1 by hand.
pub async fn raw_get(addr: std::net::SocketAddr, path: &str, token: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: hearth_session={token}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// A hidden field's value in a page (`""` if it has none). Values are HTML-escaped in pages;
/// the few characters a path may hold are turned back.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("type=\"hidden\" name=\"{name}\" value=\"");
    page.find(&marker)
        .map(|at| {
            let rest = &page[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)]
                .replace("&#x2f;", "/")
                .replace("&#x3d;", "=")
                .replace("&#x3f;", "?")
                .replace("&amp;", "&")
        })
        .unwrap_or_default()
}
