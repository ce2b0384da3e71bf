//! A person's requests carried out (issue 13): rectification of an identifier (UK GDPR Art.
//! 16), restriction of processing and its lifting (Art. 18), erasure with its tombstone (Art.
//! 17). The one path for `hearth rectify`, `hearth restrict`, `hearth erase` and the
//! information governance officer's pages and API: each request is checked whole by
//! `hearth_governance::rights` (every mistake, by field, before anything is written), then
//! made in one store transaction. The audit lines' actions and details are here too, so the
//! command line and the web write the same ones (keys, the field and the ground; never a
//! value).
//!
//! The seeds' national evaluation notice (004): "You can see copies of all the data MHCLG hold
//! about you and ask for it to be corrected or deleted."

use chrono::{DateTime, NaiveDate, Utc};
use hearth_governance::rights::{self, RightsError};
use hearth_store::{
    Erased, IdentifierField, IdentifierValues, NewRectification, Rectified, Restriction,
    RightsRequest, Store, StoreError, SubjectAccess, ERASED_TABLES,
};

/// The audit action of a rectification.
pub const RECTIFY: &str = "rectify identifier";
/// The audit action of a restriction.
pub const RESTRICT: &str = "restrict processing";
/// The audit action of lifting a restriction.
pub const LIFT: &str = "lift restriction";
/// The audit action of an erasure.
pub const ERASE: &str = "erase person";

/// Why a request was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// What is wrong with it, by field (`field`, `value`, `reason`, `ground`,
    /// `received_how`); messages never echo a value.
    #[error("{}", .0.iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(&'static str, RightsError)>),
    /// The store has no records of the person.
    #[error("Hearth holds no person {0}")]
    UnknownPerson(i64),
    /// No such restriction in force (for this person, when one is named).
    #[error("there is no restriction {0} in force")]
    NoRestriction(i64),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl RequestError {
    fn from_store(e: StoreError, person: i64) -> RequestError {
        match e {
            StoreError::NotFound(_) => RequestError::UnknownPerson(person),
            other => RequestError::Store(other),
        }
    }
}

fn collect<T>(
    errors: &mut Vec<(&'static str, RightsError)>,
    field: &'static str,
    r: Result<T, RightsError>,
) -> Option<T> {
    r.map_err(|e| errors.push((field, e))).ok()
}

/// A checked rectification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    /// Which identifier.
    pub field: IdentifierField,
    /// The corrected value, normalised as the store keeps it.
    pub value: String,
    /// Why.
    pub reason: String,
}

