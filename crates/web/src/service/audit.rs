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
use hearth_store::{AuditEntry, AuditQuery, PersonScope};

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
    /// Part of an account name (any case).
    pub user_name: Option<String>,
    /// A family's key.
    pub family: Option<i64>,
    /// A person's key.
    pub person: Option<i64>,
    /// Part of an action, e.g. `view`.
    pub action: Option<String>,
    /// From the start of this day.
    pub from: Option<DateTime<Utc>>,
    /// Up to the end of this day.
    pub to: Option<DateTime<Utc>>,
    /// Lines older than this line (the next page).
    pub before: Option<i64>,
}

/// The search as typed, every field text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Typed<'a> {
    pub user_name: &'a str,
    pub family: &'a str,
    pub person: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub before: &'a str,
}

/// The longest text searched for in a name or an action.
const SEARCH_TEXT_LIMIT: usize = 64;

impl Search {
    /// Reads a search as typed (dates as people write them: 01/09/2025, 1/9/2025,
    /// 1 September 2025, 1 Sep 2025, 2025-09-01); every field that is wrong, with its
    /// message, otherwise.
    pub(crate) fn parse(t: &Typed<'_>) -> Result<Search, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut date = |field: &str, raw: &str| {
            if raw.trim().is_empty() {
                return None;
            }
            match parse_day(raw) {
                Some(d) => Some(d),
                None => {
                    // Which of the two dates: the summary lists both apart from their fields.
                    let which = if field == "from" { "from" } else { "up to" };
                    errors.push((
                        field.to_string(),
                        format!(
                            "Enter a real date to search {which}, like 01/09/2025 or 1 September 2025"
                        ),
                    ));
                    None
                }
            }
        };
        let from = date("from", t.from);
        // The day after `to` exists: `parse_day` takes years up to 9998.
        let to = date("to", t.to).map(|t| t + chrono::Duration::days(1));
        if let (Some(f), Some(t)) = (from, to) {
            if f >= t {
                errors.push((
                    "to".to_string(),
                    "The end date must be the same as or after the start date".to_string(),
                ));
            }
        }
        let mut key = |field: &str, raw: &str, what: &str| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<i64>() {
                Ok(f) if f >= 0 => Some(f),
                _ => {
                    errors.push((
                        field.to_string(),
                        format!("Enter a {what} ID as a number, like 42"),
                    ));
                    None
                }
            }
        };
        let family = key("family", t.family, "family");
        let person = key("person", t.person, "person");
        if family.is_some() && person.is_some() {
            errors.push((
                "person".to_string(),
                "Search by a family or a person, not both".to_string(),
            ));
        }
        let before = t.before.trim().parse::<i64>().ok();
        let mut text = |field: &str, raw: &str| {
            let raw = raw.trim();
            if raw.chars().count() > SEARCH_TEXT_LIMIT {
                errors.push((
                    field.to_string(),
                    format!("Enter at most {SEARCH_TEXT_LIMIT} characters"),
                ));
                return None;
            }
            Some(raw.to_lowercase()).filter(|s| !s.is_empty())
        };
        let user_name = text("user_name", t.user_name);
        let action = text("action", t.action);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Search {
            user_name,
            family,
            person,
            action,
            from,
            to,
            before,
        })
    }

    /// The store's query; a search by person finds the lines about everything that
    /// concerns them (`scope`: [`hearth_store::PersonScope::audit_targets`]).
    fn query(&self, limit: u32, scope: Option<&PersonScope>) -> AuditQuery {
        let (kind, id) = match (self.family, self.person) {
            (Some(f), _) => (Some("family".to_string()), Some(f.to_string())),
            (None, Some(p)) if scope.is_none() => (Some("person".to_string()), Some(p.to_string())),
            _ => (None, None),
        };
        AuditQuery {
            any_of: scope.map(PersonScope::audit_targets).unwrap_or_default(),
            user_contains: self.user_name.clone(),
            action_contains: self.action.clone(),
            target_kind: kind,
            target_id: id,
            from: self.from,
            to: self.to,
            before_id: self.before,
            limit,
            ..AuditQuery::default()
        }
    }
}

