//! The council's attachment list: one row per member attached to the programme, with the
//! attachment date and, optionally, the member's name and date of birth and the family's
//! address, for finding members no record carries by their NHS number.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use std::path::Path;

/// One row of an attachment list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// The row as a spreadsheet numbers it.
    pub row: usize,
    /// The council's reference.
    pub reference: Option<String>,
    /// A member's NHS number (ten digits).
    pub nhs_number: String,
    /// The attachment date.
    pub attached_on: NaiveDate,
    /// The member's forename, family name and date of birth, if the list gives them: the
    /// member is found by them when no record carries the NHS number.
    pub name_and_birth: Option<(String, String, NaiveDate)>,
    /// The family's address at attachment (first line, postcode), if the list gives it: the
    /// family is found at it when the member is not (a case management system holds the
    /// address the lead worker visits).
    pub address: Option<ListedAddress>,
}

/// The family's address as an attachment list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAddress {
    /// The address (first line, or the whole address), if given.
    pub line: Option<String>,
    /// The postcode, in its normal form.
    pub postcode: Option<hearth_model::Postcode>,
}

/// Reads an attachment list (`Attachment Ref`, `NHS Number`, `Attached On`, optionally
/// `Forename`, `Surname`, `Date of Birth`, `Address`, `Postcode`; other columns ignored). A bad
/// row stops the whole list, naming file, row and field.
pub fn read_attachments(path: &Path) -> Result<Vec<AttachmentRow>> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("reading {name}"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{name}: no header row"))?
        .clone();
    let col = |h: &str| {
        headers
            .iter()
            .position(|x| x.trim().eq_ignore_ascii_case(h))
    };
    let (Some(nhs), Some(on)) = (col("NHS Number"), col("Attached On")) else {
        bail!("{name}: the header needs the columns \"NHS Number\" and \"Attached On\"");
    };
    let reference = col("Attachment Ref");
    let (forename, surname, born) = (col("Forename"), col("Surname"), col("Date of Birth"));
    let (address, postcode) = (col("Address"), col("Postcode"));
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = rec.with_context(|| format!("{name}, row {row}: not readable as CSV"))?;
        let number: String = rec
            .get(nhs)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if hearth_model::NhsNumber::parse(&number).is_err() {
            bail!("{name}, row {row}, field \"NHS Number\": not a valid NHS number");
        }
        let text = rec.get(on).unwrap_or("").trim();
        let attached_on = NaiveDate::parse_from_str(text, "%d/%m/%Y")
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .map_err(|_| {
                anyhow::anyhow!(
                    "{name}, row {row}, field \"Attached On\": {text:?} is not a date (dd/mm/yyyy)"
                )
            })?;
        let field = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let name_and_birth = match (field(forename), field(surname), field(born)) {
            (Some(f), Some(s), Some(b)) => {
                let b = NaiveDate::parse_from_str(b, "%d/%m/%Y")
                    .or_else(|_| NaiveDate::parse_from_str(b, "%Y-%m-%d"))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "{name}, row {row}, field \"Date of Birth\": not a date (dd/mm/yyyy)"
                        )
                    })?;
                Some((f.to_string(), s.to_string(), b))
            }
            _ => None,
        };
        let line = match field(address) {
            Some(a) if a.chars().count() > 1_000 || a.chars().any(char::is_control) => {
                bail!(
                    "{name}, row {row}, field \"Address\": longer than 1,000 characters or \
                     holding control characters"
                )
            }
            a => a.map(str::to_string),
        };
        let postcode = field(postcode)
            .map(|p| {
                hearth_model::Postcode::parse(p).map_err(|_| {
                    anyhow::anyhow!("{name}, row {row}, field \"Postcode\": not a valid postcode")
                })
            })
            .transpose()?;
        let address =
            (line.is_some() || postcode.is_some()).then_some(ListedAddress { line, postcode });
        out.push(AttachmentRow {
            row,
            name_and_birth,
            address,
            reference: reference
                .and_then(|c| rec.get(c))
                .map(str::to_string)
                .filter(|s| !s.is_empty()),
            nhs_number: number,
            attached_on,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Result<Vec<AttachmentRow>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("attachments.csv");
        std::fs::write(&path, text).unwrap();
        read_attachments(&path)
    }

    #[test]
    fn the_familys_address_is_read_when_the_list_gives_it() {
        let rows = list(
            "Attachment Ref,NHS Number,Address,Postcode,Attached On\n\
             A1,943 476 5919,\"41 Victoria View, Widnes\",wa87sn,08/09/2025\n\
             A2,9434765919,,,09/09/2025\n\
             A3,9434765919,,WA8 7SN,10/09/2025\n",
        )
        .unwrap();
        let address = rows[0].address.as_ref().unwrap();
        assert_eq!(address.line.as_deref(), Some("41 Victoria View, Widnes"));
        assert_eq!(address.postcode.as_ref().unwrap().as_str(), "WA8 7SN");
        assert_eq!(rows[1].address, None);
        let postcode_only = rows[2].address.as_ref().unwrap();
        assert_eq!(postcode_only.line, None);
        assert!(postcode_only.postcode.is_some());
    }

    #[test]
    fn a_list_without_address_columns_still_reads() {
        let rows = list(
            "Attachment Ref,NHS Number,Forename,Surname,Date of Birth,Attached On\n\
             A1,9434765919,Ann,Lee,01/02/1990,08/09/2025\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].address, None);
        assert!(rows[0].name_and_birth.is_some());
    }

    #[test]
    fn a_bad_postcode_or_address_names_its_file_row_and_field() {
        let err = list(
            "NHS Number,Address,Postcode,Attached On\n\
             9434765919,1 High Street,WA8 7SN,08/09/2025\n\
             9434765919,2 High Street,WA8 7S,08/09/2025\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("attachments.csv, row 3, field \"Postcode\""),
            "{err}"
        );
        assert!(!err.contains("WA8 7S"), "no value in the message: {err}");
        let err = list(
            "NHS Number,Address,Postcode,Attached On\n\
             9434765919,\"1 High\u{7}Street\",WA8 7SN,08/09/2025\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("row 2, field \"Address\""), "{err}");
    }
}
