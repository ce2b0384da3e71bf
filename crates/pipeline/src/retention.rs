//! Retention and destruction: the council's policy (`rules/retention.toml`, read by
//! `hearth_governance::retention`) applied to the store, one class of data per transaction,
//! with a proof report kept in the store (counts by class and month, the policy's SHA-256,
//! who and when: no personal data) and an audit line.
//!
//! `hearth retention --dry-run` calls [`dry_run`]; `--apply` and the server's daily task call
//! [`apply`].

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_governance::retention::{Cutoff, DataClass, Event, RetentionPolicy};
use hearth_store::{AuditEntry, ClassCounts, PurgeScope, RetentionReport, SourceFilter, Store};
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

/// Reads the council's retention policy file.
pub fn load_policy(path: &Path) -> Result<RetentionPolicy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the retention policy {}", path.display()))?;
    RetentionPolicy::parse(&text).with_context(|| format!("in {}", path.display()))
}

/// The store's scope for one of the policy's rules.
pub fn scope(cutoff: &Cutoff) -> PurgeScope {
    match cutoff.class {
        DataClass::PartnerRecords => PurgeScope::PartnerRecords {
            sources: match &cutoff.source {
                Some(s) => SourceFilter::Only(s.clone()),
                None if cutoff.except.is_empty() => SourceFilter::All,
                None => SourceFilter::AllBut(cutoff.except.clone()),
            },
            by_record_date: cutoff.from == Event::RecordDate,
        },
        DataClass::Quarantine => PurgeScope::Quarantine,
        DataClass::CaseRecords => PurgeScope::CaseRecords,
        DataClass::Audit => PurgeScope::Audit,
        DataClass::Transfers => PurgeScope::Transfers,
        DataClass::ResearchCopies => PurgeScope::ResearchCopies,
    }
}

/// What a retention run did (or would do), with how long each class took.
#[derive(Debug, Clone)]
pub struct RetentionOutcome {
    /// The proof report (saved in the store when applied: its `id` is set).
    pub report: RetentionReport,
    /// Each class's time, in the report's order.
    pub timings: Vec<Duration>,
}

fn class_counts(cutoff: &Cutoff, months: Vec<hearth_store::MonthCount>) -> ClassCounts {
    ClassCounts {
        class: cutoff.class.key().into(),
        source: cutoff.source.clone(),
        from: cutoff.from.key().into(),
        before: cutoff.before,
        months,
    }
}

