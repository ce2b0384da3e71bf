//! The audit log: writing a line for what a user did (targets are keys, never names) and
//! searching it.
//!
//! Lines are written through the state's group-committing writer; this module decides what
//! a line says.

use crate::actor::CurrentUser;
use crate::domain::{for_the_record, SIGN_IN_NAME_LIMIT};
use crate::error::WebError;
use crate::state::throttle::LineBudget;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use hearth_store::{AuditEntry, AuditQuery};

/// What a line is about: a kind (`family`, `user`, `audit_log`) and a key (`*`: all).
pub(crate) type Target = (&'static str, String);

/// Appends a line for something `user` did, and waits until it is written.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    target: Target,
    detail: String,
) -> Result<(), WebError> {
    append(
        state,
        Some(user.user.id),
        &user.user.user_name,
        &user.client_ip,
        action,
        target,
        detail,
    )
    .await
}

/// The most lines about failures of people not signed in written per client address in a
/// minute; more are counted and written as one line when the minute is over.
pub(crate) const ANONYMOUS_LINES_PER_MINUTE: u64 = 10;

/// Appends a line for a failure by someone not signed in (a wrong or throttled sign-in),
/// named as they typed it, made safe and cut short ([`for_the_record`]): at most
/// [`ANONYMOUS_LINES_PER_MINUTE`] from one address in a minute, the rest counted into one
/// line written once the minute is over (with the next such line from anywhere, or a
/// minute later), so that nobody can grow the audit log without bound without signing in.
pub(crate) async fn record_anonymous_failure(
    state: &AppState,
    user_name: &str,
    client_ip: &str,
    action: &str,
) -> Result<(), WebError> {
    state
        .metrics()
        .sign_in_failure(if action.ends_with("throttled") {
            crate::state::metrics::SignInFailure::Throttled
        } else {
            crate::state::metrics::SignInFailure::Wrong
        });
    let now = state.now();
    let (budget, over) = state
        .anonymous_lines()
        .take(client_ip, now, ANONYMOUS_LINES_PER_MINUTE);
    write_counted(state, over).await?;
    match budget {
        LineBudget::Write => {
            append(
                state,
                None,
                &for_the_record(user_name, SIGN_IN_NAME_LIMIT),
                client_ip,
                action,
                ("user", "-".into()),
                String::new(),
            )
            .await
        }
        LineBudget::Counted { first } => {
            if first {
                // If nothing else comes along, the count is written a minute from now.
                let state = state.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_secs(61)).await;
                    let due = state.anonymous_lines().due(state.now());
                    if let Err(e) = write_counted(&state, due).await {
                        tracing::error!(error = %e, "writing counted sign-in failures failed");
                    }
                });
            }
            Ok(())
        }
    }
}

/// Writes one line per address for the failures only counted in a minute now over.
async fn write_counted(
    state: &AppState,
    over: Vec<(String, DateTime<Utc>, u64)>,
) -> Result<(), WebError> {
    for (address, started, count) in over {
        append(
            state,
            None,
            "-",
            &address,
            "sign in failures counted",
            ("user", "-".into()),
            format!(
                "{count} more failed sign-ins from this address in the minute from {}",
                started.format("%Y-%m-%d %H:%M:%S")
            ),
        )
        .await?;
    }
    Ok(())
}

/// Appends a line for something done by someone not (yet) signed in, named as they typed
/// it (a sign-in).
pub(crate) async fn record_anonymous(
    state: &AppState,
    user_name: &str,
    client_ip: &str,
    action: &str,
    target: Target,
) -> Result<(), WebError> {
    append(
        state,
        None,
        user_name,
        client_ip,
        action,
        target,
        String::new(),
    )
    .await
}

/// Appends a line for something done by an account that is signing in (so not yet a
/// [`CurrentUser`]): single sign-on's account creation and role changes.
pub(crate) async fn record_for_account(
    state: &AppState,
    user: &hearth_store::UserRecord,
    client_ip: &str,
    action: &str,
    detail: String,
) -> Result<(), WebError> {
    append(
        state,
        Some(user.id),
        &user.user_name,
        client_ip,
        action,
        ("user", user.id.to_string()),
        detail,
    )
    .await
}

async fn append(
    state: &AppState,
    user_id: Option<i64>,
    user_name: &str,
    client_ip: &str,
    action: &str,
    target: Target,
    detail: String,
) -> Result<(), WebError> {
    let entry = AuditEntry {
        id: 0,
        at: state.now(),
        user_id,
        user_name: user_name.to_string(),
        action: action.to_string(),
        target_kind: target.0.to_string(),
        target_id: target.1,
        client_ip: client_ip.to_string(),
        detail,
    };
    state.audit_writer().append(entry).await
}

/// An audit search, checked: every part optional.
#[derive(Debug, Clone, Default)]
pub(crate) struct Search {
    /// An account name (lower-cased).
    pub user_name: Option<String>,
    /// A family's key.
    pub family: Option<i64>,
    /// From the start of this day.
    pub from: Option<DateTime<Utc>>,
    /// Up to the end of this day.
    pub to: Option<DateTime<Utc>>,
}

impl Search {
    /// Reads a search as typed (dates `YYYY-MM-DD`); every field that is wrong, with its
    /// message, otherwise.
    pub(crate) fn parse(
        user_name: &str,
        family: &str,
        from: &str,
        to: &str,
    ) -> Result<Search, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut date = |field: &str, raw: &str| {
            if raw.trim().is_empty() {
                return None;
            }
            match parse_day(raw) {
                Some(d) => Some(d),
                None => {
                    errors.push((
                        field.to_string(),
                        "Enter a date in the format 2025-09-01".to_string(),
                    ));
                    None
                }
            }
        };
        let from = date("from", from);
        // The day after `to` exists: `parse_day` takes years up to 9998.
        let to = date("to", to).map(|t| t + chrono::Duration::days(1));
        let family = family.trim();
        let family = if family.is_empty() {
            None
        } else {
            match family.parse::<i64>() {
                Ok(f) => Some(f),
                Err(_) => {
                    errors.push((
                        "family".to_string(),
                        "Enter a family ID as a number, like 42".to_string(),
                    ));
                    None
                }
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Search {
            user_name: Some(user_name.trim().to_lowercase()).filter(|s| !s.is_empty()),
            family,
            from,
            to,
        })
    }
}

/// The start of a day typed `YYYY-MM-DD`, in the years 1900–9998 (`None` otherwise): times
/// are kept as RFC 3339 text with four-digit years, whose order is the times' order, so a
/// search compares dates as dates; a year such as `+262142` is refused, not compared.
fn parse_day(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let well_formed = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return None;
    }
    let day = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    if !(1900..=9998).contains(&chrono::Datelike::year(&day)) {
        return None;
    }
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Searches the audit log (at most 500 lines, newest first); `None`: the search was not
/// valid, so nothing is read, but the search itself is still audited.
pub(crate) async fn search(
    state: &AppState,
    user: &CurrentUser,
    search: Option<Search>,
) -> Result<Vec<AuditEntry>, WebError> {
    let entries = match search {
        Some(q) => {
            let query = AuditQuery {
                user_name: q.user_name,
                target_kind: q.family.map(|_| "family".to_string()),
                target_id: q.family.map(|f| f.to_string()),
                from: q.from,
                to: q.to,
                limit: 500,
            };
            state.store().run(move |s| s.audit_log(&query)).await?
        }
        None => Vec::new(),
    };
    record(
        state,
        user,
        "search audit log",
        ("audit_log", "*".into()),
        String::new(),
    )
    .await?;
    Ok(entries)
}
