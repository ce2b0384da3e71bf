//! Reading one spec source: its CSV file, column roles and record ids (each present and
//! unique within the file, or the run stops naming the rows).

use super::{SourceSpec, SpecError};
use crate::record::LinkRecord;
use rayon::prelude::*;
use std::path::Path;

/// Records read so far.
pub(super) struct Loaded {
    pub records: Vec<LinkRecord>,
}

/// Record keys in spec runs are `source name` + U+001F + `record id`.
pub(super) const KEY_SEP: char = '\u{1f}';

/// At most this many rows or ids are named in one message.
const NAMED: usize = 5;

/// Reads one source's records into `out`; returns how many.
pub(super) fn read_source(
    idx: u16,
    src: &SourceSpec,
    base: &Path,
    out: &mut Loaded,
) -> Result<usize, SpecError> {
    let path = base.join(&src.file);
    if !path.is_file() {
        return Err(SpecError::MissingFile {
            source_name: src.name.clone(),
            path,
        });
    }
    let csv_err = |e: csv::Error| SpecError::Csv {
        file: path.clone(),
        message: e.to_string(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .map_err(csv_err)?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    let col = |name: &str, role: &str| -> Result<usize, SpecError> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| SpecError::UnknownColumn {
                file: path.clone(),
                column: name.to_owned(),
                role: role.to_owned(),
                available: headers.clone(),
            })
    };
    let c = &src.columns;
    let opt = |name: &Option<String>, role: &str| name.as_deref().map(|n| col(n, role)).transpose();
    let id_col = col(&src.record_id, "record_id")?;
    let given = opt(&c.given_name, "given_name")?;
    let middle = opt(&c.middle_name, "middle_name")?;
    let family = opt(&c.family_name, "family_name")?;
    let full = opt(&c.full_name, "full_name")?;
    let dob = opt(&c.date_of_birth, "date_of_birth")?;
    let sex = opt(&c.sex, "sex")?;
    let postcode = opt(&c.postcode, "postcode")?;
    let nhs = opt(&c.nhs_number, "nhs_number")?;
    let ni = opt(&c.ni_number, "ni_number")?;
    let upn = opt(&c.upn, "upn")?;
    let address: Vec<usize> = match &c.address {
        Some(a) => a
            .names()
            .into_iter()
            .map(|n| col(n, "address"))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let others: Vec<(String, usize)> = c
        .other_ids
        .iter()
        .map(|(k, n)| Ok((k.clone(), col(n, &format!("other_ids.{k}"))?)))
        .collect::<Result<_, SpecError>>()?;
    let first = out.records.len();
    let mut empty_ids: Vec<u64> = Vec::new();
    // One row as a record (`line`: its row number, the header being row 1), and whether its
    // id is empty.
    let to_record = |row: &csv::StringRecord, line: u64| -> Result<(LinkRecord, bool), SpecError> {
        let get = |i: Option<usize>| -> Option<String> {
            i.and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let date_of_birth = match dob.and_then(|i| row.get(i)) {
            Some(v) => crate::standardise::parse_dob(v, &src.date_format).map_err(|_| {
                SpecError::BadDate {
                    file: path.clone(),
                    row: line,
                    column: c.date_of_birth.clone().unwrap_or_default(),
                    value: v.to_owned(),
                    format: src.date_format.clone(),
                }
            })?,
            None => None,
        };
        let addr: Vec<&str> = address
            .iter()
            .filter_map(|&i| row.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let rid = row.get(id_col).unwrap_or("").trim();
        let record = LinkRecord {
            source: idx,
            key: format!("{}{KEY_SEP}{}", src.name, rid),
            given_name: get(given),
            middle_name: get(middle),
            family_name: get(family),
            full_name: get(full),
            date_of_birth,
            sex: get(sex),
            address: (!addr.is_empty()).then(|| addr.join(", ")),
            postcode: get(postcode),
            nhs_number: get(nhs),
            ni_number: get(ni),
            upn: get(upn),
            other_ids: others
                .iter()
                .filter_map(|(k, i)| get(Some(*i)).map(|v| (k.clone(), v)))
                .collect(),
        };
        Ok((record, rid.is_empty()))
    };
    // Rows are parsed in batches on one thread while the batch before is turned into records
    // on the others; the first bad row in file order stops the run, as it would read one by
    // one (a malformed row after it is reported only when the rows before it are good).
    const BATCH: usize = 1 << 15;
    let read_batch = |rdr: &mut csv::Reader<std::fs::File>| {
        let mut rows = Vec::with_capacity(BATCH);
        let mut row = csv::StringRecord::new();
        while rows.len() < BATCH {
            match rdr.read_record(&mut row) {
                Ok(true) => rows.push(std::mem::take(&mut row)),
                Ok(false) => return (rows, None),
                Err(e) => return (rows, Some(csv_err(e))),
            }
        }
        (rows, None)
    };
    let mut line: u64 = 1;
    let (mut rows, mut failed) = read_batch(&mut rdr);
    // Room for the whole file, estimated from the first batch's bytes per row (grown by
    // doubling, millions of records were copied and faulted in again several times over).
    if let Ok(meta) = std::fs::metadata(&path) {
        let read = rdr.position().byte().max(1);
        let expected = (meta.len() as f64 / read as f64 * rows.len() as f64 * 1.02) as usize;
        // Only a hint: if the room cannot be had, the vector grows as it must.
        let _ = out.records.try_reserve(expected);
    }
    loop {
        let last = rows.len() < BATCH || failed.is_some();
        let ((next, next_failed), converted) = rayon::join(
            || {
                if last {
                    (Vec::new(), None)
                } else {
                    read_batch(&mut rdr)
                }
            },
            || {
                rows.par_iter()
                    .enumerate()
                    .map(|(k, row)| to_record(row, line + 1 + k as u64))
                    .collect::<Vec<_>>()
            },
        );
        for (k, r) in converted.into_iter().enumerate() {
            let (record, empty) = r?;
            if empty {
                empty_ids.push(line + 1 + k as u64);
            }
            out.records.push(record);
        }
        line += rows.len() as u64;
        if let Some(e) = failed {
            return Err(e);
        }
        if last {
            break;
        }
        (rows, failed) = (next, next_failed);
    }
    let count = out.records.len() - first;
    check_ids(&out.records[first..], &empty_ids, &path, &src.record_id)?;
    Ok(count)
}

/// An error naming the rows without an id, else the ids on more than one row. `records` are
/// one file's records in row order (the first on line 2). Ids are compared by a hash first and
/// then exactly, sorted: no map of millions of strings.
fn check_ids(
    records: &[LinkRecord],
    empty: &[u64],
    file: &Path,
    column: &str,
) -> Result<(), SpecError> {
    let rows = |r: &[u64]| {
        let mut s: Vec<String> = r.iter().take(NAMED).map(u64::to_string).collect();
        if r.len() > NAMED {
            s.push(format!("and {} more", r.len() - NAMED));
        }
        s.join(", ")
    };
    if !empty.is_empty() {
        return Err(SpecError::EmptyId {
            file: file.to_owned(),
            column: column.to_owned(),
            rows: rows(empty),
        });
    }
    let id = |i: u32| -> &str {
        let k = &records[i as usize].key;
        k.split_once(KEY_SEP).map_or(k.as_str(), |(_, id)| id)
    };
    let hash = |s: &str| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = crate::prepare::FxBuild::default().build_hasher();
        h.write(s.as_bytes());
        h.finish()
    };
    let mut order: Vec<(u64, u32)> = (0..records.len() as u32)
        .into_par_iter()
        .map(|i| (hash(id(i)), i))
        .collect();
    order.par_sort_unstable();
    // Within one hash, the rows of each distinct id (rows ascending).
    let mut dups: Vec<(&str, Vec<u64>)> = Vec::new();
    for same_hash in order.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut group: Vec<(&str, u32)> = same_hash.iter().map(|&(_, i)| (id(i), i)).collect();
        group.sort_unstable();
        for same_id in group.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            let lines = same_id.iter().map(|&(_, i)| u64::from(i) + 2).collect();
            dups.push((same_id[0].0, lines));
        }
    }
    if dups.is_empty() {
        return Ok(());
    }
    dups.sort_by_key(|(_, r)| r[0]);
    let mut named: Vec<String> = dups
        .iter()
        .take(NAMED)
        .map(|(id, r)| format!("\"{id}\" on rows {}", rows(r)))
        .collect();
    if dups.len() > NAMED {
        named.push(format!("and {} more ids", dups.len() - NAMED));
    }
    Err(SpecError::DuplicateId {
        file: file.to_owned(),
        column: column.to_owned(),
        ids: named.join("; "),
    })
}