/// Counts what the policy would remove on `today`, changing nothing (nothing is saved).
pub fn dry_run(
    store: &mut Store,
    policy: &RetentionPolicy,
    today: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<RetentionOutcome> {
    let mut classes = Vec::new();
    let mut timings = Vec::new();
    for cutoff in policy.cutoffs(today) {
        let t = Instant::now();
        let months = store
            .retention_counts(&scope(&cutoff), cutoff.before)
            .with_context(|| format!("counting expired {}", cutoff.class))?;
        timings.push(t.elapsed());
        classes.push(class_counts(&cutoff, months));
    }
    Ok(RetentionOutcome {
        report: RetentionReport {
            id: 0,
            run_at: now,
            run_by: by.into(),
            applied: false,
            policy_sha256: policy.sha256.clone(),
            classes,
        },
        timings,
    })
}

/// Removes what the policy says has expired on `today`, one class per transaction; keeps
/// the proof report and writes an audit line (`retention purge`, counts only). With
/// `reclaim_full`, SQLite's file is rewritten afterwards (`VACUUM`); otherwise freed space
/// is reused (or given back incrementally where the file allows).
pub fn apply(
    store: &mut Store,
    policy: &RetentionPolicy,
    today: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
    reclaim_full: bool,
) -> Result<RetentionOutcome> {
    let mut classes = Vec::new();
    let mut timings = Vec::new();
    // The audit log last, so that lines written while purging the rest are dated today.
    let mut cutoffs = policy.cutoffs(today);
    cutoffs.sort_by_key(|c| c.class == DataClass::Audit);
    for cutoff in cutoffs {
        let t = Instant::now();
        let months = store
            .retention_purge(&scope(&cutoff), cutoff.before, now)
            .with_context(|| format!("purging expired {}", cutoff.class))?;
        timings.push(t.elapsed());
        tracing::info!(
            class = cutoff.class.key(),
            rows = months.iter().map(|m| m.count).sum::<u64>(),
            ms = t.elapsed().as_millis() as u64,
            "retention purge"
        );
        classes.push(class_counts(&cutoff, months));
    }
    // Referral forms part-filled and not finished within their time (not a policy class:
    // kept hours, not years).
    let drafts = store
        .purge_referral_drafts(now - hearth_store::REFERRAL_DRAFT_KEPT)
        .context("deleting unfinished referral forms")?;
    tracing::info!(rows = drafts, "unfinished referral forms deleted");
    let mut report = RetentionReport {
        id: 0,
        run_at: now,
        run_by: by.into(),
        applied: true,
        policy_sha256: policy.sha256.clone(),
        classes,
    };
    if report.total() > 0 {
        store
            .reclaim_space(reclaim_full)
            .context("reclaiming the space freed")?;
    }
    report.id = store.save_retention_report(&report)?;
    store.append_audit(&AuditEntry {
        id: 0,
        at: now,
        user_id: None,
        user_name: by.into(),
        action: "retention purge".into(),
        target_kind: "retention_report".into(),
        target_id: report.id.to_string(),
        client_ip: "server".into(),
        detail: format!("{} rows; policy {}", report.total(), &policy.sha256[..12]),
    })?;
    Ok(RetentionOutcome { report, timings })
}

impl fmt::Display for RetentionOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        let verb = if r.applied {
            "destroyed"
        } else {
            "would destroy"
        };
        writeln!(
            f,
            "retention {} {} rows (policy sha256 {}){}",
            verb,
            r.total(),
            r.policy_sha256,
            if r.applied {
                format!("; proof report {}", r.id)
            } else {
                "; nothing changed (dry run)".into()
            }
        )?;
        for (c, t) in r.classes.iter().zip(&self.timings) {
            let n: u64 = c.months.iter().map(|m| m.count).sum();
            let name = match &c.source {
                Some(s) => format!("{} ({s})", c.class),
                None => c.class.clone(),
            };
            let note = if c.class == "research_copies" {
                " — held by the recipient: ask them to confirm destruction"
            } else {
                ""
            };
            writeln!(
                f,
                "  {name:<28} {n:>9} dated by {} before {}  ({} ms){note}",
                c.from,
                c.before,
                t.as_millis()
            )?;
            for m in &c.months {
                writeln!(f, "      {}  {:>9}", m.month, m.count)?;
            }
        }
        Ok(())
    }
}

/// When the server runs the policy each day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyAt {
    /// Hour (UTC), 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
}

impl std::str::FromStr for DailyAt {
    type Err = String;
    /// `HH:MM` (UTC), e.g. `02:30`.
    fn from_str(s: &str) -> std::result::Result<DailyAt, String> {
        let bad = || format!("{s:?} is not a time of day: use HH:MM (UTC), e.g. 02:30, or off");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let (hour, minute) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if hour > 23 || minute > 59 {
            return Err(bad());
        }
        Ok(DailyAt { hour, minute })
    }
}

impl DailyAt {
    /// The first time at or after `now` that is this time of day.
    pub fn next_after(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = now
            .date_naive()
            .and_hms_opt(self.hour, self.minute, 0)
            .unwrap_or_default()
            .and_utc();
        if today > now {
            today
        } else {
            today + chrono::Duration::days(1)
        }
    }
}

/// Who the daily run is, in its proof reports.
const SERVE: &str = "hearth serve";

/// Whether a daily run (by any server) already applied the policy on `day`.
fn ran_on(reports: &[RetentionReport], day: NaiveDate) -> bool {
    reports
        .iter()
        .any(|r| r.applied && r.run_by == SERVE && r.run_at.date_naive() == day)
}

