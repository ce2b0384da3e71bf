//! What a run says of a family that is the same for every viewer who may open it: the
//! evidence for its problems with the partner records behind it, the timeline of its
//! members' records and the agencies involved, with the family page's part for them
//! rendered once (`family_facts.html`).
//!
//! Facts only: no names, dates of birth or addresses (so the server keeps them per run).
//! The partners' references to their own rows — reference attributes ([`is_reference`])
//! and the file name and row of each record — are kept only in the variant for roles that
//! may see identifiers: both variants are built together and kept together
//! ([`FamilyFacts::shown`] picks one), so a viewer who may not see references never gets
//! them from the cache. Who may see which is decided elsewhere (`access`).

use crate::labels::{agency_label, problem_label};
use hearth_store::{EvidenceRow, RecordTrail, RunLabels};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whether a record's attribute is a partner's reference (an identifier of a row, a case
/// or a person in the partner's own files, e.g. `occurrence_ref`, `tenancy_ref`) rather
/// than a fact: the one rule, by the attribute's name as mappings name them (`ref`,
/// `reference`, `id`, or ending `_ref`, `_reference`, `_id`, `_number`, `_no`): a new
/// mapping names its references so, and its facts otherwise.
pub(crate) fn is_reference(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "ref" | "reference" | "id")
        || ["_ref", "_reference", "_id", "_number", "_no"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// A partner record behind a piece of evidence (facts only; the file and row only for
/// roles that may see references).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Trail {
    pub record_id: i64,
    pub source: String,
    /// The agency, for people.
    pub agency: String,
    pub event_type: String,
    pub event_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_row: Option<u64>,
    pub attributes: String,
}

/// One indicator met by one person.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Evidence {
    pub indicator_key: String,
    /// What the indicator means, in the rules' words (its key in plain words when the run
    /// has none), e.g. `A child with a child in need (CIN) episode open …`.
    pub description: String,
    pub person_id: i64,
    pub value: Option<f64>,
    /// The value measured, for people, where it says more than "met" (e.g. `12.5`); `None`
    /// for a plain yes (1).
    pub measured: Option<String>,
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

/// A family's facts as one viewer sees them: with the partners' references (for roles that
/// may see identifiers) or without.
///
/// Each is kept as a template value (a [`ProblemEvidence`], [`Event`] or [`Agency`] list),
/// converted once: a page passes it on as it is (shared, not copied) instead of converting
/// a long timeline on every view, and the API serialises it as JSON all the same.
///
/// The family page's part for them (`family_facts.html`) is rendered once too: it holds no
/// identifiers and nothing else that depends on the viewer.
#[derive(Debug, Clone)]
pub(crate) struct FactsShown {
    pub problems: minijinja::Value,
    pub timeline: minijinja::Value,
    pub team: minijinja::Value,
    /// `family_facts.html` rendered (safe strings), one per part of the family's pages.
    pub html: FactsHtml,
    /// The problems whose every piece of evidence was withheld (facts from restricted
    /// records only): left out of the family's problem list too.
    pub withheld_problems: BTreeSet<String>,
}

/// The family pages' parts rendered from `family_facts.html`: each sub-page shows one.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactsHtml {
    /// The agencies whose records name the members.
    pub team: minijinja::Value,
    /// The problems and their evidence.
    pub problems: minijinja::Value,
    /// Every partner record of the members.
    pub timeline: minijinja::Value,
}

/// What a run says of a family that is the same for every viewer who may open it, in its
/// two variants (with references and facts only): kept per run (see
/// `state::Caches::family_facts`), with the restrictions of processing in force when it
/// was read (the store's filter, `Store::family_view`, left their people's facts out): a
/// later view under other restrictions reads the evidence again.
#[derive(Debug, Clone)]
pub(crate) struct FamilyFacts {
    with_references: FactsShown,
    facts_only: FactsShown,
    /// The restrictions in force when it was read (their keys).
    restrictions: BTreeSet<i64>,
}

impl FamilyFacts {
    /// From a family's evidence, the records it cites and the members' records
    /// (`record_people`: (record key, person) of each), with the page's part rendered by
    /// `templates`; read under `restricted` (see [`FamilyFacts::read_under`]).
    pub(crate) fn new(
        evidence: Vec<EvidenceRow>,
        trails: Vec<RecordTrail>,
        record_people: &[(i64, i64)],
        labels: &RunLabels,
        templates: &minijinja::Environment<'_>,
        restricted: Withheld,
    ) -> Result<FamilyFacts, minijinja::Error> {
        let mut facts = FamilyFacts {
            restrictions: restricted.restrictions,
            facts_only: FactsShown::new(
                evidence.clone(),
                &trails,
                record_people,
                labels,
                templates,
                false,
            )?,
            with_references: FactsShown::new(
                evidence,
                &trails,
                record_people,
                labels,
                templates,
                true,
            )?,
        };
        facts.facts_only.withheld_problems = restricted.problems.clone();
        facts.with_references.withheld_problems = restricted.problems;
        Ok(facts)
    }

