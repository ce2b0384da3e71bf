//! Link everything imported: records → people (stable IDs) → households → families, and the
//! clerical review queue. Written to the store in one transaction.

use anyhow::Result;
use chrono::NaiveDate;
use hearth_households::{assign_stable_family_ids, Basis, Role};
use hearth_linkage::{Constraints, LinkRecord, Settings};
use hearth_model::Identity;
use hearth_store::{
    FamilyMember, FamilyRelationship, LinkRunSummary, LinkageResults, PersonChange, RecordId,
    ReviewPair, Store, StoredFamily,
};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// What a pipeline linkage run did (counts only).
#[derive(Debug, Clone)]
pub struct LinkReport {
    /// Records linked.
    pub records: usize,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Pairs at or above the threshold.
    pub matched_pairs: usize,
    /// Pairs queued for clerical review.
    pub review_pairs: usize,
    /// People found.
    pub people: usize,
    /// New people, merges and splits since the previous run.
    pub new_people: usize,
    /// Merges since the previous run.
    pub merges: usize,
    /// Splits since the previous run.
    pub splits: usize,
    /// Households at the as-at date.
    pub households: usize,
    /// Families (households with a child, by default).
    pub families: usize,
    /// People no address placed.
    pub unplaced: usize,
    /// Reviewers' decisions applied as constraints.
    pub decisions_applied: usize,
    /// Seconds: load, link, households, save.
    pub seconds: [f64; 4],
}

/// A linked person's best-known date of birth and family name: the most frequent value
/// among their records (ties: the value of the earliest record).
pub struct PersonProfile {
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Family name.
    pub family_name: Option<String>,
}

pub(crate) fn mode<T: Clone + Eq + std::hash::Hash>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    for (i, v) in values.enumerate() {
        let e = counts.entry(v).or_insert((0, i));
        e.0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(v, _)| v)
}

/// Builds each person's profile from their records' identities. `person_of[i]` is the dense
/// person index of `identities[i]`.
pub fn profiles(
    identities: &[&Identity],
    person_of: &[usize],
    people: usize,
) -> Vec<PersonProfile> {
    let mut records_of: Vec<Vec<usize>> = vec![Vec::new(); people];
    for (r, &p) in person_of.iter().enumerate() {
        records_of[p].push(r);
    }
    records_of
        .iter()
        .map(|rs| PersonProfile {
            date_of_birth: mode(rs.iter().filter_map(|&r| identities[r].date_of_birth)),
            family_name: mode(rs.iter().filter_map(|&r| {
                identities[r]
                    .family_name
                    .as_ref()
                    .or(identities[r].full_name.as_ref())
                    .map(|n| n.to_lowercase())
            })),
        })
        .collect()
}

