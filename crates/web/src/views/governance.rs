//! What the information governance pages and the API show of the objection register, the
//! transfer log and the retention proof reports (no identifiers: keys, dates and counts).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use hearth_store::ObjectionSubject;
use serde::Serialize;

/// An objection as listed.
#[derive(Serialize)]
pub(crate) struct ObjectionRow {
    pub id: i64,
    pub subject: String,
    pub scope: String,
    pub scope_label: &'static str,
    pub received_on: String,
    pub received_how: String,
    pub recorded_by: String,
    pub records: i64,
    pub withdrawn: Option<String>,
}

/// The words for an objection's scope.
pub(crate) fn scope_label(scope: &str) -> &'static str {
    match scope {
        "research" => "Research (the national evaluation)",
        "all" => "All sharing",
        _ => "Unknown",
    }
}

pub(crate) fn objection_row(o: hearth_store::Objection) -> ObjectionRow {
    ObjectionRow {
        id: o.id,
        subject: match o.subject {
            ObjectionSubject::Person(p) => format!("Person {p}"),
            ObjectionSubject::Family(f) => format!("Family {f}"),
        },
        scope_label: scope_label(&o.scope),
        scope: o.scope,
        received_on: o.received_on.format("%-d %B %Y").to_string(),
        received_how: o.received_how,
        recorded_by: o.recorded_by,
        records: o.records,
        withdrawn: o
            .withdrawn
            .map(|(at, by)| format!("{} by {by}", at.format("%-d %B %Y"))),
    }
}

/// A transfer as listed.
#[derive(Serialize)]
pub(crate) struct TransferRow {
    pub id: i64,
    pub made_at: String,
    pub made_by: String,
    pub recipient: String,
    pub identification_run: i64,
    pub families: i64,
    pub people: i64,
    pub objectors_excluded: i64,
    pub file_name: String,
    pub file_sha256: String,
}

pub(crate) fn transfer_row(t: hearth_store::ExtractTransfer) -> TransferRow {
    TransferRow {
        id: t.id,
        made_at: t.made_at.format("%Y-%m-%d %H:%M").to_string(),
        made_by: t.made_by,
        recipient: t.recipient,
        identification_run: t.identification_run,
        families: t.families,
        people: t.people,
        objectors_excluded: t.objectors_excluded,
        file_name: t.file_name,
        file_sha256: t.file_sha256,
    }
}

/// The encrypted extract as a download.
/// A made extract: the encrypted file's name and bytes.
pub(crate) struct MadeExtract {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

pub(crate) fn encrypted_download(made: MadeExtract) -> Response {
    let name: String = made
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        made.bytes,
    )
        .into_response()
}

/// A retention report as listed.
#[derive(Serialize)]
pub(crate) struct ReportRow {
    pub id: i64,
    pub run_at: String,
    pub run_by: String,
    pub applied: bool,
    pub policy_sha256: String,
    pub total: u64,
    pub classes: Vec<ClassRow>,
}

/// One class of a retention report.
#[derive(Serialize)]
pub(crate) struct ClassRow {
    pub class: String,
    pub before: String,
    pub from: String,
    pub count: u64,
    pub months: Vec<(String, u64)>,
}

pub(crate) fn report_row(r: hearth_store::RetentionReport) -> ReportRow {
    ReportRow {
        id: r.id,
        run_at: r.run_at.format("%Y-%m-%d %H:%M").to_string(),
        total: r.total(),
        run_by: r.run_by,
        applied: r.applied,
        policy_sha256: r.policy_sha256,
        classes: r
            .classes
            .into_iter()
            .map(|c| ClassRow {
                class: match &c.source {
                    Some(s) => format!("{} ({s})", c.class.replace('_', " ")),
                    None => c.class.replace('_', " "),
                },
                before: c.before.format("%-d %B %Y").to_string(),
                from: c.from.replace('_', " "),
                count: c.months.iter().map(|m| m.count).sum(),
                months: c.months.into_iter().map(|m| (m.month, m.count)).collect(),
            })
            .collect(),
    }
}
