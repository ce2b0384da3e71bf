//! A person's rights for the information governance officer (issue 13): the subject access
//! document (everything Hearth holds on a person, with each source's data sharing agreement
//! and lawful basis) as a printable page or JSON, and the register of data sharing
//! agreements. The document is `hearth_pipeline::rights`' — the same as `hearth sar` makes —
//! and each one made is audited with the person's key, never an identifier.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit::parse_day;
use crate::service::work_input::parse_date;
use crate::service::{audit, invalid};
use crate::state::AppState;
use hearth_pipeline::rights::{Found, FoundSubject, PersonLookup, SourceSharing};
use serde::{Deserialize, Serialize};

/// The subject access form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SarForm {
    pub person: String,
    pub nhs_number: String,
    /// Unique pupil number (a school's number for a child).
    pub upn: String,
    pub name: String,
    /// Middle names (optional, with the name): they narrow a search by name.
    pub middle_name: String,
    pub date_of_birth: String,
    /// `html` (a page to print and send) or `json`.
    pub format: String,
    /// `find`: go to the person's requests page instead of making the document.
    pub action: String,
}

/// A subject access document, ready to download.
pub(crate) struct SarFile {
    pub name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Checks the form: exactly one way of saying who, complete.
fn lookup(form: &SarForm) -> Result<PersonLookup, WebError> {
    let (person, nhs, upn, name, middle, dob) = (
        form.person.trim(),
        form.nhs_number.trim(),
        form.upn.trim(),
        form.name.trim(),
        form.middle_name.trim(),
        form.date_of_birth.trim(),
    );
    if !person.is_empty() {
        let id = person
            .parse::<i64>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| invalid("person", "Enter the person ID as a number, like 1042"))?;
        return Ok(PersonLookup {
            person: Some(id),
            ..PersonLookup::default()
        });
    }
    if !nhs.is_empty() {
        let digits: String = nhs.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                "nhs_number",
                "Enter the NHS number as 10 digits, like 485 777 3456",
            ));
        }
        return Ok(PersonLookup {
            nhs_number: Some(digits),
            ..PersonLookup::default()
        });
    }
    if !upn.is_empty() {
        let upn = hearth_model::Upn::parse(upn).map_err(|_| {
            invalid(
                "upn",
                "Enter the unique pupil number as a letter and 12 more characters, like A123456789012",
            )
        })?;
        return Ok(PersonLookup {
            upn: Some(upn.as_str().to_string()),
            ..PersonLookup::default()
        });
    }
    if !name.is_empty() || !middle.is_empty() || !dob.is_empty() {
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(("name".to_string(), "Enter the person's name".to_string()));
        }
        let date = parse_date(dob).or_else(|| parse_day(dob).map(|d| d.date_naive()));
        if date.is_none() {
            errors.push((
                "date_of_birth".to_string(),
                "Enter the date of birth as a real date, like 27 3 2011".to_string(),
            ));
        }
        if !errors.is_empty() {
            return Err(WebError::Invalid(errors));
        }
        return Ok(PersonLookup {
            name: Some(name.to_string()),
            middle_name: (!middle.is_empty()).then(|| middle.to_string()),
            date_of_birth: date,
            ..PersonLookup::default()
        });
    }
    Err(invalid(
        "person",
        "Enter a person ID, an NHS number, a unique pupil number, or a name with a date of birth",
    ))
}

/// The person the form means, for their requests page (rectify, restrict, erase).
pub(crate) async fn find(state: &AppState, form: &SarForm) -> Result<i64, WebError> {
    let lookup = lookup(form)?;
    let found = state
        .store()
        .run(move |s| {
            Ok(match hearth_pipeline::rights::find_person(s, &lookup) {
                Ok(Found::One(p)) => s
                    .identifier_values(p)
                    .map(|v| {
                        if v.is_some() {
                            Found::One(p)
                        } else {
                            Found::Nobody
                        }
                    })
                    .map_err(|e| e.to_string()),
                Ok(other) => Ok(other),
                Err(e) => Err(e.to_string()),
            })
        })
        .await?
        .map_err(|e| WebError::Internal(format!("finding a person: {e}")))?;
    let field = asked_by(form);
    match found {
        Found::One(p) => Ok(p),
        Found::Many(ids) => Err(many(field, &ids)),
        Found::Nobody if field == "person" => Err(invalid(
            field,
            format!("Hearth holds no person {}", form.person.trim()),
        )),
        Found::Nobody => Err(invalid(
            field,
            "Nobody matches: check the spelling and the date of birth, or enter the person ID",
        )),
    }
}

fn asked_by(form: &SarForm) -> &'static str {
    if !form.person.trim().is_empty() {
        "person"
    } else if !form.nhs_number.trim().is_empty() {
        "nhs_number"
    } else if !form.upn.trim().is_empty() {
        "upn"
    } else {
        "name"
    }
}

fn many(field: &str, ids: &[i64]) -> WebError {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    invalid(
        field,
        format!(
            "{} people match: enter the person ID of the one meant ({})",
            ids.len(),
            ids.join(", ")
        ),
    )
}

