//! The outcomes stage: the council's attachment list → each attached family's baseline,
//! frozen from the latest identification run and the members' records (once: a family
//! keeps its first) → every attached family judged under the Outcomes Plan as at a date →
//! the store. It reads, converts and orchestrates; the rules are in `hearth-outcomes`.

use crate::hash::hex_sha256;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_outcomes::{
    calendar, freeze, judge, tidy, Baseline, BaselineIndicator, BaselineMember, BaselineProblem,
    Event, FamilyInput, FreezeInput, Plan, ResultKind,
};
use hearth_store::{NewBaseline, Store, StoredOutcome, StoredResult};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

mod by_address;
use by_address::{family_at_address, sectors, AtAddress};

/// Loads an Outcomes Plan and its SHA-256.
pub fn load_plan(path: &Path) -> Result<(Plan, String)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes.clone())
        .with_context(|| format!("{} is not UTF-8", path.display()))?;
    let plan = Plan::from_toml(&text, &path.display().to_string())?;
    Ok((plan, hex_sha256(&bytes)))
}

/// One row of an attachment list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// The row as a spreadsheet numbers it.
    pub row: usize,
    /// The council's reference.
    pub reference: Option<String>,
    /// A member's NHS number (ten digits).
    pub nhs_number: String,
    /// The attachment date.
    pub attached_on: NaiveDate,
    /// The member's forename, family name and date of birth, if the list gives them: the
    /// member is found by them when no record carries the NHS number.
    pub name_and_birth: Option<(String, String, NaiveDate)>,
}

/// Reads an attachment list (`Attachment Ref`, `NHS Number`, `Attached On`, optionally
/// `Forename`, `Surname`, `Date of Birth`; other columns ignored). A bad row stops the whole
/// list, naming file, row and field.
pub fn read_attachments(path: &Path) -> Result<Vec<AttachmentRow>> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("reading {name}"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{name}: no header row"))?
        .clone();
    let col = |h: &str| {
        headers
            .iter()
            .position(|x| x.trim().eq_ignore_ascii_case(h))
    };
    let (Some(nhs), Some(on)) = (col("NHS Number"), col("Attached On")) else {
        bail!("{name}: the header needs the columns \"NHS Number\" and \"Attached On\"");
    };
    let reference = col("Attachment Ref");
    let (forename, surname, born) = (col("Forename"), col("Surname"), col("Date of Birth"));
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = rec.with_context(|| format!("{name}, row {row}: not readable as CSV"))?;
        let number: String = rec
            .get(nhs)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if hearth_model::NhsNumber::parse(&number).is_err() {
            bail!("{name}, row {row}, field \"NHS Number\": not a valid NHS number");
        }
        let text = rec.get(on).unwrap_or("").trim();
        let attached_on = NaiveDate::parse_from_str(text, "%d/%m/%Y")
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .map_err(|_| {
                anyhow::anyhow!(
                    "{name}, row {row}, field \"Attached On\": {text:?} is not a date (dd/mm/yyyy)"
                )
            })?;
        let field = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let name_and_birth = match (field(forename), field(surname), field(born)) {
            (Some(f), Some(s), Some(b)) => {
                let b = NaiveDate::parse_from_str(b, "%d/%m/%Y")
                    .or_else(|_| NaiveDate::parse_from_str(b, "%Y-%m-%d"))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "{name}, row {row}, field \"Date of Birth\": not a date (dd/mm/yyyy)"
                        )
                    })?;
                Some((f.to_string(), s.to_string(), b))
            }
            _ => None,
        };
        out.push(AttachmentRow {
            row,
            name_and_birth,
            reference: reference
                .and_then(|c| rec.get(c))
                .map(str::to_string)
                .filter(|s| !s.is_empty()),
            nhs_number: number,
            attached_on,
        });
    }
    Ok(out)
}

/// What attaching did (counts and row numbers only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachReport {
    /// Baselines frozen now.
    pub frozen: usize,
    /// Families that already had a baseline.
    pub already: usize,
    /// Rows whose member was in no family of the latest linkage run, attached with the one
    /// family recorded at their address (and added to its baseline's members).
    pub by_address: usize,
    /// Rows naming nobody the latest linkage run knows (no record carries their NHS number,
    /// nor their names and date of birth).
    pub not_found: Vec<usize>,
    /// Rows naming a person the run knows but placed in no family, with no one family
    /// recorded at their addresses (none, or several: not attached on a guess).
    pub no_family: Vec<usize>,
}

