//! A person's requests on the information governance officer's pages and API (issue 13):
//! correct an identifier, restrict processing, lift a restriction, erase. Every check and
//! every change is `hearth_pipeline::rights::requests`' — the same as `hearth rectify`,
//! `hearth restrict` and `hearth erase` — in one store transaction each; each is audited with
//! the person's (or restriction's) key, the field or the ground, never a value.
//!
//! Here only: the forms as typed, the GOV.UK messages for the pipeline's errors (by field,
//! never echoing a value), and the labels of the identifiers.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::service::work_input::parse_date;
use crate::state::AppState;
use hearth_governance::rights::{RightsError, ERASURE_GROUNDS, RESTRICTION_GROUNDS};
use hearth_pipeline::rights::requests::{
    self, ErasurePreview, PersonHeld, Rectification, Request, RequestError,
};
use hearth_store::{Erased, IdentifierField, Rectified};
use serde::{Deserialize, Serialize};

/// A field's label for people.
pub(crate) fn field_label(f: IdentifierField) -> &'static str {
    match f {
        IdentifierField::GivenName => "Given name",
        IdentifierField::FamilyName => "Family name",
        IdentifierField::FullName => "Full name",
        IdentifierField::DateOfBirth => "Date of birth",
        IdentifierField::Address => "Address",
        IdentifierField::Postcode => "Postcode",
        IdentifierField::NhsNumber => "NHS number",
        IdentifierField::NiNumber => "National Insurance number",
    }
}

/// The lawful grounds as forms list them: key and text.
pub(crate) fn grounds(erasure: bool) -> Vec<(&'static str, &'static str)> {
    (if erasure {
        ERASURE_GROUNDS
    } else {
        RESTRICTION_GROUNDS
    })
    .to_vec()
}

/// The rectification form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct RectifyForm {
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// The restriction and erasure forms as typed (`confirm` is the erasure's second step).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct RequestForm {
    pub ground: String,
    pub reason: String,
    pub received_how: String,
    pub confirm: String,
}

/// The lifting form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct LiftForm {
    pub restriction: String,
    pub reason: String,
    pub received_how: String,
}

/// The GOV.UK message for each of the pipeline's errors.
fn message(field: &str, e: &RightsError) -> String {
    match e {
        RightsError::UnknownField(_) => "Select the identifier to correct".into(),
        RightsError::InvalidValue { why, .. } if why == "it is empty" => {
            "Enter the corrected value".into()
        }
        RightsError::InvalidValue { why, .. } => {
            let mut w = why.clone();
            if let Some(first) = w.get(0..1) {
                w.replace_range(0..1, &first.to_uppercase());
            }
            format!("Enter a valid value: {w}")
        }
        RightsError::UnknownGround { .. } => "Select the lawful ground".into(),
        RightsError::NoReason(_) => "Enter the reason".into(),
        RightsError::NoReceived => "Enter how the request was received".into(),
        RightsError::TooLong { max, .. } if field == "reason" => {
            format!("The reason must be {max} characters or fewer")
        }
        RightsError::TooLong { max, .. } => {
            format!("How the request was received must be {max} characters or fewer")
        }
        RightsError::ControlCharacters(_) => {
            "Remove the control characters (such as tabs) from the text".into()
        }
    }
}

fn web_error(e: RequestError) -> WebError {
    match e {
        RequestError::Invalid(errors) => WebError::Invalid(
            errors
                .iter()
                .map(|(f, e)| (f.to_string(), message(f, e)))
                .collect(),
        ),
        RequestError::UnknownPerson(_) => WebError::NotFound,
        RequestError::NoRestriction(_) => WebError::Invalid(vec![(
            "restriction".into(),
            "Select a restriction of this person's that is in force".into(),
        )]),
        RequestError::Store(e) => WebError::Internal(format!("a person's request: {e}")),
    }
}