/// Makes the subject access document for the person the form means (a linked person,
/// someone named only in referrals, or both), audited by the person's key or, for someone
/// never linked, by each referral's.
pub(crate) async fn subject_access(
    state: &AppState,
    user: &CurrentUser,
    form: &SarForm,
) -> Result<SarFile, WebError> {
    let lookup = lookup(form)?;
    let json = form.format == "json";
    let mappings = state.settings().mappings.clone();
    let by = user.user.user_name.clone();
    let now = state.now();
    let made = state
        .store()
        .run(move |s| {
            let made = match hearth_pipeline::rights::find_subject(s, &lookup) {
                Ok(FoundSubject::One(subject)) => {
                    hearth_pipeline::rights::subject_access(s, &subject, &mappings, &by, now)
                        .map(|doc| Ok((subject, doc)))
                        .map_err(|e| e.to_string())
                }
                Ok(other) => Ok(Err(other)),
                Err(e) => Err(e.to_string()),
            };
            Ok(made)
        })
        .await?
        .map_err(|e| WebError::Internal(format!("subject access: {e}")))?;
    let field = asked_by(form);
    let (subject, doc) = match made {
        Ok((subject, Some(doc))) => (subject, doc),
        Ok((subject, None)) => {
            return Err(invalid(
                field,
                format!(
                    "Hearth holds no person {}",
                    subject.person.map(|p| p.to_string()).unwrap_or_default()
                ),
            ));
        }
        Err(FoundSubject::Many(ids)) => return Err(many(field, &ids)),
        Err(_) => {
            return Err(invalid(
                field,
                "Nobody matches in the linked data, in referrals or in the rows set aside at \
                 import: check the spelling and the date of birth, or enter the person ID",
            ));
        }
    };
    let file_key = match (subject.person, doc.held.referrals.first()) {
        (Some(p), _) => format!("person-{p}"),
        (None, Some(r)) => format!("referral-{r}"),
        (None, None) => format!(
            "quarantine-{}",
            doc.held.quarantined.first().copied().unwrap_or_default()
        ),
    };
    let file = if json {
        SarFile {
            name: format!("subject-access-{file_key}.json"),
            content_type: "application/json",
            body: serde_json::to_vec_pretty(&doc)
                .map_err(|e| WebError::Internal(format!("subject access as JSON: {e}")))?,
        }
    } else {
        SarFile {
            name: format!("subject-access-{file_key}.html"),
            content_type: "text/html; charset=utf-8",
            body: hearth_pipeline::rights::render_html(&doc).into_bytes(),
        }
    };
    let detail = format!("format {}", if json { "json" } else { "html" });
    match subject.person {
        Some(p) => {
            audit::record(
                state,
                user,
                "subject access",
                ("person", p.to_string()),
                detail,
            )
            .await?
        }
        None => {
            for r in &doc.held.referrals {
                audit::record(
                    state,
                    user,
                    "subject access",
                    ("referral", r.to_string()),
                    format!("{detail}, a person named in the referral"),
                )
                .await?;
            }
            if doc.held.referrals.is_empty() {
                for q in &doc.held.quarantined {
                    audit::record(
                        state,
                        user,
                        "subject access",
                        ("quarantine", q.to_string()),
                        format!("{detail}, a person named in a row set aside at import"),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(file)
}

/// The register of data sharing agreements, one row per partner source, audited as viewed.
pub(crate) async fn register(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<SourceSharing>, WebError> {
    let rows = hearth_pipeline::rights::sharing_register(
        &state.settings().mappings,
        state.now().date_naive(),
    );
    audit::record(
        state,
        user,
        "view sharing register",
        ("sharing", "*".into()),
        format!("{} sources", rows.len()),
    )
    .await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(person: &str, nhs: &str, name: &str, dob: &str) -> SarForm {
        SarForm {
            person: person.into(),
            nhs_number: nhs.into(),
            name: name.into(),
            date_of_birth: dob.into(),
            ..SarForm::default()
        }
    }

    fn fields(e: WebError) -> Vec<String> {
        match e {
            WebError::Invalid(v) => v.into_iter().map(|(f, _)| f).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_form_needs_one_complete_way_of_saying_who() {
        assert_eq!(lookup(&form("12", "", "", "")).unwrap().person, Some(12));
        assert_eq!(
            lookup(&form("", "485 777 3456", "", ""))
                .unwrap()
                .nhs_number
                .as_deref(),
            Some("4857773456")
        );
        let l = lookup(&form("", "", "Ann Smith", "27/3/2011")).unwrap();
        assert_eq!(l.name.as_deref(), Some("Ann Smith"));
        assert_eq!(
            l.date_of_birth,
            chrono::NaiveDate::from_ymd_opt(2011, 3, 27)
        );
        assert_eq!(
            fields(lookup(&form("", "", "", "")).unwrap_err()),
            ["person"]
        );
        assert_eq!(
            fields(lookup(&form("x1", "", "", "")).unwrap_err()),
            ["person"]
        );
        assert_eq!(
            fields(lookup(&form("", "12345", "", "")).unwrap_err()),
            ["nhs_number"]
        );
        assert_eq!(
            fields(lookup(&form("", "", "Ann", "31/2/2011")).unwrap_err()),
            ["date_of_birth"]
        );
        assert_eq!(
            fields(lookup(&form("", "", "", "1/2/2011")).unwrap_err()),
            ["name"]
        );
    }
}