/// Checks a rectification as typed: the field's key, the corrected value for that field
/// (`corrected_value`: a valid NHS number, a real date of birth …) and the reason.
pub fn check_rectification(
    field: &str,
    value: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<Rectification, RequestError> {
    let mut errors = Vec::new();
    let field = match IdentifierField::parse(field.trim()) {
        Some(f) => Some(f),
        None => {
            errors.push(("field", RightsError::UnknownField(field.trim().to_string())));
            None
        }
    };
    let value = field.and_then(|f| {
        collect(
            &mut errors,
            "value",
            rights::corrected_value(f.key(), value, today),
        )
    });
    let reason = collect(&mut errors, "reason", rights::reason("correction", reason));
    match (field, value, reason) {
        (Some(field), Some(value), Some(reason)) if errors.is_empty() => Ok(Rectification {
            field,
            value,
            reason,
        }),
        _ => Err(RequestError::Invalid(errors)),
    }
}

/// Corrects the identifier on every record of `person` (the next linkage run uses it).
pub fn rectify(
    store: &mut Store,
    person: i64,
    r: &Rectification,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Rectified, RequestError> {
    store
        .rectify(&NewRectification {
            person_id: person,
            field: r.field,
            value: r.value.clone(),
            reason: r.reason.clone(),
            by: by.to_string(),
            at,
        })
        .map_err(|e| RequestError::from_store(e, person))
}

/// The audit detail of a rectification: the field and counts, never a value.
pub fn rectified_detail(r: &Rectification, done: &Rectified) -> String {
    format!(
        "{} on {} records (rectification {})",
        r.field.key(),
        done.records,
        done.id
    )
}

/// A checked erasure or restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The lawful ground, as stored and shown.
    pub ground: &'static str,
    /// Why.
    pub reason: String,
    /// How the request was received (the command line does not ask).
    pub received_how: Option<String>,
}

/// Checks an erasure: a UK GDPR Art. 17(1) ground and a reason.
pub fn check_erasure(ground: &str, reason: &str) -> Result<Request, RequestError> {
    let mut errors = Vec::new();
    let g = collect(&mut errors, "ground", rights::erasure_ground(ground));
    let r = collect(&mut errors, "reason", rights::reason("erasure", reason));
    match (g, r) {
        (Some(ground), Some(reason)) => Ok(Request {
            ground,
            reason,
            received_how: None,
        }),
        _ => Err(RequestError::Invalid(errors)),
    }
}

/// Checks a restriction: an Art. 18(1) ground, a reason, and (when asked) how it was
/// received.
pub fn check_restriction(
    ground: &str,
    reason: &str,
    received_how: Option<&str>,
) -> Result<Request, RequestError> {
    let mut errors = Vec::new();
    let g = collect(&mut errors, "ground", rights::restriction_ground(ground));
    let r = collect(&mut errors, "reason", rights::reason("restriction", reason));
    let how = received_how.map(|h| collect(&mut errors, "received_how", rights::received_how(h)));
    match (g, r, errors.is_empty()) {
        (Some(ground), Some(reason), true) => Ok(Request {
            ground,
            reason,
            received_how: how.flatten(),
        }),
        _ => Err(RequestError::Invalid(errors)),
    }
}

fn rights_request(person: i64, r: &Request, by: &str, at: DateTime<Utc>) -> RightsRequest {
    RightsRequest {
        person_id: person,
        reason: r.reason.clone(),
        ground: r.ground.to_string(),
        by: by.to_string(),
        at,
    }
}

/// Restricts `person`'s processing; returns the restriction's key.
pub fn restrict(
    store: &mut Store,
    person: i64,
    r: &Request,
    by: &str,
    at: DateTime<Utc>,
) -> Result<i64, RequestError> {
    let request = rights_request(person, r, by, at);
    match &r.received_how {
        Some(how) => store.restrict_as_received(&request, how),
        None => store.restrict(&request),
    }
    .map_err(|e| RequestError::from_store(e, person))
}

/// The audit details of a restriction: one line on the person, one on the restriction.
pub fn restricted_details(r: &Request, id: i64) -> (String, String) {
    (
        format!("{}; restriction {id}", r.ground),
        r.ground.to_string(),
    )
}

/// Why a restriction is lifted and how that request came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifting {
    /// Why.
    pub reason: String,
    /// How the request was received.
    pub received_how: String,
}

/// Checks a lifting: a reason and how it was received.
pub fn check_lifting(reason: &str, received_how: &str) -> Result<Lifting, RequestError> {
    let mut errors = Vec::new();
    let r = collect(&mut errors, "reason", rights::reason("lifting", reason));
    let h = collect(
        &mut errors,
        "received_how",
        rights::received_how(received_how),
    );
    match (r, h) {
        (Some(reason), Some(received_how)) => Ok(Lifting {
            reason,
            received_how,
        }),
        _ => Err(RequestError::Invalid(errors)),
    }
}

/// Lifts restriction `id`: the person is shown again at once (the store puts them back),
/// and the next linkage run processes the records again. With `of`, the restriction must be
/// that person's, and why and how are kept.
pub fn lift(
    store: &mut Store,
    id: i64,
    of: Option<(i64, &Lifting)>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), RequestError> {
    let lifted = match of {
        Some((person, l)) => {
            store.lift_restriction_of(person, id, by, at, &l.reason, &l.received_how)
        }
        None => store.lift_restriction(id, by, at),
    }
    .map_err(RequestError::Store)?;
    if lifted {
        Ok(())
    } else {
        Err(RequestError::NoRestriction(id))
    }
}

