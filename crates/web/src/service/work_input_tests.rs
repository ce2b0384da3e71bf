//! Tests of the family work forms' checks.

use super::*;

#[test]
fn dates_are_read_as_people_type_them() {
    let d = NaiveDate::from_ymd_opt(2026, 3, 27);
    assert_eq!(parse_date("27 3 2026"), d);
    assert_eq!(parse_date("27/03/2026"), d);
    assert_eq!(parse_date("2026-03-27"), d);
    assert_eq!(parse_date("31 2 2026"), None);
    assert_eq!(parse_date("27 3"), None);
    assert_eq!(parse_date("1 1 +262142"), None);
}

#[test]
fn every_mistake_in_a_form_is_reported_at_once() {
    let problems = vec!["crime_asb".to_string()];
    let frame = FamilyFrame {
        members: &[101],
        problems: &problems,
    };
    let errs = AssessmentForm {
        subject: "999".into(),
        problem: "health".into(),
        ..AssessmentForm::default()
    }
    .check(&frame)
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["subject", "problem", "happening", "needs"]);
    let errs = GoalForm {
        problem: "crime_asb".into(),
        measure: "offending_and_asb".into(),
        goal: "Fewer call-outs".into(),
        owner: "Police".into(),
        ..GoalForm::default()
    }
    .check(&frame, &OutcomeMeasures::shipped())
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["action", "due"], "a half-given first action");
    let errs = GoalForm {
        problem: "crime_asb".into(),
        measure: "pupils_below_85_attendance".into(),
        goal: "Fewer call-outs".into(),
        ..GoalForm::default()
    }
    .check(&frame, &OutcomeMeasures::shipped())
    .unwrap_err();
    assert_eq!(
        errs,
        vec![(
            "measure".to_string(),
            "Select a measure of the Outcomes Plan for the goal's problem".to_string()
        )],
        "a measure of another problem"
    );
    assert!(GoalForm {
        problem: "crime_asb".into(),
        measure: "offending_and_asb".into(),
        goal: "Fewer call-outs".into(),
        ..GoalForm::default()
    }
    .check(&frame, &OutcomeMeasures::shipped())
    .is_ok());
    let errs = TeamForm {
        name: "Sam".into(),
        agency: "School".into(),
        role: "Nurse".into(),
        from: "2 2 2026".into(),
        to: "1 2 2026".into(),
    }
    .check()
    .unwrap_err();
    assert_eq!(errs[0].0, "to");
    let errs = ActionChangeForm {
        action: " ".into(),
        owner: "School".into(),
        due: "31 2 2026".into(),
        change_reason: "x".repeat(NOTE_LIMIT + 1),
        seen: String::new(),
    }
    .check()
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["action", "due", "change_reason"]);
    assert_eq!(
        RemoveForm::default().check().unwrap_err()[0],
        (
            "remove_reason".to_string(),
            "Enter why it is being removed".to_string()
        )
    );
    assert_eq!(TeamEndForm::default().check().unwrap_err()[0].0, "to");
    assert!(GoalChangeForm {
        goal: "Every day".into(),
        ..GoalChangeForm::default()
    }
    .check()
    .is_ok());
    let m = ProgressMeasures::shipped();
    let mut positions = BTreeMap::new();
    positions.insert("housing".to_string(), "9".to_string());
    let errs = ProgressForm {
        stage: "start".into(),
        read_on: "1 2 2026".into(),
        positions,
    }
    .check(&m)
    .unwrap_err();
    assert_eq!(errs[0].0, "position_housing");
}