    /// The restrictions of processing in force when the facts were read (their keys).
    pub(crate) fn read_under(&self) -> &BTreeSet<i64> {
        &self.restrictions
    }

    /// The variant a viewer sees: with the partners' references only if `references`.
    pub(crate) fn shown(&self, references: bool) -> FactsShown {
        if references {
            self.with_references.clone()
        } else {
            self.facts_only.clone()
        }
    }
}

/// What the store's filter withheld from a family's facts: under which restrictions, and
/// which problems lost all their evidence.
#[derive(Debug, Clone, Default)]
pub(crate) struct Withheld {
    /// The restrictions in force (their keys).
    pub restrictions: BTreeSet<i64>,
    /// The problems whose every piece of evidence was withheld.
    pub problems: BTreeSet<String>,
}

impl FactsShown {
    fn new(
        evidence: Vec<EvidenceRow>,
        trails: &[RecordTrail],
        record_people: &[(i64, i64)],
        labels: &RunLabels,
        templates: &minijinja::Environment<'_>,
        references: bool,
    ) -> Result<FactsShown, minijinja::Error> {
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
                    details: readable_attributes(&t.attributes, references),
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
        let problems =
            minijinja::Value::from_serialize(group_evidence(evidence, trails, labels, references));
        let timeline = minijinja::Value::from_serialize(&timeline);
        let team = minijinja::Value::from_serialize(&team);
        let template = templates.get_template("family_facts.html")?;
        let part = |part: &str| {
            template
                .render(minijinja::context! {
                    part => part,
                    facts => minijinja::context! {
                        problems => &problems, timeline => &timeline, team => &team, references => references,
                    },
                })
                .map(minijinja::Value::from_safe_string)
        };
        let html = FactsHtml {
            team: part("team")?,
            problems: part("problems")?,
            timeline: part("timeline")?,
        };
        Ok(FactsShown {
            problems,
            timeline,
            team,
            html,
            withheld_problems: BTreeSet::new(),
        })
    }
}

/// The marker a person is written as in the cached part of the page (`<!--person:101-->`):
/// a comment, which no escaped partner text can contain (its `<` would be `&lt;`).
const PERSON_MARKER: &str = "<!--person:";