/// Erases `person`, keeping the tombstone that quarantines a re-import of their rows.
pub fn erase(
    store: &mut Store,
    person: i64,
    r: &Request,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Erased, RequestError> {
    store
        .erase(&rights_request(person, r, by, at))
        .map_err(|e| RequestError::from_store(e, person))
}

/// The audit detail of an erasure: the ground and counts.
pub fn erased_detail(r: &Request, done: &Erased) -> String {
    format!(
        "{}; {} records (erasure {})",
        r.ground, done.records, done.id
    )
}

/// A person as the officer's pages show them before a request: the identifiers held now and
/// their restrictions.
#[derive(Debug, Clone)]
pub struct PersonHeld {
    /// The identifiers, field by field.
    pub identifiers: IdentifierValues,
    /// Their restrictions, oldest first.
    pub restrictions: Vec<Restriction>,
}

/// What Hearth holds on `person` for the request pages; `None` when it holds nothing.
pub fn person_held(store: &mut Store, person: i64) -> Result<Option<PersonHeld>, StoreError> {
    let Some(identifiers) = store.identifier_values(person)? else {
        return Ok(None);
    };
    Ok(Some(PersonHeld {
        identifiers,
        restrictions: store.restrictions(person)?,
    }))
}

/// One table's rows about the person: what an erasure removes, or keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureLine {
    /// The table, in plain English.
    pub title: String,
    /// Rows about the person.
    pub rows: usize,
}

/// What erasing a person would remove and keep (counts only), for the confirmation step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasurePreview {
    /// Partner records (identity and facts) removed.
    pub records: usize,
    /// The partner sources they came from.
    pub sources: Vec<String>,
    /// The families they are in.
    pub families: Vec<i64>,
    /// Tables whose rows about them go.
    pub removed: Vec<ErasureLine>,
    /// Tables whose rows about them stay (case records, registers, the audit log).
    pub kept: Vec<ErasureLine>,
}

/// What an erasure of `person` would do, from the subject access register; `None` when
/// Hearth holds nothing on them.
pub fn erasure_preview(
    store: &mut Store,
    person: i64,
) -> Result<Option<ErasurePreview>, StoreError> {
    Ok(store.subject_access(person)?.map(|held| preview(&held)))
}

fn preview(held: &SubjectAccess) -> ErasurePreview {
    let (mut removed, mut kept) = (Vec::new(), Vec::new());
    for s in held.sections.iter().filter(|s| !s.rows.is_empty()) {
        let line = ErasureLine {
            title: s.title.clone(),
            rows: s.rows.len(),
        };
        if ERASED_TABLES.contains(&s.table.as_str()) {
            removed.push(line);
        } else {
            kept.push(line);
        }
    }
    ErasurePreview {
        records: held.records.len(),
        sources: held.sources.clone(),
        families: held.families.clone(),
        removed,
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn fields(e: RequestError) -> Vec<&'static str> {
        match e {
            RequestError::Invalid(v) => v.into_iter().map(|(f, _)| f).collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn every_mistake_in_a_request_is_named_by_its_field() {
        let r = check_rectification("nhs_number", "943 476 5919", " seen ", today()).unwrap();
        assert_eq!(
            (r.value.as_str(), r.reason.as_str()),
            ("9434765919", "seen")
        );
        assert_eq!(
            fields(check_rectification("nhs_number", "943 476 5918", "", today()).unwrap_err()),
            ["value", "reason"]
        );
        assert_eq!(
            fields(check_rectification("sex", "F", "x", today()).unwrap_err()),
            ["field"]
        );
        assert_eq!(
            check_rectification("date_of_birth", "01/09/2025", "x", today())
                .unwrap()
                .value,
            "2025-09-01"
        );
        assert_eq!(
            fields(check_erasure("18-1-a", "").unwrap_err()),
            ["ground", "reason"]
        );
        assert_eq!(
            fields(check_restriction("18-1-a", "x", Some(" ")).unwrap_err()),
            ["received_how"]
        );
        assert!(check_restriction("18-1-a", "x", None).is_ok());
        assert_eq!(
            fields(check_lifting(&"x".repeat(2001), "").unwrap_err()),
            ["reason", "received_how"]
        );
    }
}
