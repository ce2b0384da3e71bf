//! `hearth savings`: the cost savings calculator over the store. Reads the latest linkage
//! run's families and their members' facts, the families' attachment dates (the outcomes baseline's,
//! else the casework's, or the caller's), and hands them to `hearth_savings`. Orchestrates only: no domain rule.

use crate::identify::members;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use hearth_savings::{Calculation, Coverage, Member, SavingsFamily, SavingsRules};
use hearth_store::Store;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Instant;

/// Loads the savings rules and their unit-cost table, with the SHA-256 of both files' bytes
/// (kept with the run, so that a figure can be traced to the rules that made it).
pub fn load_rules(path: &Path) -> Result<(SavingsRules, String)> {
    let rules = SavingsRules::load(path)
        .with_context(|| format!("reading the savings rules {}", path.display()))?;
    let mut bytes = std::fs::read(path)?;
    let src = String::from_utf8_lossy(&bytes).into_owned();
    if let Some(costs) = hearth_savings::unit_costs_path(&src, path) {
        bytes.extend(std::fs::read(costs)?);
    }
    Ok((rules, crate::hash::hex_sha256(&bytes)))
}

/// Attachment dates from a CSV file with the columns `family_id` and `attached_on`
/// (yyyy-mm-dd), for a council whose attachments are kept outside Hearth's casework.
pub fn read_attachments(path: &Path) -> Result<BTreeMap<u64, NaiveDate>> {
    let mut r = csv::Reader::from_path(path)
        .with_context(|| format!("reading the attachments file {}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .with_context(|| {
                format!(
                    "{}: no `{name}` column (the file needs family_id and attached_on)",
                    path.display()
                )
            })
    };
    let (fc, dc) = (col("family_id")?, col("attached_on")?);
    let mut out = BTreeMap::new();
    for (i, row) in r.records().enumerate() {
        let row = row.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let family: u64 = row.get(fc).unwrap_or("").trim().parse().with_context(|| {
            format!(
                "{}: row {}, family_id: not a family ID",
                path.display(),
                i + 2
            )
        })?;
        let date = NaiveDate::parse_from_str(row.get(dc).unwrap_or("").trim(), "%Y-%m-%d")
            .with_context(|| {
                format!(
                    "{}: row {}, attached_on: not a date (use yyyy-mm-dd)",
                    path.display(),
                    i + 2
                )
            })?;
        if out.insert(family, date).is_some() {
            bail!(
                "{}: row {}: family {family} appears twice",
                path.display(),
                i + 2
            );
        }
    }
    Ok(out)
}

/// What a savings run found, and how long it took.
pub struct SavingsReport {
    /// The stored run's key.
    pub run_id: i64,
    /// The calculator's results.
    pub calculation: Calculation,
    /// Attached families not among the latest linkage run's families (left out).
    pub unknown_families: usize,
    /// Seconds reading the store.
    pub load_s: f64,
    /// Seconds calculating.
    pub calc_s: f64,
}

impl fmt::Display for SavingsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.calculation.cohort;
        writeln!(
            f,
            "Cost savings as at {} ({} prices): {} attached families with 12 months after attachment, {} not yet",
            c.as_at, c.price_year, c.families, c.not_yet_complete
        )?;
        if self.unknown_families > 0 {
            writeln!(
                f,
                "{} attached families are not in the latest linkage run and were left out",
                self.unknown_families
            )?;
        }
        write!(
            f,
            "Savings run {} saved. Read the store in {:.2} s, calculated in {:.2} s",
            self.run_id, self.load_s, self.calc_s
        )
    }
}

/// Runs the calculator over the store as at `as_at`. `attachments` overrides the casework's.
pub fn savings_store(
    store: &mut Store,
    rules: &SavingsRules,
    rules_sha256: &str,
    as_at: NaiveDate,
    attachments: Option<BTreeMap<u64, NaiveDate>>,
) -> Result<SavingsReport> {
    let t0 = Instant::now();
    if store.latest_link_run()?.is_none() {
        bail!("no linkage results in the store yet: run `hearth link` first");
    }
    let attachments = match attachments {
        Some(a) => a,
        // The one notion of attached (`Store::attachments`): the baseline's date, else the
        // casework's first move to "agreed" or later.
        None => store
            .attachments()?
            .into_iter()
            .filter_map(|(f, d)| u64::try_from(f).ok().map(|f| (f, d)))
            .collect(),
    };
    let m = members::load(store)?;
    let all_facts = store.load_facts()?;
    let batches = store.record_batches()?;
    let load_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    // How far each item's data reach, from every record in the store.
    let coverage = Coverage::from_facts(
        rules,
        all_facts
            .iter()
            .map(|(id, s, f)| (s.as_str(), f, batch_of(&batches, id.0))),
    );
    let facts = members::facts_by_person(&m, all_facts);
    let by_id: BTreeMap<u64, usize> = m
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.family_id, i))
        .collect();
    let mut families = Vec::with_capacity(attachments.len());
    let mut unknown = 0;
    for (family_id, attached_on) in attachments {
        let Some(&i) = by_id.get(&family_id) else {
            unknown += 1;
            continue;
        };
        let members = m.families[i]
            .members
            .iter()
            .map(|&p| Member {
                person_id: m.people[p].person_id,
                date_of_birth: m.people[p].date_of_birth,
                facts: facts[p].clone(),
            })
            .collect();
        families.push(SavingsFamily {
            family_id,
            attached_on,
            members,
        });
    }
    let calculation = hearth_savings::calculate(rules, &families, as_at, &coverage);
    let calc_s = t1.elapsed().as_secs_f64();
    let per_family = calculation
        .families
        .iter()
        .map(|f| Ok((f.family_id as i64, serde_json::to_string(f)?)))
        .collect::<Result<Vec<_>>>()?;
    let run_id = store.save_savings_run(
        as_at,
        rules_sha256,
        &serde_json::to_string(&calculation.cohort)?,
        &per_family,
    )?;
    Ok(SavingsReport {
        run_id,
        calculation,
        unknown_families: unknown,
        load_s,
        calc_s,
    })
}

/// The import batch a record came in (`batches` sorted by record key, as the store gives
/// them); 0 for a record not listed (added since they were read).
pub fn batch_of(batches: &[(hearth_store::RecordId, hearth_store::BatchId)], record: i64) -> i64 {
    batches
        .binary_search_by_key(&record, |(r, _)| r.0)
        .map_or(0, |i| batches[i].1 .0)
}
