//! What pages and the API show, built once for both: lists of families and a family's
//! record, cut to what the viewer's role may see.

use crate::access::{problem_label, status_label, FamilyAccess};
use crate::error::WebError;
use crate::state::{AppState, RunData};
use hearth_store::{
    EvidenceRow, FamilyAssessment, FamilyCase, FamilyView, PersonIdentity, RecordTrail, UserRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A headline problem with its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problem {
    pub key: String,
    pub label: String,
}

fn problems(keys: &[String]) -> Vec<Problem> {
    keys.iter()
        .map(|k| Problem {
            key: k.clone(),
            label: problem_label(k),
        })
        .collect()
}

/// A family in a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FamilyRow {
    pub family_id: i64,
    pub priority_rank: Option<i64>,
    pub problems: Vec<Problem>,
    pub adults: usize,
    pub children: usize,
    pub estimated_cost: f64,
    /// The cost for people, e.g. `£37,165`.
    pub cost: String,
    pub score: f64,
    pub status: String,
    pub status_label: &'static str,
    pub lead_worker_user_id: Option<i64>,
    pub lead_worker: Option<String>,
    /// The family's postcode sector (`WA7 2`), if known.
    pub area: Option<String>,
}

/// A family on a lead worker's caseload: its row, and what is due next.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseloadRow {
    #[serde(flatten)]
    pub family: FamilyRow,
    #[serde(flatten)]
    pub due: Due,
}

/// What is due next for a family's case (every field `None`: nothing is).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Due {
    /// The next step.
    pub next_step: Option<&'static str>,
    /// When it is due, `YYYY-MM-DD`.
    pub due: Option<chrono::NaiveDate>,
    /// When it is due, for people: `3 December 2026`.
    pub due_label: Option<String>,
    /// `Overdue by 3 days`, `Due today`, `Due in 5 days`.
    pub due_when: Option<String>,
    /// `overdue`, `due_soon` or `on_track`.
    pub urgency: Option<hearth_casework::Urgency>,
}

impl Due {
    /// The next step of `case` as it stands on `today`.
    pub(crate) fn of(
        case: Option<&FamilyCase>,
        today: chrono::NaiveDate,
        rules: &hearth_casework::DueRules,
    ) -> Due {
        let step = case.and_then(|c| {
            hearth_casework::next_step(
                hearth_casework::Status::parse(&c.status)?,
                c.status_since.date_naive(),
                c.assigned_at.map(|t| t.date_naive()),
                today,
                rules,
            )
        });
        Due {
            next_step: step.as_ref().map(|s| s.action),
            due: step.as_ref().map(|s| s.due),
            due_label: step.as_ref().map(|s| s.due.format("%-d %B %Y").to_string()),
            due_when: step.as_ref().map(|s| s.when()),
            urgency: step.map(|s| s.urgency),
        }
    }
}

/// Pounds, rounded, with thousands separators: `£37,165`.
pub(crate) fn pounds(v: f64) -> String {
    let n = v.round().max(0.0) as u64;
    let digits = n.to_string();
    let mut out = String::from("£");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The list's filters (a query string).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub(crate) struct Filters {
    #[serde(default)]
    pub problem: String,
    #[serde(default)]
    pub status: String,
    /// `""` any, or a postcode sector (`WA7 2`).
    #[serde(default)]
    pub area: String,
    /// `""` any, `"none"` unassigned, or a user's key.
    #[serde(default)]
    pub lead_worker: String,
    #[serde(default)]
    pub page: Option<usize>,
}

/// Hashes an integer key with one multiplication: the maps looked up for every row of a
/// list are keyed by store keys, not by anything a client chooses freely enough to matter.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = (self.0 ^ v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map by store key (family, account), quick to look up.
pub(crate) type IdMap<V> = HashMap<i64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Everything needed to describe cases: every case and every account by key.
pub(crate) struct Cases {
    pub cases: IdMap<FamilyCase>,
    pub users: IdMap<UserRecord>,
}

impl Cases {
    pub(crate) async fn load(state: &AppState) -> Result<Cases, WebError> {
        let (cases, users) = state.db(|s| Ok((s.family_cases()?, s.users()?))).await?;
        Ok(Cases {
            cases: cases.into_iter().map(|c| (c.family_id, c)).collect(),
            users: users.into_iter().map(|u| (u.id, u)).collect(),
        })
    }

    pub(crate) fn lead_workers(&self) -> Vec<&UserRecord> {
        let mut v: Vec<&UserRecord> = self
            .users
            .values()
            .filter(|u| u.active && u.role == "lead_worker")
            .collect();
        v.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        v
    }
}

