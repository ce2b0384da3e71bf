//! Preparing a claim batch against the store, for `hearth claims prepare` and the claims
//! page: the judged results (kept by `hearth outcomes`, or given as a file), the claims
//! already made and the casework are read,
//! `hearth_claims` plans the batch, and the store writes it in one transaction, refusing the
//! whole batch if one of its families was claimed meanwhile.

use chrono::{DateTime, NaiveDate, Utc};
use hearth_claims::{
    plan_batch, ActiveClaim, AlreadyClaimed, BatchInput, ClaimRules, DataSnapshot, EvidencePack,
    FamilyContext, PassedOver, PlanActionSnapshot, PlanGoalSnapshot, RecordSnapshot, RulesSnapshot,
    WindowError, WithdrawnClaim,
};
use hearth_outcomes::{Baseline, FamilyId, FamilyResult, ResultKind};
use hearth_store::{
    BatchOutcome, NewClaim, NewClaimBatch, RecordId, Store, StoreError, StoredClaim,
};
use std::collections::BTreeMap;

/// Where the results a batch claims come from: the families' results as at a day, with
/// their baselines: those `hearth outcomes` kept in the store ([`ResultsFile::from_store`])
/// or a JSON file of them ([`ResultsFile::from_json`]).
pub trait ClaimableResults {
    /// The results achieved by `as_at` and the families' baselines.
    fn results_as_at(
        &mut self,
        as_at: NaiveDate,
    ) -> Result<(Vec<FamilyResult>, BTreeMap<FamilyId, Baseline>), String>;

    /// The day each result was judged as at, where known (an evidence pack keeps it).
    fn judged_as_at(&self) -> BTreeMap<(FamilyId, ResultKind), NaiveDate> {
        BTreeMap::new()
    }
}

/// Results read from a JSON file: an array of results, or `{"results": [...], "baselines":
/// [...]}`.
#[derive(Debug, Clone, Default)]
pub struct ResultsFile {
    /// The results.
    pub results: Vec<FamilyResult>,
    /// The baselines.
    pub baselines: Vec<Baseline>,
    /// The day each result was judged as at (`hearth outcomes --as-at`), where known.
    pub judged: BTreeMap<(FamilyId, ResultKind), NaiveDate>,
}

impl ResultsFile {
    /// Reads the file's text.
    pub fn from_json(text: &str) -> Result<ResultsFile, String> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Shape {
            List(Vec<FamilyResult>),
            Both {
                results: Vec<FamilyResult>,
                #[serde(default)]
                baselines: Vec<Baseline>,
            },
        }
        match serde_json::from_str::<Shape>(text).map_err(|e| e.to_string())? {
            Shape::List(results) => Ok(ResultsFile {
                results,
                ..ResultsFile::default()
            }),
            Shape::Both { results, baselines } => Ok(ResultsFile {
                results,
                baselines,
                ..ResultsFile::default()
            }),
        }
    }
}

impl ResultsFile {
    /// The store's frozen baselines, for the families the file gives none for: results kept
    /// elsewhere (a case management system's) are claimed only for families the store shows
    /// attached and eligible, as the store's own results are.
    pub fn with_store_baselines(mut self, store: &mut Store) -> Result<ResultsFile, String> {
        let given: std::collections::BTreeSet<FamilyId> =
            self.baselines.iter().map(|b| b.family_id).collect();
        for b in store.baselines().map_err(|e| e.to_string())? {
            if given.contains(&b.family_id) {
                continue;
            }
            self.baselines
                .push(serde_json::from_str::<Baseline>(&b.baseline).map_err(|e| {
                    format!("family {}'s baseline is unreadable: {e}", b.family_id)
                })?);
        }
        Ok(self)
    }

    /// The results `hearth outcomes` kept in the store (each the first time it was found)
    /// and the families' frozen baselines. A result's problems are its family's problems at
    /// entry, as the judgement gave them.
    pub fn from_store(store: &mut Store) -> Result<ResultsFile, String> {
        let baselines = store
            .baselines()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|b| {
                serde_json::from_str::<Baseline>(&b.baseline)
                    .map_err(|e| format!("family {}'s baseline is unreadable: {e}", b.family_id))
            })
            .collect::<Result<Vec<Baseline>, String>>()?;
        let present: BTreeMap<FamilyId, Vec<String>> = baselines
            .iter()
            .map(|b| {
                let keys = b
                    .problems
                    .iter()
                    .filter(|p| p.present)
                    .map(|p| p.key.clone())
                    .collect();
                (b.family_id, keys)
            })
            .collect();
        let stored = store.outcome_results().map_err(|e| e.to_string())?;
        let mut judged = BTreeMap::new();
        for r in &stored {
            if let Some(kind) = ResultKind::from_key(&r.kind) {
                judged.insert((r.family_id, kind), r.found_as_at);
            }
        }
        let results = stored
            .into_iter()
            .map(|r| {
                let kind = ResultKind::from_key(&r.kind).ok_or_else(|| {
                    format!("family {}: unknown result kind {:?}", r.family_id, r.kind)
                })?;
                let evidence = serde_json::from_str(&r.evidence).map_err(|e| {
                    format!(
                        "family {}'s result evidence is unreadable: {e}",
                        r.family_id
                    )
                })?;
                Ok(FamilyResult {
                    family_id: r.family_id,
                    kind,
                    achieved_on: r.achieved_on,
                    problems: present.get(&r.family_id).cloned().unwrap_or_default(),
                    evidence,
                    rules_hash: r.rules_sha256,
                })
            })
            .collect::<Result<Vec<FamilyResult>, String>>()?;
        Ok(ResultsFile {
            results,
            baselines,
            judged,
        })
    }
}

