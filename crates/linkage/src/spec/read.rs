//! Reading one spec source: its CSV file, column roles and record ids (each present and
//! unique within the file, or the run stops naming the rows).

use super::{SourceSpec, SpecError};
use crate::record::LinkRecord;
use std::collections::HashMap;
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
    let mut count = 0;
    let mut ids = Ids::default();
    let mut row = csv::StringRecord::new();
    let mut line: u64 = 1;
    while rdr.read_record(&mut row).map_err(csv_err)? {
        line += 1;
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
        let rid = row.get(id_col).unwrap_or("").trim().to_owned();
        ids.see(&rid, line);
        out.records.push(LinkRecord {
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
        });
        count += 1;
    }
    ids.check(&path, &src.record_id)?;
    Ok(count)
}

/// Record ids seen in one file, by the rows they were on.
#[derive(Default)]
struct Ids {
    rows: HashMap<String, Vec<u64>>,
    empty: Vec<u64>,
}

impl Ids {
    fn see(&mut self, id: &str, line: u64) {
        if id.is_empty() {
            self.empty.push(line);
        } else {
            self.rows.entry(id.to_owned()).or_default().push(line);
        }
    }

    /// An error naming the rows without an id, else the ids on more than one row.
    fn check(self, file: &Path, column: &str) -> Result<(), SpecError> {
        let rows = |r: &[u64]| {
            let mut s: Vec<String> = r.iter().take(NAMED).map(u64::to_string).collect();
            if r.len() > NAMED {
                s.push(format!("and {} more", r.len() - NAMED));
            }
            s.join(", ")
        };
        if !self.empty.is_empty() {
            return Err(SpecError::EmptyId {
                file: file.to_owned(),
                column: column.to_owned(),
                rows: rows(&self.empty),
            });
        }
        let mut dups: Vec<(String, Vec<u64>)> =
            self.rows.into_iter().filter(|(_, r)| r.len() > 1).collect();
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
}
