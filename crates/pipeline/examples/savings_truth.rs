//! The cost savings calculator against a synthetic borough's truth (issue 12): `hearth
//! savings`' run over a store (`pipeline::savings::savings_store`, kept in the store: give it
//! a copy), beside the same calculator over the TRUE families
//! (`truth/families.csv`), their TRUE attachment dates (`truth/attachments.csv`) and every
//! partner record of their members (`truth/records.csv`, `truth/followup_records.csv`: which
//! person each source row is about), counted in the same windows and priced with the same
//! unit costs. The difference between the two is what the pipeline loses or adds (linkage,
//! households, attachment matching); the truth's change per family should lie within the
//! calculator's stated 95% interval.
//!
//! ```text
//! cargo run --release -p hearth-pipeline --example savings_truth -- STORE TRUTH_DIR RULES AS_AT
//! ```
//! Run by bench/savings_cohort.sh; results in bench/RESULTS.md. Prints markdown tables.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use hearth_identification::FactRef;
use hearth_savings::{calculate, CohortSavings, Coverage, Member, SavingsFamily, SavingsRules};
use hearth_store::{OpenOptions, Store};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

fn num(id: &str) -> Result<u64> {
    id.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .with_context(|| format!("not a synthetic ID: {id}"))
}

fn csv_rows(path: &Path) -> Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let mut r = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let h = r.headers()?.clone();
    let rows = r.records().collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((h, rows))
}

fn col(h: &csv::StringRecord, name: &str) -> Result<usize> {
    h.iter()
        .position(|c| c == name)
        .with_context(|| format!("no column {name}"))
}

/// Which true person each stored record is about: (file stem, row) → person.
fn record_people(store_path: &Path, truth: &Path) -> Result<HashMap<i64, u64>> {
    let mut by_row: HashMap<(String, u64), u64> = HashMap::new();
    for (file, key) in [("records.csv", "source"), ("followup_records.csv", "file")] {
        let (h, rows) = csv_rows(&truth.join(file))?;
        let (k, r, p) = (col(&h, key)?, col(&h, "row")?, col(&h, "person_id")?);
        for row in rows {
            by_row.insert((stem(&row[k]).to_string(), row[r].parse()?), num(&row[p])?);
        }
    }
    let db = rusqlite::Connection::open_with_flags(
        store_path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let files: HashMap<i64, String> = db
        .prepare("SELECT id, file_name FROM import_batch")?
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let mut out = HashMap::new();
    let mut stmt = db.prepare("SELECT record_id, batch_id, source_row FROM record")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, batch, row): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let file = stem(files.get(&batch).map_or("", String::as_str)).to_string();
        if let Some(&p) = by_row.get(&(file, row as u64)) {
            out.insert(id, p);
        }
    }
    Ok(out)
}

/// The true attached families with every record of their members, and how far each item's
/// data reach (from every record in the store, as `hearth savings` works it out).
fn true_families(
    store_path: &Path,
    truth: &Path,
    rules: &SavingsRules,
) -> Result<(Vec<SavingsFamily>, Coverage)> {
    let (h, rows) = csv_rows(&truth.join("people.csv"))?;
    let (pc, dc) = (col(&h, "person_id")?, col(&h, "date_of_birth")?);
    let mut dob: HashMap<u64, NaiveDate> = HashMap::new();
    for r in &rows {
        dob.insert(num(&r[pc])?, NaiveDate::parse_from_str(&r[dc], "%Y-%m-%d")?);
    }
    let (h, rows) = csv_rows(&truth.join("families.csv"))?;
    let (fc, mc) = (col(&h, "family_id")?, col(&h, "members")?);
    let mut members: HashMap<u64, Vec<u64>> = HashMap::new();
    for r in &rows {
        let m = r[mc].split_whitespace().map(num).collect::<Result<_>>()?;
        members.insert(num(&r[fc])?, m);
    }
    let (h, rows) = csv_rows(&truth.join("attachments.csv"))?;
    let (fc, ac, dc) = (
        col(&h, "family_id")?,
        col(&h, "attached")?,
        col(&h, "date")?,
    );
    let mut attached: BTreeMap<u64, NaiveDate> = BTreeMap::new();
    for r in rows.iter().filter(|r| &r[ac] == "true") {
        attached.insert(num(&r[fc])?, NaiveDate::parse_from_str(&r[dc], "%Y-%m-%d")?);
    }
    let people = record_people(store_path, truth)?;
    let url = format!("sqlite:{}", store_path.display());
    let mut store = Store::open_read_only(&url, &OpenOptions::default())?;
    let mut sources: HashMap<String, Arc<str>> = HashMap::new();
    let mut facts: HashMap<u64, Vec<FactRef>> = HashMap::new();
    let all = store.load_facts()?;
    let batches = store.record_batches()?;
    let coverage = Coverage::from_facts(
        rules,
        all.iter().map(|(id, s, f)| {
            let batch = hearth_pipeline::savings::batch_of(&batches, id.0);
            (s.as_str(), f, batch)
        }),
    );
    for (id, source, fact) in all {
        let Some(&p) = people.get(&id.0) else {
            continue;
        };
        let source = sources
            .entry(source.clone())
            .or_insert_with(|| Arc::from(source.as_str()))
            .clone();
        facts.entry(p).or_default().push(FactRef {
            record_id: id.0 as u64,
            source,
            fact,
        });
    }
    let mut out = Vec::new();
    for (family_id, attached_on) in attached {
        let Some(m) = members.get(&family_id) else {
            bail!("attached family F{family_id:07} is not in families.csv");
        };
        out.push(SavingsFamily {
            family_id,
            attached_on,
            members: m
                .iter()
                .map(|p| Member {
                    person_id: *p,
                    date_of_birth: dob.get(p).copied(),
                    facts: facts.get(p).cloned().unwrap_or_default(),
                })
                .collect(),
        });
    }
    Ok((out, coverage))
}