impl ClaimableResults for ResultsFile {
    fn results_as_at(
        &mut self,
        as_at: NaiveDate,
    ) -> Result<(Vec<FamilyResult>, BTreeMap<FamilyId, Baseline>), String> {
        let _ = as_at; // `select` leaves out what was achieved later, saying so.
        let baselines = self
            .baselines
            .iter()
            .map(|b| (b.family_id, b.clone()))
            .collect();
        Ok((self.results.clone(), baselines))
    }

    fn judged_as_at(&self) -> BTreeMap<(FamilyId, ResultKind), NaiveDate> {
        self.judged.clone()
    }
}

/// A batch to prepare.
#[derive(Debug, Clone)]
pub struct PrepareRequest<'a> {
    /// The claim rules.
    pub rules: &'a ClaimRules,
    /// The claim rules' file as read.
    pub claim_rules: RulesSnapshot,
    /// The Outcomes Plan the results were judged under, if known.
    pub outcomes_plan: Option<RulesSnapshot>,
    /// The window's key.
    pub window_key: &'a str,
    /// Today: the data as at.
    pub today: NaiveDate,
    /// Now (when the batch is recorded).
    pub now: DateTime<Utc>,
    /// Who prepares it.
    pub by: &'a str,
}

/// A prepared batch.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The batch's key (`None`: nothing to claim, no batch written).
    pub batch_id: Option<i64>,
    /// The families claimed.
    pub claimed: Vec<(FamilyId, ResultKind)>,
    /// The results not claimed, and why.
    pub passed_over: Vec<PassedOver>,
    /// The payment claimed, pounds.
    pub payment: u64,
}

