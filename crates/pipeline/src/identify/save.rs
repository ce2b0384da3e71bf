//! The identify stage's last step: the run's rows written to the store in one transaction,
//! with what changed since the previous run — worked out by `hearth_identification::changes`
//! on the previous run read back from the store. It converts and writes; it does not decide
//! what counts as a change.

use crate::identify::rows::{stored_identification, to_rows};
use anyhow::Result;
use hearth_identification::{Identification, Rules};
use hearth_store::{IdentificationRun, ProblemLabel, RunLabels, Store};

/// What was written, and the changes since the previous run (family IDs).
pub(crate) struct Saved {
    /// The stored run's key.
    pub run_id: i64,
    /// Families newly eligible (every eligible family, in priority order, on a first run).
    pub newly_eligible: Vec<i64>,
    /// Families eligible before and not now.
    pub no_longer_eligible: Vec<i64>,
    /// Families eligible in both runs with evidence not seen before.
    pub new_evidence: Vec<i64>,
    /// Whether there was a previous run.
    pub had_previous: bool,
}

/// Compares `identification` with the previous run, then stores it.
pub(crate) fn save(
    store: &mut Store,
    rules: &Rules,
    identification: &Identification,
    rules_sha256: &str,
    link_run_id: i64,
) -> Result<Saved> {
    let previous = store.identification_runs()?.last().cloned();
    let (assessments, evidence) = to_rows(identification);
    let ids = |v: &[u64]| v.iter().map(|&f| f as i64).collect::<Vec<i64>>();
    let (newly_eligible, no_longer_eligible, new_evidence) = match &previous {
        Some(prev) => {
            let before = stored_identification(
                prev,
                &store.assessments(prev.id)?,
                &store.evidence(prev.id, None)?,
            );
            let changes = hearth_identification::changes(&before, identification);
            let mut with_new_evidence: Vec<u64> =
                changes.new_evidence.iter().map(|e| e.family_id).collect();
            with_new_evidence.dedup();
            (
                ids(&changes.newly_eligible),
                ids(&changes.no_longer_eligible),
                ids(&with_new_evidence),
            )
        }
        None => (
            assessments
                .iter()
                .filter(|a| a.eligible)
                .map(|a| a.family_id)
                .collect(),
            Vec::new(),
            Vec::new(),
        ),
    };
    let run = IdentificationRun {
        id: 0,
        as_at: identification.as_at,
        profile: identification.profile.clone(),
        rules_sha256: rules_sha256.to_string(),
        link_run_id,
        families_assessed: assessments.len() as u64,
        families_eligible: assessments.iter().filter(|a| a.eligible).count() as u64,
        labels: labels(store, rules)?,
    };
    let run_id = store.save_identification(&run, &assessments, &evidence)?;
    Ok(Saved {
        run_id,
        newly_eligible,
        no_longer_eligible,
        new_evidence,
        had_previous: previous.is_some(),
    })
}

/// The words the run keeps for its keys: its rules' problems and indicators, and the sources' names for
/// people as their mappings give them (the pages show these rather than a built-in list).
fn labels(store: &mut Store, rules: &Rules) -> Result<RunLabels> {
    Ok(RunLabels {
        problems: rules
            .problems()
            .iter()
            .map(|p| {
                let words = ProblemLabel {
                    label: p.label.clone(),
                    title: p.title.clone(),
                };
                (p.key.clone(), words)
            })
            .collect(),
        sources: store.source_names()?.into_iter().collect(),
        indicators: rules
            .indicators()
            .iter()
            .map(|i| (i.key.clone(), i.description.clone()))
            .collect(),
    })
}
