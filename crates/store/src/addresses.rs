//! Dated addresses: each partner record's address and postcode with the record's date and
//! source, by the person the latest linkage run gave it to. What `hearth outcomes` reads to
//! find the people recorded at an attached family's home (the Outcomes Plan's joiners):
//! everyone at a few postcodes (index `identity_postcode`, migration 20), then those
//! people's other addresses (moved away). Identifiers: only for the pipeline's use, never
//! shown or logged.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{date, int, placeholders, Tx, Val};
use chrono::NaiveDate;

/// One partner record's address, dated by the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedAddress {
    /// The person (latest linkage run).
    pub person_id: i64,
    /// The record's key.
    pub record_id: i64,
    /// The partner source (its key).
    pub source: String,
    /// The record's date (its event date).
    pub on: NaiveDate,
    /// The address as recorded.
    pub address: Option<String>,
    /// The postcode as recorded.
    pub postcode: Option<String>,
}

impl Store {
    /// The dated addresses of every linked record at one of these postcodes (as stored:
    /// intake writes a postcode in one form). Records without a date are left out.
    pub fn dated_addresses_at(&mut self, postcodes: &[String]) -> Result<Vec<DatedAddress>> {
        self.with_read(|tx| {
            let mut out = Vec::new();
            for chunk in postcodes.chunks(500) {
                let params: Vec<Val> = chunk.iter().map(|p| Val::Text(p.clone())).collect();
                let filter = format!("i.postcode IN ({})", placeholders(chunk.len()));
                read(tx, &filter, &params, &mut out)?;
            }
            Ok(out)
        })
    }

    /// The dated addresses of these people's records (records without a date left out).
    pub fn dated_addresses_of(&mut self, people: &[i64]) -> Result<Vec<DatedAddress>> {
        self.with_read(|tx| {
            let mut out = Vec::new();
            for chunk in people.chunks(500) {
                let params: Vec<Val> = chunk.iter().map(|&p| Val::Int(p)).collect();
                let filter = format!("pr.person_id IN ({})", placeholders(chunk.len()));
                read(tx, &filter, &params, &mut out)?;
            }
            Ok(out)
        })
    }
}

fn read(tx: &mut dyn Tx, filter: &str, params: &[Val], out: &mut Vec<DatedAddress>) -> Result<()> {
    let sql = format!(
        "SELECT pr.person_id, i.record_id, r.source, CAST(r.event_date AS TEXT), i.address, \
         i.postcode FROM identity i \
         JOIN person_record pr ON pr.record_id = i.record_id \
         JOIN record r ON r.record_id = i.record_id \
         WHERE {filter} AND r.event_date IS NOT NULL ORDER BY pr.person_id, i.record_id"
    );
    for r in tx.query(&sql, params)? {
        out.push(DatedAddress {
            person_id: int(&r, 0, "person_record", "person_id")?,
            record_id: int(&r, 1, "identity", "record_id")?,
            source: r[2].text().unwrap_or_default(),
            on: date(&r[3], "record", "event_date")?,
            address: r[4].text(),
            postcode: r[5].text(),
        });
    }
    Ok(())
}