/// The start of a day as people type it, in the years 1900–9998 (`None` otherwise): times
/// are kept as RFC 3339 text with four-digit years, whose order is the times' order, so a
/// search compares dates as dates; a year such as `+262142` is refused, not compared.
pub(crate) fn parse_day(raw: &str) -> Option<DateTime<Utc>> {
    use hearth_model::standardise::dates::DateFormat;
    let raw = raw.trim();
    if raw.len() > 30 {
        return None;
    }
    let formats = [
        DateFormat::ISO,
        DateFormat::UK,
        DateFormat::parse("%d %B %Y").ok()?,
        DateFormat::parse("%d %b %Y").ok()?,
        DateFormat::parse("%d-%m-%Y").ok()?,
        DateFormat::parse("%d.%m.%Y").ok()?,
    ];
    let day = DateFormat::first_date(raw, &formats).ok()?;
    if !(1900..=9998).contains(&chrono::Datelike::year(&day)) {
        return None;
    }
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Lines shown on a page of the audit log.
pub(crate) const PAGE_LINES: u32 = 500;

/// A page of the audit search: its lines, newest first, whether older lines follow, and
/// for a search by person what else the lines are about.
pub(crate) struct Found {
    pub entries: Vec<AuditEntry>,
    pub more: bool,
    pub scope: Option<String>,
}

/// What concerns the person searched for (the rule subject access uses too), read from the
/// store; `None` when the search is not by person.
async fn person_scope(state: &AppState, search: &Search) -> Result<Option<PersonScope>, WebError> {
    match (search.family, search.person) {
        (None, Some(p)) => Ok(Some(state.store().run(move |s| s.person_scope(p)).await?)),
        _ => Ok(None),
    }
}

/// The words for each kind of record a search by person covers, in [`PersonScope`]'s order
/// (families now, families before, referrals, objections, restrictions): one, many, and what
/// ties it to the person.
const SCOPE_WORDS: [(&str, &str, &str); 5] = [
    ("family", "families", ", which they are a member of"),
    (
        "family",
        "families",
        ", which they were in at an earlier run or by a referral",
    ),
    ("referral", "referrals", " naming them"),
    ("objection", "objections", " covering them"),
    ("restriction", "restrictions", " of their processing"),
];

/// What a search by person covers, in words: "Lines about person 7, and about family 35,
/// which they are a member of, …".
fn scope_note(scope: &PersonScope) -> String {
    let list = |s: &std::collections::BTreeSet<i64>| -> String {
        let v: Vec<String> = s.iter().map(i64::to_string).collect();
        match v.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let plural = |s: &std::collections::BTreeSet<i64>, one: &str, many: &str| {
        format!("{} {}", if s.len() == 1 { one } else { many }, list(s))
    };
    let sets = [
        &scope.families_now,
        &scope.families_before,
        &scope.referrals,
        &scope.objections,
        &scope.restrictions,
    ];
    let parts: Vec<String> = sets
        .into_iter()
        .zip(SCOPE_WORDS)
        .filter(|(set, _)| !set.is_empty())
        .map(|(set, (one, many, tie))| format!("{}{tie}", plural(set, one, many)))
        .collect();
    let person = scope.person.unwrap_or_default();
    if parts.is_empty() {
        return format!("Lines about person {person}. They are in no family in the current run.");
    }
    format!(
        "Lines about person {person}, including views and changes of {}.",
        parts.join("; ")
    )
}

/// Searches the audit log, a page of [`PAGE_LINES`] lines, newest first; `None`: the search
/// was not valid, so nothing is read, but the search itself is still audited.
pub(crate) async fn search(
    state: &AppState,
    user: &CurrentUser,
    search: Option<Search>,
) -> Result<Found, WebError> {
    let found = match search {
        Some(q) => {
            let scope = person_scope(state, &q).await?;
            let query = q.query(PAGE_LINES + 1, scope.as_ref());
            let mut entries = state.store().run(move |s| s.audit_log(&query)).await?;
            let more = entries.len() > PAGE_LINES as usize;
            entries.truncate(PAGE_LINES as usize);
            Found {
                entries,
                more,
                scope: scope.as_ref().map(scope_note),
            }
        }
        None => Found {
            entries: Vec::new(),
            more: false,
            scope: None,
        },
    };
    record(
        state,
        user,
        "search audit log",
        ("audit_log", "*".into()),
        String::new(),
    )
    .await?;
    Ok(found)
}

/// Lines read per store call while exporting.
const EXPORT_CHUNK: u32 = 5_000;

/// Every line the search finds, newest first, as CSV (a cell starting `=`, `+`, `-` or `@`
/// is written after a `'`, so that a spreadsheet does not run it); audited.
pub(crate) async fn export_csv(
    state: &AppState,
    user: &CurrentUser,
    search: Search,
) -> Result<Vec<u8>, WebError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| WebError::Internal(format!("writing the audit CSV: {e}"));
    out.write_record([
        "line",
        "at",
        "user_name",
        "action",
        "target_kind",
        "target_id",
        "client_ip",
        "detail",
    ])
    .map_err(io)?;
    let mut q = search.clone();
    let mut lines = 0u64;
    let scope = person_scope(state, &search).await?;
    loop {
        let query = q.query(EXPORT_CHUNK, scope.as_ref());
        let page = state.store().run(move |s| s.audit_log(&query)).await?;
        for e in &page {
            let cells = [
                e.id.to_string(),
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                e.user_name.clone(),
                e.action.clone(),
                e.target_kind.clone(),
                e.target_id.clone(),
                e.client_ip.clone(),
                e.detail.clone(),
            ];
            out.write_record(cells.iter().map(|c| spreadsheet_safe(c).into_owned()))
                .map_err(io)?;
        }
        lines += page.len() as u64;
        match page.last() {
            Some(last) if page.len() == EXPORT_CHUNK as usize => q.before = Some(last.id),
            _ => break,
        }
    }
    record(
        state,
        user,
        "export audit log",
        ("audit_log", "*".into()),
        format!("{lines} lines"),
    )
    .await?;
    out.into_inner()
        .map_err(|e| WebError::Internal(format!("writing the audit CSV: {e}")))
}

fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_note_names_each_kind_of_record_in_the_search() {
        let mut scope = PersonScope {
            person: Some(7),
            ..PersonScope::default()
        };
        assert_eq!(
            scope_note(&scope),
            "Lines about person 7. They are in no family in the current run."
        );
        scope.families_now.insert(35);
        scope.families_before.extend([3, 4]);
        scope.referrals.extend([1, 2, 9]);
        scope.restrictions.insert(5);
        assert_eq!(
            scope_note(&scope),
            "Lines about person 7, including views and changes of family 35, which they are a \
             member of; families 3 and 4, which they were in at an earlier run or by a \
             referral; referrals 1, 2 and 9 naming them; restriction 5 of their processing."
        );
    }
}
