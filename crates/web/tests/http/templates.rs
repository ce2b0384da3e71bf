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
    let pair = format!("/review/{}", t.review_pair_key().await);
    // A goal to change (family_change.html).
    let lw1 = t.sign_in("lw1").await;
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw1,
            &[
                ("problem", "school_attendance"),
                ("measure", "pupils_below_85_attendance"),
                ("goal", "At school"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (batch, claim) = crate::claims::a_claim(&t).await;
    let (batch_page, sample_page) = (
        format!("/claims/batches/{batch}"),
        format!("/claims/batches/{batch}/sample"),
    );
    let (claim_page, audit_page) = (format!("/claims/{claim}"), format!("/claims/{claim}/audit"));
    let pages: [(&str, Option<&str>, &str, StatusCode, &str); 55] = [
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
            "Status history",
        ),
        (
            "family_base.html",
            Some("lw1"),
            "/families/1",
            StatusCode::OK,
            "aria-label=\"Family record\"",
        ),
        (
            "family_facts.html",
            Some("analyst"),
            "/families/1/team",
            StatusCode::OK,
            "Agencies in the records",
        ),
        (
            "family_members.html",
            Some("analyst"),
            "/families/1/members",
            StatusCode::OK,
            "Why Hearth thinks so",
        ),
        (
            "family_problems.html",
            Some("lw1"),
            "/families/1/problems",
            StatusCode::OK,
            "Add to the assessment",
        ),
        (
            "family_plan.html",
            Some("lw1"),
            "/families/1/plan",
            StatusCode::OK,
            "Add a goal",
        ),
        (
            "family_team.html",
            Some("lw1"),
            "/families/1/team",
            StatusCode::OK,
            "Add a practitioner or service",
        ),
        (
            "family_progress.html",
            Some("lw1"),
            "/families/1/progress",
            StatusCode::OK,
            "Record the family",
        ),
        (
            "family_timeline.html",
            Some("po"),
            "/families/1/timeline",
            StatusCode::OK,
            "id=\"timeline\"",
        ),
        (
            "family_notes.html",
            Some("lw1"),
            "/families/1/notes",
            StatusCode::OK,
            "Add a note",
        ),
        (
            "progress_cohort.html",
            Some("po"),
            "/progress",
            StatusCode::OK,
            "Change on each measure",
        ),
        (
            "savings.html",
            Some("analyst"),
            "/savings",
            StatusCode::OK,
            "Service use by item, before and after attachment",
        ),
        (
            "savings_macros.html",
            Some("po"),
            "/savings",
            StatusCode::OK,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"",
        ),
        (
            "subject_access.html",
            Some("igo"),
            "/subject-access",
            StatusCode::OK,
            "Make the subject access document",
        ),
        (
            "sharing.html",
            Some("igo"),
            "/sharing",
            StatusCode::OK,
            "Data sharing agreements",
        ),
        (
            "rights_person.html",
            Some("igo"),
            "/rights/people/301",
            StatusCode::OK,
            "id=\"identifiers\"",
        ),
        (
            "rights_rectify.html",
            Some("igo"),
            "/rights/people/301/rectify",
            StatusCode::OK,
            "Correct the identifier",
        ),
        (
            "rights_restrict.html",
            Some("igo"),
            "/rights/people/301/restrict",
            StatusCode::OK,
            "Lawful ground (UK GDPR Article 18(1))",
        ),
        (
            "rights_lift.html",
            Some("igo"),
            "/rights/people/301/lift",
            StatusCode::OK,
            "id=\"none-in-force\"",
        ),
        (
            "rights_erase.html",
            Some("igo"),
            "/rights/people/301/erase",
            StatusCode::OK,
            "Lawful ground (UK GDPR Article 17(1))",
        ),
        (
            "family_outcomes.html",
            Some("lw1"),
            "/families/1/outcomes",
            StatusCode::OK,
            "id=\"outcomes-none\"",
        ),
        (
            "family_savings.html",
            Some("lw1"),
            "/families/1/savings",
            StatusCode::OK,
            "Service use by item",
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
            "objections.html",
            Some("igo"),
            "/objections",
            StatusCode::OK,
            "Record an objection",
        ),
        (
            "extract.html",
            Some("igo"),
            "/extract",
            StatusCode::OK,
            "Transfer log:",
        ),
        (
            "retention.html",
            Some("igo"),
            "/retention",
            StatusCode::OK,
            "No retention run has been recorded yet",
        ),
        (
            "quarantine.html",
            Some("po"),
            "/quarantine",
            StatusCode::OK,
            "Rows not imported",
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
        (
            "info_accessibility.html",
            None,
            "/accessibility",
            StatusCode::OK,
            "Enforcement procedure",
        ),
        (
            "info_privacy.html",
            None,
            "/privacy",
            StatusCode::OK,
            "Who can see your information",
        ),
        (
            "info_cookies.html",
            None,
            "/cookies",
            StatusCode::OK,
            "Cookies this service sets",
        ),
        (
            "info_contact.html",
            Some("lw1"),
            "/contact",
            StatusCode::OK,
            "If you cannot sign in or need an account",
        ),
        (
            "review_queue.html",
            Some("analyst"),
            "/review",
            StatusCode::OK,
            "Pairs waiting, most likely matches first",
        ),
        (
            "review_pair.html",
            Some("po"),
            &pair,
            StatusCode::OK,
            "Why the match is uncertain",
        ),
        (
            "workload.html",
            Some("po"),
            "/workload",
            StatusCode::OK,
            "Open families",
        ),
        (
            "family_change.html",
            Some("lw1"),
            "/families/1/plan/goals/1",
            StatusCode::OK,
            "Remove the goal",
        ),
        (
            "dashboard.html",
            Some("po"),
            "/dashboard",
            StatusCode::OK,
            "Caseloads and overdue steps",
        ),
        (
            "evaluation.html",
            Some("analyst"),
            "/evaluation",
            StatusCode::OK,
            "No evaluation has been made yet",
        ),
        (
            "unassign.html",
            Some("po"),
            "/families/1/unassign",
            StatusCode::OK,
            "Take the lead worker off this family",
        ),
        (
            "claims.html",
            Some("po"),
            "/claims",
            StatusCode::OK,
            "Payments and the cap",
        ),
        (
            "claim_batch.html",
            Some("po"),
            &batch_page,
            StatusCode::OK,
            "Internal audit sample (",
        ),
        (
            "claim_sample.html",
            Some("auditor"),
            &sample_page,
            StatusCode::OK,
            "drawn at random with seed",
        ),
        (
            "claim.html",
            Some("po"),
            &claim_page,
            StatusCode::OK,
            "Withdraw this claim",
        ),
        (
            "claim_pack.html",
            Some("po"),
            &claim_page,
            StatusCode::OK,
            "Internal audit findings",
        ),
        (
            "claim_audit.html",
            Some("auditor"),
            &audit_page,
            StatusCode::OK,
            "Is the claimed result valid?",
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
    // Single sign-on's refusals need a provider: `sso::` tests render them.
    covered.push("sso_refused.html".to_string());
    // A batch's preparation is shown after its post: `claims_prepare::` renders it.
    covered.push("claims_prepared.html".to_string());
    // An erasure's confirmation and result follow its posts: `rights_requests::` renders them.
    covered.push("rights_erase_confirm.html".to_string());
    covered.push("rights_erased.html".to_string());
    covered.sort();
    assert_eq!(files, covered);
}
