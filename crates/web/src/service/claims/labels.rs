//! An evidence pack's problem and measure keys in plain words, for its page.

use crate::error::WebError;
use crate::state::AppState;
use hearth_claims::EvidencePack;
use std::collections::BTreeMap;

/// The plain words for every problem and measure key an evidence pack names: the latest
/// run's problem labels and the council's outcome measures' titles, else the key in words.
pub(super) async fn pack_labels(
    state: &AppState,
    pack: &EvidencePack,
) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>), WebError> {
    let run = state.latest_run().await?;
    let measures = &state.settings().outcome_measures;
    let mut problems: Vec<&str> = pack.result.problems.iter().map(String::as_str).collect();
    let mut measure_keys: Vec<&str> = Vec::new();
    for e in &pack.result.evidence {
        problems.extend(e.problem_key.as_deref());
        measure_keys.push(&e.measure_key);
    }
    if let Some(b) = &pack.baseline {
        problems.extend(b.problems.iter().map(|p| p.key.as_str()));
    }
    for g in &pack.plan {
        problems.push(&g.problem_key);
        measure_keys.push(&g.measure_key);
    }
    let problem_labels = problems
        .into_iter()
        .map(|k| {
            let label = run.as_ref().map_or_else(
                || crate::labels::humanise(k),
                |r| crate::labels::problem_label(&r.run.labels, k),
            );
            (k.to_string(), label)
        })
        .collect();
    let measure_labels = measure_keys
        .into_iter()
        .map(|k| {
            let label = measures
                .get(k)
                .map_or_else(|| crate::labels::humanise(k), |m| m.title.clone());
            (k.to_string(), label)
        })
        .collect();
    Ok((problem_labels, measure_labels))
}

/// What each piece of the pack's evidence measured, in words, in the evidence's order: as
/// the Outcomes Plan frozen with the pack names the problem's measure
/// ([`EvidencePack::measure_titles`]), else the council's outcome measures' title, else the
/// key in words. Labelling by key alone named the worklessness measure of significant and
/// sustained progress "continuous employment", the result it is not.
pub(super) fn evidence_measure_labels(state: &AppState, pack: &EvidencePack) -> Vec<String> {
    let measures = &state.settings().outcome_measures;
    pack.measure_titles()
        .into_iter()
        .zip(&pack.result.evidence)
        .map(|(title, e)| {
            title.unwrap_or_else(|| {
                measures.get(&e.measure_key).map_or_else(
                    || crate::labels::humanise(&e.measure_key),
                    |m| m.title.clone(),
                )
            })
        })
        .collect()
}

/// The unit of each measure of the pack whose number alone does not say it: the continuous
/// employment result counts weeks in work (its value, threshold and baseline).
pub(super) fn pack_units(pack: &EvidencePack) -> BTreeMap<String, String> {
    if pack.result.kind != hearth_outcomes::ResultKind::ContinuousEmployment {
        return BTreeMap::new();
    }
    pack.result
        .evidence
        .iter()
        .map(|e| (e.measure_key.clone(), "weeks".to_string()))
        .collect()
}