impl std::fmt::Display for AttachReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Attachments: {} baselines frozen, {} families already attached",
            self.frozen, self.already
        )?;
        if self.by_address > 0 {
            writeln!(
                f,
                "  {} rows name someone in no family of the latest linkage run, attached with \
                 the one family at their address",
                self.by_address
            )?;
        }
        let rows = |rows: &[usize]| {
            let shown: Vec<String> = rows.iter().take(20).map(ToString::to_string).collect();
            let more = if rows.len() > 20 { ", …" } else { "" };
            format!("rows {}{more}", shown.join(", "))
        };
        if !self.not_found.is_empty() {
            writeln!(
                f,
                "  {} rows find nobody: no record carries their NHS number, nor their names with \
                 their date of birth ({})",
                self.not_found.len(),
                rows(&self.not_found)
            )?;
        }
        if !self.no_family.is_empty() {
            writeln!(
                f,
                "  {} rows name someone in no family, with no one family at their address ({})",
                self.no_family.len(),
                rows(&self.no_family)
            )?;
        }
        Ok(())
    }
}

/// Every member's records as the judge reads them, by person.
struct Records {
    by_person: HashMap<i64, Vec<Event>>,
    calendar: Vec<(NaiveDate, NaiveDate)>,
}

fn records(store: &mut Store, plan: &Plan, people: &BTreeSet<i64>) -> Result<Records> {
    let assignment: HashMap<i64, i64> = store
        .person_assignment()?
        .into_iter()
        .filter(|(_, p)| people.contains(p))
        .map(|(r, p)| (r.0, p))
        .collect();
    let mut by_person: HashMap<i64, Vec<Event>> = HashMap::new();
    let mut terms = Vec::new();
    for (id, _source, fact) in store.load_facts()? {
        let Some(start) = fact.event_date else {
            continue;
        };
        if fact.event_type == plan.attendance.event_type {
            if let Some(end) = fact.end_date {
                terms.push(Event {
                    record_id: 0,
                    person_id: 0,
                    event_type: fact.event_type.clone(),
                    start,
                    end: Some(end),
                    attributes: BTreeMap::new(),
                });
            }
        }
        if let Some(&person) = assignment.get(&id.0) {
            by_person.entry(person).or_default().push(Event {
                record_id: id.0,
                person_id: person,
                event_type: fact.event_type,
                start,
                end: fact.end_date,
                attributes: fact.attributes,
            });
        }
    }
    let calendar = calendar(&terms, &plan.attendance.event_type);
    let by_person = by_person.into_iter().map(|(p, e)| (p, tidy(e))).collect();
    Ok(Records {
        by_person,
        calendar,
    })
}

fn family_events(records: &Records, members: impl Iterator<Item = i64>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for p in members {
        if let Some(e) = records.by_person.get(&p) {
            out.extend(e.iter().cloned());
        }
    }
    out
}