/// What filters look at, cheap to build for every assessed family: rows (with their
/// strings) are built only for the families kept.
pub(crate) struct RowKey<'a> {
    pub assessment: &'a FamilyAssessment,
    pub status: &'a str,
    pub lead_worker_user_id: Option<i64>,
    /// The family's area as an index into `RunData::areas`.
    pub area: Option<u16>,
}

/// A row for every assessment of `indices` (into the run's assessments) that `keep`
/// accepts, in the order of `indices`.
pub(crate) fn family_rows(
    run: &RunData,
    cases: &Cases,
    indices: impl IntoIterator<Item = usize>,
    keep: impl Fn(&RowKey) -> bool,
) -> Vec<FamilyRow> {
    family_keys(run, cases, indices, keep)
        .iter()
        .map(|k| row(run, cases, k))
        .collect()
}

/// The filter keys of every assessment of `indices` that `keep` accepts, in the order of
/// `indices` (`run.ranked`: the eligible families in priority order): a page counts them
/// all and builds rows for the ones it shows.
pub(crate) fn family_keys<'a>(
    run: &'a RunData,
    cases: &'a Cases,
    indices: impl IntoIterator<Item = usize>,
    keep: impl Fn(&RowKey) -> bool,
) -> Vec<RowKey<'a>> {
    indices
        .into_iter()
        .filter_map(|i| {
            Some((
                run.assessments.get(i)?,
                run.area_of.get(i).copied().flatten(),
            ))
        })
        .filter_map(|(a, area)| {
            let case = cases.cases.get(&a.family_id);
            let key = RowKey {
                assessment: a,
                status: case.map_or("identified", |c| c.status.as_str()),
                lead_worker_user_id: case.and_then(|c| c.lead_worker_user_id),
                area,
            };
            keep(&key).then_some(key)
        })
        .collect()
}

/// The row shown for one family.
pub(crate) fn row(run: &RunData, cases: &Cases, key: &RowKey) -> FamilyRow {
    let a = key.assessment;
    let lead = key.lead_worker_user_id;
    let (adults, children) = run.families.get(&a.family_id).map_or((0, 0), |f| {
        let adults = f.members.iter().filter(|m| m.role == "adult").count();
        (adults, f.members.len() - adults)
    });
    FamilyRow {
        family_id: a.family_id,
        priority_rank: a.priority_rank,
        problems: problems(&a.problems),
        adults,
        children,
        estimated_cost: a.estimated_cost,
        cost: pounds(a.estimated_cost),
        score: a.score,
        status_label: status_label(key.status),
        status: key.status.to_string(),
        lead_worker_user_id: lead,
        lead_worker: lead
            .and_then(|id| cases.users.get(&id))
            .map(|u| u.display_name.clone()),
        area: key
            .area
            .and_then(|i| run.areas.get(usize::from(i)))
            .cloned(),
    }
}

/// [`Filters`] resolved against a run once per request, so that checking each family
/// compares numbers.
pub(crate) struct Resolved<'a> {
    problem: &'a str,
    status: &'a str,
    /// `None`: any area; `Some(None)`: an area none of the run's families is in.
    area: Option<Option<u16>>,
    /// `None`: anyone or no one; `Some(None)`: unassigned; `Some(Some(id))`: that account.
    lead_worker: Option<Option<i64>>,
}

impl Filters {
    /// These filters for `run`'s families.
    pub(crate) fn resolve(&self, run: &RunData) -> Resolved<'_> {
        Resolved {
            problem: &self.problem,
            status: &self.status,
            area: (!self.area.is_empty()).then(|| {
                let i = run.areas.binary_search(&self.area).ok()?;
                u16::try_from(i).ok()
            }),
            lead_worker: match self.lead_worker.as_str() {
                "" => None,
                "none" => Some(None),
                // An unknown key matches no one (not the unassigned).
                id => Some(Some(id.parse::<i64>().unwrap_or(i64::MIN))),
            },
        }
    }
}

/// A family as the families page shows it, its texts made here rather than in the template:
/// the page is the most requested, and logic in a template's loop costs more than here.
#[derive(Debug, Serialize)]
pub(crate) struct ListRow<'a> {
    pub family_id: i64,
    pub priority_rank: Option<i64>,
    /// The problems' labels, e.g. `Health, School attendance`.
    pub problems: String,
    pub area: Option<&'a str>,
    /// e.g. `2 adults, 1 child`.
    pub members: String,
    pub cost: String,
    /// The GOV.UK tag colour of the status.
    pub tag_class: &'static str,
    pub status_label: &'static str,
    pub lead_worker: Option<&'a str>,
}

