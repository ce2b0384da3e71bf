//! A family's record as one viewer may see it: members (identifiers only for roles that
//! may see them), relationships, the run's facts, the case and its notes.
//!
//! Built from what was read for the viewer (`FamilyView`); it reads nothing itself and
//! decides no access (it is given the viewer's [`FamilyAccess`]).

use crate::access::FamilyAccess;
use crate::facts::{FactsHtml, FactsShown};
use crate::labels::{name_case, problem_label, status_label};
use crate::run::RunData;
use crate::views::list::{pounds, Due, Problem};
use crate::views::work::{work_view, WorkContext, WorkView};
use hearth_store::{FamilyView, PersonIdentity};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    /// What workers call the family: `Smith family` (the family name most of its adults
    /// have) for roles that may see identifiers, `Family 123` otherwise.
    pub name: String,
    pub identification_run: i64,
    pub as_at: String,
    pub eligible: bool,
    /// The rank, score and estimated cost the identification run worked out from every
    /// member's records: `None` (and `cost` "Withheld") while a member's processing is
    /// restricted, as the family's other figures are; `summary_withheld` says why.
    pub priority_rank: Option<i64>,
    pub score: Option<f64>,
    pub estimated_cost: Option<f64>,
    pub cost: String,
    /// Why the rank, score and cost are not shown, while they are withheld.
    pub summary_withheld: Option<&'static str>,
    pub status: String,
    pub status_label: &'static str,
    /// Why the case closed, while it is closed.
    pub close_reason: Option<&'static str>,
    pub lead_worker_user_id: Option<i64>,
    pub lead_worker: Option<String>,
    /// The lead worker's home service, as recorded when assigned.
    pub home_service: Option<String>,
    /// The family's headline problems in the run.
    pub problem_list: Vec<Problem>,
    /// The family's postcode sector (`WA7 2`), if known.
    pub area: Option<String>,
    pub identifiers_shown: bool,
    /// The members as the viewer may see them: none whose processing is restricted.
    pub members: Vec<Member>,
    /// How many members' processing is restricted (UK GDPR Art. 18): each is shown only as
    /// "Restricted: details withheld" — no key, role, age, identifier or fact — until the
    /// restriction is lifted (see docs/subject-access.md).
    pub restricted_members: usize,
    /// The people whose processing is restricted (members, or anyone else a family's
    /// outcomes name): nothing of theirs is shown. Not serialised.
    #[serde(skip)]
    pub restricted_people: BTreeSet<i64>,
    /// Who is whose parent, as Hearth infers it.
    pub relationships: Vec<Relationship>,
    /// The [`ProblemEvidence`] list.
    pub problems: minijinja::Value,
    /// Every partner record of the members, newest first: an [`Event`] list.
    pub timeline: minijinja::Value,
    /// The agencies involved with the family (the team around it), from their records: an
    /// [`Agency`] list.
    pub team: minijinja::Value,
    /// The pages' parts for `problems`, `timeline` and `team`, rendered once per run.
    #[serde(skip)]
    pub facts_html: FactsHtml,
    /// Only for roles that do casework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<Note>>,
    /// The work with the family: status history, assessment, plan, team, progress (free
    /// text only for roles that may see identifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work: Option<WorkView>,
    #[serde(flatten)]
    pub due: Due,
}

impl FamilyDetail {
    /// Whether family-level figures worked out from every member's records (outcomes,
    /// cost savings) must be withheld: a member's processing is restricted, or `people`
    /// (those the figures name or count: a judgement's members, joiners) include someone
    /// whose processing is.
    pub(crate) fn figures_withheld(&self, people: impl IntoIterator<Item = i64>) -> bool {
        self.restricted_members > 0
            || people
                .into_iter()
                .any(|p| self.restricted_people.contains(&p))
    }
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

/// The most frequent non-blank value (ties: the first seen): the one profile consolidation,
/// `hearth_households::most_common`, as linkage uses it.
fn most_common<'a>(values: impl Iterator<Item = Option<String>> + 'a) -> Option<String> {
    hearth_households::most_common(values.flatten().filter(|v| !v.trim().is_empty()))
}

/// A person's name as people write it (`ELLERY` → `Ellery`: [`name_case`]).
fn name_of(i: &PersonIdentity) -> Option<String> {
    match (&i.given_name, &i.family_name) {
        (Some(g), Some(f)) => Some(format!("{} {}", name_case(g), name_case(f))),
        (None, Some(f)) => Some(name_case(f)),
        (Some(g), None) => Some(name_case(g)),
        (None, None) => i.full_name.as_deref().map(name_case),
    }
}

/// What a family's record is built with besides what was read for the viewer.
pub(crate) struct DetailContext<'a> {
    /// The accounts by key (for names) and the cases.
    pub cases: &'a crate::run::Cases,
    /// What is due on the case.
    pub due: Due,
    /// The council's measures and time limits.
    pub settings: &'a crate::state::Settings,
    /// Today (what is overdue).
    pub today: chrono::NaiveDate,
}

