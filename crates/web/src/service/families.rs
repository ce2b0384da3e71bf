//! The families list: the eligible families of the latest identification run in priority
//! order, searched, filtered and sorted, for the roles that may list them (the route's
//! permission); and what the list names families by.
//!
//! Returns which families match; building the rows a page or the API shows is `views'`.
//! Searching by name or NHS number reads identifiers, so only roles that may see them may
//! (others search by family reference); every search is audited (its kind and how many
//! families it found, never what was typed).

use crate::access::sees_identifiers;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::run::{Cases, IdMap, RunData};
use crate::service::audit;
use crate::state::AppState;
use crate::views::naming::{family_surname, Named};
use crate::views::{self, Filters, SortKey};
use hearth_store::PeopleQuery;
use std::collections::HashSet;
use std::sync::Arc;

/// Families shown on one page of the list.
pub(crate) const PAGE_SIZE: usize = 50;

/// Who asks for the list: a page shows one page of it, the API and exports all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The families page, at this page (from 1; clamped to the pages there are).
    Page(usize),
    /// The API.
    Api,
    /// A spreadsheet export.
    Export,
}

/// What a search box's text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Search {
    /// Nothing typed.
    Nothing,
    /// A family reference: `123`, `F123`, `Family 123`.
    Family(i64),
    /// An NHS number: ten digits (spaces allowed).
    Nhs(String),
    /// Words of a name.
    Name(Vec<String>),
}

impl Search {
    /// What `raw` asks for.
    pub(crate) fn parse(raw: &str) -> Search {
        let q = raw.trim();
        if q.is_empty() {
            return Search::Nothing;
        }
        let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
            return Search::Nhs(digits);
        }
        let lower = q.to_lowercase();
        let reference = ["family reference", "family", "ref", "f"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower)
            .trim();
        if let Ok(id) = reference.parse::<i64>() {
            return Search::Family(id);
        }
        // "Roberts family", as a family's heading names it, is a search for Roberts.
        let mut words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
        if words.len() > 1 && words.last().is_some_and(|w| w == "family") {
            words.pop();
            if words.len() > 1 && words[0] == "the" {
                words.remove(0);
            }
        }
        Search::Name(words)
    }

    /// The kind of search, for the audit line.
    fn kind(&self) -> &'static str {
        match self {
            Search::Nothing => "",
            Search::Family(_) => "by family reference",
            Search::Nhs(_) => "by NHS number",
            Search::Name(_) => "by name",
        }
    }
}

/// The families that match, and which of them are shown.
pub(crate) struct Listing {
    /// The latest run (`None`: no run yet, so no families).
    pub run: Option<Arc<RunData>>,
    pub cases: Arc<Cases>,
    /// The matching families, as indices into the run's assessments, in the order asked
    /// for (priority by default).
    pub matching: Vec<usize>,
    /// The page shown (from 1) and how many pages there are.
    pub page: usize,
    pub pages: usize,
    /// The part of `matching` shown.
    pub shown: std::ops::Range<usize>,
    /// What the list could not do as asked, field by field (unknown filter values, a
    /// search this role may not make): said on the page instead of showing nothing.
    pub errors: Vec<(String, String)>,
    /// The filters as applied (unknown values left out).
    pub applied: Filters,
    /// The families whose rank, score and cost are withheld, and their problems whose
    /// evidence is ([`figures_withheld`]).
    pub withheld: views::Withheld,
}

impl Listing {
    /// The shown families' filter keys.
    pub(crate) fn shown_keys(&self) -> Vec<views::RowKey<'_>> {
        let Some(run) = &self.run else {
            return Vec::new();
        };
        self.matching[self.shown.clone()]
            .iter()
            .filter_map(|&i| views::row_key(run, &self.cases, i))
            .collect()
    }
}

