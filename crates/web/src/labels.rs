//! The words shown for keys that come from the data: headline problems, partner agencies and
//! case statuses (with their tag colours).
//!
//! Problem and agency words come from the identification run, which keeps them from the
//! council's rules and mappings (`hearth_store::RunLabels`), so a council's own problem or
//! source is named as the council names it. This module only maps keys to words: it does
//! not decide what a viewer may see.

use hearth_model::CaseStatus;
use hearth_store::RunLabels;

/// A stored status's label (`Unknown` for a key this build does not know).
pub(crate) fn status_label(key: &str) -> &'static str {
    CaseStatus::parse(key).map_or("Unknown", CaseStatus::label)
}

/// The GOV.UK tag colour of a case status.
pub(crate) fn status_tag_class(status: &str) -> &'static str {
    match status {
        "identified" => "govuk-tag--grey",
        "referred" => "govuk-tag--blue",
        "contacted" => "govuk-tag--light-blue",
        "agreed" => "govuk-tag--turquoise",
        "assessed" => "govuk-tag--purple",
        "plan_in_place" => "govuk-tag--yellow",
        "reviewing" => "govuk-tag--orange",
        "closed" => "govuk-tag--green",
        _ => "",
    }
}

/// A headline problem's short label, as the run's rules name it (its key in plain words when
/// the run has none: a run made before runs kept their words).
pub(crate) fn problem_label(labels: &RunLabels, key: &str) -> String {
    match labels.problems.get(key) {
        Some(p) if !p.label.is_empty() => p.label.clone(),
        _ => humanise(key),
    }
}

/// A partner source as people name the agency: the name its mapping gives, kept with the
/// run (its key in plain words when there is none).
pub(crate) fn agency_label(labels: &RunLabels, source: &str) -> String {
    labels
        .sources
        .get(source)
        .cloned()
        .unwrap_or_else(|| humanise(source))
}

/// `youth_justice` → `Youth justice`.
pub(crate) fn humanise(key: &str) -> String {
    let s = key.replace('_', " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_statuses_have_labels() {
        assert_eq!(super::status_label("plan_in_place"), "Plan in place");
        assert_eq!(super::status_label("nope"), "Unknown");
    }

    #[test]
    fn problems_and_agencies_are_named_as_the_run_names_them() {
        let mut labels = hearth_store::RunLabels::default();
        labels.problems.insert(
            "rough_sleeping".into(),
            hearth_store::ProblemLabel {
                label: "Rough sleeping".into(),
                title: "Adults sleeping rough".into(),
            },
        );
        labels
            .sources
            .insert("dwp".into(), "DWP (Jobcentre Plus)".into());
        assert_eq!(
            super::problem_label(&labels, "rough_sleeping"),
            "Rough sleeping"
        );
        assert_eq!(super::agency_label(&labels, "dwp"), "DWP (Jobcentre Plus)");
        // A key the run does not name reads as plain words, not as a built-in guess.
        assert_eq!(super::problem_label(&labels, "crime_asb"), "Crime asb");
        assert_eq!(
            super::agency_label(&labels, "youth_justice"),
            "Youth justice"
        );
    }
}