/// The family name most of its members have ([`super::naming::family_surname`]).
fn family_name(
    members: &[hearth_store::FamilyMember],
    by_person: &BTreeMap<i64, Vec<&PersonIdentity>>,
) -> Option<String> {
    let named: Vec<super::naming::Named<'_>> = members
        .iter()
        .map(|m| super::naming::Named {
            adult: m.role == hearth_model::MemberRole::Adult,
            family_names: by_person
                .get(&m.person_id)
                .into_iter()
                .flatten()
                .filter_map(|i| i.family_name.as_deref())
                .collect(),
        })
        .collect();
    super::naming::family_surname(&named)
}

/// Builds a family's record for a viewer with `access` from what was read for them
/// (`view`), the accounts by key (for names) and what is due on its case. `None` if the
/// family is not in the run.
pub(crate) fn family_detail(
    run: &RunData,
    family_id: i64,
    access: FamilyAccess,
    view: FamilyView,
    facts: FactsShown,
    cx: DetailContext<'_>,
) -> Option<FamilyDetail> {
    let DetailContext {
        cases,
        due,
        settings,
        today,
    } = cx;
    let &i = run.by_family.get(&family_id)?;
    let a = &run.assessments[i];
    let family = run.families.get(&family_id);
    let run_id = run.run.id;
    let FamilyView {
        case,
        identities,
        notes,
        work,
        restricted,
        withheld,
        ..
    } = view;
    let mut restricted_people = restricted.people;
    restricted_people.extend(withheld.iter().copied());
    let hidden = |p: i64| restricted_people.contains(&p);
    let mut by_person: BTreeMap<i64, Vec<&PersonIdentity>> = BTreeMap::new();
    for id in &identities {
        by_person.entry(id.person_id).or_default().push(id);
    }
    let members: Vec<Member> = family
        .map(|f| {
            f.members
                .iter()
                .filter(|m| !hidden(m.person_id))
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
                        role: m.role.key().to_owned(),
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
        .map_or(hearth_model::CaseStatus::Identified, |c| c.status)
        .key()
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
                .filter(|r| !hidden(r.parent_person_id) && !hidden(r.child_person_id))
                .map(|r| Relationship {
                    parent_person_id: r.parent_person_id,
                    child_person_id: r.child_person_id,
                    basis: r.basis.label().to_owned(),
                    parent_name: name(r.parent_person_id),
                    child_name: name(r.child_person_id),
                })
                .collect()
        })
        .unwrap_or_default();
    let member_names: BTreeMap<i64, String> = members
        .iter()
        .map(|m| {
            let words = match &m.name {
                Some(n) => format!("{n} (person {})", m.person_id),
                None => format!("Person {}", m.person_id),
            };
            (m.person_id, words)
        })
        .collect();
    let work = work.map(|w| {
        work_view(
            &w,
            &WorkContext {
                texts: access.identifiers,
                labels: &run.run.labels,
                outcome: &settings.outcome_measures,
                progress: &settings.progress_measures,
                cases,
                member_names: &member_names,
                today,
                due_soon_days: settings.due.due_soon_days,
            },
        )
    });
    let name = family
        .and_then(|f| family_name(&f.members, &by_person))
        .map_or_else(|| format!("Family {family_id}"), |n| format!("{n} family"));
    Some(FamilyDetail {
        family_id,
        name,
        identification_run: run_id,
        as_at: run.run.as_at.format("%-d %B %Y").to_string(),
        eligible: a.eligible,
        priority_rank: a.priority_rank.filter(|_| withheld.is_empty()),
        score: Some(a.score).filter(|_| withheld.is_empty()),
        estimated_cost: Some(a.estimated_cost).filter(|_| withheld.is_empty()),
        cost: if withheld.is_empty() {
            pounds(a.estimated_cost)
        } else {
            "Withheld".to_string()
        },
        summary_withheld: (!withheld.is_empty()).then_some(crate::views::FIGURES_WITHHELD),
        status_label: status_label(&status),
        status,
        close_reason: case
            .as_ref()
            .and_then(|c| c.close_reason)
            .map(|r| r.label()),
        home_service: case.as_ref().and_then(|c| c.home_service.clone()),
        problem_list: a
            .problems
            .iter()
            .filter(|k| !facts.withheld_problems.contains(*k))
            .map(|k| Problem {
                key: k.clone(),
                label: problem_label(&run.run.labels, k),
            })
            .collect(),
        lead_worker_user_id: lead,
        lead_worker: lead.and_then(|id| cases.lead_worker_label(id, access.identifiers)),
        area: family.and_then(|f| f.area.clone()),
        identifiers_shown: access.identifiers,
        members,
        restricted_members: withheld.len(),
        restricted_people,
        relationships,
        problems: facts.problems,
        timeline: facts.timeline,
        team: facts.team,
        facts_html: facts.html,
        notes: notes.map(|ns| {
            ns.into_iter()
                .map(|n| Note {
                    author: cases.staff_label(n.author_user_id, access.identifiers),
                    written_at: n.written_at.format("%-d %B %Y %H:%M").to_string(),
                    body: n.body,
                })
                .collect()
        }),
        work,
        due,
    })
}
