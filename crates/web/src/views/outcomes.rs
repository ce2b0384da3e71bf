//! A family's outcomes against the council's Outcomes Plan, as its Outcomes page and the API
//! show them: the latest judgement `hearth outcomes` kept (per headline problem: where the
//! family stands, what is still missing, the earliest date it could count, and the distance
//! travelled on each measure), the results achieved and the earliest date a claim could be
//! made. Keys and facts only: members are named as the viewer may see them.

use crate::labels::humanise;
use crate::views::FamilyDetail;
use hearth_outcomes::{FamilyOutcome, ProblemState};
use serde::Serialize;

/// The family's latest judgement, for a page or the API.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OutcomesView {
    pub as_at: String,
    pub rules_sha256: String,
    /// While a restriction of processing on a member's data is in force: the sentence
    /// saying that the family-level figures are withheld ([`crate::views::FIGURES_WITHHELD`]).
    /// The results, the earliest claim date, each problem's state, what is missing and the
    /// family-wide measures are then withheld (they count every member's records); only
    /// the other members' own measures are shown.
    pub withheld: Option<&'static str>,
    /// The earliest date a claim could be made (`None`: none in sight yet, or withheld).
    pub earliest_claim_on: Option<String>,
    pub results: Vec<ResultRow>,
    pub problems: Vec<ProblemRow>,
    /// People who joined the household since the baseline (the plan's `[household]`).
    pub joined: Vec<JoinedRow>,
}

/// Someone recorded at the family's home who joined its household: their new problems count
/// against the family's progress, never towards continuous employment.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct JoinedRow {
    /// The person's key (they are not one of the family's members).
    pub person_id: i64,
    /// The first and last days they count as part of the household.
    pub from: String,
    pub to: String,
    /// The partner source that recorded them at the home.
    pub source: String,
}

/// A result achieved.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultRow {
    pub kind: String,
    pub label: String,
    pub achieved_on: String,
}

/// Where the family stands on one headline problem.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProblemRow {
    pub key: String,
    pub label: String,
    /// `None`: withheld (see [`OutcomesView::withheld`]).
    pub state: Option<ProblemState>,
    pub state_label: &'static str,
    pub tag_class: &'static str,
    pub missing: Vec<String>,
    pub earliest_on: Option<String>,
    pub distance: Vec<DistanceRow>,
}

/// A measure's distance travelled.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DistanceRow {
    pub measure_key: String,
    pub measure: String,
    /// The member measured, as this viewer may see them (`None`: the family as a whole).
    pub who: Option<String>,
    pub baseline: Option<String>,
    pub latest: Option<String>,
    pub threshold: String,
    pub direction: &'static str,
}