/// Links every record in the store and forms households and families at `as_at`.
pub fn link_store(store: &mut Store, as_at: NaiveDate) -> Result<LinkReport> {
    let t0 = Instant::now();
    let identities = store.load_identities()?;
    // When each record placed its person: from its date until its end, or until the as-at
    // date while it is an open spell (a claim still running).
    let event_dates: HashMap<i64, (Option<NaiveDate>, Option<NaiveDate>)> = store
        .event_dates()?
        .into_iter()
        .map(|d| {
            let until = d.end_date.or(d.open.then_some(as_at));
            (d.record_id.0, (d.event_date, until))
        })
        .collect();
    let previous: BTreeMap<String, u64> = store
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0.to_string(), p as u64))
        .collect();
    let previous_families: Vec<(u64, Vec<u64>)> = store
        .families()?
        .into_iter()
        .map(|f| {
            (
                f.family_id as u64,
                f.members.iter().map(|m| m.person_id as u64).collect(),
            )
        })
        .collect();
    let decisions = store.review_decisions()?;
    let load_s = t0.elapsed().as_secs_f64();

    // Sources as small integers, in name order.
    let mut sources: Vec<&str> = identities.iter().map(|(_, s, _)| s.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let source_index: HashMap<&str, u16> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i as u16))
        .collect();
    let records: Vec<LinkRecord> = identities
        .iter()
        .map(|(id, source, identity)| {
            LinkRecord::from_identity(source_index[source.as_str()], id.0.to_string(), identity)
        })
        .collect();
    let index_of: HashMap<i64, u32> = identities
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.0, i as u32))
        .collect();
    let mut constraints = Constraints::default();
    for d in &decisions {
        if let (Some(&l), Some(&r)) = (index_of.get(&d.record_l.0), index_of.get(&d.record_r.0)) {
            if d.is_match {
                constraints.must_link.push((l, r));
            } else {
                constraints.cannot_link.push((l, r));
            }
        }
    }
    let decisions_applied = constraints.must_link.len() + constraints.cannot_link.len();

    let t1 = Instant::now();
    let linkage = hearth_linkage::link(&records, &Settings::default(), &constraints);
    let stable = hearth_linkage::assign_stable_ids(&previous, &records, &linkage);
    let link_s = t1.elapsed().as_secs_f64();

    // People, densely indexed in order of first record.
    let t2 = Instant::now();
    let person_of: Vec<usize> = linkage.person_of.iter().map(|&p| p as usize).collect();
    let mut person_id = vec![0u64; linkage.people];
    for (r, &p) in person_of.iter().enumerate() {
        person_id[p] = stable.ids[r];
    }
    let id_refs: Vec<&Identity> = identities.iter().map(|(_, _, i)| i).collect();
    let profiles = profiles(&id_refs, &person_of, linkage.people);
    let people: Vec<hearth_households::Person> = profiles
        .iter()
        .enumerate()
        .map(|(p, prof)| hearth_households::Person {
            person_id: person_id[p],
            date_of_birth: prof.date_of_birth,
            family_name: prof.family_name.clone(),
        })
        .collect();
    let sightings: Vec<hearth_households::Sighting> = identities
        .iter()
        .enumerate()
        .map(|(r, (id, _, identity))| hearth_households::Sighting {
            person: person_of[r],
            address: identity.address.clone(),
            postcode: identity.postcode.as_ref().map(|p| p.as_str().to_string()),
            seen: event_dates.get(&id.0).and_then(|d| d.0),
            until: event_dates.get(&id.0).and_then(|d| d.1),
        })
        .collect();
    let settings = hearth_households::Settings::as_at(as_at);
    let households = hearth_households::infer(&people, &sightings, &settings);
    let current: Vec<Vec<u64>> = households
        .families
        .iter()
        .map(|f| f.members.iter().map(|m| person_id[m.person]).collect())
        .collect();
    let family_ids = assign_stable_family_ids(&previous_families, &current, 1);
    let families: Vec<StoredFamily> = households
        .families
        .iter()
        .zip(&family_ids)
        .map(|(f, &fid)| StoredFamily {
            family_id: fid as i64,
            members: f
                .members
                .iter()
                .map(|m| FamilyMember {
                    person_id: person_id[m.person] as i64,
                    role: match m.role {
                        Role::Adult => "adult",
                        Role::Child => "child",
                    }
                    .into(),
                    age: m.age.map(i64::from),
                })
                .collect(),
            relationships: f
                .relationships
                .iter()
                .map(|r| FamilyRelationship {
                    parent_person_id: person_id[r.parent] as i64,
                    child_person_id: person_id[r.child] as i64,
                    basis: match r.basis {
                        Basis::AgeGapAndFamilyName => "age gap and family name",
                        Basis::AgeGapOnly => "age gap",
                    }
                    .into(),
                })
                .collect(),
            area: households
                .households
                .get(f.household)
                .and_then(|h| hearth_households::postcode_sector(&h.address_key)),
        })
        .collect();
    let households_s = t2.elapsed().as_secs_f64();

    let t3 = Instant::now();
    let assignment: Vec<(RecordId, i64)> = identities
        .iter()
        .zip(&stable.ids)
        .map(|((id, _, _), &p)| (*id, p as i64))
        .collect();
    let (mut new_people, mut merges, mut splits) = (0, 0, 0);
    let changes: Vec<PersonChange> = stable
        .changes
        .iter()
        .map(|c| match c {
            hearth_linkage::IdChange::New { id } => {
                new_people += 1;
                PersonChange {
                    kind: "new".into(),
                    person_id: *id as i64,
                    detail: String::new(),
                }
            }
            hearth_linkage::IdChange::Merge { kept, absorbed } => {
                merges += 1;
                PersonChange {
                    kind: "merged".into(),
                    person_id: *kept as i64,
                    detail: format!("absorbed {absorbed:?}"),
                }
            }
            hearth_linkage::IdChange::Split { kept, new } => {
                splits += 1;
                PersonChange {
                    kind: "split".into(),
                    person_id: *kept as i64,
                    detail: format!("new {new:?}"),
                }
            }
        })
        .collect();
    // The review queue holds the decisions that matter: pairs whose records ended up as two
    // different people (a pair inside one person is already settled by stronger links), one
    // pair per two people — the most likely — so a reviewer sees each question once.
    let mut best_review: HashMap<(u64, u64), &hearth_linkage::ScoredPair> = HashMap::new();
    for p in &linkage.review {
        let (a, b) = (stable.ids[p.left as usize], stable.ids[p.right as usize]);
        if a == b {
            continue;
        }
        let key = (a.min(b), a.max(b));
        let slot = best_review.entry(key).or_insert(p);
        if (p.match_probability, std::cmp::Reverse((p.left, p.right)))
            > (
                slot.match_probability,
                std::cmp::Reverse((slot.left, slot.right)),
            )
        {
            *slot = p;
        }
    }
    let mut review_pairs: Vec<&hearth_linkage::ScoredPair> = best_review.into_values().collect();
    review_pairs.sort_by_key(|p| (p.left, p.right));
    let review: Vec<ReviewPair> = review_pairs
        .into_iter()
        .map(|p| {
            let (a, b) = (identities[p.left as usize].0, identities[p.right as usize].0);
            let (l, r) = if a < b { (a, b) } else { (b, a) };
            let explanation: Vec<serde_json::Value> = linkage
                .explain(p)
                .iter()
                .map(|c| {
                    serde_json::json!({"comparison": c.comparison, "level": c.level, "weight": c.weight})
                })
                .collect();
            ReviewPair {
                record_l: l,
                record_r: r,
                match_probability: p.match_probability,
                match_weight: p.match_weight,
                explanation: serde_json::Value::Array(explanation).to_string(),
            }
        })
        .collect();
    let threshold = linkage.model.threshold_weight;
    let report = serde_json::json!({
        "blocking": linkage.report.rules.iter().map(|r| serde_json::json!({
            "rule": r.rule, "pairs": r.pairs, "largest_block": r.largest_block,
            "blocks_split": r.blocks_split, "blocks_skipped": r.blocks_skipped,
            "records_skipped": r.records_skipped,
        })).collect::<Vec<_>>(),
        "distinct_records": linkage.report.distinct_records,
        "threshold": {"probability": linkage.model.threshold_probability,
                      "method": linkage.model.threshold_method},
        "em": {"iterations": linkage.model.em_iterations, "converged": linkage.model.converged},
        "seconds": {"load": load_s, "link": link_s, "households": households_s},
    });
    let summary = LinkRunSummary {
        records: records.len() as u64,
        people: linkage.people as u64,
        candidate_pairs: linkage.report.candidate_pairs,
        matched_pairs: linkage.pairs.len() as u64,
        review_pairs: review.len() as u64,
        threshold,
        families: families.len() as u64,
        as_at,
        report: report.to_string(),
    };
    store.save_linkage(&LinkageResults {
        summary: &summary,
        assignment: &assignment,
        changes: &changes,
        review: &review,
        families: &families,
    })?;
    let save_s = t3.elapsed().as_secs_f64();
    Ok(LinkReport {
        records: records.len(),
        candidate_pairs: linkage.report.candidate_pairs,
        matched_pairs: linkage.pairs.len(),
        review_pairs: review.len(),
        people: linkage.people,
        new_people,
        merges,
        splits,
        households: households.households.len(),
        families: families.len(),
        unplaced: households.unplaced,
        decisions_applied,
        seconds: [load_s, link_s, households_s, save_s],
    })
}

impl std::fmt::Display for LinkReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Linked {} records into {} people ({} candidate pairs compared, {} matched, {} for clerical review)",
            self.records, self.people, self.candidate_pairs, self.matched_pairs, self.review_pairs
        )?;
        writeln!(
            f,
            "  since the last run: {} new people, {} merges, {} splits; {} reviewer decisions applied",
            self.new_people, self.merges, self.splits, self.decisions_applied
        )?;
        writeln!(
            f,
            "  {} households, {} families with children; {} people with no usable address",
            self.households, self.families, self.unplaced
        )?;
        write!(
            f,
            "  time: load {:.1} s, link {:.1} s, households {:.1} s, save {:.1} s",
            self.seconds[0], self.seconds[1], self.seconds[2], self.seconds[3]
        )
    }
}