fn per(total: f64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        total / n as f64
    }
}

fn verdict(truth: f64, low: f64, high: f64) -> &'static str {
    if truth >= low && truth <= high {
        "within"
    } else {
        "**outside**"
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store_path, truth, rules, as_at] = args.as_slice() else {
        bail!("usage: savings_truth STORE TRUTH_DIR RULES AS_AT");
    };
    let (store_path, truth) = (PathBuf::from(store_path), PathBuf::from(truth));
    let rules = SavingsRules::load(Path::new(rules))?;
    let as_at = NaiveDate::parse_from_str(as_at, "%Y-%m-%d")?;
    // The calculator over the store, as `hearth savings` runs it (this build's code; the run
    // is kept in the store, so give it a copy).
    let url = format!("sqlite:{}", store_path.display());
    let report = hearth_pipeline::savings::savings_store(
        &mut Store::open(&url)?,
        &rules,
        "savings_truth",
        as_at,
        None,
    )?;
    let est: CohortSavings = report.calculation.cohort.clone();
    println!("{report}\n");
    // The truth restricted to what the estimate measured: the same coverage, so an item not
    // measured for a family (its data stop before the family's months after end) is left out
    // of both, like for like.
    let (families, coverage) = true_families(&store_path, &truth, &rules)?;
    let tru = calculate(&rules, &families, as_at, &coverage).cohort;
    let (ne, nt) = (est.families, tru.families);
    let e = est.change_per_family;
    let t = tru.change_per_family;
    println!(
        "As at {as_at}: {} complete families ({} not yet); truth: {} complete ({} not yet)\n",
        ne, est.not_yet_complete, nt, tru.not_yet_complete
    );
    println!("| per complete family, £ a year | calculator (store) | truth (same calculator, true families and records) |");
    println!("|---|---|---|");
    let before = |c: &CohortSavings| per(c.items.iter().map(|i| i.cost_before).sum(), c.families);
    let after = |c: &CohortSavings| per(c.items.iter().map(|i| i.cost_after).sum(), c.families);
    println!(
        "| cost before (12 months before attachment) | {:.2} | {:.2} |",
        before(&est),
        before(&tru)
    );
    println!(
        "| cost after (12 months after) | {:.2} | {:.2} |",
        after(&est),
        after(&tru)
    );
    println!(
        "| change (before − after), 95% interval | {:.2} ({:.2} to {:.2}) | {:.2} ({:.2} to {:.2}) |",
        e.mean, e.low, e.high, t.mean, t.low, t.high
    );
    println!(
        "\nVerdict: the true change per family £{:.2} lies {} the calculator's 95% interval.\n",
        t.mean,
        verdict(t.mean, e.low, e.high)
    );
    println!("| agency | calculator: before → after per family | change (95% interval) | truth: before → after | change | truth vs interval |");
    println!("|---|---|---|---|---|---|");
    let tru_ag: BTreeMap<&str, _> = tru
        .agencies
        .iter()
        .map(|a| (a.agency.as_str(), a))
        .collect();
    for a in &est.agencies {
        let Some(ae) = a.change_per_family else {
            continue;
        };
        let (tb, ta, tc) = tru_ag.get(a.agency.as_str()).map_or((0.0, 0.0, 0.0), |x| {
            (
                per(x.cost_before, nt),
                per(x.cost_after, nt),
                per(x.cost_before - x.cost_after, nt),
            )
        });
        println!(
            "| {} | {:.2} → {:.2} | {:.2} ({:.2} to {:.2}) | {:.2} → {:.2} | {:.2} | {} |",
            a.agency,
            per(a.cost_before, ne),
            per(a.cost_after, ne),
            ae.mean,
            ae.low,
            ae.high,
            tb,
            ta,
            tc,
            verdict(tc, ae.low, ae.high)
        );
    }
    println!("\n| item not measured (for every complete family, or for some) | agency | data reach | complete families not measured: calculator | truth |");
    println!("|---|---|---|---|---|");
    for (i, ti) in est.items.iter().zip(&tru.items) {
        if i.families_not_measured == 0 && ti.families_not_measured == 0 {
            continue;
        }
        println!(
            "| {} | {} | {} | {} of {} | {} of {} |",
            i.key,
            i.agency,
            i.data_reach
                .map_or("none".into(), hearth_savings::long_date),
            i.families_not_measured,
            ne,
            ti.families_not_measured,
            nt
        );
    }
    println!("\n| item (measured) | calculator: units before → after per 100 families measured | change £ per family (95% interval) | truth: units before → after per 100 | change £ | truth vs interval |");
    println!("|---|---|---|---|---|---|");
    for (i, ti) in est.items.iter().zip(&tru.items) {
        if !i.measured && !ti.measured {
            continue;
        }
        let Some(ie) = i.change_per_family else {
            continue;
        };
        // Per family the item is measured for, on each side (the calculator's mean is over
        // those families: an item measured for some families only is not diluted).
        let (me, mt) = (ne - i.families_not_measured, nt - ti.families_not_measured);
        let tc = per(ti.cost_before - ti.cost_after, mt);
        println!(
            "| {} | {:.1} → {:.1} | {:.2} ({:.2} to {:.2}) | {:.1} → {:.1} | {:.2} | {} |",
            i.key,
            100.0 * per(i.units_before, me),
            100.0 * per(i.units_after, me),
            ie.mean,
            ie.low,
            ie.high,
            100.0 * per(ti.units_before, mt),
            100.0 * per(ti.units_after, mt),
            tc,
            verdict(tc, ie.low, ie.high)
        );
    }
    Ok(())
}