/// Freezes the baselines of the listed families (those without one) in one transaction.
pub fn attach(
    store: &mut Store,
    plan: &Plan,
    rows: &[AttachmentRow],
    now: DateTime<Utc>,
) -> Result<AttachReport> {
    let families = store.families()?;
    let family_of: HashMap<i64, usize> = families
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.members.iter().map(move |m| (m.person_id, i)))
        .collect();
    let run = store.identification_runs()?.pop();
    let assessed: HashMap<i64, Vec<String>> = match &run {
        Some(r) => store
            .assessments(r.id)?
            .into_iter()
            .map(|a| (a.family_id, a.problems))
            .collect(),
        None => HashMap::new(),
    };
    let all_problems: Vec<String> = match &run {
        Some(r) => r.labels.problems.keys().cloned().collect(),
        None => plan.problems.iter().map(|p| p.key.clone()).collect(),
    };
    let mut chosen: Vec<(usize, &AttachmentRow, Option<i64>)> = Vec::new();
    let mut not_found = Vec::new();
    // Rows whose one known person is in no family: looked for at their address below.
    let mut homeless: Vec<(&AttachmentRow, i64)> = Vec::new();
    // Every listed NHS number's people at once (one read of the identities per 500 rows).
    let numbers: Vec<String> = rows.iter().map(|r| r.nhs_number.clone()).collect();
    let mut by_number: HashMap<String, Vec<i64>> = HashMap::new();
    for (number, person) in store.people_by_nhs_numbers(&numbers)? {
        by_number.entry(number).or_default().push(person);
    }
    // And, for the rows no record's NHS number finds, everyone born on their dates of birth.
    let days: Vec<NaiveDate> = rows
        .iter()
        .filter(|r| {
            !by_number
                .get(&r.nhs_number)
                .is_some_and(|ps| ps.iter().any(|p| family_of.contains_key(p)))
        })
        .filter_map(|r| r.name_and_birth.as_ref().map(|(_, _, b)| *b))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut by_birth: HashMap<NaiveDate, Vec<(i64, String)>> = HashMap::new();
    for (person, names, born) in store.people_born_on(&days)? {
        by_birth.entry(born).or_default().push((person, names));
    }
    for row in rows {
        let people = by_number.get(&row.nhs_number).cloned().unwrap_or_default();
        let mut found = people.iter().find_map(|p| family_of.get(p)).copied();
        let mut known: BTreeSet<i64> = people.iter().copied().collect();
        if let (None, Some((forename, surname, born))) = (found, &row.name_and_birth) {
            // No record carries the NHS number: the member by name and date of birth (every
            // word of the name in one of their records of that date of birth).
            let words = [forename.to_lowercase(), surname.to_lowercase()];
            let named: BTreeSet<i64> = by_birth
                .get(born)
                .into_iter()
                .flatten()
                .filter(|(_, names)| words.iter().all(|w| names.contains(w.as_str())))
                .map(|(p, _)| *p)
                .collect();
            let families: BTreeSet<usize> = named
                .iter()
                .filter_map(|p| family_of.get(p))
                .copied()
                .collect();
            if known.is_empty() {
                known = named;
            }
            if families.len() == 1 {
                found = families.into_iter().next();
            }
        }
        match (found, known.len()) {
            (Some(i), _) => chosen.push((i, row, None)),
            (None, 1) => homeless.push((row, *known.first().expect("one person"))),
            (None, _) => not_found.push(row.row),
        }
    }
    let (found, no_family) = at_address(store, &families, &homeless)?;
    let by_address = found.len();
    chosen.extend(found);
    let people: BTreeSet<i64> = chosen
        .iter()
        .flat_map(|(i, _, extra)| {
            families[*i]
                .members
                .iter()
                .map(|m| m.person_id)
                .chain(*extra)
        })
        .collect();
    let records = records(store, plan, &people)?;
    let mut baselines = Vec::new();
    for (i, row, extra) in chosen {
        let f = &families[i];
        let present: BTreeSet<&String> = assessed
            .get(&f.family_id)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let indicators = match &run {
            Some(r) => store
                .evidence(r.id, Some(f.family_id))?
                .into_iter()
                .map(|e| BaselineIndicator {
                    problem_key: e.problem_key,
                    indicator_key: e.indicator_key,
                    person_id: e.person_id,
                    value: e.value,
                    record_ids: e.record_ids,
                })
                .collect(),
            None => Vec::new(),
        };
        let mut members: Vec<BaselineMember> = f
            .members
            .iter()
            .map(|m| BaselineMember {
                person_id: m.person_id,
                role: m.role.key().to_string(),
                age_at_attachment: m.age.and_then(|a| u32::try_from(a).ok()),
                school_age: None,
            })
            .collect();
        if let Some(p) = extra {
            // The council names them as a member of the family it works with.
            let age = row.name_and_birth.as_ref().and_then(|(_, _, born)| {
                hearth_model::standardise::age::age_on(*born, row.attached_on)
            });
            let adult = age.is_none_or(|a| a >= 18);
            members.push(BaselineMember {
                person_id: p,
                role: if adult { "adult" } else { "child" }.to_string(),
                age_at_attachment: age,
                school_age: None,
            });
        }
        let events = family_events(&records, members.iter().map(|m| m.person_id));
        let baseline = freeze(
            plan,
            FreezeInput {
                family_id: f.family_id,
                attached_on: row.attached_on,
                run_id: run.as_ref().map(|r| r.id),
                members,
                problems: all_problems
                    .iter()
                    .map(|k| BaselineProblem {
                        key: k.clone(),
                        present: present.contains(k),
                    })
                    .collect(),
                indicators,
                events: &events,
                calendar: &records.calendar,
            },
        );
        baselines.push(NewBaseline {
            family_id: f.family_id,
            attached_on: row.attached_on,
            attachment_ref: row.reference.clone(),
            run_id: baseline.run_id,
            baseline: serde_json::to_string(&baseline)?,
        });
    }
    let frozen = store.freeze_baselines(&baselines, now)?;
    Ok(AttachReport {
        frozen: frozen.frozen,
        already: frozen.already,
        by_address,
        not_found,
        no_family,
    })
}

