//! The words shown for keys that come from the data: headline problems, partner agencies and
//! case statuses (with their tag colours).
//!
//! Problem and agency labels are hard-coded here for now; a later change reads them from the
//! identification run instead. This module only maps keys to words: it does not decide what
//! a viewer may see.

use hearth_model::CaseStatus;

/// A stored status's label (`Unknown` for a key this build does not know).
pub(crate) fn status_label(key: &str) -> &'static str {
    CaseStatus::parse(key).map_or("Unknown", CaseStatus::label)
}

/// The GOV.UK tag colour of a case status.
pub(crate) fn status_tag_class(status: &str) -> &'static str {
    match status {
        "identified" => "govuk-tag--grey",
        "referred" => "govuk-tag--blue",
        "engaged" => "govuk-tag--turquoise",
        "in_progress" => "govuk-tag--yellow",
        "closed" => "govuk-tag--green",
        _ => "",
    }
}

/// A headline problem's plain-English label.
pub(crate) fn problem_label(key: &str) -> String {
    match key {
        "crime_asb" => "Crime or anti-social behaviour".into(),
        "school_attendance" => "School attendance".into(),
        "children_need_help" => "Children who need help".into(),
        "worklessness" => "Worklessness or financial exclusion".into(),
        "domestic_abuse" => "Domestic abuse".into(),
        "health" => "Health".into(),
        "early_years" => "Early years".into(),
        "housing" => "Housing".into(),
        "education" => "Education".into(),
        other => {
            let s = other.replace('_', " ");
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// A partner source as people name the agency.
pub(crate) fn agency_label(source: &str) -> &'static str {
    match source {
        "police" => "Police",
        "schools" => "Schools (education)",
        "social_care" => "Children's social care",
        "dwp" => "DWP (Jobcentre Plus)",
        "health" => "NHS health services",
        "housing" => "Housing",
        "youth_justice" => "Youth justice",
        _ => "Another partner",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_statuses_have_labels() {
        assert_eq!(super::status_label("in_progress"), "In progress");
        assert_eq!(super::status_label("nope"), "Unknown");
    }
}
