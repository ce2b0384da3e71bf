//! Writing a spec run's outputs: `clusters.csv`, `pairs.csv`, `review.csv`, `queue.csv`,
//! `model.json`.

use super::read::KEY_SEP;
use super::SpecError;
use crate::link::Linkage;
use crate::model::ScoredPair;
use std::path::Path;

pub(super) fn write_outputs(
    out_dir: &Path,
    keys: &[String],
    linkage: &Linkage,
) -> Result<(), SpecError> {
    use rayon::prelude::*;
    use std::fmt::Write as _;
    use std::io::Write;
    // "source,record_id" of every record, escaped once.
    let labels: Vec<String> = keys
        .par_iter()
        .map(|key| {
            let (s, id) = key.split_once(KEY_SEP).unwrap_or(("", key));
            format!("{},{}", field(s), field(id))
        })
        .collect();
    let w = |name: &str,
             body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>|
     -> Result<(), SpecError> {
        let path = out_dir.join(name);
        let f = std::fs::File::create(&path).map_err(|source| SpecError::Write {
            path: path.clone(),
            source,
        })?;
        let mut b = std::io::BufWriter::with_capacity(1 << 20, f);
        body(&mut b)
            .and_then(|_| b.flush())
            .map_err(|source| SpecError::Write { path, source })
    };
    w("model.json", &|b| {
        serde_json::to_writer_pretty(&mut *b, &(&linkage.model, &linkage.report))
            .map_err(std::io::Error::other)
    })?;
    w("clusters.csv", &|b| {
        writeln!(b, "source,record_id,person_id")?;
        lines(b, &labels, |s, r, label| {
            writeln!(s, "{label},{}", linkage.person_of[r] + 1)
        })
    })?;
    let write_pairs = |name: &str, pairs: &[ScoredPair]| {
        w(name, &|b| {
            writeln!(
                b,
                "source_l,record_id_l,source_r,record_id_r,match_probability,match_weight"
            )?;
            lines(b, pairs, |s, _, p| {
                writeln!(
                    s,
                    "{},{},{:.6},{:.3}",
                    labels[p.left as usize],
                    labels[p.right as usize],
                    p.match_probability,
                    p.match_weight
                )
            })
        })
    };
    write_pairs("pairs.csv", &linkage.pairs)?;
    write_pairs("review.csv", &linkage.review)?;
    // The review queue: one pair per two people, the decisions worth most first.
    let person_of: Vec<u64> = linkage.person_of.iter().map(|&p| p as u64).collect();
    let mut size = vec![0usize; linkage.people];
    for &p in &linkage.person_of {
        size[p as usize] += 1;
    }
    let queue = crate::review::review_queue(&linkage.review, &person_of);
    w("queue.csv", &|b| {
        writeln!(
            b,
            "rank,source_l,record_id_l,source_r,record_id_r,match_probability,match_weight,vetoed,records_l,records_r"
        )?;
        lines(b, &queue, |s, n, p| {
            let (a, c) = (
                size[linkage.person_of[p.left as usize] as usize],
                size[linkage.person_of[p.right as usize] as usize],
            );
            writeln!(
                s,
                "{},{},{},{:.6},{:.3},{},{a},{c}",
                n + 1,
                labels[p.left as usize],
                labels[p.right as usize],
                p.match_probability,
                p.match_weight,
                p.vetoed,
            )
        })
    })
}

/// Writes one line per item, in order: `line(text, index, item)` appends item `index`'s line.
/// Lines are formatted in parallel blocks into one buffer per block (no string per line).
fn lines<T: Sync>(
    out: &mut dyn std::io::Write,
    items: &[T],
    line: impl Fn(&mut String, usize, &T) -> std::fmt::Result + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    const BLOCK: usize = 4096;
    const ROUND: usize = 64 * BLOCK;
    for (r, round) in items.chunks(ROUND).enumerate() {
        let texts: Vec<String> = round
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(k, block)| {
                let first = r * ROUND + k * BLOCK;
                let mut text = String::with_capacity(block.len() * 64);
                for (j, item) in block.iter().enumerate() {
                    // Writing to a String cannot fail.
                    let _ = line(&mut text, first + j, item);
                }
                text
            })
            .collect();
        for t in texts {
            out.write_all(t.as_bytes())?;
        }
    }
    Ok(())
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