/// Listed people who are in no family: each with the one family recorded at their address
/// (`by_address`), read for the families of their postcode sectors only. Returns the rows
/// attached (family index, row, the person to add) and the rows of those left unattached.
#[allow(clippy::type_complexity)]
fn at_address<'r>(
    store: &mut Store,
    families: &[hearth_store::StoredFamily],
    homeless: &[(&'r AttachmentRow, i64)],
) -> Result<(Vec<(usize, &'r AttachmentRow, Option<i64>)>, Vec<usize>)> {
    if homeless.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let listed: Vec<i64> = homeless.iter().map(|(_, p)| *p).collect();
    let mut addresses: HashMap<i64, Vec<(Option<String>, Option<String>)>> = HashMap::new();
    for id in store.person_identities(&listed)? {
        addresses
            .entry(id.person_id)
            .or_default()
            .push((id.address, id.postcode));
    }
    let wanted: BTreeSet<String> = addresses.values().flat_map(|a| sectors(a)).collect();
    let mut family_of: HashMap<i64, usize> = HashMap::new();
    for (i, f) in families.iter().enumerate() {
        if f.area.as_ref().is_some_and(|a| wanted.contains(a)) {
            family_of.extend(f.members.iter().map(|m| (m.person_id, i)));
        }
    }
    let candidates: Vec<i64> = family_of.keys().copied().collect();
    let members: Vec<(usize, Option<String>, Option<String>)> = store
        .person_identities(&candidates)?
        .into_iter()
        .map(|id| (family_of[&id.person_id], id.address, id.postcode))
        .collect();
    let (mut found, mut left) = (Vec::new(), Vec::new());
    for (row, person) in homeless {
        let theirs = addresses.get(person).map(Vec::as_slice).unwrap_or_default();
        match family_at_address(theirs, &members) {
            AtAddress::Family(i) => found.push((i, *row, Some(*person))),
            AtAddress::None | AtAddress::Several => left.push(row.row),
        }
    }
    Ok((found, left))
}

/// What an evaluation found (counts only).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomesReport {
    /// Judged as at.
    pub as_at: NaiveDate,
    /// Attached families judged.
    pub families: usize,
    /// Families with significant and sustained progress.
    pub sustained: usize,
    /// Families with continuous employment.
    pub employment: usize,
    /// Results found for the first time.
    pub new_results: usize,
    /// Seconds: load, judge, save.
    pub seconds: [f64; 3],
}

impl std::fmt::Display for OutcomesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Outcomes as at {}: {} attached families judged",
            self.as_at, self.families
        )?;
        writeln!(
            f,
            "  significant and sustained progress: {:>7}",
            self.sustained
        )?;
        writeln!(
            f,
            "  continuous employment:              {:>7}",
            self.employment
        )?;
        writeln!(
            f,
            "  results found for the first time:   {:>7}",
            self.new_results
        )?;
        write!(
            f,
            "  Time: load {:.2}s, judge {:.2}s, save {:.2}s",
            self.seconds[0], self.seconds[1], self.seconds[2]
        )
    }
}

/// Judges every attached family as at `as_at` and saves the judgements and new results.
pub fn evaluate(
    store: &mut Store,
    plan: &Plan,
    rules_sha256: &str,
    as_at: NaiveDate,
    now: DateTime<Utc>,
) -> Result<OutcomesReport> {
    let t0 = Instant::now();
    let stored = store.baselines()?;
    let baselines: Vec<Baseline> = stored
        .iter()
        .map(|b| {
            serde_json::from_str(&b.baseline).with_context(|| {
                format!(
                    "the stored baseline of family {} cannot be read",
                    b.family_id
                )
            })
        })
        .collect::<Result<_>>()?;
    let people: BTreeSet<i64> = baselines
        .iter()
        .flat_map(|b| b.members.iter().map(|m| m.person_id))
        .collect();
    let records = records(store, plan, &people)?;
    let load = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    use rayon::prelude::*;
    let judged: Vec<hearth_outcomes::FamilyOutcome> = baselines
        .par_iter()
        .filter(|b| b.attached_on <= as_at)
        .map(|b| {
            let events = family_events(&records, b.members.iter().map(|m| m.person_id));
            let input = FamilyInput {
                baseline: b,
                events: &events,
                worker_evidence: &[],
                calendar: &records.calendar,
            };
            judge(plan, rules_sha256, &input, as_at)
        })
        .collect();
    let judge_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let mut outcomes = Vec::with_capacity(judged.len());
    let mut results = Vec::new();
    for o in &judged {
        outcomes.push(StoredOutcome {
            family_id: o.family_id,
            as_at,
            rules_sha256: rules_sha256.to_string(),
            earliest_claim_on: o.earliest_claim_on,
            outcome: serde_json::to_string(o)?,
        });
        for r in &o.results {
            results.push(StoredResult {
                family_id: r.family_id,
                kind: r.kind.key().to_string(),
                achieved_on: r.achieved_on,
                rules_sha256: r.rules_hash.clone(),
                found_as_at: as_at,
                evidence: serde_json::to_string(&r.evidence)?,
            });
        }
    }
    let new_results = store.save_outcomes(&outcomes, &results, now)?;
    let count = |k: ResultKind| {
        judged
            .iter()
            .filter(|o| o.results.iter().any(|r| r.kind == k))
            .count()
    };
    Ok(OutcomesReport {
        as_at,
        families: judged.len(),
        sustained: count(ResultKind::SignificantAndSustainedProgress),
        employment: count(ResultKind::ContinuousEmployment),
        new_results,
        seconds: [load, judge_s, t2.elapsed().as_secs_f64()],
    })
}
