//! The identify stage: the latest linkage run's families → `hearth_identification` (problems,
//! eligibility, priority order, evidence) → the store, with what changed since the previous
//! run (by `hearth_identification::changes`).
//!
//! [`identify_store`] runs named steps: load (families, members, facts — the facts on a
//! second connection in parallel), evaluate, save (rows, the comparison with the previous
//! run, one transaction). It holds no identification rule.

pub(crate) mod members;
mod rows;
mod save;

pub use rows::{stored_identification, to_rows};

use crate::hash::hex_sha256;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use hearth_identification::{coverage, identify, Coverage, Identification, Rules};
use hearth_model::Fact;
use hearth_store::{RecordId, Store};
use std::time::Instant;

/// What an identification run found (counts and pseudonymous IDs only).
pub struct IdentifyReport {
    /// The stored run's key.
    pub run_id: i64,
    /// The result itself.
    pub identification: Identification,
    /// Families newly eligible since the previous run (all, on a first run).
    pub newly_eligible: Vec<i64>,
    /// Families eligible before and not now.
    pub no_longer_eligible: Vec<i64>,
    /// Families eligible in both runs with evidence not seen before.
    pub new_evidence: Vec<i64>,
    /// Whether there was a previous run to compare with.
    pub had_previous: bool,
    /// What each indicator could see, and warnings where it could not.
    pub coverage: Coverage,
    /// Seconds: load, evaluate, save.
    pub seconds: [f64; 3],
}

/// Loads the rules file and its SHA-256.
pub fn load_rules(path: &std::path::Path) -> Result<(Rules, String)> {
    let rules = Rules::load(path)?;
    let bytes = std::fs::read(path)?;
    Ok((rules, hex_sha256(&bytes)))
}

/// Runs identification over the latest linkage run's families.
pub fn identify_store(
    store: &mut Store,
    rules: &Rules,
    rules_sha256: &str,
    as_at: NaiveDate,
) -> Result<IdentifyReport> {
    let t0 = Instant::now();
    let Some((link_run_id, _)) = store.latest_link_run()? else {
        bail!("no linkage results in the store yet: run `hearth link` first");
    };
    // The facts are the biggest read: a second connection reads them on another core while
    // this one reads families, people and dates of birth.
    let mut facts_store = store.open_another()?;
    let (identification, coverage, load_s, eval_s) = std::thread::scope(|scope| {
        let facts = scope.spawn(move || facts_store.load_facts());
        evaluate(store, rules, as_at, t0, || {
            facts
                .join()
                .map_err(|_| anyhow::anyhow!("reading the facts failed"))?
                .map_err(anyhow::Error::from)
        })
    })?;

    let t2 = Instant::now();
    let saved = save::save(store, rules, &identification, rules_sha256, link_run_id)?;
    let save_s = t2.elapsed().as_secs_f64();
    tracing::info!(
        run = saved.run_id,
        families = identification.families.len(),
        "identification run saved"
    );
    Ok(IdentifyReport {
        run_id: saved.run_id,
        identification,
        newly_eligible: saved.newly_eligible,
        no_longer_eligible: saved.no_longer_eligible,
        new_evidence: saved.new_evidence,
        had_previous: saved.had_previous,
        coverage,
        seconds: [load_s, eval_s, save_s],
    })
}

/// Reads the members (and, through `facts`, their facts) and evaluates the rules; with what
/// each indicator could see and the seconds spent loading (since `t0`) and evaluating.
fn evaluate(
    store: &mut Store,
    rules: &Rules,
    as_at: NaiveDate,
    t0: Instant,
    facts: impl FnOnce() -> Result<Vec<(RecordId, String, Fact)>>,
) -> Result<(Identification, Coverage, f64, f64)> {
    let members = members::load(store)?;
    let facts_by_person = members::facts_by_person(&members, facts()?);
    let load_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let identification = identify(
        rules,
        &members.people,
        &facts_by_person,
        &members.families,
        as_at,
    )?;
    let coverage = coverage(rules, &facts_by_person, as_at);
    let eval_s = t1.elapsed().as_secs_f64();
    // Freeing a million facts takes a noticeable moment: do it off the critical path.
    std::thread::spawn(move || drop((facts_by_person, members)));
    Ok((identification, coverage, load_s, eval_s))
}

impl std::fmt::Display for IdentifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = &self.identification;
        let eligible: Vec<_> = id.eligible().collect();
        writeln!(
            f,
            "Identification as at {} ({} rules): {} families assessed, {} eligible",
            id.as_at,
            id.profile,
            id.families.len(),
            eligible.len()
        )?;
        writeln!(f, "  Eligible families by headline problem:")?;
        for p in &id.problems {
            let n = eligible
                .iter()
                .filter(|fam| fam.problems.iter().any(|q| q.key == p.key))
                .count();
            writeln!(f, "    {:<45} {n:>7}", p.title)?;
        }
        let mut by_count: std::collections::BTreeMap<usize, usize> = Default::default();
        for fam in &eligible {
            *by_count.entry(fam.problem_count()).or_default() += 1;
        }
        let counts: Vec<String> = by_count
            .iter()
            .rev()
            .map(|(k, v)| format!("{v} with {k}"))
            .collect();
        writeln!(f, "  Number of problems: {}", counts.join(", "))?;
        writeln!(f, "  Highest priority (pseudonymous family IDs; `hearth family show ID` for the evidence):")?;
        for fam in eligible.iter().take(5) {
            let keys: Vec<&str> = fam.problems.iter().map(|p| p.key.as_str()).collect();
            writeln!(
                f,
                "    #{:<3} family {:<8} {} problems, est. £{:.0} a year: {}",
                fam.rank,
                fam.family_id,
                fam.problem_count(),
                fam.estimated_annual_cost,
                keys.join(", ")
            )?;
        }
        if self.had_previous {
            writeln!(
                f,
                "  Since the previous run: {} newly eligible, {} no longer eligible, {} with new evidence",
                self.newly_eligible.len(),
                self.no_longer_eligible.len(),
                self.new_evidence.len()
            )?;
        } else {
            writeln!(
                f,
                "  First identification run: every eligible family is new"
            )?;
        }
        writeln!(
            f,
            "  Facts each indicator looked at (before its window and condition):"
        )?;
        for c in &self.coverage.indicators {
            writeln!(
                f,
                "    {:<50} {:>8}  ({} {})",
                c.indicator, c.facts, c.source, c.event_type
            )?;
            if !c.unmentioned.is_empty() {
                let values: Vec<String> = c
                    .unmentioned
                    .iter()
                    .map(|(a, v, n)| format!("{a} = {v:?} ({n})"))
                    .collect();
                writeln!(f, "      values no rule mentions: {}", values.join(", "))?;
            }
        }
        for w in &self.coverage.warnings {
            writeln!(f, "  WARNING: {w}")?;
        }
        for d in &id.diagnostics {
            writeln!(
                f,
                "  Note: indicator {}: {} ({} facts)",
                d.indicator, d.message, d.facts
            )?;
        }
        write!(
            f,
            "  time: load {:.1} s, evaluate {:.1} s, save {:.1} s (run {})",
            self.seconds[0], self.seconds[1], self.seconds[2], self.run_id
        )
    }
}
