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

/// What a linkage comparison compares, in plain words (`date_of_birth` → `Date of birth`).
pub(crate) fn comparison_label(key: &str) -> String {
    match key {
        "prior" => "Starting weight".into(),
        "tf_given_name" => "How rare the given name is".into(),
        "tf_family_name" => "How rare the family name is".into(),
        "nhs_number" => "NHS number".into(),
        "ni_number" => "National Insurance number".into(),
        "upn" => "Unique pupil number".into(),
        "other_ids" => "Other references".into(),
        _ => humanise(key),
    }
}

/// How alike the two records are on one comparison, in plain words (a level's key, e.g.
/// `day_month_swap`, as the linkage engine names it).
pub(crate) fn level_label(key: &str) -> String {
    match key {
        "" => String::new(),
        "missing" => "Missing on one or both records".into(),
        "exact" | "address_exact" => "The same".into(),
        "same" => "The same".into(),
        "different" => "Different".into(),
        "nickname_or_middle" => "A nickname, or a middle name used as first name".into(),
        "fuzzy_high" => "Very similar spelling".into(),
        "fuzzy_low" => "Similar spelling".into(),
        "initial" => "Only an initial matches".into(),
        "token_overlap" => "Share one of several names".into(),
        "day_month_swap" => "Day and month swapped".into(),
        "one_digit_off" => "One digit or one day different".into(),
        "same_year" => "Same year only".into(),
        "postcode_full_address_similar" => "Same postcode, similar address".into(),
        "postcode_full" => "Same postcode".into(),
        "address_same_or_similar" => "Same or similar address, different postcode".into(),
        "postcode_sector" => "Same postcode sector".into(),
        "postcode_district" => "Same postcode district".into(),
        "one_typo" => "One character different".into(),
        "two_typos" => "Two characters different".into(),
        other => humanise(other),
    }
}

/// A name as people write it: a name recorded all in capitals or all in lower case
/// (`ELLERY`, `o'neil`, `SMITH-JONES`, `MCDONALD`) is written with a capital at the start of
/// each part and after a part's `Mc` (`Ellery`, `O'Neil`, `Smith-Jones`, `McDonald`); a name
/// already in mixed case is kept (`McDonald`, `Macdonald`). (`Mac` is left alone: `Mack`,
/// `Machin`.)
pub(crate) fn name_case(raw: &str) -> String {
    let raw = raw.trim();
    let has_upper = raw.chars().any(char::is_uppercase);
    let has_lower = raw.chars().any(char::is_lowercase);
    if has_upper && has_lower {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    // Letters written so far in the current part.
    let mut part = String::new();
    for c in raw.chars() {
        if part.is_empty() || part == "Mc" {
            out.extend(c.to_uppercase());
            part.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
            part.extend(c.to_lowercase());
        }
        if matches!(c, ' ' | '-' | '\'' | '’') {
            part.clear();
        }
    }
    out
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
    fn names_are_written_as_people_write_them() {
        assert_eq!(super::name_case("ELLERY"), "Ellery");
        assert_eq!(super::name_case("o'neil"), "O'Neil");
        assert_eq!(super::name_case("SMITH-JONES"), "Smith-Jones");
        assert_eq!(super::name_case("McDonald"), "McDonald");
        assert_eq!(super::name_case(" mary ann "), "Mary Ann");
        assert_eq!(super::name_case("MCDONALD"), "McDonald");
        assert_eq!(super::name_case("smith-mcbride"), "Smith-McBride");
        assert_eq!(super::name_case("MACK"), "Mack");
        assert_eq!(super::name_case("MC"), "Mc");
    }

    #[test]
    fn comparisons_and_levels_read_as_plain_words() {
        assert_eq!(super::comparison_label("date_of_birth"), "Date of birth");
        assert_eq!(super::comparison_label("nhs_number"), "NHS number");
        assert_eq!(
            super::level_label("day_month_swap"),
            "Day and month swapped"
        );
        assert_eq!(super::level_label("some_new_level"), "Some new level");
    }

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
