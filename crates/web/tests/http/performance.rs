//! The dashboard and the impact evaluation's report: who sees what, every figure through
//! disclosure control, lead workers named only for roles that see identifiers, the workbook,
//! and the report page with its charts, tables and balance table.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::NaiveDate;
use hearth_impact::{Event, FamilyHistory, Rules};

fn xlsx_sheet(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    wb.worksheet_range(sheet)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Every cell of every panel of `/api/dashboard`: a number of at least 5 (or 0), or `[c]`.
fn assert_no_small_counts(v: &serde_json::Value) {
    for p in v["panels"].as_array().unwrap() {
        let cells = p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(std::iter::once(&r["total"]))
            })
            .chain(p["totals"].as_array().unwrap().iter())
            .chain(std::iter::once(&p["total"]));
        for c in cells {
            let c = c.as_str().unwrap();
            if c != "[c]" && c != "[z]" {
                let n: u64 = c.parse().unwrap();
                assert!(n == 0 || n >= 5, "{} shows {n}", p["id"]);
            }
        }
    }
}

#[tokio::test]
async fn the_dashboard_protects_every_figure_and_names_lead_workers_only_for_the_officer() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    crate::referrals::a_referral(&t).await;
    let po = t.sign_in("po").await;
    let page = t.get("/dashboard", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    for title in [
        "Families by stage",
        "Families by problem",
        "Families by area",
        "Caseloads and overdue steps",
        "Referrals received",
        "Families claimed for results",
        "the cap of 1930 families",
    ] {
        assert!(page.body.contains(title), "{title}");
    }
    // Each chart is followed by its table; the SVG is hidden from screen readers.
    assert!(page.body.contains("<svg class=\"hearth-chart\""));
    assert!(page
        .body
        .contains("aria-hidden=\"true\" focusable=\"false\""));
    assert!(page.body.contains("Lee Worker"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/dashboard", Some(&po)).await.body).unwrap();
    assert_no_small_counts(&api);
    // One family with a case, one referral: counts under 5 are withheld.
    assert!(page.body.contains("[c]"));

    let analyst = t.sign_in("analyst").await;
    let page = t.get("/dashboard", Some(&analyst)).await;
    assert!(!page.body.contains("Lee Worker"));
    assert!(page.body.contains("Lead worker 1"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/dashboard", Some(&analyst)).await.body).unwrap();
    assert_no_small_counts(&api);
    let bytes = crate::listing::export_bytes(&t, "/dashboard/export.xlsx", &analyst).await;
    let rows = xlsx_sheet(&bytes, "caseload");
    assert_eq!(rows[0][0], "Caseloads and overdue steps");
    assert!(!rows.iter().flatten().any(|c| c.contains("Lee Worker")));
    let bytes = crate::listing::export_bytes(&t, "/dashboard/export.xlsx", &po).await;
    let rows = xlsx_sheet(&bytes, "caseload");
    assert!(rows.iter().flatten().any(|c| c.contains("Lee Worker")));
    // Filters no family in view meets (family 3, with health in WA7 2, is not eligible and
    // has no case) leave only zeros.
    let filtered: serde_json::Value = serde_json::from_str(
        &t.get("/api/dashboard?area=WA7%202&problem=health", Some(&po))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(filtered["errors"], serde_json::json!([]));
    let stage = &filtered["panels"][0];
    assert_eq!(stage["id"], "stage");
    assert_eq!(stage["totals"][0], "0");
    assert!(t.audit().await.iter().any(|a| a.action == "view dashboard"));
}

/// A filter value the run does not know (an old bookmark, a typed address) is ignored and
/// the page says so, as the families list does, rather than showing every panel 0; an area
/// typed in lower case, with extra spaces or without its space is the run's area.
#[tokio::test]
async fn the_dashboard_ignores_unknown_filters_with_a_message_and_reads_areas_as_typed() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let api = |path: &'static str| {
        let (t, po) = (&t, &po);
        async move {
            let r = t.get(path, Some(po)).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()
        }
    };
    let all = api("/api/dashboard").await;
    let unknown = api("/api/dashboard?area=ZZ9&problem=nonsense").await;
    assert_eq!(unknown["panels"], all["panels"], "the filters are ignored");
    assert_eq!(
        unknown["filters"],
        serde_json::json!({"area": "", "problem": ""})
    );
    let errors = unknown["errors"].to_string();
    assert!(
        errors.contains(
            "No family in this run lives in the area \\\"ZZ9\\\": showing families in any area"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("showing families with any problem"),
        "{errors}"
    );
    let page = t
        .get("/dashboard?area=ZZ9&problem=nonsense", Some(&po))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("govuk-error-summary"), "{}", page.body);
    assert!(page.body.contains("href=\"#area\""));
    assert!(page.body.contains("href=\"#problem\""));
    assert!(page.body.contains("id=\"area-error\""));
    // The workbook's link carries the filters as applied.
    assert!(
        page.body.contains("export.xlsx?area=&amp;problem=\""),
        "{}",
        page.body
    );

    let exact = api("/api/dashboard?area=WA7%202").await;
    assert_ne!(exact["panels"], all["panels"], "WA7 2 is a filter");
    for typed in [
        "/api/dashboard?area=wa7+2",
        "/api/dashboard?area=%20Wa7%20%20%202%20",
        "/api/dashboard?area=wa72",
    ] {
        let v = api(typed).await;
        assert_eq!(v["errors"], serde_json::json!([]), "{typed}");
        assert_eq!(v["filters"]["area"], "WA7 2", "{typed}");
        assert_eq!(v["panels"], exact["panels"], "{typed}");
    }
    // A problem by its words, in any case.
    let by_words = api("/api/dashboard?problem=school+ATTENDANCE").await;
    assert_eq!(by_words["filters"]["problem"], "school_attendance");
    // The families list reads an area as typed too.
    let list = t.get("/families?area=wa7+2", Some(&po)).await;
    assert!(!list.body.contains("govuk-error-summary"), "{}", list.body);
    assert!(list.body.contains(">Example family</a>"));
    assert!(!list.body.contains(">Sample family</a>"));
}

/// The analyst sees lead workers by number wherever a family shows its lead worker (the
/// list and its filter, the family's page, the API, the export), as on the dashboard; the
/// officer sees their names. The lead worker's caseload names the family.
#[tokio::test]
async fn the_analyst_sees_lead_workers_numbered_on_every_family_page() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let analyst = t.sign_in("analyst").await;
    let po = t.sign_in("po").await;
    for path in [
        "/families",
        "/families/1",
        "/api/families",
        "/api/families/1",
    ] {
        let page = t.get(path, Some(&analyst)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("Lee Worker"), "{path}");
        assert!(page.body.contains("Lead worker 1"), "{path}");
        let page = t.get(path, Some(&po)).await;
        assert!(page.body.contains("Lee Worker"), "{path}");
    }
    let bytes = crate::listing::export_bytes(&t, "/families/export.xlsx", &analyst).await;
    let rows = xlsx_sheet(&bytes, "Families");
    assert!(!rows.iter().flatten().any(|c| c.contains("Lee Worker")));
    assert!(rows.iter().flatten().any(|c| c.contains("Lead worker 1")));
    let lw = t.sign_in("lw1").await;
    let caseload = t.get("/caseload", Some(&lw)).await;
    assert!(caseload.body.contains(" family</a>"), "{}", caseload.body);
}

/// A cohort of `n` families, half attached in 2020, with outcome events that the programme
/// families have less often after attachment.
fn cohort(rules: &Rules, n: i64) -> hearth_impact::Cohort {
    let d = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    let families = (0..n)
        .map(|i| {
            let mut f = FamilyHistory::new(i, rules);
            f.eligible = true;
            f.members = 2 + (i % 5) as u32;
            f.children = 1 + (i % 3) as u32;
            f.problems = vec!["crime_asb".into()];
            let attached = i % 2 == 0;
            if attached {
                f.attached_on = Some(d(2020, 1 + (i % 12) as u32));
            }
            for m in 0..48 {
                let date = hearth_impact::history::add_months(d(2018, 1), m);
                let after = attached && f.attached_on.is_some_and(|a| date >= a);
                let every = if after { 7 } else { 3 };
                if (i + i64::from(m)) % every == 0 {
                    f.events[0].push(Event {
                        start: date,
                        end: Some(date),
                        possible: 0.0,
                        missed: 0.0,
                        amount: 1.0,
                    });
                }
            }
            f.sort();
            f
        })
        .collect();
    hearth_impact::Cohort {
        families,
        as_at: d(2023, 1),
    }
}

#[tokio::test]
async fn the_evaluation_report_shows_charts_tables_and_balance_with_small_figures_withheld() {
    let t = TestApp::new().await;
    let analyst = t.sign_in("analyst").await;
    let empty: serde_json::Value =
        serde_json::from_str(&t.get("/api/evaluation", Some(&analyst)).await.body).unwrap();
    assert!(empty["report"].is_null());
    let rules = Rules::from_toml(
        "impact-evaluation.toml",
        include_str!("../../../../rules/impact-evaluation.toml"),
    )
    .unwrap();
    let ev = hearth_impact::evaluate(&rules, &cohort(&rules, 400)).unwrap();
    let published = hearth_impact::publish(&ev, hearth_governance::Policy::default());
    let json = serde_json::to_string(&published).unwrap();
    t.with_store(move |s| {
        s.save_impact_report(&hearth_store::ImpactReport {
            id: 0,
            as_at: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            made_at: chrono::Utc::now(),
            made_by: "analyst.one".into(),
            rules_sha256: "ab".repeat(32),
            report: json,
        })
        .unwrap()
    })
    .await;
    let page = t.get("/evaluation", Some(&analyst)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Children looked after",
        "0–6",
        "19–24",
        "95% interval",
        "Smallest change it could show",
        "Balance before and after matching",
        "Problem: crime_asb",
        "<svg class=\"hearth-chart\"",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    // Outcomes nobody had: their tables withhold nothing (zeros are shown), while the
    // looked-after rates are shown with a clear fall.
    assert!(
        page.body.contains("clear</strong>"),
        "{}",
        &page.body[page.body.find("outcome-looked_after").unwrap()..][..3000]
    );
    // Each outcome with a comparison rate says what its whole follow-up could show: a plain
    // sentence, or a warning where too few families had it to tell.
    let lac = &page.body[page.body.find("outcome-looked_after").unwrap()..];
    let lac = &lac[..lac.find("</section>").unwrap()];
    assert!(
        lac.contains("In months 0–24 to date, a change of about")
            || lac.contains("Too few families had this outcome to tell"),
        "{lac}"
    );
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/evaluation", Some(&analyst)).await.body).unwrap();
    let est = api["report"]["published"]["estimates"].as_array().unwrap();
    let lac = est
        .iter()
        .find(|e| e["outcome"] == "looked_after" && e["band"] == "7–12")
        .unwrap();
    assert!(lac["figures"]["difference"].as_f64().unwrap() < 0.0);
    assert!(t
        .audit()
        .await
        .iter()
        .any(|a| a.action == "view impact evaluation"));

    // The same tables as a workbook: each outcome's bands with the page's figures, numbers
    // as numbers, withheld cells as the page writes them.
    assert!(page.body.contains("href=\"/evaluation/export.xlsx\""));
    let bytes = super::listing::export_bytes(&t, "/evaluation/export.xlsx", &analyst).await;
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Outcomes", "Groups", "Balance", "About"]
    );
    let outcomes = wb.worksheet_range("Outcomes").unwrap();
    let rows: Vec<_> = outcomes.rows().collect();
    assert_eq!(rows[0][8].to_string(), "95% interval");
    let lac_row = rows
        .iter()
        .find(|r| r[0] == "Children looked after" && r[2] == "7–12")
        .expect("looked after, 7–12");
    match &lac_row[7] {
        Data::Float(d) => assert!(*d < 0.0, "{d}"),
        other => panic!("the difference is a number: {other:?}"),
    }
    assert!(rows.len() > 8, "every outcome's bands");
    let balance = wb.worksheet_range("Balance").unwrap();
    assert!(balance.rows().any(|r| r[0] == "Problem: crime_asb"));
}
