//! Lists of families as pages and the API show them: rows, filters, what is due next on a
//! case, and money for people.
//!
//! Builds what is shown from data already read (`run`): no I/O, no access decisions (the
//! caller passes only what the viewer may see).

use crate::labels::{problem_label, status_label, status_tag_class};
use crate::run::{Cases, RunData};
use hearth_store::{FamilyAssessment, FamilyCase};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What lists withhold of families with a member whose processing is restricted
/// (`service::families::figures_withheld`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Withheld {
    /// The families whose rank, score and cost are withheld.
    pub families: HashSet<i64>,
    /// By family, the problems (keys) whose every piece of evidence is withheld: not shown,
    /// and not matched by a filter on that problem.
    pub problems: HashMap<i64, BTreeSet<String>>,
}

impl Withheld {
    /// Whether this family's rank, score and cost are withheld.
    pub(crate) fn contains(&self, family_id: &i64) -> bool {
        self.families.contains(family_id)
    }

    /// Whether nothing is withheld.
    pub(crate) fn is_empty(&self) -> bool {
        self.families.is_empty()
    }

    /// Whether this family's problem `key` is withheld.
    pub(crate) fn hides_problem(&self, family_id: i64, key: &str) -> bool {
        self.problems
            .get(&family_id)
            .is_some_and(|p| p.contains(key))
    }

    /// The problems of `a` that may be shown.
    fn problems_of<'a>(&'a self, a: &'a FamilyAssessment) -> impl Iterator<Item = &'a String> {
        a.problems
            .iter()
            .filter(move |k| !self.hides_problem(a.family_id, k))
    }
}

/// A headline problem with its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problem {
    pub key: String,
    pub label: String,
}

fn problems(labels: &hearth_store::RunLabels, keys: &[String]) -> Vec<Problem> {
    keys.iter()
        .map(|k| Problem {
            key: k.clone(),
            label: problem_label(labels, k),
        })
        .collect()
}

/// A family in a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FamilyRow {
    pub family_id: i64,
    /// The rank, estimated cost and score: `None` (and `cost` "Withheld") while a member's
    /// processing is restricted, as on the family's own page; `summary_withheld` says why.
    pub priority_rank: Option<i64>,
    pub problems: Vec<Problem>,
    pub adults: usize,
    pub children: usize,
    pub estimated_cost: Option<f64>,
    /// The cost for people, e.g. `£37,165`.
    pub cost: String,
    pub score: Option<f64>,
    /// Why the rank, score and cost are not shown, while they are withheld.
    pub summary_withheld: Option<&'static str>,
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
                c.status,
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

/// A family's estimated cost as a list shows it: "Withheld" unless `shown`.
fn cost_shown(cost: f64, shown: bool) -> String {
    if shown {
        pounds(cost)
    } else {
        "Withheld".to_string()
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
    /// A family reference, or (for roles that may see identifiers) a name or NHS number.
    #[serde(default)]
    pub q: String,
    /// The column sorted by ([`SortKey`]); `""`: priority.
    #[serde(default)]
    pub sort: String,
    /// `desc` for descending; anything else ascending.
    #[serde(default)]
    pub dir: String,
}

/// A column the families list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    Priority,
    Family,
    Area,
    Members,
    Cost,
    Status,
    LeadWorker,
}

impl SortKey {
    /// Every column, with its key in the query string.
    pub(crate) const ALL: [(SortKey, &'static str); 7] = [
        (SortKey::Priority, "priority"),
        (SortKey::Family, "family"),
        (SortKey::Area, "area"),
        (SortKey::Members, "members"),
        (SortKey::Cost, "cost"),
        (SortKey::Status, "status"),
        (SortKey::LeadWorker, "lead_worker"),
    ];

    /// The column of a key (`None` for one this list does not have).
    pub(crate) fn parse(key: &str) -> Option<SortKey> {
        Self::ALL.iter().find(|(_, k)| *k == key).map(|(s, _)| *s)
    }

    /// The key in the query string.
    pub(crate) fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("priority", |(_, k)| k)
    }
}

