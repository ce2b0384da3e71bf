//! The referral lookup's index, loaded from the store once per linkage run and kept in the
//! server's memory: every stored record with its person (`person_record`), the run's trained
//! model (kept in the run's report as `hearth_linkage::ModelParameters`) and each person's
//! family. A lookup scores one referred member against it (`hearth_linkage::LookupIndex`:
//! blocking keys, candidates, `score_pair` under the run's model), not a re-link.
//!
//! Loaded on the first referral after the server starts or after a new linkage run (the
//! latest run's key is read with every lookup, a one-row query); held behind a mutex and
//! used only on store threads. A run from before the model was kept has no parameters: then
//! only members whose names and date of birth equal a record's, as normalised for
//! duplicates (`hearth_referrals::match_key`), are matched, with probability 1.

use hearth_linkage::{LinkRecord, LookupIndex, ModelParameters, Settings};
use hearth_referrals::{match_key, Member, MemberMatch};
use hearth_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::Mutex;

/// What one linkage run gives lookups.
struct Loaded {
    link_run: i64,
    index: Option<LookupIndex>,
    /// Without a model: each normalised name and date of birth's people.
    exact: HashMap<String, Vec<i64>>,
    family_of: HashMap<i64, i64>,
}

/// The index of the latest linkage run, loaded on first use.
#[derive(Default)]
pub(crate) struct LookupCache(Mutex<Option<Loaded>>);

impl std::fmt::Debug for LookupCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LookupCache")
    }
}

impl LookupCache {
    /// Each member's matched people (best first), with their families. Runs on a store
    /// thread; loads the index if the latest linkage run is not the one held.
    pub(crate) fn matches(
        &self,
        store: &mut Store,
        members: &[Member],
    ) -> Result<Vec<MemberMatch>, StoreError> {
        let Some((run, report)) = store.latest_link_report()? else {
            return Ok(Vec::new());
        };
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if held.as_ref().map(|l| l.link_run) != Some(run) {
            *held = None; // the old index goes before the new one is built
            *held = Some(load(store, run, &report)?);
        }
        let Some(loaded) = held.as_mut() else {
            return Ok(Vec::new());
        };
        // The index is of the linkage run; a person restricted since is matched to nobody
        // (their records are withheld from every check until the restriction is lifted).
        let restricted = store.restricted_people()?;
        let mut out = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let people: Vec<(i64, f64)> = match &mut loaded.index {
                Some(index) => {
                    let threshold = index.model().threshold_probability;
                    index
                        .lookup(&link_record(m), threshold)
                        .into_iter()
                        .map(|found| (found.person_id, found.match_probability))
                        .collect()
                }
                None => loaded
                    .exact
                    .get(&m.match_key())
                    .map(|p| p.iter().map(|&p| (p, 1.0)).collect())
                    .unwrap_or_default(),
            };
            for (person_id, probability) in people {
                if restricted.contains(&person_id) {
                    continue;
                }
                out.push(MemberMatch {
                    member: i,
                    person_id,
                    probability,
                    family_id: loaded.family_of.get(&person_id).copied(),
                });
            }
        }
        Ok(out)
    }
}

/// A referred member as linkage's input.
pub(crate) fn link_record(m: &Member) -> LinkRecord {
    let mut r = LinkRecord::new(u16::MAX, "referral");
    r.given_name = Some(m.given_name.clone());
    r.family_name = Some(m.family_name.clone());
    r.date_of_birth = Some(dob(m.date_of_birth));
    r.address = Some(m.address.clone());
    r.postcode = m.postcode.clone();
    r
}

fn dob(d: chrono::NaiveDate) -> hearth_linkage::Dob {
    use chrono::Datelike;
    hearth_linkage::Dob::from_ymd(d.year().max(0) as u32, d.month(), d.day())
}

/// Loads run `run`'s records, people, families and model.
fn load(store: &mut Store, run: i64, report: &str) -> Result<Loaded, StoreError> {
    let started = std::time::Instant::now();
    let identities = store.load_identities()?;
    let person_of: HashMap<i64, i64> = store
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0, p))
        .collect();
    let mut family_of = HashMap::new();
    for f in store.families()? {
        for m in &f.members {
            family_of.insert(m.person_id, f.family_id);
        }
    }
    let model = serde_json::from_str::<serde_json::Value>(report)
        .ok()
        .and_then(|v| serde_json::from_value::<ModelParameters>(v.get("model")?.clone()).ok())
        .and_then(|p| p.to_model());
    let mut sources: Vec<&str> = identities.iter().map(|(_, s, _)| s.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let linked = identities
        .iter()
        .filter_map(|(id, source, identity)| Some((*person_of.get(&id.0)?, source, identity)));
    let (index, exact) = match model {
        Some(model) => {
            let mut records = Vec::new();
            let mut people = Vec::new();
            for (person, source, identity) in linked {
                let s = sources.binary_search(&source.as_str()).unwrap_or(0) as u16;
                records.push(LinkRecord::from_identity(s, "", identity));
                people.push(person);
            }
            let index = LookupIndex::build(&records, &people, model, &Settings::default());
            (Some(index), HashMap::new())
        }
        None => {
            let mut exact: HashMap<String, Vec<i64>> = HashMap::new();
            for (person, _, identity) in linked {
                if let (Some(g), Some(f), Some(d)) = (
                    &identity.given_name,
                    &identity.family_name,
                    identity.date_of_birth,
                ) {
                    let people = exact.entry(match_key(g, f, d)).or_default();
                    if !people.contains(&person) {
                        people.push(person);
                    }
                }
            }
            (None, exact)
        }
    };
    tracing::info!(
        link_run = run,
        records = identities.len(),
        seconds = started.elapsed().as_secs_f64(),
        model = index.is_some(),
        "referral lookup index loaded"
    );
    Ok(Loaded {
        link_run: run,
        index,
        exact,
        family_of,
    })
}
