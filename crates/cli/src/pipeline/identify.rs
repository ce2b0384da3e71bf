//! Identify eligible families in the stored linkage results, rank them, keep the evidence,
//! and say what changed since the previous run.

use anyhow::{bail, Result};
use chrono::NaiveDate;
use hearth_identification::{identify, FactRef, Family, Identification, Person, Rules};
use hearth_store::{EvidenceRow, FamilyAssessment, IdentificationRun, Store};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
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
    /// Families eligible in both runs with evidence records not seen before.
    pub new_evidence: Vec<i64>,
    /// Whether there was a previous run to compare with.
    pub had_previous: bool,
    /// Seconds: load, evaluate, save.
    pub seconds: [f64; 3],
}

/// Loads the rules file and its SHA-256.
pub fn load_rules(path: &std::path::Path) -> Result<(Rules, String)> {
    use sha2::{Digest, Sha256};
    let rules = Rules::load(path)?;
    let bytes = std::fs::read(path)?;
    let sha = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((rules, sha))
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
    std::thread::scope(|scope| {
        let facts = scope.spawn(move || facts_store.load_facts());
        identify_loaded(store, rules, rules_sha256, as_at, link_run_id, t0, || {
            facts
                .join()
                .map_err(|_| anyhow::anyhow!("reading the facts failed"))?
                .map_err(anyhow::Error::from)
        })
    })
}

#[allow(clippy::too_many_arguments)]
fn identify_loaded(
    store: &mut Store,
    rules: &Rules,
    rules_sha256: &str,
    as_at: NaiveDate,
    link_run_id: i64,
    t0: Instant,
    facts: impl FnOnce() -> Result<Vec<(hearth_store::RecordId, String, hearth_model::Fact)>>,
) -> Result<IdentifyReport> {
    let stored_families = store.families()?;
    let assignment: HashMap<i64, i64> = store
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0, p))
        .collect();

    // The people who belong to a family, densely indexed in person-ID order.
    let member_ids: BTreeSet<i64> = stored_families
        .iter()
        .flat_map(|f| f.members.iter().map(|m| m.person_id))
        .collect();
    let index: HashMap<i64, usize> = member_ids
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i))
        .collect();

    // Dates of birth from the members' records: the one most of them give.
    let mut dobs_of: Vec<Vec<NaiveDate>> = vec![Vec::new(); member_ids.len()];
    for (id, dob) in store.dates_of_birth()? {
        if let Some(&i) = assignment.get(&id.0).and_then(|p| index.get(p)) {
            dobs_of[i].push(dob);
        }
    }
    let people: Vec<Person> = member_ids
        .iter()
        .zip(dobs_of)
        .map(|(&p, dobs)| Person {
            person_id: p as u64,
            date_of_birth: super::link::mode(dobs.into_iter()),
        })
        .collect();

    let mut facts_by_person: Vec<Vec<FactRef>> = vec![Vec::new(); people.len()];
    let mut source_names: HashMap<String, Arc<str>> = HashMap::new();
    for (id, source, fact) in facts()? {
        if let Some(&i) = assignment.get(&id.0).and_then(|p| index.get(p)) {
            let source = source_names
                .entry(source)
                .or_insert_with_key(|s| Arc::from(s.as_str()))
                .clone();
            facts_by_person[i].push(FactRef {
                record_id: id.0 as u64,
                source,
                fact,
            });
        }
    }
    let families: Vec<Family> = stored_families
        .iter()
        .map(|f| Family {
            family_id: f.family_id as u64,
            members: f.members.iter().map(|m| index[&m.person_id]).collect(),
        })
        .collect();
    let load_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let identification = identify(rules, &people, &facts_by_person, &families, as_at)?;
    let eval_s = t1.elapsed().as_secs_f64();
    // Freeing a million facts takes a noticeable moment: do it off the critical path.
    std::thread::spawn(move || drop((facts_by_person, people, families)));

    let t2 = Instant::now();
    let previous = store.identification_runs()?.last().cloned();
    let (assessments, evidence) = to_rows(&identification);
    let (newly_eligible, no_longer_eligible, new_evidence) = match &previous {
        Some(prev) => compare(
            &store.assessments(prev.id)?,
            &store.evidence(prev.id, None)?,
            &assessments,
            &evidence,
        ),
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
        as_at,
        profile: identification.profile.clone(),
        rules_sha256: rules_sha256.to_string(),
        link_run_id,
        families_assessed: assessments.len() as u64,
        families_eligible: assessments.iter().filter(|a| a.eligible).count() as u64,
    };
    let run_id = store.save_identification(&run, &assessments, &evidence)?;
    let save_s = t2.elapsed().as_secs_f64();
    Ok(IdentifyReport {
        run_id,
        identification,
        newly_eligible,
        no_longer_eligible,
        new_evidence,
        had_previous: previous.is_some(),
        seconds: [load_s, eval_s, save_s],
    })
}

/// The store's rows for an identification.
pub fn to_rows(id: &Identification) -> (Vec<FamilyAssessment>, Vec<EvidenceRow>) {
    let mut assessments = Vec::with_capacity(id.families.len());
    let mut evidence = Vec::new();
    let mut rank = 0;
    for f in &id.families {
        let priority_rank = if f.eligible {
            rank += 1;
            Some(rank)
        } else {
            None
        };
        assessments.push(FamilyAssessment {
            family_id: f.family_id as i64,
            eligible: f.eligible,
            problems: f.problems.iter().map(|p| p.key.clone()).collect(),
            estimated_cost: f.estimated_annual_cost,
            score: f.priority_score,
            priority_rank,
        });
        for p in &f.problems {
            for e in &p.evidence {
                evidence.push(EvidenceRow {
                    family_id: f.family_id as i64,
                    problem_key: p.key.clone(),
                    indicator_key: e.indicator.clone(),
                    person_id: e.person_id as i64,
                    record_ids: e.record_ids.iter().map(|&r| r as i64).collect(),
                    value: Some(e.value),
                });
            }
        }
    }
    (assessments, evidence)
}

/// Newly eligible, no longer eligible, and eligible-in-both families with new evidence.
pub fn compare(
    prev_assessments: &[FamilyAssessment],
    prev_evidence: &[EvidenceRow],
    assessments: &[FamilyAssessment],
    evidence: &[EvidenceRow],
) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let eligible = |a: &[FamilyAssessment]| -> BTreeSet<i64> {
        a.iter()
            .filter(|a| a.eligible)
            .map(|a| a.family_id)
            .collect()
    };
    let (before, now) = (eligible(prev_assessments), eligible(assessments));
    let seen: HashSet<(i64, i64)> = prev_evidence
        .iter()
        .flat_map(|e| e.record_ids.iter().map(move |&r| (e.family_id, r)))
        .collect();
    let new_evidence: BTreeSet<i64> = evidence
        .iter()
        .filter(|e| before.contains(&e.family_id) && now.contains(&e.family_id))
        .filter(|e| {
            e.record_ids
                .iter()
                .any(|&r| !seen.contains(&(e.family_id, r)))
        })
        .map(|e| e.family_id)
        .collect();
    (
        now.difference(&before).copied().collect(),
        before.difference(&now).copied().collect(),
        new_evidence.into_iter().collect(),
    )
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