/// Runs the policy every day at `at` on a thread of its own (never a web worker), with its
/// own connection to the store, until the process ends; `after` is called after each run
/// that destroyed something (the web server forgets what it kept in memory). Each run's
/// outcome is logged as counts only; a failed run is logged and retried the next day.
pub fn spawn_daily(
    open: impl Fn() -> Result<Store> + Send + 'static,
    policy: RetentionPolicy,
    at: DailyAt,
    after: impl Fn(&RetentionOutcome) + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("retention".into())
        .spawn(move || loop {
            let now = Utc::now();
            let next = at.next_after(now);
            // Several servers on one store start at the same minute: each waits its own few
            // seconds more (by process), and the later ones find the day's run done.
            let stagger = std::time::Duration::from_secs(u64::from(std::process::id() % 120));
            std::thread::sleep((next - now).to_std().unwrap_or_default() + stagger);
            let now = Utc::now();
            let run = open().and_then(|mut store| {
                if ran_on(&store.retention_reports(5)?, now.date_naive()) {
                    return Ok(None);
                }
                apply(&mut store, &policy, now.date_naive(), SERVE, now, false).map(Some)
            });
            match run {
                Ok(None) => {
                    tracing::info!("daily retention run: already run today by another server")
                }
                Ok(Some(o)) => {
                    tracing::info!(
                        report = o.report.id,
                        rows = o.report.total(),
                        "daily retention run"
                    );
                    if o.report.total() > 0 {
                        after(&o);
                    }
                }
                Err(e) => tracing::error!(error = %e, "daily retention run failed"),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_already_run_by_another_server_is_not_run_again() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let report = |at: &str, applied: bool, by: &str| RetentionReport {
            id: 1,
            run_at: t(at),
            run_by: by.into(),
            applied,
            policy_sha256: String::new(),
            classes: Vec::new(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert!(ran_on(&[report("2026-12-05T02:00:40Z", true, SERVE)], day));
        assert!(!ran_on(&[report("2026-12-04T02:00:40Z", true, SERVE)], day));
        // A dry run, or one run by hand, is not the day's run.
        assert!(!ran_on(
            &[report("2026-12-05T02:00:40Z", false, SERVE)],
            day
        ));
        assert!(!ran_on(&[report("2026-12-05T09:00:00Z", true, "dpo")], day));
    }

    #[test]
    fn a_retention_run_deletes_referral_forms_left_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("s.sqlite").to_str().unwrap()).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let long_ago = now - chrono::Duration::days(30);
        let referrer = hearth_store::NewUser {
            user_name: "referrer".into(),
            display_name: "A referrer".into(),
            role: hearth_model::Role::Referrer,
            password_hash: "x".into(),
        };
        let user_id = store.create_user(&referrer, long_ago).unwrap().id;
        for (token, at) in [("old", now - chrono::Duration::hours(3)), ("new", now)] {
            let draft = hearth_store::ReferralDraft {
                token_sha256: token.into(),
                user_id,
                form: "/referrals/new".into(),
                input: "{}".into(),
                focus: None,
                created_at: at,
            };
            store.keep_referral_draft(&draft, long_ago).unwrap();
        }
        let policy = RetentionPolicy::parse(include_str!("../../../rules/retention.toml")).unwrap();
        apply(&mut store, &policy, now.date_naive(), "dpo", now, false).unwrap();
        let kept = |s: &mut Store, t: &str| {
            s.referral_draft(t, user_id, "/referrals/new", long_ago)
                .unwrap()
                .is_some()
        };
        assert!(!kept(&mut store, "old"), "past its two hours: deleted");
        assert!(kept(&mut store, "new"));
    }

    #[test]
    fn daily_times_read_and_come_next() {
        let at: DailyAt = "02:30".parse().unwrap();
        assert_eq!((at.hour, at.minute), (2, 30));
        for bad in ["2", "24:00", "02:60", "x:y", ""] {
            assert!(bad.parse::<DailyAt>().is_err(), "{bad}");
        }
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            at.next_after(t("2025-09-01T01:00:00Z")),
            t("2025-09-01T02:30:00Z")
        );
        assert_eq!(
            at.next_after(t("2025-09-01T02:30:00Z")),
            t("2025-09-02T02:30:00Z")
        );
    }
}
