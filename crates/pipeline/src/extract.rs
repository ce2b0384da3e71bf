//! Extracts that leave the council: the national evaluation extract.
//!
//! Reads the cohort of the latest identification run (families on the programme and the
//! eligible families not worked with), leaves out objectors (`hearth_governance::evaluation`),
//! writes the two tables and a manifest into one zip, encrypts it for the recipient's `age`
//! public key (the private key never comes near the council's server), and logs the transfer
//! and an audit line. Nothing unencrypted is written to disk.

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use hearth_governance::evaluation::{self, CohortFamily, EvaluationExtract, Variant};
use hearth_model::CaseStatus;
use hearth_store::{AuditEntry, ExtractTransfer, Store};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What to send and where to write it.
#[derive(Debug, Clone)]
pub struct NationalEvaluationRequest<'a> {
    /// The recipient's `age` public key (`age1…`).
    pub recipient: &'a str,
    /// The folder to write the encrypted file into (must exist).
    pub out_dir: &'a Path,
    /// Who is making the extract (for the transfer log and the audit).
    pub made_by: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// The day the extract is made as at: only families attached on or before it are on
    /// the programme, and the manifest's period runs to it.
    pub today: chrono::NaiveDate,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct NationalEvaluationReport {
    /// The encrypted file.
    pub file: PathBuf,
    /// Its SHA-256.
    pub sha256: String,
    /// The identification run it drew on.
    pub run_id: i64,
    /// Counts.
    pub extract: Counts,
    /// The transfer log's key.
    pub transfer_id: i64,
}

/// The extract's counts (no personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Families sent.
    pub families: usize,
    /// Of which on the programme.
    pub programme_families: usize,
    /// Of which the comparison group.
    pub comparison_families: usize,
    /// People sent.
    pub people: usize,
    /// People left out because they object.
    pub objectors_excluded: usize,
    /// Families left out because a member objects.
    pub families_excluded: usize,
}

impl fmt::Display for NationalEvaluationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.extract;
        writeln!(
            f,
            "national evaluation extract from identification run {}: {} families ({} on the programme, {} comparison), {} people",
            self.run_id, c.families, c.programme_families, c.comparison_families, c.people
        )?;
        writeln!(
            f,
            "left out because they object: {} people ({} families)",
            c.objectors_excluded, c.families_excluded
        )?;
        writeln!(f, "written, encrypted: {}", self.file.display())?;
        write!(
            f,
            "SHA-256 {}; transfer {} logged",
            self.sha256, self.transfer_id
        )
    }
}

/// The manifest's file names.
pub const IDENTIFIERS_FILE: &str = "identifiers.csv";
/// The manifest's file names.
pub const ATTRIBUTES_FILE: &str = "attributes.csv";
/// The manifest's file names.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Makes, encrypts, writes and logs the national evaluation extract.
pub fn national_evaluation(
    store: &mut Store,
    req: &NationalEvaluationRequest<'_>,
) -> anyhow::Result<NationalEvaluationReport> {
    let recipient = age::x25519::Recipient::from_str(req.recipient.trim())
        .map_err(|e| anyhow::anyhow!("the recipient must be an age public key (age1…): {e}"))?;
    if !req.out_dir.is_dir() {
        bail!("the folder {} does not exist", req.out_dir.display());
    }
    let run = store
        .identification_runs()?
        .into_iter()
        .max_by_key(|r| r.id)
        .context("there is no identification run yet: run `hearth identify` first")?;
    let cohort = cohort(store, run.id, req.today)?;
    // Research: `research` and `all` objections, and restrictions (issue 13), through the
    // one question every output asks.
    let objectors = crate::sharing::excluded(
        store,
        hearth_governance::sharing::Output::NationalEvaluation,
    )?
    .people;
    let people: Vec<i64> = cohort
        .iter()
        .flat_map(|f| f.members.iter().map(|(p, _)| *p))
        .filter(|p| !objectors.contains(p))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let identifiers = variants(store, &people)?;
    let extract = evaluation::build(&cohort, &identifiers, &objectors, &mut rand::rng());
    let counts = Counts {
        families: extract.families,
        programme_families: extract.programme_families,
        comparison_families: extract.comparison_families,
        people: extract.attributes.len(),
        objectors_excluded: extract.objectors_excluded,
        families_excluded: extract.families_excluded,
    };
    let zip = package(&extract, run.id, run.as_at, req.now, req.today)?;
    let encrypted = age::encrypt(&recipient, &zip).context("encrypting the extract")?;
    let sha256 = format!("{:x}", Sha256::digest(&encrypted));
    let name = format!(
        "national-evaluation-{}-run{}.zip.age",
        req.now.format("%Y%m%dT%H%M%SZ"),
        run.id
    );
    let file = req.out_dir.join(&name);
    let partial = req.out_dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, &encrypted)
        .and_then(|()| std::fs::rename(&partial, &file))
        .with_context(|| format!("writing {}", file.display()))?;
    let transfer_id = store.log_transfer(&ExtractTransfer {
        id: 0,
        kind: "national_evaluation".into(),
        made_at: req.now,
        made_by: req.made_by.into(),
        recipient: req.recipient.trim().into(),
        identification_run: run.id,
        families: counts.families as i64,
        people: counts.people as i64,
        objectors_excluded: counts.objectors_excluded as i64,
        file_name: name,
        file_sha256: sha256.clone(),
    })?;
    store.append_audit(&AuditEntry {
        id: 0,
        at: req.now,
        user_id: None,
        user_name: req.made_by.into(),
        action: "national evaluation extract".into(),
        target_kind: "extract_transfer".into(),
        target_id: transfer_id.to_string(),
        client_ip: "command line".into(),
        detail: format!(
            "{} families, {} people, {} objectors left out",
            counts.families, counts.people, counts.objectors_excluded
        ),
    })?;
    Ok(NationalEvaluationReport {
        file,
        sha256,
        run_id: run.id,
        extract: counts,
        transfer_id,
    })
}