/// What Hearth holds on `person` for the request pages (404 when nothing), audited as
/// viewed (the person's key only).
pub(crate) async fn person(
    state: &AppState,
    user: &CurrentUser,
    person: i64,
) -> Result<PersonHeld, WebError> {
    let held = state
        .store()
        .run(move |s| Ok(requests::person_held(s, person)))
        .await?
        .map_err(|e| WebError::Internal(format!("a person's identifiers: {e}")))?
        .ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "view rights requests",
        ("person", person.to_string()),
        format!("{} records", held.identifiers.records),
    )
    .await?;
    Ok(held)
}

/// Checks the rectification as typed; a date of birth may be typed as people write dates
/// (27 3 2011, 27 March 2011, 01/09/2025).
pub(crate) fn check_rectification(
    form: &RectifyForm,
    today: chrono::NaiveDate,
) -> Result<Rectification, WebError> {
    let value = if form.field.trim() == IdentifierField::DateOfBirth.key() {
        parse_date(form.value.trim())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| form.value.clone())
    } else {
        form.value.clone()
    };
    requests::check_rectification(&form.field, &value, &form.reason, today).map_err(|e| {
        match web_error(e) {
            // The pipeline checks a date's form; say it as the form's hint does.
            WebError::Invalid(mut v) => {
                for (f, m) in &mut v {
                    if f == "value" && form.field.trim() == "date_of_birth" && !m.contains("future")
                    {
                        *m = "Enter the date of birth as a real date, like 27 3 2011".into();
                    }
                }
                WebError::Invalid(v)
            }
            other => other,
        }
    })
}

/// Corrects an identifier on every record of `person`, audited.
pub(crate) async fn rectify(
    state: &AppState,
    user: &CurrentUser,
    person: i64,
    form: &RectifyForm,
) -> Result<Rectified, WebError> {
    let now = state.now();
    let r = check_rectification(form, now.date_naive())?;
    let by = user.user.user_name.clone();
    let checked = r.clone();
    let done = state
        .store()
        .run(move |s| Ok(requests::rectify(s, person, &checked, &by, now)))
        .await?
        .map_err(web_error)?;
    audit::record(
        state,
        user,
        requests::RECTIFY,
        ("person", person.to_string()),
        requests::rectified_detail(&r, &done),
    )
    .await?;
    Ok(done)
}

/// Restricts `person`'s processing, audited (on the person and on the restriction).
pub(crate) async fn restrict(
    state: &AppState,
    user: &CurrentUser,
    person: i64,
    form: &RequestForm,
) -> Result<i64, WebError> {
    let r = requests::check_restriction(&form.ground, &form.reason, Some(&form.received_how))
        .map_err(web_error)?;
    let (by, now, checked) = (user.user.user_name.clone(), state.now(), r.clone());
    let id = state
        .store()
        .run(move |s| Ok(requests::restrict(s, person, &checked, &by, now)))
        .await?
        .map_err(web_error)?;
    let (on_person, on_restriction) = requests::restricted_details(&r, id);
    audit::record(
        state,
        user,
        requests::RESTRICT,
        ("person", person.to_string()),
        on_person,
    )
    .await?;
    audit::record(
        state,
        user,
        requests::RESTRICT,
        ("restriction", id.to_string()),
        on_restriction,
    )
    .await?;
    Ok(id)
}

/// Lifts one of `person`'s restrictions in force, audited. Returns its key.
pub(crate) async fn lift(
    state: &AppState,
    user: &CurrentUser,
    person: i64,
    form: &LiftForm,
) -> Result<i64, WebError> {
    let id = form.restriction.trim().parse::<i64>().ok();
    let checked = requests::check_lifting(&form.reason, &form.received_how).map_err(web_error);
    let (id, lifting) = match (id, checked) {
        (Some(id), Ok(l)) => (id, l),
        (id, checked) => {
            let mut errors = Vec::new();
            if id.is_none() {
                errors.push((
                    "restriction".to_string(),
                    "Select the restriction to lift".to_string(),
                ));
            }
            if let Err(WebError::Invalid(v)) = checked {
                errors.extend(v);
            }
            return Err(WebError::Invalid(errors));
        }
    };
    let (by, now) = (user.user.user_name.clone(), state.now());
    state
        .store()
        .run(move |s| Ok(requests::lift(s, id, Some((person, &lifting)), &by, now)))
        .await?
        .map_err(web_error)?;
    audit::record(
        state,
        user,
        requests::LIFT,
        ("restriction", id.to_string()),
        format!("person {person}"),
    )
    .await?;
    Ok(id)
}