/// The families of `run` whose rank, score and estimated cost are withheld, read now: those
/// with a member whose processing is restricted, or with someone restricted while a member
/// of them (`hearth_store::Restricted::withheld_in`, the family page's rule); and of those,
/// the problems whose every piece of evidence is from a restricted person or record
/// (`Store::withheld_problems`, as the family page leaves them out). The run worked them
/// out from every member's records, so they are withheld from the moment a restriction is
/// recorded until it is lifted, not only from the next run.
pub(crate) async fn figures_withheld(
    state: &AppState,
    run: &RunData,
) -> Result<views::Withheld, WebError> {
    let in_force = state.store().run(|s| s.restrictions_in_force()).await?;
    if in_force.is_empty() {
        return Ok(views::Withheld::default());
    }
    let mut families: HashSet<i64> = in_force.families.iter().map(|&(f, _)| f).collect();
    families.extend(
        run.families
            .values()
            .filter(|f| f.members.iter().any(|m| in_force.hides_person(m.person_id)))
            .map(|f| f.family_id),
    );
    let (run_id, ids): (i64, Vec<i64>) = (run.run.id, families.iter().copied().collect());
    let problems = state
        .store()
        .run(move |s| s.withheld_problems(run_id, &ids))
        .await?
        .into_iter()
        .collect();
    Ok(views::Withheld { families, problems })
}

/// The families whose members a search by name or NHS number finds (reads identifiers:
/// only for roles that may see them).
async fn found_families(
    state: &AppState,
    run: &RunData,
    query: PeopleQuery,
) -> Result<HashSet<i64>, WebError> {
    let people: HashSet<i64> = state
        .store()
        .run(move |s| s.find_people(&query))
        .await?
        .into_iter()
        .collect();
    Ok(run
        .families
        .values()
        .filter(|f| f.members.iter().any(|m| people.contains(&m.person_id)))
        .map(|f| f.family_id)
        .collect())
}

/// The eligible families matching `filters` (and its search), sorted as asked, audited with
/// how many were shown and how the list was searched.
pub(crate) async fn list(
    state: &AppState,
    user: &CurrentUser,
    filters: &Filters,
    via: Via,
) -> Result<Listing, WebError> {
    let run = state.latest_run().await?;
    let cases = state.cases().await?;
    let mut errors = Vec::new();
    let mut applied = filters.clone();
    let search = Search::parse(&filters.q);
    let mut matching: Vec<usize> = Vec::new();
    let mut withheld = views::Withheld::default();
    if let Some(run) = &run {
        withheld = figures_withheld(state, run).await?;
        errors = filters.unknown(run, &cases);
        applied = filters.known(run, &cases);
        let only: Option<HashSet<i64>> = match &search {
            Search::Nothing => None,
            Search::Family(id) => Some([*id].into()),
            Search::Nhs(_) | Search::Name(_) if !sees_identifiers(user.role) => {
                errors.push((
                    "q".to_string(),
                    "Search by family reference, for example 1234: your role does not see names or NHS numbers".to_string(),
                ));
                applied.q.clear();
                None
            }
            Search::Nhs(n) => Some(
                found_families(
                    state,
                    run,
                    PeopleQuery {
                        nhs_number: Some(n.clone()),
                        ..PeopleQuery::default()
                    },
                )
                .await?,
            ),
            Search::Name(words) => Some(
                found_families(
                    state,
                    run,
                    PeopleQuery {
                        name_words: words.clone(),
                        ..PeopleQuery::default()
                    },
                )
                .await?,
            ),
        };
        let f = applied.resolve(run);
        matching = run
            .ranked
            .iter()
            .copied()
            .filter(|&i| {
                only.as_ref()
                    .is_none_or(|o| o.contains(&run.assessments[i].family_id))
            })
            .filter(|&i| {
                views::row_key(run, &cases, i).is_some_and(|k| views::matches(&k, &f, &withheld))
            })
            .collect();
        let key = SortKey::parse(&applied.sort).unwrap_or(SortKey::Priority);
        views::sort_families(run, &cases, &mut matching, key, applied.dir == "desc");
        if matches!(key, SortKey::Priority | SortKey::Cost) && !withheld.is_empty() {
            // Their place in an order of rank or cost would tell what is withheld: last,
            // whichever the direction.
            matching.sort_by_key(|&i| withheld.contains(&run.assessments[i].family_id));
        }
    }
    let (page, pages, shown) = match via {
        Via::Page(requested) => {
            let pages = matching.len().div_ceil(PAGE_SIZE).max(1);
            let page = requested.clamp(1, pages);
            let start = ((page - 1) * PAGE_SIZE).min(matching.len());
            let end = (start + PAGE_SIZE).min(matching.len());
            (page, pages, start..end)
        }
        Via::Api | Via::Export => (1, 1, 0..matching.len()),
    };
    let searched = match (&search, applied.q.is_empty()) {
        (Search::Nothing, _) | (_, true) => String::new(),
        (s, false) => format!("; searched {}", s.kind()),
    };
    let (action, detail) = match via {
        Via::Page(_) => (
            "list families",
            format!("{} families listed{searched}", shown.len()),
        ),
        Via::Api => (
            "list families",
            format!("{} families listed (API){searched}", shown.len()),
        ),
        Via::Export => (
            "export families",
            format!(
                "{} families exported{}{searched}",
                shown.len(),
                if sees_identifiers(user.role) {
                    " with family names"
                } else {
                    " without identifiers"
                }
            ),
        ),
    };
    audit::record(state, user, action, ("family", "*".into()), detail).await?;
    Ok(Listing {
        run,
        cases,
        matching,
        page,
        pages,
        shown,
        errors,
        applied,
        withheld,
    })
}