/// The families of run `run_id` on the programme or eligible: a family is on the programme
/// (worked with) once attached (`Store::attachments`, the one notion every page counts: its
/// baseline frozen, or its case moved to "agreed to take part" or later); the work starts on
/// the attachment day and ends when the case closed. Only attachments on or before `today`
/// count: a family attached later is not yet on the programme.
fn cohort(
    store: &mut Store,
    run_id: i64,
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<CohortFamily>> {
    let assessments: HashMap<i64, _> = store
        .assessments(run_id)?
        .into_iter()
        .map(|a| (a.family_id, a))
        .collect();
    let cases: HashMap<i64, _> = store
        .family_cases()?
        .into_iter()
        .map(|c| (c.family_id, c))
        .collect();
    let attached = store.attachments()?;
    let mut out = Vec::new();
    for family in store.families()? {
        let assessment = assessments.get(&family.family_id);
        let case = cases.get(&family.family_id);
        let started = attached.get(&family.family_id).filter(|&&d| d <= today);
        let worked_with = started.is_some();
        if !worked_with && !assessment.is_some_and(|a| a.eligible) {
            continue;
        }
        // The case as it stood on `today`: a status reached later is read back from its
        // history (the last change on or before the day).
        let on_the_day = match case {
            Some(c) if worked_with && c.status_since.date_naive() <= today => {
                Some((c.status, c.status_since.date_naive()))
            }
            Some(_) if worked_with => store
                .case_history(family.family_id)?
                .into_iter()
                .rfind(|h| h.changed_at.date_naive() <= today)
                .map(|h| (h.to, h.changed_at.date_naive())),
            _ => None,
        };
        out.push(CohortFamily {
            family_id: family.family_id,
            problems: assessment.map(|a| a.problems.clone()).unwrap_or_default(),
            worked_with,
            status: match on_the_day {
                Some((s, _)) => s.key().to_owned(),
                // Attached (a baseline frozen) with no case yet on the day.
                _ if worked_with => CaseStatus::Agreed.key().to_owned(),
                _ => "not_worked_with".into(),
            },
            start: started.map(ToString::to_string),
            end: on_the_day
                .filter(|&(s, _)| s == CaseStatus::Closed)
                .map(|(_, since)| since.to_string()),
            members: family
                .members
                .iter()
                .map(|m| (m.person_id, m.role.key().to_owned()))
                .collect(),
        });
    }
    Ok(out)
}

fn variants(store: &mut Store, people: &[i64]) -> anyhow::Result<BTreeMap<i64, Vec<Variant>>> {
    Ok(store
        .person_identifiers(people)?
        .into_iter()
        .map(|p| {
            let v = p
                .variants
                .into_iter()
                .map(|v| Variant {
                    given_name: v.given_name,
                    family_name: v.family_name,
                    date_of_birth: v.date_of_birth.map(|d| d.to_string()),
                    sex: v.sex,
                    address: v.address,
                    postcode: v.postcode,
                    ni_number: v.ni_number,
                    event_date: v.event_date.map(|d| d.to_string()),
                })
                .collect();
            (p.person_id, v)
        })
        .collect())
}

/// The zip (in memory): the two tables and the manifest.
fn package(
    extract: &EvaluationExtract,
    run_id: i64,
    as_at: chrono::NaiveDate,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    let identifiers = csv_bytes(&extract.identifiers)?;
    let attributes = csv_bytes(&extract.attributes)?;
    let sha = |b: &[u8]| format!("{:x}", Sha256::digest(b));
    let manifest = serde_json::json!({
        "kind": "national_evaluation",
        "schema_version": evaluation::SCHEMA_VERSION,
        "made_at": now.to_rfc3339(),
        "period": { "identification_run": run_id, "as_at": as_at.to_string(), "to": today.to_string() },
        "counts": {
            "families": extract.families,
            "programme_families": extract.programme_families,
            "comparison_families": extract.comparison_families,
            "people": extract.attributes.len(),
            "objectors_excluded": extract.objectors_excluded,
            "families_excluded": extract.families_excluded,
        },
        "files": [
            { "name": IDENTIFIERS_FILE, "rows": extract.identifiers.len(), "sha256": sha(&identifiers) },
            { "name": ATTRIBUTES_FILE, "rows": extract.attributes.len(), "sha256": sha(&attributes) },
        ],
        "use": "research only; never decisions about people",
    });
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        (IDENTIFIERS_FILE, identifiers),
        (ATTRIBUTES_FILE, attributes),
        (MANIFEST_FILE, serde_json::to_vec_pretty(&manifest)?),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

fn csv_bytes<T: serde::Serialize>(rows: &[T]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}