/// The words for a problem's state and its tag colour.
pub(crate) fn state_words(state: ProblemState) -> (&'static str, &'static str) {
    match state {
        ProblemState::Achieved => ("Progress achieved", "govuk-tag--green"),
        ProblemState::InProgress => ("In progress", "govuk-tag--yellow"),
        ProblemState::NotRegressed => ("Not present at entry; no regression", "govuk-tag--grey"),
        ProblemState::Regressed => ("Not present at entry; now present", "govuk-tag--red"),
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The judgement as the viewer sees it: problems named as the run names them, measures as
/// the Outcomes Plan it was judged under titles them (else the council's outcome measures), members by name only where the viewer may see
/// names (otherwise "member N" of the family's list); nothing of a person whose processing
/// is restricted, and, while anyone's in the family is, none of the family-level figures
/// (they were worked out from that person's records too: [`OutcomesView::withheld`]).
pub(crate) fn family(
    outcome: &FamilyOutcome,
    rules_sha256: &str,
    detail: &FamilyDetail,
    measures: &hearth_casework::OutcomeMeasures,
    plan: Option<&hearth_claims::RulesSnapshot>,
) -> OutcomesView {
    // The Outcomes Plan the family was judged under, when it is the one loaded: its titles
    // name its measures ("No adult on an out-of-work benefit"), which the council's outcome
    // measures may title otherwise under the same key.
    let plan = plan
        .filter(|p| p.sha256 == rules_sha256)
        .and_then(|p| hearth_outcomes::Plan::from_toml(&p.text, &p.name).ok());
    let measure_title = |problem: &str, key: &str| {
        plan.as_ref()
            .and_then(|pl| pl.problem(problem))
            .and_then(|pp| pp.measures.iter().find(|m| m.key == key))
            .map(|m| m.title.clone())
            .or_else(|| measures.get(key).map(|m| m.title.clone()))
            .unwrap_or_else(|| humanise(key))
    };
    let problem_label = |key: &str| {
        detail
            .problem_list
            .iter()
            .find(|p| p.key == key)
            .map_or_else(|| humanise(key), |p| p.label.clone())
    };
    let restricted = |person: i64| detail.restricted_people.contains(&person);
    let withheld = detail.figures_withheld(people_named(outcome));
    let who = |person: i64| {
        let at = detail.members.iter().position(|m| m.person_id == person);
        match at.map(|i| (i, &detail.members[i])) {
            Some((_, m)) if m.name.is_some() => m.name.clone().unwrap_or_default(),
            Some((i, m)) => format!("member {} ({})", i + 1, m.role),
            None => "a member no longer in the family".into(),
        }
    };
    OutcomesView {
        as_at: outcome.as_at.to_string(),
        rules_sha256: rules_sha256.to_string(),
        withheld: withheld.then_some(crate::views::FIGURES_WITHHELD),
        earliest_claim_on: outcome
            .earliest_claim_on
            .filter(|_| !withheld)
            .map(|d| d.to_string()),
        results: outcome
            .results
            .iter()
            .filter(|_| !withheld)
            .map(|r| ResultRow {
                kind: r.kind.key().to_string(),
                label: r.kind.title().to_string(),
                achieved_on: r.achieved_on.to_string(),
            })
            .collect(),
        problems: outcome
            .problems
            .iter()
            .map(|p| {
                let state = (!withheld).then_some(p.state);
                let (state_label, tag_class) =
                    state.map_or(("Withheld", "govuk-tag--grey"), state_words);
                ProblemRow {
                    key: p.problem_key.clone(),
                    label: problem_label(&p.problem_key),
                    state,
                    state_label,
                    tag_class,
                    missing: if withheld {
                        Vec::new()
                    } else {
                        p.missing.clone()
                    },
                    earliest_on: p.earliest_on.filter(|_| !withheld).map(|d| d.to_string()),
                    distance: p
                        .distance
                        .iter()
                        // A restricted person's measures are facts from their records; the
                        // family's own count theirs too, so go while anyone's are withheld.
                        .filter(|d| match d.person_id {
                            Some(p) => !restricted(p),
                            None => !withheld,
                        })
                        .map(|d| DistanceRow {
                            measure_key: d.measure_key.clone(),
                            measure: measure_title(&p.problem_key, &d.measure_key),
                            who: d.person_id.map(who),
                            baseline: d.baseline.map(number),
                            latest: d.latest.map(number),
                            threshold: number(d.threshold),
                            direction: if d.higher_is_better {
                                "higher is better"
                            } else {
                                "lower is better"
                            },
                        })
                        .collect(),
                }
            })
            .collect(),
        joined: outcome
            .joined
            .iter()
            .filter(|e| e.person_id.is_none_or(|p| !restricted(p)))
            .filter_map(|e| {
                Some(JoinedRow {
                    person_id: e.person_id?,
                    from: e.from.to_string(),
                    to: e.to.to_string(),
                    source: e.source.as_deref().map_or_else(String::new, humanise),
                })
            })
            .collect(),
    }
}

/// Everyone a judgement names: the members measured, those who joined the household, and
/// those its results' evidence concerns.
fn people_named(outcome: &FamilyOutcome) -> impl Iterator<Item = i64> + '_ {
    let measured = outcome
        .problems
        .iter()
        .flat_map(|p| p.distance.iter().filter_map(|d| d.person_id));
    let evidence = outcome
        .results
        .iter()
        .flat_map(|r| r.evidence.iter())
        .chain(&outcome.joined)
        .filter_map(|e| e.person_id);
    measured.chain(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_one_decimal_only_when_needed() {
        assert_eq!(number(85.0), "85");
        assert_eq!(number(84.94), "84.9");
        assert_eq!(number(2.0), "2");
    }

    #[test]
    fn every_state_has_words_and_a_colour() {
        for s in [
            ProblemState::Achieved,
            ProblemState::InProgress,
            ProblemState::NotRegressed,
            ProblemState::Regressed,
        ] {
            let (words, class) = state_words(s);
            assert!(!words.is_empty() && class.starts_with("govuk-tag--"));
        }
    }
}