/// The families page's row for one family.
pub(crate) fn list_row<'a>(run: &'a RunData, cases: &'a Cases, key: &RowKey) -> ListRow<'a> {
    let a = key.assessment;
    let (adults, children) = run.families.get(&a.family_id).map_or((0, 0), |f| {
        let adults = f.members.iter().filter(|m| m.role == "adult").count();
        (adults, f.members.len() - adults)
    });
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    ListRow {
        family_id: a.family_id,
        priority_rank: a.priority_rank,
        problems: a
            .problems
            .iter()
            .map(|p| problem_label(p))
            .collect::<Vec<_>>()
            .join(", "),
        area: key
            .area
            .and_then(|i| run.areas.get(usize::from(i)))
            .map(String::as_str),
        members: format!(
            "{}, {}",
            plural(adults, "adult", "adults"),
            plural(children, "child", "children")
        ),
        cost: pounds(a.estimated_cost),
        tag_class: status_tag_class(key.status),
        status_label: status_label(key.status),
        lead_worker: key
            .lead_worker_user_id
            .and_then(|id| cases.users.get(&id))
            .map(|u| u.display_name.as_str()),
    }
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

/// Whether a family passes the filters.
pub(crate) fn matches(key: &RowKey, f: &Resolved) -> bool {
    (f.problem.is_empty() || key.assessment.problems.iter().any(|p| p == f.problem))
        && (f.status.is_empty() || key.status == f.status)
        && f.area.is_none_or(|a| a.is_some() && key.area == a)
        && f.lead_worker.is_none_or(|l| key.lead_worker_user_id == l)
}

/// A family member as the viewer may see them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Member {
    pub person_id: i64,
    pub role: String,
    pub age: Option<i64>,
    /// Only for roles that may see identifiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

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

/// A note on the case.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Note {
    pub author: String,
    pub written_at: String,
    pub body: String,
}

/// A family's record.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FamilyDetail {
    pub family_id: i64,
    pub identification_run: i64,
    pub as_at: String,
    pub eligible: bool,
    pub priority_rank: Option<i64>,
    pub score: f64,
    pub estimated_cost: f64,
    pub cost: String,
    pub status: String,
    pub status_label: &'static str,
    pub lead_worker_user_id: Option<i64>,
    pub lead_worker: Option<String>,
    /// The family's postcode sector (`WA7 2`), if known.
    pub area: Option<String>,
    pub identifiers_shown: bool,
    pub members: Vec<Member>,
    /// Who is whose parent, as Hearth infers it.
    pub relationships: Vec<Relationship>,
    /// The [`ProblemEvidence`] list.
    pub problems: minijinja::Value,
    /// Every partner record of the members, newest first: an [`Event`] list.
    pub timeline: minijinja::Value,
    /// The agencies involved with the family (the team around it), from their records: an
    /// [`Agency`] list.
    pub team: minijinja::Value,
    /// The page's part for `problems`, `timeline` and `team`, rendered once per run.
    #[serde(skip)]
    pub facts_html: minijinja::Value,
    /// Only for roles that do casework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<Note>>,
    #[serde(flatten)]
    pub due: Due,
}

/// An inferred parent and child in a family.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Relationship {
    pub parent_person_id: i64,
    pub child_person_id: i64,
    /// Why Hearth believes it, e.g. `age gap and family name`.
    pub basis: String,
    /// Only for roles that may see identifiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_name: Option<String>,
}

/// One partner record on a family's timeline (facts only: no identifiers).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Event {
    pub person_id: i64,
    /// `YYYY-MM-DD`, if the record has a date.
    pub date: Option<String>,
    pub source: String,
    /// The agency, for people, e.g. `Police`.
    pub agency: &'static str,
    pub event_type: String,
    pub details: String,
}

/// An agency involved with a family: one of the partners whose records name its members.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Agency {
    pub source: String,
    /// For people, e.g. `Children's social care`.
    pub agency: &'static str,
    /// How many of the members' records it holds, about how many members.
    pub records: usize,
    pub people: usize,
    /// Its latest record's date, `YYYY-MM-DD`.
    pub latest: Option<String>,
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

