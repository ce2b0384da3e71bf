//! `link_incremental SPEC NEW`: an incremental run measured against a full re-link, on a
//! spec's records (used by `bench/incremental.sh`).
//!
//! NEW records spread evenly through the spec's records (every k-th: a month's new records
//! are mostly of people already known, some of people not seen before) are held back; the rest are linked in full (the "last run"); the index is built from them and the
//! last run's model, as `hearth link --incremental` does; the NEW records are linked in
//! (the incremental step, timed on its own); then everything is linked again in full and the
//! two results compared: pairs of records in one person in one result and not the other.
//! Prints one `key=value` line per figure.

use hearth_linkage::{link, Constraints, LookupIndex, ModelParameters};
use std::collections::HashMap;
use std::time::Instant;

/// This process's CPU seconds so far (user + system, from /proc/self/stat; 0 elsewhere):
/// a figure that holds when other work shares the machine, as wall time does not.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: link_incremental SPEC NEW".into());
    }
    let inputs = hearth_linkage::spec::inputs(args[1].as_ref())?;
    let new_count: usize = args[2].parse()?;
    let settings = inputs.settings;
    let stride = (inputs.records.len() / new_count.max(1)).max(1);
    let (new, old): (Vec<_>, Vec<_>) = inputs
        .records
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % stride == stride - 1 && i / stride < new_count);
    let old: Vec<_> = old.into_iter().map(|(_, r)| r).collect();
    let new: Vec<_> = new.into_iter().map(|(_, r)| r).collect();
    let split = old.len();
    let records: Vec<_> = old.iter().chain(&new).cloned().collect();
    let (old, new) = (&old[..], &new[..]);
    println!("old_records={} new_records={}", old.len(), new.len());

    let t = Instant::now();
    let last = link(old, &settings, &Constraints::default());
    println!("last_run_full_link_s={:.3}", t.elapsed().as_secs_f64());
    let params = ModelParameters::of_run(&last.model, &settings);
    let json = serde_json::to_string(&params)?;
    let people: Vec<i64> = last.person_of.iter().map(|&p| p as i64 + 1).collect();
    drop(last);

    let (t, cpu) = (Instant::now(), cpu_seconds());
    let model = serde_json::from_str::<ModelParameters>(&json)?
        .model_for(&settings)
        .map_err(|e| e.to_string())?;
    let mut index = LookupIndex::build(old, &people, model, &settings);
    println!(
        "index_build_s={:.3} index_build_cpu_s={:.3}",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );

    let (t, cpu) = (Instant::now(), cpu_seconds());
    let inc = index.link_new(new, &Constraints::default());
    let step = t.elapsed().as_secs_f64();
    println!(
        "incremental_link_s={step:.3} incremental_link_cpu_s={:.3}",
        cpu_seconds() - cpu
    );
    println!(
        "incremental_candidate_pairs={} links={} review={} people_touched={} new_people={} merges={}",
        inc.candidate_pairs,
        inc.pairs.len(),
        inc.review.len(),
        inc.people_touched,
        inc.changes
            .iter()
            .filter(|c| matches!(c, hearth_linkage::IdChange::New { .. }))
            .count(),
        inc.changes
            .iter()
            .filter(|c| matches!(c, hearth_linkage::IdChange::Merge { .. }))
            .count(),
    );
    drop(index);
    let mut incremental: Vec<i64> = people.clone();
    for &(r, p) in &inc.moved {
        incremental[r as usize] = p;
    }
    incremental.extend(&inc.new_person_ids);
    println!(
        "old_records_whose_id_changed={} (merges through new records)",
        inc.moved.len()
    );

    let (t, cpu) = (Instant::now(), cpu_seconds());
    let full = link(&records, &settings, &Constraints::default());
    println!(
        "full_relink_s={:.3} full_relink_cpu_s={:.3}",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
    let full_of: Vec<i64> = full.person_of.iter().map(|&p| p as i64).collect();
    let d = compare(&incremental, &full_of);
    let d_new = compare(&incremental[split..], &full_of[split..]);
    println!(
        "same_person_pairs: incremental={} full={} both={} only_incremental={} only_full={}",
        d.0,
        d.1,
        d.2,
        d.0 - d.2,
        d.1 - d.2
    );
    println!(
        "among_new_records: incremental={} full={} both={}",
        d_new.0, d_new.1, d_new.2
    );
    // Records whose cluster is not exactly the same set of records in both.
    let mut members_a: HashMap<i64, Vec<u32>> = HashMap::new();
    let mut members_b: HashMap<i64, Vec<u32>> = HashMap::new();
    for (r, (&a, &b)) in incremental.iter().zip(&full_of).enumerate() {
        members_a.entry(a).or_default().push(r as u32);
        members_b.entry(b).or_default().push(r as u32);
    }
    let differ = (0..records.len())
        .filter(|&r| members_a[&incremental[r]] != members_b[&full_of[r]])
        .count();
    let new_differ = (split..records.len())
        .filter(|&r| members_a[&incremental[r]] != members_b[&full_of[r]])
        .count();
    println!(
        "records_in_a_different_cluster={differ} of which new={new_differ}; people: incremental={} full={}",
        members_a.len(),
        members_b.len()
    );
    Ok(())
}

/// (same-person pairs in `a`, in `b`, in both): from the contingency of the two partitions.
fn compare(a: &[i64], b: &[i64]) -> (u64, u64, u64) {
    fn pairs<K>(counts: HashMap<K, u64>) -> u64 {
        counts.values().map(|&c| c * (c - 1) / 2).sum()
    }
    let mut ca: HashMap<i64, u64> = HashMap::new();
    let mut cb: HashMap<i64, u64> = HashMap::new();
    let mut cab: HashMap<(i64, i64), u64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *ca.entry(x).or_default() += 1;
        *cb.entry(y).or_default() += 1;
        *cab.entry((x, y)).or_default() += 1;
    }
    (pairs(ca), pairs(cb), pairs(cab))
}
