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
    ("families.html", include_str!("../templates/families.html")),
    ("family.html", include_str!("../templates/family.html")),
    (
        "family_facts.html",
        include_str!("../templates/family_facts.html"),
    ),
    ("caseload.html", include_str!("../templates/caseload.html")),
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
    ("users.html", include_str!("../templates/users.html")),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
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
    for (name, source) in TEMPLATES {
        // The templates are part of the binary; a broken one fails every test.
        if let Err(e) = env.add_template(name, source) {
            panic!("template {name} does not parse: {e}");
        }
    }
    env
}
