//! The outcomes stage: the council's attachment list → each attached family's baseline,
//! frozen from the latest identification run and the members' records (once: a family
//! keeps its first) → every attached family judged under the Outcomes Plan as at a date →
//! the store. It reads, converts and orchestrates; the rules are in `hearth-outcomes`.

use crate::hash::hex_sha256;
use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_outcomes::{
    calendar, freeze, judge, tidy, Baseline, BaselineIndicator, BaselineMember, BaselineProblem,
    Event, FamilyInput, FreezeInput, Plan, ResultKind,
};
use hearth_store::{NewBaseline, Store, StoredOutcome, StoredResult};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

mod attachments;
mod by_address;
mod from_casework;
mod joiners;
mod worker;
pub use attachments::{read_attachments, AttachmentRow, ListedAddress};
use by_address::{place, sectors, Placement};
pub use from_casework::{attach_from_casework, CaseworkAttached};

/// Loads an Outcomes Plan and its SHA-256.
pub fn load_plan(path: &Path) -> Result<(Plan, String)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes.clone())
        .with_context(|| format!("{} is not UTF-8", path.display()))?;
    let plan = Plan::from_toml(&text, &path.display().to_string())?;
    Ok((plan, hex_sha256(&bytes)))
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
    /// Rows whose member was not found, or was in no family, attached with the one family
    /// recorded at the family's address the list gives (a known member added to its
    /// baseline's members).
    pub by_listed_address: usize,
    /// Rows naming nobody the latest linkage run knows (no record carries their NHS number,
    /// nor their names and date of birth), with no one family at the address the list gives
    /// (or none given).
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
        if self.by_listed_address > 0 {
            writeln!(
                f,
                "  {} rows whose member was not found in a family, attached with the one family \
                 at the address the list gives",
                self.by_listed_address
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
                 their date of birth, and no one family is at the address the list gives, if \
                 any ({})",
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

/// Freezes the baselines of the listed families (those without one) and moves their cases
/// to "agreed to take part" (`Store::attach_families`, as by `by`), in one transaction.
pub fn attach(
    store: &mut Store,
    plan: &Plan,
    rows: &[AttachmentRow],
    now: DateTime<Utc>,
    by: &str,
) -> Result<AttachReport> {
    let families = store.families()?;
    let family_of: HashMap<i64, usize> = families
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.members.iter().map(move |m| (m.person_id, i)))
        .collect();
    let mut chosen: Vec<(usize, &AttachmentRow, Option<i64>)> = Vec::new();
    let mut not_found = Vec::new();
    // Rows whose one known person is in no family, or who name nobody in a family but give
    // the family's address: looked for at the listed address, then the person's, below.
    let mut homeless: Vec<(&AttachmentRow, Option<i64>)> = Vec::new();
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
            (None, 1) => homeless.push((row, known.first().copied())),
            // Nobody (or several people, none in a family): the family at the listed address.
            (None, _) if row.address.is_some() => homeless.push((row, None)),
            (None, _) => not_found.push(row.row),
        }
    }
    let placed = at_address(store, &families, &homeless)?;
    let (by_address, by_listed_address) = (placed.by_records, placed.by_list);
    not_found.extend(placed.nobody);
    not_found.sort_unstable();
    let no_family = placed.no_family;
    chosen.extend(placed.found);
    let frozen = freeze_chosen(store, plan, &families, &chosen, now, by)?;
    Ok(AttachReport {
        frozen: frozen.frozen,
        already: frozen.already,
        by_address,
        by_listed_address,
        not_found,
        no_family,
    })
}

