//! What a run says of a family that is the same for every viewer who may open it: the
//! evidence for its problems with the partner records behind it, the timeline of its
//! members' records and the agencies involved, with the family page's part for them
//! rendered once (`family_facts.html`).
//!
//! Facts only: no names, dates of birth or addresses, and nothing that depends on who is
//! looking (so the server keeps them per run). Who may see them is decided elsewhere.

use crate::labels::{agency_label, problem_label};
use hearth_store::{EvidenceRow, RecordTrail, RunLabels};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A partner record behind a piece of evidence (facts only).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Trail {
    pub record_id: i64,
    pub source: String,
    pub event_type: String,
    pub event_date: Option<String>,
    pub file_name: String,
    pub source_row: u64,
    pub attributes: String,
}

/// One indicator met by one person.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Evidence {
    pub indicator_key: String,
    pub person_id: i64,
    pub value: Option<f64>,
    pub records: Vec<Trail>,
}

/// A problem with its evidence.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProblemEvidence {
    pub key: String,
    pub label: String,
    pub evidence: Vec<Evidence>,
}

/// One partner record on a family's timeline (facts only: no identifiers).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Event {
    pub person_id: i64,
    /// `YYYY-MM-DD`, if the record has a date.
    pub date: Option<String>,
    pub source: String,
    /// The agency, for people, e.g. `Police`.
    pub agency: String,
    pub event_type: String,
    pub details: String,
}

/// An agency involved with a family: one of the partners whose records name its members.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Agency {
    pub source: String,
    /// For people, e.g. `Children's social care`.
    pub agency: String,
    /// How many of the members' records it holds, about how many members.
    pub records: usize,
    pub people: usize,
    /// Its latest record's date, `YYYY-MM-DD`.
    pub latest: Option<String>,
}

/// What a run says of a family that is the same for every viewer who may open it: kept per
/// run (see `state::Caches::family_facts`).
///
/// Each is kept as a template value (a [`ProblemEvidence`], [`Event`] or [`Agency`] list),
/// converted once: a page passes it on as it is (shared, not copied) instead of converting
/// a long timeline on every view, and the API serialises it as JSON all the same.
///
/// The family page's part for them (`family_facts.html`) is rendered once too: it holds no
/// identifiers and nothing that depends on the viewer.
#[derive(Debug, Clone)]
pub(crate) struct FamilyFacts {
    pub problems: minijinja::Value,
    pub timeline: minijinja::Value,
    pub team: minijinja::Value,
    /// `family_facts.html` rendered (a safe string).
    pub html: minijinja::Value,
}

impl FamilyFacts {
    /// From a family's evidence, the records it cites and the members' records
    /// (`record_people`: (record key, person) of each), with the page's part rendered by
    /// `templates`.
    pub(crate) fn new(
        evidence: Vec<EvidenceRow>,
        trails: Vec<RecordTrail>,
        record_people: &[(i64, i64)],
        labels: &RunLabels,
        templates: &minijinja::Environment<'_>,
    ) -> Result<FamilyFacts, minijinja::Error> {
        let person_of: HashMap<i64, i64> = record_people.iter().copied().collect();
        let mut timeline: Vec<Event> = trails
            .iter()
            .filter_map(|t| {
                Some(Event {
                    person_id: *person_of.get(&t.record_id.0)?,
                    date: t.event_date.map(|d| d.to_string()),
                    agency: agency_label(labels, &t.source),
                    source: t.source.clone(),
                    event_type: t.event_type.replace('_', " "),
                    details: readable_attributes(&t.attributes),
                })
            })
            .collect();
        // Newest first (ISO dates sort as text); undated records last.
        timeline.sort_by(|a, b| {
            (b.date.is_some(), &b.date, &a.source).cmp(&(a.date.is_some(), &a.date, &b.source))
        });
        let mut by_source: BTreeMap<&str, (usize, std::collections::BTreeSet<i64>, Option<&str>)> =
            BTreeMap::new();
        for e in &timeline {
            let entry = by_source.entry(e.source.as_str()).or_default();
            entry.0 += 1;
            entry.1.insert(e.person_id);
            if entry.2.is_none() {
                entry.2 = e.date.as_deref();
            }
        }
        let mut team: Vec<Agency> = by_source
            .into_iter()
            .map(|(source, (records, people, latest))| Agency {
                source: source.to_string(),
                agency: agency_label(labels, source),
                records,
                people: people.len(),
                latest: latest.map(str::to_string),
            })
            .collect();
        team.sort_by(|a, b| {
            b.latest
                .cmp(&a.latest)
                .then_with(|| a.source.cmp(&b.source))
        });
        let problems = minijinja::Value::from_serialize(group_evidence(evidence, trails, labels));
        let timeline = minijinja::Value::from_serialize(&timeline);
        let team = minijinja::Value::from_serialize(&team);
        let html = templates.get_template("family_facts.html")?.render(minijinja::context! {
            facts => minijinja::context! { problems => &problems, timeline => &timeline, team => &team },
        })?;
        Ok(FamilyFacts {
            problems,
            timeline,
            team,
            html: minijinja::Value::from_safe_string(html),
        })
    }
}

/// A run's evidence for one family, grouped by problem, with the records behind it: the
/// same for every viewer who may open the family (so it is cached per run, see
/// `AppState::family_evidence`).
pub(crate) fn group_evidence(
    evidence: Vec<EvidenceRow>,
    trails: Vec<RecordTrail>,
    labels: &RunLabels,
) -> Vec<ProblemEvidence> {
    let trails: HashMap<i64, Trail> = trails
        .into_iter()
        .map(|t| {
            (
                t.record_id.0,
                Trail {
                    record_id: t.record_id.0,
                    source: t.source,
                    event_type: t.event_type,
                    event_date: t.event_date.map(|d| d.to_string()),
                    file_name: t.file_name,
                    source_row: t.source_row,
                    attributes: readable_attributes(&t.attributes),
                },
            )
        })
        .collect();
    let mut grouped: Vec<ProblemEvidence> = Vec::new();
    for e in evidence {
        if grouped.last().map(|g| &g.key) != Some(&e.problem_key) {
            grouped.push(ProblemEvidence {
                label: problem_label(labels, &e.problem_key),
                key: e.problem_key.clone(),
                evidence: Vec::new(),
            });
        }
        if let Some(g) = grouped.last_mut() {
            g.evidence.push(Evidence {
                indicator_key: e.indicator_key,
                person_id: e.person_id,
                value: e.value,
                records: e
                    .record_ids
                    .iter()
                    .filter_map(|r| trails.get(r).cloned())
                    .collect(),
            });
        }
    }
    grouped
}

/// A record's attributes (a JSON object) as `key: value` pairs that wrap on a page.
fn readable_attributes(json: &str) -> String {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json) {
        Ok(map) => map
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                format!("{}: {v}", k.replace('_', " "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(_) => json.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attributes_read_as_pairs() {
        assert_eq!(
            super::readable_attributes(r#"{"benefit_type":"ESA","sessions_missed":29.0}"#),
            "benefit type: ESA; sessions missed: 29.0"
        );
        assert_eq!(super::readable_attributes("not json"), "not json");
    }
}
