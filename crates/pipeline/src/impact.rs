//! `hearth evaluate`'s data: the cohort of the latest identification run (families attached
//! to the programme, and eligible families not worked with) with their members' outcome
//! events, read from the store and shaped as `hearth_impact` takes them; then the evaluation,
//! published through disclosure control and kept in the store.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use hearth_governance::sharing::Output;
use hearth_governance::Policy;
use hearth_impact::{evaluate, publish, Cohort, Evaluation, FamilyHistory, Published, Rules};
use hearth_model::MemberRole;
use hearth_store::{ImpactReport, Store};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Reads and checks the evaluation's rules; returns them with the file's SHA-256.
pub fn load_rules(path: &Path) -> anyhow::Result<(Rules, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the evaluation rules {}", path.display()))?;
    let rules = Rules::from_toml(&path.display().to_string(), &text)?;
    Ok((rules, format!("{:x}", Sha256::digest(text.as_bytes()))))
}

/// Reads the cohort as at `as_at`.
pub fn load_cohort(store: &mut Store, rules: &Rules, as_at: NaiveDate) -> anyhow::Result<Cohort> {
    let run = store
        .identification_runs()?
        .into_iter()
        .max_by_key(|r| r.id)
        .context("there is no identification run yet: run `hearth identify` first")?;
    let assessments: HashMap<i64, _> = store
        .assessments(run.id)?
        .into_iter()
        .map(|a| (a.family_id, a))
        .collect();
    // The one notion of attached (`Store::attachments`, as the dashboard and claims count):
    // the date frozen with the family's baseline (`hearth outcomes --attach`), else its
    // case's first move to "agreed to take part" or later.
    let attached = store.attachments()?;
    // The local evaluation is research: families with a member objecting to research use or
    // to all sharing (or restricted) are left out of its cohort, as from every research
    // output (`hearth_governance::sharing`).
    let excluded = crate::sharing::excluded(store, Output::LocalEvaluation)?;
    // Members' ages are stored as at the latest linkage run's date.
    let ages_on = store.latest_link_run()?.map(|(_, d)| d);
    let mut families = Vec::new();
    let mut family_of_person: HashMap<i64, usize> = HashMap::new();
    for f in store.families()? {
        if excluded.family(f.family_id) {
            continue;
        }
        let a = assessments.get(&f.family_id);
        let eligible = a.is_some_and(|a| a.eligible);
        let attached_on = attached.get(&f.family_id).copied();
        if !eligible && attached_on.is_none() {
            continue;
        }
        let mut h = FamilyHistory::new(f.family_id, rules);
        h.area = f.area.clone();
        h.members = f.members.len() as u32;
        h.children = f
            .members
            .iter()
            .filter(|m| m.role == MemberRole::Child)
            .count() as u32;
        h.child_ages = f
            .members
            .iter()
            .filter(|m| m.role == MemberRole::Child)
            .filter_map(|m| m.age.and_then(|a| u32::try_from(a).ok()))
            .collect();
        h.ages_on = ages_on;
        h.problems = a.map(|a| a.problems.clone()).unwrap_or_default();
        h.eligible = eligible;
        h.attached_on = attached_on;
        for m in &f.members {
            family_of_person.insert(m.person_id, families.len());
        }
        families.push(h);
    }
    let family_of_record: HashMap<i64, (usize, i64)> = store
        .person_assignment()?
        .into_iter()
        .filter_map(|(r, p)| family_of_person.get(&p).map(|&f| (r.0, (f, p))))
        .collect();
    // Spells (claims, episodes of care) are restated by later extracts: merged per member
    // before they count, so a claim open in the first file and ended in a later one ends.
    let mut spells = Vec::new();
    for (record, _source, fact) in store.load_facts()? {
        if let Some(&(f, person)) = family_of_record.get(&record.0) {
            if rules.is_spell(&fact) {
                spells.push(((f, person), fact));
            } else {
                families[f].add_fact(rules, &fact);
            }
        }
    }
    for ((f, _), fact) in hearth_impact::merge_restated(spells) {
        families[f].add_fact(rules, &fact);
    }
    for f in &mut families {
        f.sort();
    }
    Ok(Cohort { families, as_at })
}

/// What `hearth evaluate` did (counts and the published report only).
#[derive(Debug, Clone)]
pub struct EvaluateReport {
    /// The report as published.
    pub published: Published,
    /// Its key in the store.
    pub report_id: i64,
    /// Families in the cohort.
    pub cohort_families: usize,
}

/// Loads, evaluates, publishes and keeps the report.
pub fn evaluate_store(
    store: &mut Store,
    rules: &Rules,
    rules_sha256: &str,
    as_at: NaiveDate,
    made_by: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<EvaluateReport> {
    let cohort = load_cohort(store, rules, as_at)?;
    let evaluation: Evaluation = evaluate(rules, &cohort)?;
    let published = publish(&evaluation, Policy::default());
    let report_id = store.save_impact_report(&ImpactReport {
        id: 0,
        as_at,
        made_at: now,
        made_by: made_by.into(),
        rules_sha256: rules_sha256.into(),
        report: serde_json::to_string(&published)?,
    })?;
    Ok(EvaluateReport {
        published,
        report_id,
        cohort_families: cohort.families.len(),
    })
}

impl fmt::Display for EvaluateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.published;
        writeln!(
            f,
            "Local impact evaluation as at {} (report {}; cohort of {} families)",
            p.as_at, self.report_id, self.cohort_families
        )?;
        writeln!(
            f,
            "Programme families: {} matched, {} not matched; comparison families used: {}",
            p.programme.cells[0][0], p.programme.cells[1][0], p.comparison.cells[0][0]
        )?;
        writeln!(
            f,
            "{:<28} {:>6} {:>9} {:>11} {:>10} {:>19} {:>9} {:>10}",
            "outcome",
            "band",
            "programme",
            "comparison",
            "difference",
            "95% interval",
            "relative",
            "detectable"
        )?;
        for e in &p.estimates {
            match &e.figures {
                Some(x) => writeln!(
                    f,
                    "{:<28} {:>6} {:>9.1} {:>11.1} {:>+10.1} {:>19} {:>9} {:>10}",
                    e.label,
                    e.band,
                    x.programme,
                    x.comparison,
                    x.difference,
                    format!("[{:+.1}, {:+.1}]", x.interval.low, x.interval.high),
                    x.relative
                        .map_or("[z]".into(), |r| format!("{:+.0}%", r * 100.0)),
                    x.detectable()
                        .map_or("[z]".into(), |d| format!("{:.0}%", d * 100.0)),
                )?,
                None => writeln!(f, "{:<28} {:>6} {:>9}", e.label, e.band, "[c]")?,
            }
        }
        write!(
            f,
            "rates: events per 100 families in the band (\"to date\" bands: a year, over each family's months observed), or per cent (shares, absence, claims still open); comparison and difference adjusted for each family's own level of the outcome before (regression adjustment of the matched sets); detectable: the smallest change, relative to the comparison, this size would show clearly four times in five; [c]: withheld to protect confidentiality (a count under 5)"
        )
    }
}
