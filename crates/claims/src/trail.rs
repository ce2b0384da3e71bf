//! What an evidence pack keeps so that a spot check years later can go from a claim back to
//! the partners' rows: each partner record the result's evidence (and the baseline's
//! indicators) read, with its source, file (name and SHA-256), row and dates; and the partner
//! files the judgement read, with how far each one's records reach — so that "no incident in
//! the period" can be told from "no police data for the period".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A partner record the pack's evidence reads, traced to its file and row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSnapshot {
    /// Hearth's key of the record (as the evidence's `record_ids` name it).
    pub record_id: i64,
    /// The partner source (`police`).
    pub source: String,
    /// The file's name as imported.
    pub file_name: String,
    /// The file's SHA-256: the file itself, whatever it is called later.
    pub file_sha256: String,
    /// The row in the file (the header is row 1).
    pub row: u64,
    /// When the file was imported (RFC 3339).
    pub imported_at: String,
    /// The kind of event (`incident`, `benefit_claim`).
    pub event_type: String,
    /// Its date, or a spell's first day.
    pub event_date: Option<NaiveDate>,
    /// A spell's last day.
    pub end_date: Option<NaiveDate>,
    /// The record's details as the partner gave them (a JSON object).
    pub details: String,
}

/// A partner file the judgement read, with the dates its records cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSnapshot {
    /// The partner source.
    pub source: String,
    /// The file's name as imported.
    pub file_name: String,
    /// Its SHA-256.
    pub file_sha256: String,
    /// The day it was imported.
    pub imported_on: Option<NaiveDate>,
    /// Rows stored from it.
    pub rows: u64,
    /// Its records' earliest event date.
    pub first_event: Option<NaiveDate>,
    /// Its records' latest event date: the data reach no further for this file.
    pub latest_event: Option<NaiveDate>,
}
