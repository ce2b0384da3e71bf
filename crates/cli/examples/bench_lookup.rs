//! `bench_lookup STORE [LOOKUPS]`: the referral lookup's speed against a linked store, as
//! the web server does it (`hearth_web`'s lookup cache): the index built once from every
//! stored record, its person and the last linkage run's model, then LOOKUPS (default 1,000)
//! records looked up one at a time — stored identities with their given name's first letter
//! dropped, so that each is a near miss scored like a referral's member, not an exact copy.
//! Prints the index's build time and the lookups' mean, median, 95th percentile and worst.
//! Used by `bench/referral_lookup.sh`.

use hearth_linkage::{LinkRecord, LookupIndex, ModelParameters, Settings};
use std::collections::HashMap;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let store = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("data/hearth.sqlite");
    let lookups: usize = args.get(2).map_or(Ok(1000), |n| n.parse())?;
    let mut s = hearth_store::Store::open(store)?;
    let t0 = Instant::now();
    let (_, report) = s
        .latest_link_report()?
        .ok_or_else(|| anyhow::anyhow!("the store has not been linked"))?;
    let v: serde_json::Value = serde_json::from_str(&report)?;
    let model = serde_json::from_value::<ModelParameters>(v["model"].clone())?
        .to_model()
        .ok_or_else(|| anyhow::anyhow!("the run's model does not fit this build"))?;
    let identities = s.load_identities()?;
    let person_of: HashMap<i64, i64> = s
        .person_assignment()?
        .into_iter()
        .map(|(r, p)| (r.0, p))
        .collect();
    let mut records = Vec::with_capacity(identities.len());
    let mut people = Vec::with_capacity(identities.len());
    for (id, _, identity) in &identities {
        if let Some(&p) = person_of.get(&id.0) {
            records.push(LinkRecord::from_identity(0, "", identity));
            people.push(p);
        }
    }
    let loaded = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut index = LookupIndex::build(&records, &people, model, &Settings::default());
    let built = t1.elapsed().as_secs_f64();
    let threshold = index.model().threshold_probability;
    let step = (records.len() / lookups.max(1)).max(1);
    let mut times = Vec::with_capacity(lookups);
    let mut found_self = 0;
    for (i, r) in records.iter().step_by(step).take(lookups).enumerate() {
        let mut q = r.clone();
        q.source = u16::MAX;
        q.nhs_number = None;
        q.ni_number = None;
        q.upn = None;
        q.given_name = q.given_name.map(|g| g.chars().skip(1).collect());
        let t = Instant::now();
        let found = index.lookup(&q, threshold);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if found.first().map(|m| m.person_id) == Some(people[i * step]) {
            found_self += 1;
        }
    }
    times.sort_by(f64::total_cmp);
    let n = times.len().max(1);
    let mean = times.iter().sum::<f64>() / n as f64;
    println!(
        "{} records: loaded from the store in {loaded:.1} s, index built in {built:.1} s (once, \
         at the first referral after the server starts or after a new linkage run)",
        records.len()
    );
    println!(
        "{n} lookups: mean {mean:.2} ms, median {:.2} ms, p95 {:.2} ms, worst {:.2} ms; \
         {found_self} found their own person first",
        times[n / 2],
        times[(n * 95 / 100).min(n - 1)],
        times[n - 1]
    );
    Ok(())
}
