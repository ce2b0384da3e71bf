//! Reviewers' decisions for a spec run (`settings.decisions_file`): a CSV
//! `source_l,record_id_l,source_r,record_id_r,same` (`same` is `true`/`false`, `yes`/`no` or
//! `1`/`0`), turned into must-links and cannot-links by record position.

use super::read::KEY_SEP;
use super::SpecError;
use crate::record::LinkRecord;
use crate::settings::Constraints;
use std::collections::HashMap;
use std::path::Path;

/// Reads the decisions file; every record it names must be among `records`.
pub(super) fn read_decisions(
    path: &Path,
    records: &[LinkRecord],
) -> Result<Constraints, SpecError> {
    let csv_err = |message: String| SpecError::Csv {
        file: path.to_owned(),
        message,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(e.to_string()))?;
    let headers = rdr.headers().map_err(|e| csv_err(e.to_string()))?.clone();
    let want = ["source_l", "record_id_l", "source_r", "record_id_r", "same"];
    let cols: Vec<usize> = want
        .iter()
        .map(|w| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == *w)
                .ok_or_else(|| SpecError::UnknownColumn {
                    file: path.to_owned(),
                    column: (*w).to_owned(),
                    role: "a reviewer's decision".into(),
                    available: headers.iter().map(str::to_owned).collect(),
                })
        })
        .collect::<Result<_, _>>()?;
    let index: HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i as u32))
        .collect();
    let mut out = Constraints::default();
    for (n, row) in rdr.records().enumerate() {
        let row = row.map_err(|e| csv_err(e.to_string()))?;
        let line = n as u64 + 2;
        let cell = |k: usize| row.get(cols[k]).unwrap_or("").trim();
        let find = |s: usize, id: usize| {
            let key = format!("{}{KEY_SEP}{}", cell(s), cell(id));
            index.get(key.as_str()).copied().ok_or_else(|| {
                csv_err(format!(
                    "row {line}: no record \"{}\" in source \"{}\"",
                    cell(id),
                    cell(s)
                ))
            })
        };
        let (a, b) = (find(0, 1)?, find(2, 3)?);
        let same = match cell(4).to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            other => {
                return Err(csv_err(format!(
                    "row {line}, column \"same\": \"{other}\" is not true or false"
                )))
            }
        };
        let pair = (a.min(b), a.max(b));
        if same {
            out.must_link.push(pair);
        } else {
            out.cannot_link.push(pair);
        }
    }
    Ok(out)
}
