//! A person's rights against the store (issue 13): partner rows of erased people kept out of
//! an import (quarantined as "erased on <date>", their cells not kept), restricted records left
//! out of linkage, objections kept with their person after each link, and the subject access
//! document (the store's [`SubjectAccess`] with each source's data sharing agreement and
//! lawful basis from its mapping) as JSON or a printable page (`html`).
//!
//! It holds no rule: the keyed hashes and the coverage are the store's, the checks of a
//! request `hearth_governance::rights`.

mod html;
mod pack;
pub mod requests;

pub use html::{render_html, subject_name};
pub use pack::{pack, KeyWords, Pack, PackSection};

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use hearth_intake::{FileImport, Mapping, Sharing};
use hearth_model::{ImportedRow, QuarantinedRow};
use hearth_store::{KeyFields, SarSubject, Store, Tombstones};
use serde::Serialize;

/// The reason a re-imported row of an erased person is quarantined with.
pub fn erased_reason(on: NaiveDate) -> String {
    format!("erased on {on}: this person's data was erased; the row is not imported")
}

/// Moves the rows of erased people from `import.rows` to its quarantined rows (with no cells:
/// nothing of theirs is kept) and corrects its summary. Returns how many.
pub(crate) fn quarantine_erased(store: &mut Store, import: &mut FileImport) -> Result<usize> {
    let tombstones = store.tombstones()?;
    if tombstones.is_empty() {
        return Ok(0);
    }
    let source = import.source.clone();
    let rows = std::mem::take(&mut import.rows);
    let mut erased = 0;
    for row in rows {
        match erased_on(&tombstones, &source, &row) {
            Some(on) => {
                erased += 1;
                import.quarantined.push(QuarantinedRow {
                    source_row: row.source_row,
                    field: None,
                    reason: erased_reason(on),
                    raw: Vec::new(),
                });
            }
            None => import.rows.push(row),
        }
    }
    if erased > 0 {
        import.quarantined.sort_by_key(|q| q.source_row);
        import.summary.rows_imported -= erased as u64;
        import.summary.rows_quarantined += erased as u64;
        tracing::info!(source = %source, rows = erased, "rows of erased people quarantined");
    }
    Ok(erased)
}

/// The day the person a partner row names was erased, if they were.
fn erased_on(tombstones: &Tombstones, source: &str, row: &ImportedRow) -> Option<NaiveDate> {
    let i = &row.identity;
    let dob = i.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string());
    tombstones.erased_on(&KeyFields {
        source,
        source_person_id: i.source_person_id.as_deref(),
        given_name: i.given_name.as_deref(),
        family_name: i.family_name.as_deref(),
        full_name: i.full_name.as_deref(),
        date_of_birth: dob.as_deref(),
        nhs_number: i.nhs_number.as_ref().map(|n| n.as_str()),
        ni_number: i.ni_number.as_ref().map(|n| n.as_str()),
    })
}

/// A partner source as a subject access request shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSharing {
    /// The source's key.
    pub source: String,
    /// Its name for people.
    pub name: Option<String>,
    /// Its data sharing agreement and lawful basis, if its mapping names them.
    pub sharing: Option<Sharing>,
    /// Whether the agreement's review date has passed.
    pub review_overdue: bool,
}

/// Everything held on a person, with each source's agreement and lawful basis.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectAccessDocument {
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// Who made it.
    pub made_by: String,
    /// The sources their records came from, with the agreement and lawful basis of each.
    pub sources: Vec<SourceSharing>,
    /// What the store holds, ready to read.
    pub held: Pack,
}

/// The register of data sharing agreements: every mapping's source with its agreement.
pub fn sharing_register(mappings: &[Mapping], today: NaiveDate) -> Vec<SourceSharing> {
    let mut out: Vec<SourceSharing> = mappings
        .iter()
        .map(|m| SourceSharing {
            source: m.source().to_string(),
            name: m.name().map(str::to_string),
            sharing: m.sharing().cloned(),
            review_overdue: m.sharing().is_some_and(|s| s.review_overdue(today)),
        })
        .collect();
    out.sort_by(|a, b| a.source.cmp(&b.source));
    out
}

/// The subject access document for `subject` (a linked person, people named in referrals,
/// or both), or `None` when the store holds nothing on them. The caller audits the read.
pub fn subject_access(
    store: &mut Store,
    subject: &SarSubject,
    mappings: &[Mapping],
    made_by: &str,
    now: DateTime<Utc>,
) -> Result<Option<SubjectAccessDocument>> {
    let Some(held) = store.subject_access_of(subject)? else {
        return Ok(None);
    };
    let register = sharing_register(mappings, now.date_naive());
    let sources = held
        .sources
        .iter()
        .map(|s| {
            register
                .iter()
                .find(|r| &r.source == s)
                .cloned()
                .unwrap_or(SourceSharing {
                    source: s.clone(),
                    name: None,
                    sharing: None,
                    review_overdue: false,
                })
        })
        .collect();
    Ok(Some(SubjectAccessDocument {
        made_at: now,
        made_by: made_by.to_string(),
        sources,
        held: pack(&held, &key_words(store)?),
    }))
}