/// Sorts `indices` (into the run's assessments, in priority order) by `key`, ties kept in
/// priority order.
pub(crate) fn sort_families(
    run: &RunData,
    cases: &Cases,
    indices: &mut [usize],
    key: SortKey,
    descending: bool,
) {
    use std::cmp::Ordering;
    let members = |i: usize| {
        run.families
            .get(&run.assessments[i].family_id)
            .map_or(0, |f| f.members.len())
    };
    let status = |i: usize| {
        cases
            .cases
            .get(&run.assessments[i].family_id)
            .map_or(0, |c| {
                hearth_model::CaseStatus::ALL
                    .iter()
                    .position(|s| *s == c.status)
                    .unwrap_or(0)
            })
    };
    let lead = |i: usize| {
        cases
            .cases
            .get(&run.assessments[i].family_id)
            .and_then(|c| c.lead_worker_user_id)
            .and_then(|id| cases.users.get(&id))
            .map(|u| u.display_name.to_lowercase())
    };
    let area = |i: usize| run.area_of.get(i).copied().flatten();
    let cmp = |a: &usize, b: &usize| -> Ordering {
        let (a, b) = (*a, *b);
        match key {
            SortKey::Priority => Ordering::Equal,
            SortKey::Family => run.assessments[a]
                .family_id
                .cmp(&run.assessments[b].family_id),
            // Families with no area or lead worker last, whichever the direction.
            SortKey::Area => area(a)
                .is_none()
                .cmp(&area(b).is_none())
                .then(area(a).cmp(&area(b))),
            SortKey::Members => members(a).cmp(&members(b)),
            SortKey::Cost => run.assessments[a]
                .estimated_cost
                .total_cmp(&run.assessments[b].estimated_cost),
            SortKey::Status => status(a).cmp(&status(b)),
            SortKey::LeadWorker => lead(a)
                .is_none()
                .cmp(&lead(b).is_none())
                .then(lead(a).cmp(&lead(b))),
        }
    };
    if key == SortKey::Priority {
        if descending {
            indices.reverse();
        }
        return;
    }
    indices.sort_by(|a, b| {
        let o = cmp(a, b);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
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
    withheld: &Withheld,
) -> Vec<FamilyRow> {
    family_keys(run, cases, indices, keep)
        .iter()
        .map(|k| row(run, cases, k, true, withheld))
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
        .filter_map(|i| row_key(run, cases, i))
        .filter(|key| keep(key))
        .collect()
}

/// The filter key of the run's assessment `i`.
pub(crate) fn row_key<'a>(run: &'a RunData, cases: &'a Cases, i: usize) -> Option<RowKey<'a>> {
    let a = run.assessments.get(i)?;
    let case = cases.cases.get(&a.family_id);
    Some(RowKey {
        assessment: a,
        status: case
            .map_or(hearth_model::CaseStatus::Identified, |c| c.status)
            .key(),
        lead_worker_user_id: case.and_then(|c| c.lead_worker_user_id),
        area: run.area_of.get(i).copied().flatten(),
    })
}

/// The row shown for one family; `named`: the role sees identifiers, so lead workers' names
/// (otherwise their numbers: [`Cases::lead_worker_label`]); `withheld`: the families whose
/// rank, score and cost are withheld (`service::families::figures_withheld`).
pub(crate) fn row(
    run: &RunData,
    cases: &Cases,
    key: &RowKey,
    named: bool,
    withheld: &Withheld,
) -> FamilyRow {
    let a = key.assessment;
    let shown = !withheld.contains(&a.family_id);
    let lead = key.lead_worker_user_id;
    let (adults, children) = run.families.get(&a.family_id).map_or((0, 0), |f| {
        let adults = f
            .members
            .iter()
            .filter(|m| m.role == hearth_model::MemberRole::Adult)
            .count();
        (adults, f.members.len() - adults)
    });
    FamilyRow {
        family_id: a.family_id,
        priority_rank: a.priority_rank.filter(|_| shown),
        problems: problems(
            &run.run.labels,
            &withheld.problems_of(a).cloned().collect::<Vec<_>>(),
        ),
        adults,
        children,
        estimated_cost: Some(a.estimated_cost).filter(|_| shown),
        cost: cost_shown(a.estimated_cost, shown),
        score: Some(a.score).filter(|_| shown),
        summary_withheld: (!shown).then_some(crate::views::FIGURES_WITHHELD),
        status_label: status_label(key.status),
        status: key.status.to_string(),
        lead_worker_user_id: lead,
        lead_worker: lead.and_then(|id| cases.lead_worker_label(id, named)),
        area: key
            .area
            .and_then(|i| run.areas.get(usize::from(i)))
            .cloned(),
    }
}

/// The index in `areas` (a run's sorted postcode sectors) of the area `raw` names, read as
/// people type it: any case, spaces trimmed and runs of spaces as one, and a sector written
/// without its space (`wa88`) read as `WA8 8`.
pub(crate) fn find_area(areas: &[String], raw: &str) -> Option<usize> {
    let words: Vec<String> = raw.split_whitespace().map(str::to_uppercase).collect();
    let mut key = words.join(" ");
    if words.len() == 1 && key.len() > 3 && key.ends_with(|c: char| c.is_ascii_digit()) {
        key.insert(key.len() - 1, ' ');
    }
    areas.binary_search(&key).ok()
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
    /// Messages for filter values this run does not know (a mistyped or old link): each
    /// such filter is left out of [`Filters::resolve`], and the page says so, field by
    /// field, instead of showing no families.
    pub(crate) fn unknown(&self, run: &RunData, cases: &Cases) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        if !self.problem.is_empty() && !run.problems.contains(&self.problem) {
            errors.push((
                "problem".to_string(),
                format!("No family in this run has the problem \"{}\": showing families with any problem", self.problem),
            ));
        }
        if !self.status.is_empty() && hearth_model::CaseStatus::parse(&self.status).is_err() {
            errors.push((
                "status".to_string(),
                format!(
                    "\"{}\" is not a status: showing families with any status",
                    self.status
                ),
            ));
        }
        if !self.area.is_empty() && find_area(&run.areas, &self.area).is_none() {
            errors.push((
                "area".to_string(),
                format!(
                    "No family in this run lives in the area \"{}\": showing families in any area",
                    self.area
                ),
            ));
        }
        let known_lead = |id: &str| {
            id.parse::<i64>().ok().is_some_and(|id| {
                cases
                    .users
                    .get(&id)
                    .is_some_and(|u| u.role == hearth_model::Role::LeadWorker)
            })
        };
        if !matches!(self.lead_worker.as_str(), "" | "none") && !known_lead(&self.lead_worker) {
            errors.push((
                "lead_worker".to_string(),
                "That lead worker is not known: showing families with anyone or no one".to_string(),
            ));
        }
        if !self.sort.is_empty() && SortKey::parse(&self.sort).is_none() {
            errors.push((
                "sort".to_string(),
                format!(
                    "The list cannot be sorted by \"{}\": sorted by priority",
                    self.sort
                ),
            ));
        }
        errors
    }

    /// These filters without the values [`Filters::unknown`] complains of, and an area as
    /// the run writes it.
    pub(crate) fn known(&self, run: &RunData, cases: &Cases) -> Filters {
        let mut f = self.clone();
        if let Some(i) = find_area(&run.areas, &self.area) {
            f.area = run.areas[i].clone();
        }
        for (field, _) in self.unknown(run, cases) {
            match field.as_str() {
                "problem" => f.problem.clear(),
                "status" => f.status.clear(),
                "area" => f.area.clear(),
                "lead_worker" => f.lead_worker.clear(),
                "sort" => f.sort.clear(),
                _ => {}
            }
        }
        f
    }

    /// These filters for `run`'s families.
    pub(crate) fn resolve(&self, run: &RunData) -> Resolved<'_> {
        Resolved {
            problem: &self.problem,
            status: &self.status,
            area: (!self.area.is_empty()).then(|| {
                let i = find_area(&run.areas, &self.area)?;
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
    /// The rank and cost are withheld: a member's processing is restricted.
    pub withheld: bool,
    /// The problems' labels, e.g. `Health, School attendance`.
    pub problems: String,
    pub area: Option<&'a str>,
    /// e.g. `2 adults, 1 child`.
    pub members: String,
    pub cost: String,
    /// The GOV.UK tag colour of the status.
    pub tag_class: &'static str,
    pub status_label: &'static str,
    pub lead_worker: Option<String>,
}

/// The families page's row for one family (`named`, `withheld`: as for [`row`]).
pub(crate) fn list_row<'a>(
    run: &'a RunData,
    cases: &'a Cases,
    key: &RowKey,
    named: bool,
    withheld: &Withheld,
) -> ListRow<'a> {
    let a = key.assessment;
    let shown = !withheld.contains(&a.family_id);
    let (adults, children) = run.families.get(&a.family_id).map_or((0, 0), |f| {
        let adults = f
            .members
            .iter()
            .filter(|m| m.role == hearth_model::MemberRole::Adult)
            .count();
        (adults, f.members.len() - adults)
    });
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    ListRow {
        family_id: a.family_id,
        priority_rank: a.priority_rank.filter(|_| shown),
        withheld: !shown,
        problems: withheld
            .problems_of(a)
            .map(|p| problem_label(&run.run.labels, p))
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
        cost: cost_shown(a.estimated_cost, shown),
        tag_class: status_tag_class(key.status),
        status_label: status_label(key.status),
        lead_worker: key
            .lead_worker_user_id
            .and_then(|id| cases.lead_worker_label(id, named)),
    }
}

/// Whether a family passes the filters (a problem withheld from the list is not matched).
pub(crate) fn matches(key: &RowKey, f: &Resolved, withheld: &Withheld) -> bool {
    (f.problem.is_empty() || withheld.problems_of(key.assessment).any(|p| p == f.problem))
        && (f.status.is_empty() || key.status == f.status)
        && f.area.is_none_or(|a| a.is_some() && key.area == a)
        && f.lead_worker.is_none_or(|l| key.lead_worker_user_id == l)
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
}