/// The cached part of the page (`family_facts.html`, rendered once per run with a marker
/// for each person) with each person as this viewer may see them: their name (`names`, for
/// roles that may see identifiers: read for this request, never cached), else `Person 101`.
/// Names are escaped here; a marker for a person not in `names` reads `Person 101`.
pub(crate) fn name_people(html: &str, names: &BTreeMap<i64, String>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find(PERSON_MARKER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PERSON_MARKER.len()..];
        let Some(end) = after.find("-->") else {
            out.push_str(&rest[at..]);
            return out;
        };
        match after[..end].parse::<i64>() {
            Ok(id) => match names.get(&id) {
                Some(name) => escape_into(&mut out, name),
                None => out.push_str(&format!("Person {id}")),
            },
            Err(_) => out.push_str(&rest[at..at + PERSON_MARKER.len() + end + 3]),
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

/// A run's evidence for one family, grouped by problem, with the records behind it (their
/// files, rows and reference attributes only if `references`): the same for every viewer
/// who may open the family (so it is cached per run, see `state::Caches::family_facts`).
pub(crate) fn group_evidence(
    evidence: Vec<EvidenceRow>,
    trails: &[RecordTrail],
    labels: &RunLabels,
    references: bool,
) -> Vec<ProblemEvidence> {
    let trails: HashMap<i64, Trail> = trails
        .iter()
        .map(|t| {
            (
                t.record_id.0,
                Trail {
                    record_id: t.record_id.0,
                    source: t.source.clone(),
                    agency: agency_label(labels, &t.source),
                    event_type: t.event_type.replace('_', " "),
                    event_date: t.event_date.map(|d| d.to_string()),
                    file_name: references.then(|| t.file_name.clone()),
                    source_row: references.then_some(t.source_row),
                    attributes: readable_attributes(&t.attributes, references),
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
                description: indicator_label(labels, &e.indicator_key),
                measured: e.value.filter(|v| (v - 1.0).abs() > 1e-9).map(measured),
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

/// An indicator in the words of the run's rules, or its key in plain words
/// (`children_need_help.child_in_need` → `Child in need`).
fn indicator_label(labels: &RunLabels, key: &str) -> String {
    match labels.indicators.get(key) {
        Some(d) if !d.is_empty() => d.clone(),
        _ => {
            let s = key.rsplit('.').next().unwrap_or(key).replace('_', " ");
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// A number as people write it: `29` rather than `29.0`, at most two decimals.
/// An indicator's measured value as people read it: a share (a ratio of sessions missed,
/// the only values between 0 and 1 the rules measure) as a percentage, `33%` not `0.33`;
/// anything else as a number.
fn measured(v: f64) -> String {
    if v > 0.0 && v < 1.0 {
        format!("{}%", number((v * 1000.0).round() / 10.0))
    } else {
        number(v)
    }
}

fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A record's attributes (a JSON object) as plain `name: value` pairs that wrap on a page
/// (`sessions missed: 29`; a yes/no as `permanent exclusion: yes` / `no`); the references
/// ([`is_reference`]) only if `references`. Attributes that are not a JSON object are shown
/// only with references (they cannot be told apart).
fn readable_attributes(json: &str, references: bool) -> String {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json) {
        Ok(map) => map
            .iter()
            .filter(|(k, _)| references || !is_reference(k))
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Bool(true) => "yes".into(),
                    serde_json::Value::Bool(false) => "no".into(),
                    serde_json::Value::Number(n) => {
                        n.as_f64().map_or_else(|| n.to_string(), number)
                    }
                    other => other.to_string(),
                };
                format!("{}: {v}", k.replace('_', " "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(_) if references => json.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_share_is_a_percentage_and_a_count_a_number() {
        assert_eq!(super::measured(0.33), "33%");
        assert_eq!(super::measured(0.125), "12.5%");
        assert_eq!(super::measured(4.0), "4");
        assert_eq!(super::measured(12.5), "12.5");
    }

    #[test]
    fn people_are_named_for_the_viewer_and_escaped() {
        let html = "<p>Child in need: <!--person:101--></p><td><!--person:102--></td><!--x-->";
        let mut names = std::collections::BTreeMap::new();
        names.insert(101, "Jo <b>O'Neil</b>".to_string());
        assert_eq!(
            super::name_people(html, &names),
            "<p>Child in need: Jo &lt;b&gt;O&#x27;Neil&lt;/b&gt;</p><td>Person 102</td><!--x-->"
        );
        assert_eq!(
            super::name_people(html, &Default::default()),
            "<p>Child in need: Person 101</p><td>Person 102</td><!--x-->"
        );
        assert_eq!(
            super::name_people("a <!--person:7", &names),
            "a <!--person:7"
        );
    }

    #[test]
    fn attributes_read_as_pairs() {
        assert_eq!(
            super::readable_attributes(r#"{"benefit_type":"ESA","sessions_missed":29.0}"#, true),
            "benefit type: ESA; sessions missed: 29"
        );
        assert_eq!(
            super::readable_attributes(r#"{"permanent_exclusion":false,"rate":12.5}"#, true),
            "permanent exclusion: no; rate: 12.5"
        );
        assert_eq!(super::readable_attributes("not json", true), "not json");
    }

    #[test]
    fn indicators_read_in_the_rules_words_or_plain_words() {
        let mut labels = hearth_store::RunLabels::default();
        labels.indicators.insert(
            "children_need_help.child_in_need".into(),
            "A child with a child in need (CIN) episode open".into(),
        );
        assert_eq!(
            super::indicator_label(&labels, "children_need_help.child_in_need"),
            "A child with a child in need (CIN) episode open"
        );
        assert_eq!(
            super::indicator_label(&labels, "health.mental_health"),
            "Mental health"
        );
        assert_eq!(super::number(1.0), "1");
        assert_eq!(super::number(0.25), "0.25");
        assert_eq!(super::number(12.50), "12.5");
    }

    #[test]
    fn references_are_kept_only_when_asked_for() {
        let json = r#"{"incident_category":"ASB","occurrence_ref":"OCC-7781","tenancy_ref":"T-1"}"#;
        assert_eq!(
            super::readable_attributes(json, true),
            "incident category: ASB; occurrence ref: OCC-7781; tenancy ref: T-1"
        );
        assert_eq!(
            super::readable_attributes(json, false),
            "incident category: ASB"
        );
        assert_eq!(super::readable_attributes("not json", false), "");
    }

    #[test]
    fn the_shipped_mappings_references_are_references_and_their_facts_are_not() {
        for name in [
            "occurrence_ref",
            "tenancy_ref",
            "reference",
            "person_id",
            "case_number",
        ] {
            assert!(super::is_reference(name), "{name}");
        }
        for name in [
            "incident_category",
            "arrears_balance",
            "sessions_missed",
            "notice_type",
            "episode_type",
            "proven",
            "outcome",
            "fixed_term_exclusions",
            "unauthorised_absences",
            "academic_year",
        ] {
            assert!(!super::is_reference(name), "{name}");
        }
    }
}