/// Checks an erasure as typed and says what it would remove (the confirmation step).
pub(crate) async fn erasure_preview(
    state: &AppState,
    person: i64,
    form: &RequestForm,
) -> Result<(Request, ErasurePreview), WebError> {
    let r = requests::check_erasure(&form.ground, &form.reason).map_err(web_error)?;
    let preview = state
        .store()
        .run(move |s| Ok(requests::erasure_preview(s, person)))
        .await?
        .map_err(|e| WebError::Internal(format!("an erasure's preview: {e}")))?
        .ok_or(WebError::NotFound)?;
    Ok((r, preview))
}

/// What an erasure would remove, for `person` alone (the API's preview).
pub(crate) async fn preview_only(
    state: &AppState,
    person: i64,
) -> Result<ErasurePreview, WebError> {
    state
        .store()
        .run(move |s| Ok(requests::erasure_preview(s, person)))
        .await?
        .map_err(|e| WebError::Internal(format!("an erasure's preview: {e}")))?
        .ok_or(WebError::NotFound)
}

/// Erases `person` (after the confirmation step), audited.
pub(crate) async fn erase(
    state: &AppState,
    user: &CurrentUser,
    person: i64,
    form: &RequestForm,
) -> Result<Erased, WebError> {
    let r = requests::check_erasure(&form.ground, &form.reason).map_err(web_error)?;
    let (by, now, checked) = (user.user.user_name.clone(), state.now(), r.clone());
    let done = state
        .store()
        .run(move |s| Ok(requests::erase(s, person, &checked, &by, now)))
        .await?
        .map_err(web_error)?;
    audit::record(
        state,
        user,
        requests::ERASE,
        ("person", person.to_string()),
        requests::erased_detail(&r, &done),
    )
    .await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: WebError) -> Vec<(String, String)> {
        match e {
            WebError::Invalid(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_rectifications_are_told_by_field_without_echoing_the_value() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let form = |field: &str, value: &str, reason: &str| RectifyForm {
            field: field.into(),
            value: value.into(),
            reason: reason.into(),
        };
        let e = fields(
            check_rectification(&form("nhs_number", "943 476 5918", ""), today).unwrap_err(),
        );
        assert_eq!(e[0].0, "value");
        assert!(
            e[0].1.contains("check digit") && !e[0].1.contains("5918"),
            "{e:?}"
        );
        assert_eq!(e[1], ("reason".into(), "Enter the reason".into()));
        let e = fields(check_rectification(&form("", "x", "y"), today).unwrap_err());
        assert_eq!(
            e,
            [("field".into(), "Select the identifier to correct".into())]
        );
        let e = fields(check_rectification(&form("nhs_number", "Smith", "y"), today).unwrap_err());
        assert_eq!(e[0].0, "value");
        let r = check_rectification(&form("date_of_birth", "01/09/2025", "seen"), today).unwrap();
        assert_eq!(r.value, "2025-09-01");
        let r = check_rectification(&form("date_of_birth", "1 9 2025", "seen"), today).unwrap();
        assert_eq!(r.value, "2025-09-01");
        let e = fields(
            check_rectification(&form("date_of_birth", "31/02/2011", "x"), today).unwrap_err(),
        );
        assert!(e[0].1.contains("real date"), "{e:?}");
        let e = fields(
            check_rectification(
                &form("given_name", &"a".repeat(501), &"b".repeat(2001)),
                today,
            )
            .unwrap_err(),
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[1].1.contains("2000 characters or fewer"), "{e:?}");
    }
}
