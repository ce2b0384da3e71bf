//! Information governance, for the information governance officer: the objection register
//! (list, add, withdraw), the national evaluation extract (made, encrypted for the
//! recipient's public key, handed over as a download; the transfer log) and the retention
//! proof reports. Every read and change is audited; none of it holds identifiers.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit::{self, parse_day};
use crate::state::AppState;
use chrono::NaiveDate;
use hearth_store::{
    ExtractTransfer, NewObjection, Objection, ObjectionSubject, RetentionReport, StoreError,
};

/// An objection as typed, checked.
#[derive(Debug, Clone)]
pub(crate) struct ObjectionInput {
    pub subject: ObjectionSubject,
    pub scope: &'static str,
    pub received_on: NaiveDate,
    pub received_how: String,
}

/// The longest "how received" text.
const HOW_LIMIT: usize = 100;

impl ObjectionInput {
    /// Reads an objection as typed; every field that is wrong, with its message, otherwise.
    /// `today` bounds the date received (it cannot be in the future).
    pub(crate) fn parse(
        subject_kind: &str,
        subject_id: &str,
        scope: &str,
        received_on: &str,
        received_how: &str,
        today: NaiveDate,
    ) -> Result<ObjectionInput, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let id = subject_id.trim().parse::<i64>().ok().filter(|i| *i >= 0);
        if id.is_none() {
            errors.push((
                "subject_id".to_string(),
                "Enter the person's or family's ID as a number, like 42".to_string(),
            ));
        }
        let subject = match (subject_kind, id) {
            ("person", Some(i)) => Some(ObjectionSubject::Person(i)),
            ("family", Some(i)) => Some(ObjectionSubject::Family(i)),
            ("person" | "family", None) => None,
            _ => {
                errors.push((
                    "subject_kind".to_string(),
                    "Select whether a person or a whole family objects".to_string(),
                ));
                None
            }
        };
        let scope = match scope {
            "research" => Some("research"),
            "all" => Some("all"),
            _ => {
                errors.push((
                    "scope".to_string(),
                    "Select what they object to".to_string(),
                ));
                None
            }
        };
        let received = match parse_day(received_on).map(|d| d.date_naive()) {
            Some(d) if d <= today => Some(d),
            Some(_) => {
                errors.push((
                    "received_on".to_string(),
                    "The date received must be today or in the past".to_string(),
                ));
                None
            }
            // Nothing typed, or something that is not a date (30/02/2026): each its message.
            None if received_on.trim().is_empty() => {
                errors.push((
                    "received_on".to_string(),
                    "Enter the date it was received, like 01/09/2025".to_string(),
                ));
                None
            }
            None => {
                errors.push((
                    "received_on".to_string(),
                    "The date received must be a real date, like 01/09/2025".to_string(),
                ));
                None
            }
        };
        let how = received_how.trim();
        let how_ok = !how.is_empty()
            && how.chars().count() <= HOW_LIMIT
            && !crate::domain::has_control(how, false);
        if !how_ok {
            errors.push((
                "received_how".to_string(),
                format!(
                    "Enter how it was received, like letter, phone or email (at most {HOW_LIMIT} characters)"
                ),
            ));
        }
        match (subject, scope, received) {
            (Some(subject), Some(scope), Some(received_on)) if errors.is_empty() => {
                Ok(ObjectionInput {
                    subject,
                    scope,
                    received_on,
                    received_how: how.to_string(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// The register, newest first; audited.
pub(crate) async fn objections(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Objection>, WebError> {
    let list = state.store().run(|s| s.objections()).await?;
    audit::record(
        state,
        user,
        "view objection register",
        ("objection", "*".into()),
        format!("{} objections", list.len()),
    )
    .await?;
    Ok(list)
}

/// Records an objection; returns its key. A person or family Hearth does not know is a
/// mistake in the form.
pub(crate) async fn add_objection(
    state: &AppState,
    user: &CurrentUser,
    input: ObjectionInput,
) -> Result<i64, WebError> {
    let new = NewObjection {
        subject: input.subject,
        scope: input.scope.to_string(),
        received_on: input.received_on,
        received_how: input.received_how,
        recorded_by: user.user.user_name.clone(),
        recorded_at: state.now(),
    };
    let added = state
        .store()
        .run(move |s| {
            // One objection in force says it: the same again, or research use when all
            // sharing is already objected to, is not recorded twice.
            let covering = s.objections()?.into_iter().find(|o| {
                o.withdrawn.is_none()
                    && o.subject == new.subject
                    && (o.scope == new.scope || o.scope == "all")
            });
            match covering {
                Some(o) => Ok(Err(o)),
                None => s.add_objection(&new).map(Ok),
            }
        })
        .await;
    let id = match added {
        Ok(Ok(id)) => id,
        Ok(Err(o)) => {
            let what = if o.scope == "all" {
                "all sharing"
            } else {
                "research use"
            };
            return Err(WebError::Invalid(vec![(
                "subject_id".into(),
                format!(
                    "An objection to {what} from this {} is already in force (objection {}, received {}): it need not be recorded again",
                    match o.subject {
                        ObjectionSubject::Person(_) => "person",
                        ObjectionSubject::Family(_) => "family",
                    },
                    o.id,
                    o.received_on.format("%-d %B %Y")
                ),
            )]));
        }
        Err(WebError::Store(StoreError::NotFound(_))) => {
            return Err(WebError::Invalid(vec![(
                "subject_id".into(),
                "There is no person or family with this ID in the latest linkage run".into(),
            )]))
        }
        Err(e) => return Err(e),
    };
    audit::record(
        state,
        user,
        "record objection",
        ("objection", id.to_string()),
        input.scope.to_string(),
    )
    .await?;
    Ok(id)
}

/// Withdraws an objection in force (404 otherwise).
pub(crate) async fn withdraw_objection(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(), WebError> {
    let (by, at) = (user.user.user_name.clone(), state.now());
    let done = state
        .store()
        .run(move |s| s.withdraw_objection(id, &by, at))
        .await?;
    if !done {
        return Err(WebError::NotFound);
    }
    audit::record(
        state,
        user,
        "withdraw objection",
        ("objection", id.to_string()),
        String::new(),
    )
    .await
}

/// The transfer log, newest first; audited.
pub(crate) async fn transfers(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<ExtractTransfer>, WebError> {
    let list = state.store().run(|s| s.transfers()).await?;
    audit::record(
        state,
        user,
        "view transfer log",
        ("extract_transfer", "*".into()),
        String::new(),
    )
    .await?;
    Ok(list)
}

pub(crate) use crate::views::governance::MadeExtract;

/// Makes the national evaluation extract for `recipient` (an age public key), logs the
/// transfer and audits it (the pipeline does both), and hands the encrypted file back. The
/// file is written to a private temporary folder, read back and removed: nothing
/// unencrypted touches the disk.
pub(crate) async fn national_evaluation(
    state: &AppState,
    user: &CurrentUser,
    recipient: &str,
) -> Result<MadeExtract, WebError> {
    let recipient = recipient.trim().to_string();
    if !recipient.starts_with("age1") || recipient.len() > 200 {
        return Err(recipient_error());
    }
    let made_by = user.user.user_name.clone();
    let now = state.now();
    let made = state
        .store()
        .run(move |s| {
            let dir = tempfile_dir();
            let out = (|| {
                let dir = dir.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
                let report = hearth_pipeline::extract::national_evaluation(
                    s,
                    &hearth_pipeline::extract::NationalEvaluationRequest {
                        recipient: &recipient,
                        out_dir: dir,
                        made_by: &made_by,
                        now,
                        // The extract's as-at day is the server's today (under `hearth
                        // demo`, the borough's last day), as for every other count.
                        today: now.date_naive(),
                    },
                )?;
                let bytes = std::fs::read(&report.file)?;
                let file_name = report
                    .file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "national-evaluation.age".into());
                Ok::<_, anyhow::Error>(MadeExtract { file_name, bytes })
            })();
            if let Ok(d) = &dir {
                let _ = std::fs::remove_dir_all(d);
            }
            Ok(out)
        })
        .await?;
    made.map_err(|e| {
        let text = format!("{e:#}");
        if text.contains("recipient") {
            recipient_error()
        } else if text.contains("no identification run") {
            WebError::Invalid(vec![(
                "recipient".into(),
                "There is no identification run yet: nothing to send".into(),
            )])
        } else {
            WebError::Internal(format!("making the national evaluation extract: {text}"))
        }
    })
}

fn recipient_error() -> WebError {
    WebError::Invalid(vec![(
        "recipient".into(),
        "Enter the recipient's age public key, which starts age1".into(),
    )])
}

/// A private temporary folder for one extract.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    use rand::Rng;
    let name = format!("hearth-extract-{:016x}", rand::rng().random::<u64>());
    let dir = std::env::temp_dir().join(name);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

/// The retention proof reports, newest first (at most 100); audited.
pub(crate) async fn retention_reports(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<RetentionReport>, WebError> {
    let list = state.store().run(|s| s.retention_reports(100)).await?;
    audit::record(
        state,
        user,
        "view retention reports",
        ("retention_report", "*".into()),
        String::new(),
    )
    .await?;
    Ok(list)
}

/// How far ahead the retention preview looks, in days.
pub(crate) const PREVIEW_AHEAD_DAYS: i64 = 90;

/// One rule of the retention policy, with what it would destroy today and by
/// [`PREVIEW_AHEAD_DAYS`] from now (rows only: no personal data).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct PreviewRow {
    pub class: String,
    pub period: String,
    pub from: String,
    pub kept_from: String,
    pub due_now: u64,
    pub due_ahead: u64,
}

/// What the retention policy would destroy, counted without destroying anything.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct RetentionPreview {
    pub today: String,
    pub ahead: String,
    pub rows: Vec<PreviewRow>,
}

/// Counts what the council's retention policy would destroy today and by
/// [`PREVIEW_AHEAD_DAYS`] from now (a dry run twice: nothing is destroyed or saved);
/// `None` when no policy is configured. Audited.
pub(crate) async fn retention_preview(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Option<RetentionPreview>, WebError> {
    let Some(policy) = state.settings().retention_policy.clone() else {
        return Ok(None);
    };
    let now = state.now();
    let today = now.date_naive();
    let ahead = today + chrono::Duration::days(PREVIEW_AHEAD_DAYS);
    let (cutoffs, later) = (policy.cutoffs(today), policy.cutoffs(ahead));
    let counted = cutoffs.clone();
    let (at_today, at_ahead) = state
        .store()
        .run(move |s| {
            let mut count = |cutoffs: &[hearth_governance::retention::Cutoff]| {
                cutoffs
                    .iter()
                    .map(|c| {
                        let months =
                            s.retention_counts(&hearth_pipeline::retention::scope(c), c.before)?;
                        Ok(months.iter().map(|m| m.count).sum::<u64>())
                    })
                    .collect::<Result<Vec<u64>, hearth_store::StoreError>>()
            };
            Ok((count(&counted)?, count(&later)?))
        })
        .await?;
    let long = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let rows = cutoffs
        .iter()
        .zip(at_today.into_iter().zip(at_ahead))
        .map(|(c, (due_now, due_ahead))| PreviewRow {
            class: match &c.source {
                Some(s) => format!("{} ({s})", c.class.key().replace('_', " ")),
                None => c.class.key().replace('_', " "),
            },
            period: c.period.to_string(),
            from: c.from.key().replace('_', " "),
            kept_from: long(c.before),
            due_now,
            due_ahead,
        })
        .collect();
    audit::record(
        state,
        user,
        "view retention preview",
        ("retention_report", "*".into()),
        String::new(),
    )
    .await?;
    Ok(Some(RetentionPreview {
        today: long(today),
        ahead: long(ahead),
        rows,
    }))
}

/// The cohort's progress as it may leave Hearth: a CSV of each measure's families moving
/// better, the same or worse, passed through the one disclosure-control module (counts
/// under 5 suppressed, then enough others that none can be worked out from the totals;
/// GSS symbols: `[c]` suppressed). Means are given only for measures whose count of
/// families is shown. Audited.
///
/// The file is local evaluation ("Locally, service providers share evaluation data to inform
/// how services should be provided in the future", Halton): a family with a member who
/// objects to research use or to all sharing is not counted in it, even as a number
/// (`Output::LocalEvaluation`).
pub(crate) async fn cohort_csv(state: &AppState, user: &CurrentUser) -> Result<Vec<u8>, WebError> {
    use hearth_governance::disclosure::{protect, Cell, Policy, Table};
    let output = hearth_governance::sharing::Output::LocalEvaluation;
    let excluded = excluded(state, output).await?;
    let all = state
        .store()
        .run(|s| s.all_progress_readings())
        .await?
        .iter()
        .map(|r| r.family_id)
        .collect::<std::collections::BTreeSet<_>>();
    let left_out = all.iter().filter(|f| excluded.family(**f)).count();
    let cohort = crate::service::work::cohort_leaving_out(state, user, &excluded.families).await?;
    audit::record(
        state,
        user,
        "export progress cohort: objections honoured",
        ("family", "*".into()),
        excluded.audit_detail(output, all.len() - left_out, left_out),
    )
    .await?;
    let rows: Vec<String> = cohort.measures.iter().map(|m| m.label.clone()).collect();
    let counts: Vec<Vec<u64>> = cohort
        .measures
        .iter()
        .map(|m| {
            [m.counts.better, m.counts.same, m.counts.worse]
                .iter()
                .map(|&n| n as u64)
                .collect()
        })
        .collect();
    let columns = vec![
        "Better".to_string(),
        "No change".to_string(),
        "Worse".to_string(),
    ];
    let table = Table::new(rows, columns, counts)
        .map_err(|e| WebError::Internal(format!("the cohort table: {e}")))?;
    let protected = protect(&table, Policy::default());
    let io = |e: csv::Error| WebError::Internal(format!("writing the cohort CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "Measure",
        "Theme",
        "Families",
        "Better",
        "No change",
        "Worse",
        "Mean first",
        "Mean latest",
    ])
    .map_err(io)?;
    for (i, m) in cohort.measures.iter().enumerate() {
        let total = protected.row_totals[i];
        let mean = |v: &Option<String>| match total {
            Cell::Shown(_) => v.clone().unwrap_or_default(),
            _ => Cell::Confidential.to_string(),
        };
        let mut record = vec![m.label.clone(), m.theme.clone(), total.to_string()];
        record.extend(protected.cells[i].iter().map(|c| c.to_string()));
        record.push(mean(&m.mean_first_label));
        record.push(mean(&m.mean_latest_label));
        out.write_record(&record).map_err(io)?;
    }
    let mut last = vec![
        "All measures".to_string(),
        String::new(),
        protected.total.to_string(),
    ];
    last.extend(protected.column_totals.iter().map(|c| c.to_string()));
    last.extend([String::new(), String::new()]);
    out.write_record(&last).map_err(io)?;
    out.write_record([
        "[c] suppressed to protect confidentiality (fewer than 5 families, or enough to work one out)",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ])
    .map_err(io)?;
    audit::record(
        state,
        user,
        "export progress cohort",
        ("family", "*".into()),
        format!(
            "{} families counted; {} figures suppressed",
            cohort.families,
            protected.primary + protected.secondary
        ),
    )
    .await?;
    out.into_inner()
        .map_err(|e| WebError::Internal(format!("writing the cohort CSV: {e}")))
}

/// Who is left out of `output` (`hearth_pipeline::sharing::excluded`: the one question every
/// export asks of the objection register).
pub(crate) async fn excluded(
    state: &AppState,
    output: hearth_governance::sharing::Output,
) -> Result<hearth_governance::sharing::Excluded, WebError> {
    state
        .store()
        .run(move |s| hearth_pipeline::sharing::excluded(s, output))
        .await
}