/// Why a batch was not prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The window is unknown, not open or closed.
    #[error(transparent)]
    Window(#[from] WindowError),
    /// A family was claimed meanwhile: nothing written.
    #[error(transparent)]
    AlreadyClaimed(#[from] AlreadyClaimed),
    /// The results could not be read.
    #[error("the results could not be read: {0}")]
    Results(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The claims not withdrawn, as `hearth_claims` takes them.
pub fn active_claims(store: &mut Store) -> Result<Vec<ActiveClaim>, StoreError> {
    Ok(store
        .active_claims()?
        .into_iter()
        .filter_map(|c: StoredClaim| {
            Some(ActiveClaim {
                claim_id: c.id,
                batch_id: c.batch_id,
                family_id: c.family_id,
                kind: ResultKind::from_key(&c.result_kind)?,
            })
        })
        .collect())
}

/// The claims withdrawn, as `hearth_claims` takes them (their results are not claimed again).
pub fn withdrawn_claims(store: &mut Store) -> Result<Vec<WithdrawnClaim>, StoreError> {
    Ok(store
        .all_claims()?
        .into_iter()
        .filter(|c| c.status == "withdrawn")
        .filter_map(|c: StoredClaim| {
            Some(WithdrawnClaim {
                claim_id: c.id,
                batch_id: c.batch_id,
                family_id: c.family_id,
                kind: ResultKind::from_key(&c.result_kind)?,
                reason: c.withdrawal_reason.unwrap_or_default(),
            })
        })
        .collect())
}

/// Prepares and records a batch: one transaction; nothing written if nothing is claimable.
pub fn prepare_claims(
    store: &mut Store,
    request: &PrepareRequest<'_>,
    source: &mut dyn ClaimableResults,
) -> Result<Prepared, PrepareError> {
    let (results, baselines) = source
        .results_as_at(request.today)
        .map_err(PrepareError::Results)?;
    let active = active_claims(store)?;
    let withdrawn = withdrawn_claims(store)?;
    let mut families: Vec<FamilyId> = results.iter().map(|r| r.family_id).collect();
    families.sort_unstable();
    families.dedup();
    let casework = store.claim_casework(&families)?;
    let judged = source.judged_as_at();
    // Every record the results' evidence and the baselines' indicators read, traced to its
    // partner file and row once, for the packs; and the partner files held now.
    let mut ids: Vec<RecordId> = results
        .iter()
        .flat_map(|r| EvidencePack::record_ids(r, baselines.get(&r.family_id)))
        .map(RecordId)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let trails: BTreeMap<i64, RecordSnapshot> = store
        .record_trails(&ids)?
        .into_iter()
        .map(|t| {
            (
                t.record_id.0,
                RecordSnapshot {
                    record_id: t.record_id.0,
                    source: t.source,
                    file_name: t.file_name,
                    file_sha256: t.file_sha256,
                    row: t.source_row,
                    imported_at: t.imported_at,
                    event_type: t.event_type,
                    event_date: t.event_date,
                    end_date: t.end_date,
                    details: t.attributes,
                },
            )
        })
        .collect();
    let data: Vec<DataSnapshot> = store
        .data_files()?
        .into_iter()
        .map(|f| DataSnapshot {
            source: f.source,
            file_name: f.file_name,
            file_sha256: f.file_sha256,
            imported_on: f.imported_on,
            rows: f.rows,
            first_event: f.first_event,
            latest_event: f.latest_event,
        })
        .collect();
    let mut context: BTreeMap<FamilyId, FamilyContext> = BTreeMap::new();
    for f in families {
        let cw = casework.get(&f).cloned().unwrap_or_default();
        let records = results
            .iter()
            .filter(|r| r.family_id == f)
            .flat_map(|r| EvidencePack::record_ids(r, baselines.get(&f)))
            .filter_map(|id| trails.get(&id).cloned())
            .collect();
        let judged_as_at = judged
            .iter()
            .filter(|((family, _), _)| *family == f)
            .map(|((_, kind), on)| (*kind, *on))
            .collect();
        context.insert(
            f,
            FamilyContext {
                lead_worker: cw.lead_worker,
                plan: cw
                    .goals
                    .into_iter()
                    .map(|g| PlanGoalSnapshot {
                        problem_key: g.problem_key,
                        measure_key: g.measure_key,
                        goal: g.goal,
                        set_on: g.set_at.date_naive(),
                        actions: g
                            .actions
                            .into_iter()
                            .map(|(action, owner, due_on, done_on)| PlanActionSnapshot {
                                action,
                                owner,
                                due_on,
                                done_on,
                            })
                            .collect(),
                    })
                    .collect(),
                baseline: baselines.get(&f).cloned(),
                records,
                judged_as_at,
            },
        );
    }
    let plan = plan_batch(&BatchInput {
        rules: request.rules,
        claim_rules: request.claim_rules.clone(),
        outcomes_plan: request.outcomes_plan.clone(),
        window_key: request.window_key,
        today: request.today,
        prepared_by: request.by,
        results: &results,
        active: &active,
        withdrawn: &withdrawn,
        context: &context,
        data: &data,
    })?;
    let claimed: Vec<(FamilyId, ResultKind)> = plan
        .claims
        .iter()
        .map(|c| (c.pack.family_id, c.pack.result.kind))
        .collect();
    let payment = plan
        .claims
        .iter()
        .map(|c| c.pack.results_payment)
        .sum::<u64>();
    if plan.claims.is_empty() {
        return Ok(Prepared {
            batch_id: None,
            claimed,
            passed_over: plan.passed_over,
            payment,
        });
    }
    let batch = NewClaimBatch {
        window_key: plan.window.key.clone(),
        window_label: plan.window.label.clone(),
        prepared_on: plan.data_as_at,
        prepared_by: request.by.to_string(),
        prepared_at: request.now,
        sample_size: plan.sample_size as i64,
        sample_seed: plan.sample_seed,
    };
    let claims: Vec<NewClaim> = plan
        .claims
        .iter()
        .map(|c| NewClaim {
            family_id: c.pack.family_id,
            result_kind: c.pack.result.kind.key().to_string(),
            achieved_on: c.pack.result.achieved_on,
            payment: c.pack.results_payment as i64,
            evidence_pack: c.pack_json.clone(),
            evidence_sha256: c.pack_sha256.clone(),
        })
        .collect();
    match store.add_claim_batch(&batch, &claims)? {
        BatchOutcome::Prepared(id) => Ok(Prepared {
            batch_id: Some(id),
            claimed,
            passed_over: plan.passed_over,
            payment,
        }),
        BatchOutcome::AlreadyClaimed(c) => Err(PrepareError::AlreadyClaimed(AlreadyClaimed {
            family_id: c.family_id,
            kind: ResultKind::from_key(&c.result_kind)
                .unwrap_or(ResultKind::SignificantAndSustainedProgress),
            claim_id: c.claim_id,
            batch_id: c.batch_id,
        })),
    }
}
