//! The page templates (minijinja, embedded in the binary, HTML-escaped) and their
//! environment, with undefined variables an error (`UndefinedBehavior::Strict`): each
//! template is rendered with its typed context (`pages::*`), so a misspelt variable fails
//! the tests instead of rendering as nothing.
//!
//! Builds the environment only: rendering a page (and its layout's context) is `render`'s.

/// Every template: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("sign_in.html", include_str!("../templates/sign_in.html")),
    (
        "sso_refused.html",
        include_str!("../templates/sso_refused.html"),
    ),
    ("families.html", include_str!("../templates/families.html")),
    (
        "objections.html",
        include_str!("../templates/objections.html"),
    ),
    ("extract.html", include_str!("../templates/extract.html")),
    (
        "retention.html",
        include_str!("../templates/retention.html"),
    ),
    ("family.html", include_str!("../templates/family.html")),
    (
        "family_base.html",
        include_str!("../templates/family_base.html"),
    ),
    (
        "family_members.html",
        include_str!("../templates/family_members.html"),
    ),
    (
        "family_problems.html",
        include_str!("../templates/family_problems.html"),
    ),
    (
        "family_plan.html",
        include_str!("../templates/family_plan.html"),
    ),
    (
        "family_team.html",
        include_str!("../templates/family_team.html"),
    ),
    (
        "family_progress.html",
        include_str!("../templates/family_progress.html"),
    ),
    (
        "family_timeline.html",
        include_str!("../templates/family_timeline.html"),
    ),
    (
        "family_notes.html",
        include_str!("../templates/family_notes.html"),
    ),
    (
        "family_change.html",
        include_str!("../templates/family_change.html"),
    ),
    (
        "progress_cohort.html",
        include_str!("../templates/progress_cohort.html"),
    ),
    ("savings.html", include_str!("../templates/savings.html")),
    (
        "savings_macros.html",
        include_str!("../templates/savings_macros.html"),
    ),
    (
        "family_outcomes.html",
        include_str!("../templates/family_outcomes.html"),
    ),
    (
        "family_savings.html",
        include_str!("../templates/family_savings.html"),
    ),
    (
        "family_facts.html",
        include_str!("../templates/family_facts.html"),
    ),
    ("caseload.html", include_str!("../templates/caseload.html")),
    (
        "evaluation.html",
        include_str!("../templates/evaluation.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    (
        "referrals.html",
        include_str!("../templates/referrals.html"),
    ),
    (
        "referral_form.html",
        include_str!("../templates/referral_form.html"),
    ),
    ("referral.html", include_str!("../templates/referral.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("claims.html", include_str!("../templates/claims.html")),
    (
        "subject_access.html",
        include_str!("../templates/subject_access.html"),
    ),
    ("sharing.html", include_str!("../templates/sharing.html")),
    (
        "rights_person.html",
        include_str!("../templates/rights_person.html"),
    ),
    (
        "rights_rectify.html",
        include_str!("../templates/rights_rectify.html"),
    ),
    (
        "rights_restrict.html",
        include_str!("../templates/rights_restrict.html"),
    ),
    (
        "rights_lift.html",
        include_str!("../templates/rights_lift.html"),
    ),
    (
        "rights_erase.html",
        include_str!("../templates/rights_erase.html"),
    ),
    (
        "rights_erase_confirm.html",
        include_str!("../templates/rights_erase_confirm.html"),
    ),
    (
        "rights_erased.html",
        include_str!("../templates/rights_erased.html"),
    ),
    (
        "claims_prepared.html",
        include_str!("../templates/claims_prepared.html"),
    ),
    (
        "claim_batch.html",
        include_str!("../templates/claim_batch.html"),
    ),
    (
        "claim_sample.html",
        include_str!("../templates/claim_sample.html"),
    ),
    ("claim.html", include_str!("../templates/claim.html")),
    (
        "claim_audit.html",
        include_str!("../templates/claim_audit.html"),
    ),
    (
        "claim_pack.html",
        include_str!("../templates/claim_pack.html"),
    ),
    (
        "quarantine.html",
        include_str!("../templates/quarantine.html"),
    ),
    ("users.html", include_str!("../templates/users.html")),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
    (
        "info_accessibility.html",
        include_str!("../templates/info_accessibility.html"),
    ),
    (
        "info_privacy.html",
        include_str!("../templates/info_privacy.html"),
    ),
    (
        "info_cookies.html",
        include_str!("../templates/info_cookies.html"),
    ),
    (
        "info_contact.html",
        include_str!("../templates/info_contact.html"),
    ),
    (
        "review_queue.html",
        include_str!("../templates/review_queue.html"),
    ),
    (
        "review_pair.html",
        include_str!("../templates/review_pair.html"),
    ),
    ("workload.html", include_str!("../templates/workload.html")),
    ("unassign.html", include_str!("../templates/unassign.html")),
];

/// The template environment: every template HTML-escaped, undefined values an error.
pub(crate) fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A status's tag colour, decided in one place (`labels::status_tag_class`).
    env.add_filter("tag_class", |status: &str| {
        crate::labels::status_tag_class(status)
    });
    // `{{ n }} {{ n|plural("family", "families") }}`: "1 family", "2 families".
    env.add_filter("plural", |n: i64, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    });
    for (name, source) in TEMPLATES {
        // The templates are part of the binary; a broken one fails every test.
        if let Err(e) = env.add_template(name, source) {
            panic!("template {name} does not parse: {e}");
        }
    }
    env
}