/// What workers call these families ("Smith family": the family name most of its members
/// have, [`family_surname`]), for roles that may see identifiers; read from the identity
/// store, never cached.
pub(crate) async fn family_names(
    state: &AppState,
    user: &CurrentUser,
    run: &RunData,
    family_ids: &[i64],
) -> Result<IdMap<String>, WebError> {
    if !sees_identifiers(user.role) || family_ids.is_empty() {
        return Ok(IdMap::default());
    }
    let mut people: Vec<i64> = Vec::new();
    for id in family_ids {
        if let Some(f) = run.families.get(id) {
            people.extend(f.members.iter().map(|m| m.person_id));
        }
    }
    let identities = state
        .store()
        .run(move |s| s.person_identities(&people))
        .await?;
    let mut surnames: IdMap<Vec<String>> = IdMap::default();
    for i in identities {
        if let Some(n) = i.family_name {
            surnames.entry(i.person_id).or_default().push(n);
        }
    }
    let mut out = IdMap::default();
    for id in family_ids {
        let Some(f) = run.families.get(id) else {
            continue;
        };
        let named: Vec<Named<'_>> = f
            .members
            .iter()
            .map(|m| Named {
                adult: m.role == hearth_model::MemberRole::Adult,
                family_names: surnames
                    .get(&m.person_id)
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect(),
            })
            .collect();
        if let Some(n) = family_surname(&named) {
            out.insert(*id, format!("{n} family"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Search;

    #[test]
    fn a_search_is_a_reference_an_nhs_number_or_a_name() {
        assert_eq!(Search::parse("  "), Search::Nothing);
        assert_eq!(Search::parse("123"), Search::Family(123));
        assert_eq!(Search::parse("F123"), Search::Family(123));
        assert_eq!(Search::parse("Family 123"), Search::Family(123));
        assert_eq!(
            Search::parse("943 476 5919"),
            Search::Nhs("9434765919".into())
        );
        assert_eq!(
            Search::parse("Alice EXAMPLE"),
            Search::Name(vec!["alice".into(), "example".into()])
        );
        assert_eq!(Search::parse("Fred"), Search::Name(vec!["fred".into()]));
        // As a family's heading names it.
        assert_eq!(
            Search::parse("Roberts family"),
            Search::Name(vec!["roberts".into()])
        );
        assert_eq!(
            Search::parse("the Roberts Family"),
            Search::Name(vec!["roberts".into()])
        );
        assert_eq!(Search::parse("Family"), Search::Name(vec!["family".into()]));
    }
}