/// The latest identification run's words for the rules' keys: each headline problem's label,
/// each indicator's description after its problem's label.
fn key_words(store: &mut Store) -> Result<pack::KeyWords> {
    let Some(run) = store.identification_runs()?.pop() else {
        return Ok(pack::KeyWords::new());
    };
    let labels = run.labels;
    let mut words: pack::KeyWords = labels
        .problems
        .iter()
        .map(|(k, p)| (k.clone(), p.label.clone()))
        .collect();
    for (key, description) in labels.indicators {
        let problem = key.split('.').next().and_then(|p| words.get(p)).cloned();
        let said = match problem {
            Some(p) if !description.is_empty() => format!("{p}: {description}"),
            _ => description,
        };
        if !said.is_empty() {
            words.insert(key, said);
        }
    }
    Ok(words)
}

/// Who a request is about, as the officer gives it: a person ID, an NHS number, or a name
/// (every word must appear) with a date of birth.
#[derive(Debug, Clone, Default)]
pub struct PersonLookup {
    /// The person's ID.
    pub person: Option<i64>,
    /// An NHS number (spaces and dashes ignored).
    pub nhs_number: Option<String>,
    /// A unique pupil number (as `hearth_model::Upn` writes it).
    pub upn: Option<String>,
    /// Words of the name.
    pub name: Option<String>,
    /// Words of the middle names, with the name.
    pub middle_name: Option<String>,
    /// The date of birth, with the name.
    pub date_of_birth: Option<NaiveDate>,
}

/// Whom a [`PersonLookup`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Exactly one person.
    One(i64),
    /// Nobody.
    Nobody,
    /// Several people: their IDs.
    Many(Vec<i64>),
}

/// Finds the person a request means (the people of the latest linkage run).
pub fn find_person(store: &mut Store, lookup: &PersonLookup) -> Result<Found> {
    if let Some(p) = lookup.person {
        return Ok(Found::One(p));
    }
    let words = |n: Option<&str>| -> Vec<String> {
        n.map(|n| n.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let query = hearth_store::PeopleQuery {
        name_words: words(lookup.name.as_deref()),
        middle_words: words(lookup.middle_name.as_deref()),
        nhs_number: lookup
            .nhs_number
            .as_deref()
            .map(|n| n.replace([' ', '-'], "")),
        upn: lookup.upn.clone(),
    };
    let mut found = store.find_people(&query)?;
    if let Some(dob) = lookup.date_of_birth {
        let ids = store.person_identities(&found)?;
        found.retain(|p| {
            ids.iter()
                .any(|i| i.person_id == *p && i.date_of_birth == Some(dob))
        });
    }
    Ok(match found.as_slice() {
        [p] => Found::One(*p),
        [] => Found::Nobody,
        many => Found::Many(many.to_vec()),
    })
}

/// Whom a subject access request found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FoundSubject {
    /// One subject: a linked person, people named in referrals written alike, or both.
    One(SarSubject),
    /// Nobody, in the linked data or in referrals.
    Nobody,
    /// Several linked people: their IDs.
    Many(Vec<i64>),
}

/// Finds whom a subject access request means: the linked people as [`find_person`] does,
/// the rows set aside at import (the quarantine) that give the numbers, or the name with
/// the date of birth, asked for, and, by name and date of birth, the people named in referrals (whether or not they were
/// ever linked: a referral returned, or accepted before the next linkage run). A referral
/// member matched to the person found, or to nobody, is the same subject.
pub fn find_subject(store: &mut Store, lookup: &PersonLookup) -> Result<FoundSubject> {
    let people = find_person(store, lookup)?;
    let named = match (&lookup.name, lookup.date_of_birth) {
        (Some(name), Some(dob)) if lookup.person.is_none() => {
            let words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
            store.referral_members_named(&words, dob)?
        }
        _ => Vec::new(),
    };
    let person = match people {
        Found::Many(ids) => return Ok(FoundSubject::Many(ids)),
        Found::One(p) => Some(p),
        Found::Nobody => {
            let mut matched: Vec<i64> = named.iter().filter_map(|m| m.person).collect();
            matched.sort_unstable();
            matched.dedup();
            match matched.as_slice() {
                [] => None,
                [p] => Some(*p),
                _ => return Ok(FoundSubject::Many(matched)),
            }
        }
    };
    // A member nobody was matched to is this subject only when written exactly as typed
    // (letters and digits, any case), so that Anne's referral is not in Ann's pack.
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let typed = letters(lookup.name.as_deref().unwrap_or_default());
    let mine: Vec<&hearth_store::NamedMember> = named
        .iter()
        .filter(|m| match m.person {
            Some(p) => Some(p) == person,
            None => {
                let mut parts = m.match_key.split('|');
                let written = format!(
                    "{}{}",
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default()
                );
                letters(&written) == typed
            }
        })
        .collect();
    // Rows set aside at import name people too: by the numbers or the name with the date
    // of birth given (the subject's own records' identifiers find theirs as the pack is read).
    let typed = hearth_store::QuarantineQuery {
        names: match (&lookup.name, &lookup.middle_name, lookup.date_of_birth) {
            (Some(name), middle, Some(dob)) if lookup.person.is_none() => {
                let whole = format!("{name} {}", middle.as_deref().unwrap_or_default());
                vec![(whole.trim().to_string(), dob)]
            }
            _ => Vec::new(),
        },
        numbers: lookup
            .nhs_number
            .iter()
            .chain(lookup.upn.iter())
            .cloned()
            .collect(),
    };
    let quarantined = store.quarantined_rows_naming(&typed)?;
    if person.is_none() && mine.is_empty() && quarantined.is_empty() {
        return Ok(FoundSubject::Nobody);
    }
    Ok(FoundSubject::One(SarSubject {
        person,
        referral_members: mine.iter().map(|m| (m.referral_id, m.position)).collect(),
        quarantined,
    }))
}