/// What a run says of a family that is the same for every viewer who may open it: kept per
/// run (see `AppState::family_evidence`).
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
        templates: &minijinja::Environment<'_>,
    ) -> Result<FamilyFacts, minijinja::Error> {
        let person_of: HashMap<i64, i64> = record_people.iter().copied().collect();
        let mut timeline: Vec<Event> = trails
            .iter()
            .filter_map(|t| {
                Some(Event {
                    person_id: *person_of.get(&t.record_id.0)?,
                    date: t.event_date.map(|d| d.to_string()),
                    agency: agency_label(&t.source),
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
                agency: agency_label(source),
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
        let problems = minijinja::Value::from_serialize(group_evidence(evidence, trails));
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
                label: problem_label(&e.problem_key),
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

/// The most frequent value (ties: the first seen).
fn most_common<'a>(values: impl Iterator<Item = Option<String>> + 'a) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for v in values.flatten().filter(|v| !v.trim().is_empty()) {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(k, _)| k)
}

fn name_of(i: &PersonIdentity) -> Option<String> {
    match (&i.given_name, &i.family_name) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (None, Some(f)) => Some(f.clone()),
        (Some(g), None) => Some(g.clone()),
        (None, None) => i.full_name.clone(),
    }
}

/// Builds a family's record for a viewer with `access` from what was read for them
/// (`view`), the accounts by key (for names) and what is due on its case. `None` if the
/// family is not in the run.
pub(crate) fn family_detail(
    run: &RunData,
    family_id: i64,
    access: FamilyAccess,
    view: FamilyView,
    facts: FamilyFacts,
    users: &IdMap<UserRecord>,
    due: Due,
) -> Option<FamilyDetail> {
    let &i = run.by_family.get(&family_id)?;
    let a = &run.assessments[i];
    let family = run.families.get(&family_id);
    let run_id = run.run.id;
    let FamilyView {
        case,
        identities,
        notes,
        ..
    } = view;
    let mut by_person: BTreeMap<i64, Vec<&PersonIdentity>> = BTreeMap::new();
    for id in &identities {
        by_person.entry(id.person_id).or_default().push(id);
    }
    let members: Vec<Member> = family
        .map(|f| {
            f.members
                .iter()
                .map(|m| {
                    let ids = by_person.get(&m.person_id);
                    let pick =
                        |f: &dyn Fn(&PersonIdentity) -> Option<String>| {
                            ids.and_then(|v| {
                                most_common(v.iter().flat_map(|i| {
                                    std::iter::repeat_n(f(i), i.records.max(1) as usize)
                                }))
                            })
                        };
                    Member {
                        person_id: m.person_id,
                        role: m.role.clone(),
                        age: m.age,
                        name: pick(&name_of),
                        date_of_birth: pick(&|i| {
                            i.date_of_birth.map(|d| d.format("%-d %B %Y").to_string())
                        }),
                        address: pick(&|i| match (&i.address, &i.postcode) {
                            (Some(a), Some(p)) => Some(format!("{a}, {p}")),
                            (Some(a), None) => Some(a.clone()),
                            (None, p) => p.clone(),
                        }),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let status = case
        .as_ref()
        .map_or("identified", |c| c.status.as_str())
        .to_string();
    let lead = case.as_ref().and_then(|c| c.lead_worker_user_id);
    let relationships: Vec<Relationship> = family
        .map(|f| {
            let name = |p: i64| {
                members
                    .iter()
                    .find(|m: &&Member| m.person_id == p)
                    .and_then(|m| m.name.clone())
            };
            f.relationships
                .iter()
                .map(|r| Relationship {
                    parent_person_id: r.parent_person_id,
                    child_person_id: r.child_person_id,
                    basis: r.basis.clone(),
                    parent_name: name(r.parent_person_id),
                    child_name: name(r.child_person_id),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(FamilyDetail {
        family_id,
        identification_run: run_id,
        as_at: run.run.as_at.format("%-d %B %Y").to_string(),
        eligible: a.eligible,
        priority_rank: a.priority_rank,
        score: a.score,
        estimated_cost: a.estimated_cost,
        cost: pounds(a.estimated_cost),
        status_label: status_label(&status),
        status,
        lead_worker_user_id: lead,
        lead_worker: lead
            .and_then(|id| users.get(&id))
            .map(|u| u.display_name.clone()),
        area: family.and_then(|f| f.area.clone()),
        identifiers_shown: access.identifiers,
        members,
        relationships,
        problems: facts.problems,
        timeline: facts.timeline,
        team: facts.team,
        facts_html: facts.html,
        notes: notes.map(|ns| {
            ns.into_iter()
                .map(|n| Note {
                    author: users
                        .get(&n.author_user_id)
                        .map_or_else(|| "Unknown".into(), |u| u.display_name.clone()),
                    written_at: n.written_at.format("%-d %B %Y %H:%M").to_string(),
                    body: n.body,
                })
                .collect()
        }),
        due,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn pounds_have_thousands_separators() {
        assert_eq!(super::pounds(37165.4), "£37,165");
        assert_eq!(super::pounds(999.5), "£1,000");
        assert_eq!(super::pounds(1234567.0), "£1,234,567");
        assert_eq!(super::pounds(0.0), "£0");
    }

    #[test]
    fn attributes_read_as_pairs() {
        assert_eq!(
            super::readable_attributes(r#"{"benefit_type":"ESA","sessions_missed":29.0}"#),
            "benefit type: ESA; sessions missed: 29.0"
        );
        assert_eq!(super::readable_attributes("not json"), "not json");
    }
}