/// Freezes the baselines of the chosen families (family index, the attachment row, a known
/// person to add to its members) from the latest identification run and moves their cases
/// to "agreed to take part" (`Store::attach_families`), in one transaction.
fn freeze_chosen(
    store: &mut Store,
    plan: &Plan,
    families: &[hearth_store::StoredFamily],
    chosen: &[(usize, &AttachmentRow, Option<i64>)],
    now: DateTime<Utc>,
    by: &str,
) -> Result<hearth_store::Frozen> {
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
    let born = dates_of_birth(store, &people)?;
    let mut baselines = Vec::new();
    for &(i, row, extra) in chosen {
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
                school_age: born
                    .get(&m.person_id)
                    .and_then(|b| hearth_outcomes::compulsory_school_age(*b)),
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
                school_age: row
                    .name_and_birth
                    .as_ref()
                    .map(|(_, _, b)| *b)
                    .or_else(|| born.get(&p).copied())
                    .and_then(hearth_outcomes::compulsory_school_age),
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
    Ok(store.attach_families(&baselines, now, by)?)
}

/// Each person's date of birth: the one most of their records give (ties: the earliest), for
/// the years they are of compulsory school age (the attendance rule asks a record for each
/// such term). The date itself stays in the identity tables; the baseline keeps the years.
fn dates_of_birth(store: &mut Store, people: &BTreeSet<i64>) -> Result<HashMap<i64, NaiveDate>> {
    let ids: Vec<i64> = people.iter().copied().collect();
    let mut counts: HashMap<i64, BTreeMap<NaiveDate, i64>> = HashMap::new();
    for id in store.person_identities(&ids)? {
        if let Some(b) = id.date_of_birth {
            *counts
                .entry(id.person_id)
                .or_default()
                .entry(b)
                .or_default() += id.records;
        }
    }
    Ok(counts
        .into_iter()
        .filter_map(|(p, c)| {
            // Most records first; among equals the earliest date (BTreeMap order).
            let best = c.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            Some((p, *best.0))
        })
        .collect())
}

/// An address and postcode as recorded.
type AddressLine = (Option<String>, Option<String>);

/// Where the rows whose listed person is in no family were placed (`at_address`).
struct Placed<'r> {
    /// Attached: family index, row, the known person to add to its members.
    found: Vec<(usize, &'r AttachmentRow, Option<i64>)>,
    /// Of them, by the address the list gives, and by the person's records' addresses.
    by_list: usize,
    by_records: usize,
    /// Rows of a known person left unattached (no one family at either address).
    no_family: Vec<usize>,
    /// Rows naming nobody known, with no one family at the listed address.
    nobody: Vec<usize>,
}

/// Rows whose listed person is in no family (or who is not known at all): each with the one
/// family recorded at the family's address the list gives (`by_address`), else at the known
/// person's own addresses, reading the families of those postcode sectors only. The listed
/// address comes first: it is where the lead worker visits the family at attachment, where
/// the person's records may still give an old home.
fn at_address<'r>(
    store: &mut Store,
    families: &[hearth_store::StoredFamily],
    homeless: &[(&'r AttachmentRow, Option<i64>)],
) -> Result<Placed<'r>> {
    let mut placed = Placed {
        found: Vec::new(),
        by_list: 0,
        by_records: 0,
        no_family: Vec::new(),
        nobody: Vec::new(),
    };
    if homeless.is_empty() {
        return Ok(placed);
    }
    let listed: Vec<i64> = homeless.iter().filter_map(|(_, p)| *p).collect();
    let mut addresses: HashMap<i64, Vec<AddressLine>> = HashMap::new();
    for id in store.person_identities(&listed)? {
        addresses
            .entry(id.person_id)
            .or_default()
            .push((id.address, id.postcode));
    }
    let list_address = |row: &AttachmentRow| -> Vec<AddressLine> {
        row.address
            .iter()
            .map(|a| {
                (
                    a.line.clone(),
                    a.postcode.as_ref().map(|p| p.as_str().to_string()),
                )
            })
            .collect()
    };
    let mut wanted: BTreeSet<String> = addresses.values().flat_map(|a| sectors(a)).collect();
    for (row, _) in homeless {
        wanted.extend(sectors(&list_address(row)));
    }
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
    for (row, person) in homeless {
        let own = person.map(|p| addresses.get(&p).map(Vec::as_slice).unwrap_or_default());
        match place(&list_address(row), own, &members) {
            Placement::ByList(i) => {
                placed.found.push((i, *row, *person));
                placed.by_list += 1;
            }
            Placement::ByRecords(i) => {
                placed.found.push((i, *row, *person));
                placed.by_records += 1;
            }
            Placement::Unplaced if person.is_some() => placed.no_family.push(row.row),
            Placement::Unplaced => placed.nobody.push(row.row),
        }
    }
    Ok(placed)
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
    /// Families with people who joined the household (the plan's `[household]`), and how
    /// many such people.
    pub joined: (usize, usize),
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
        writeln!(
            f,
            "  families joined by others:          {:>7} ({} people)",
            self.joined.0, self.joined.1
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
    let joined = joiners::find(store, plan, &baselines, as_at)?;
    let people: BTreeSet<i64> = baselines
        .iter()
        .flat_map(|b| b.members.iter().map(|m| m.person_id))
        .chain(joined.values().flatten().map(|j| j.person_id))
        .collect();
    let records = records(store, plan, &people)?;
    let worker = worker::load(store, plan)?;
    let load = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    use rayon::prelude::*;
    let judged: Vec<hearth_outcomes::FamilyOutcome> = baselines
        .par_iter()
        .filter(|b| b.attached_on <= as_at)
        .map(|b| {
            let joiners = joined.get(&b.family_id).map(Vec::as_slice).unwrap_or(&[]);
            let mut events = family_events(&records, b.members.iter().map(|m| m.person_id));
            events.extend(joiners::events(joiners, &records.by_person));
            let input = FamilyInput {
                baseline: b,
                events: &events,
                joiners,
                worker_evidence: worker.get(&b.family_id).map_or(&[], Vec::as_slice),
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
        joined: (joined.len(), joined.values().map(Vec::len).sum()),
        seconds: [load, judge_s, t2.elapsed().as_secs_f64()],
    })
}
