//! Referrals (Trafford's process): a partner referrer sends a referral (or a performance
//! officer enters one that came by secure email, post or phone); each member is looked up
//! against the linked people (`state::lookup`) and the referral stored with its flags; the
//! performance officer double-checks it beside what the partners' data already shows and
//! accepts or returns it, once ([`decide`]).
//!
//! Trafford: "submit the form to one of the Stronger Family Performance Officers to be double
//! checked"; "if ... it is identified that the family does not meet the Stronger Families
//! criteria, then this referral will be returned to the person/agency that originally
//! submitted it".
//!
//! Need to know: a referrer reads only referrals made from their account (any other is not
//! found, and the refusal audited) and never what the partners' data shows; the performance
//! officer reads all. Every read and every decision is audited (targets are keys).

pub(crate) mod resend;
pub(crate) mod view;

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::state::lookup::LookupCache;
use crate::state::AppState;
use hearth_model::{CaseStatus, Role};
use hearth_referrals::{
    flag, Channel, Flag, PreviousReferral, Referral, ReferralInput, ReferralStatus, Standing,
};
use hearth_store::{
    DecisionOutcome, FamilyCase, ReferralDecision, ReferralMember, Store, StoreError,
    StoredReferral,
};
use view::{KnownFamily, MatchView, ReferralDetail, ReferralRow};

/// Who recorded a referral, and for whom.
pub(crate) struct Author<'a> {
    /// The partner account whose referral it is (`None`: entered on a referrer's behalf).
    pub referrer_user_id: Option<i64>,
    /// Who typed or imported it.
    pub entered_by: &'a str,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A referral ready to store: its facts, its members, the people they matched, its flags.
pub(crate) struct Prepared {
    pub stored: StoredReferral,
    pub members: Vec<ReferralMember>,
    pub people: Vec<i64>,
    pub flags: Vec<Flag>,
}

/// Looks each member up, flags the referral and stores it, on a store connection: its key
/// and flags. The one way a referral is recorded (the form, the API and `hearth referrals
/// import`); a returned one sent again goes through [`prepare`] too (`resend`).
pub(crate) fn record(
    store: &mut Store,
    cache: &LookupCache,
    referral: &Referral,
    author: &Author<'_>,
) -> Result<(i64, Vec<Flag>), StoreError> {
    let p = prepare(store, cache, referral, author)?;
    let id = store.add_referral(&p.stored, &p.members, &p.people)?;
    Ok((id, p.flags))
}

/// Looks each member up and flags the referral, on a store connection: what to store.
pub(crate) fn prepare(
    store: &mut Store,
    cache: &LookupCache,
    referral: &Referral,
    author: &Author<'_>,
) -> Result<Prepared, StoreError> {
    let matches = cache.matches(store, &referral.members)?;
    let mut families: Vec<i64> = matches.iter().filter_map(|m| m.family_id).collect();
    families.sort_unstable();
    families.dedup();
    let mut standings = Vec::new();
    for family_id in families {
        let case = store.family_case(family_id)?;
        standings.push(Standing {
            family_id,
            open_case: case.is_some_and(|c| c.status != CaseStatus::Closed),
        });
    }
    let people: Vec<i64> = matches.iter().map(|m| m.person_id).collect();
    let keys: Vec<String> = referral.members.iter().map(|m| m.match_key()).collect();
    let previous: Vec<PreviousReferral> = store
        .earlier_referrals(&people, &keys)?
        .into_iter()
        .map(|e| PreviousReferral {
            id: e.id,
            status: ReferralStatus::parse(&e.status).unwrap_or(ReferralStatus::Submitted),
            person_ids: e.person_ids,
            match_keys: e.match_keys,
        })
        .collect();
    let flags = flag(
        &matches,
        &standings,
        &previous,
        &keys,
        referral.criteria.met,
    );
    let stored = StoredReferral {
        id: 0,
        referrer_user_id: author.referrer_user_id,
        entered_by: author.entered_by.to_string(),
        agency: referral.referrer.organisation.clone(),
        referrer_name: referral.referrer.name.clone(),
        referrer_email: referral.referrer.email.clone(),
        referrer_phone: referral.referrer.phone.clone(),
        channel: referral.channel.key().into(),
        submitted_at: author.at,
        consent: referral.consent.key().into(),
        problems: json(&referral.problems),
        criteria_met: referral.criteria.met,
        matches: json(&matches),
        flags: json(&flags),
        status: ReferralStatus::Submitted.key().into(),
        version: 0,
        decided_by: None,
        decided_at: None,
        return_reason: None,
        decision_note: None,
        family_id: None,
        resubmits: None,
        resent_as: None,
    };
    let members: Vec<ReferralMember> = referral
        .members
        .iter()
        .map(|m| ReferralMember {
            given_name: m.given_name.clone(),
            family_name: m.family_name.clone(),
            date_of_birth: m.date_of_birth,
            address: m.address.clone(),
            postcode: m.postcode.clone(),
            relationship: m.relationship.key().into(),
            match_key: m.match_key(),
        })
        .collect();
    Ok(Prepared {
        stored,
        members,
        people,
        flags,
    })
}

/// Records checked referrals from a file (`hearth referrals import`), entered by `entered_by`
/// for referrers without an account, each looked up and flagged like one typed in (one
/// lookup index for the whole batch): each one's key and flags, in order.
pub fn import_referrals(
    store: &mut Store,
    batch: &[Referral],
    entered_by: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, Vec<Flag>)>, StoreError> {
    let cache = LookupCache::default();
    let author = Author {
        referrer_user_id: None,
        entered_by,
        at,
    };
    batch
        .iter()
        .map(|r| record(store, &cache, r, &author))
        .collect()
}

/// JSON text of a referral's stored part.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// The channels a performance officer records for a referral they enter.
pub(crate) const OFFICER_CHANNELS: [Channel; 4] = [
    Channel::SecureEmail,
    Channel::Post,
    Channel::Phone,
    Channel::FamilyCaf,
];

/// A referral typed by `user`, checked: a referrer's own is sent online; a performance
/// officer's names the channel it came by. Mistakes: [`WebError::Invalid`], field by field.
pub(crate) fn checked(
    state: &AppState,
    user: &CurrentUser,
    mut input: ReferralInput,
) -> Result<Referral, WebError> {
    if user.role == Role::PerformanceOfficer {
        let ok = Channel::parse(&input.channel).is_some_and(|c| OFFICER_CHANNELS.contains(&c));
        if !ok {
            input.channel.clear();
        }
    } else {
        input.channel = Channel::Online.key().into();
    }
    let today = state.now().date_naive();
    input
        .validate(&state.settings().referral_rules, today, true)
        .map_err(WebError::Invalid)
}

/// Checks and records a referral typed by `user`: a referrer's own (online), or one a
/// performance officer enters on a referrer's behalf (the channel it came by). Mistakes:
/// [`WebError::Invalid`], field by field, nothing stored.
pub(crate) async fn submit(
    state: &AppState,
    user: &CurrentUser,
    input: ReferralInput,
) -> Result<(i64, Vec<Flag>), WebError> {
    let officer = user.role == Role::PerformanceOfficer;
    let referral = checked(state, user, input)?;
    let author_id = (!officer).then_some(user.user.id);
    let entered_by = user.user.user_name.clone();
    let at = state.now();
    let cache = state.referral_lookup();
    let (id, flags) = state
        .store()
        .run(move |s| {
            let author = Author {
                referrer_user_id: author_id,
                entered_by: &entered_by,
                at,
            };
            record(s, &cache, &referral, &author)
        })
        .await?;
    audit::record(
        state,
        user,
        "submit referral",
        ("referral", id.to_string()),
        format!("{} flags", flags.len()),
    )
    .await?;
    tracing::info!(referral = id, flags = flags.len(), "referral submitted");
    Ok((id, flags))
}

/// The referrals `user` may see, newest first: a referrer's own; all for the officer.
pub(crate) async fn list(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<ReferralRow>, WebError> {
    let officer = user.role == Role::PerformanceOfficer;
    let mine = (!officer).then_some(user.user.id);
    let found = state
        .store()
        .run(move |s| {
            let mut out = Vec::new();
            for r in s.referrals(mine)? {
                let members = s.referral_members(r.id)?;
                out.push((r, members));
            }
            Ok(out)
        })
        .await?;
    let rules = &state.settings().referral_rules;
    let by_id: std::collections::BTreeMap<i64, &StoredReferral> =
        found.iter().map(|(r, _)| (r.id, r)).collect();
    let rows: Vec<ReferralRow> = found
        .iter()
        .map(|(r, m)| {
            let original = r.resubmits.and_then(|o| by_id.get(&o).copied());
            view::row(r, m, rules, officer, original)
        })
        .collect();
    audit::record(
        state,
        user,
        "list referrals",
        ("referral", "*".into()),
        format!("{} referrals listed", rows.len()),
    )
    .await?;
    Ok(rows)
}

/// A referral as `user` may see it, audited: the referrer only their own (any other is not
/// found), without what the partners' data shows; the officer any, beside that data.
pub(crate) async fn get(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<ReferralDetail, WebError> {
    let officer = user.role == Role::PerformanceOfficer;
    let me = user.user.id;
    let found = state
        .store()
        .run(move |s| {
            let Some(r) = s.referral(id)? else {
                return Ok(None);
            };
            if !officer && r.referrer_user_id != Some(me) {
                return Ok(None);
            }
            let members = s.referral_members(id)?;
            // The returned referral it sends again: carried to the same referrer, so whoever
            // sees this one sees that one.
            let original = match r.resubmits {
                Some(o) => s
                    .referral(o)?
                    .filter(|o| officer || o.referrer_user_id == Some(me)),
                None => None,
            };
            let mut cases = Vec::new();
            if officer {
                for m in view::matches_of(&r) {
                    if let Some(f) = m.family_id {
                        cases.push((f, s.family_case(f)?));
                    }
                }
            }
            Ok(Some((r, members, cases, original)))
        })
        .await?;
    let Some((r, members, cases, original)) = found else {
        audit::record(
            state,
            user,
            "view referral refused",
            ("referral", id.to_string()),
            "not found or not theirs".into(),
        )
        .await?;
        return Err(WebError::NotFound);
    };
    let rules = &state.settings().referral_rules;
    let mut detail = view::detail(&r, &members, rules);
    detail.resubmission_of = original.and_then(|o| view::returned(&o, rules));
    if officer {
        add_partners_data(state, &r, &cases, &mut detail).await?;
    }
    audit::record(
        state,
        user,
        "view referral",
        ("referral", id.to_string()),
        String::new(),
    )
    .await?;
    Ok(detail)
}

/// The officer's view: each member's matched people, the families they belong to (with
/// their problems in the latest run and their case) and the flags.
async fn add_partners_data(
    state: &AppState,
    r: &StoredReferral,
    cases: &[(i64, Option<FamilyCase>)],
    detail: &mut ReferralDetail,
) -> Result<(), WebError> {
    let run = state.latest_run().await?;
    for m in view::matches_of(r) {
        if let Some(member) = detail.members.get_mut(m.member) {
            member.matches.push(MatchView {
                person_id: m.person_id,
                probability: (m.probability * 100.0).round().clamp(0.0, 100.0) as u32,
                family_id: m.family_id,
            });
        }
    }
    for (family_id, case) in cases {
        if detail
            .known_families
            .iter()
            .any(|k| k.family_id == *family_id)
        {
            continue;
        }
        let assessment = run.as_deref().and_then(|run| {
            let i = *run.by_family.get(family_id)?;
            Some((run, &run.assessments[i]))
        });
        detail.known_families.push(KnownFamily {
            family_id: *family_id,
            eligible: assessment.is_some_and(|(_, a)| a.eligible),
            problems: assessment.map_or_else(Vec::new, |(run, a)| {
                a.problems
                    .iter()
                    .map(|p| {
                        run.run
                            .labels
                            .problems
                            .get(p)
                            .map_or(p.clone(), |l| l.label.clone())
                    })
                    .collect()
            }),
            case: case.as_ref().map(|c| c.status.label().to_string()),
        });
    }
    detail.flags = view::flags_of(r).into_iter().map(view::flag_view).collect();
    // Officers by the names people know them by, not their sign-in names.
    let users = state.cases().await?.users.clone();
    let display = |user_name: &str| {
        users
            .values()
            .find(|u| u.user_name == user_name)
            .map_or_else(|| user_name.to_string(), |u| u.display_name.clone())
    };
    detail.entered_by = Some(display(&r.entered_by));
    if let Some(d) = detail.decision.as_mut() {
        d.by = r.decided_by.as_deref().map(display);
    }
    Ok(())
}

/// An officer's decision, as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct DecisionInput {
    /// `accept` or `return`.
    pub decision: String,
    /// The return reason's key.
    pub reason: String,
    /// A note to the referrer (optional).
    pub note: String,
    /// The version the officer saw.
    pub version: String,
}

/// Accepts or returns a referral (the performance officer), once: if another officer
/// decided it first, [`WebError::Conflict`] says so and nothing changes. Accepting a known
/// family opens its case if it has none; the members are recorded as partner records
/// (source `referral`) so that the next linkage run links them (new people are created
/// there). Audited.
pub(crate) async fn decide(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: DecisionInput,
) -> Result<ReferralStatus, WebError> {
    let rules = &state.settings().referral_rules;
    let mut errors = Vec::new();
    let status = match input.decision.as_str() {
        "accept" => Some(ReferralStatus::Accepted),
        "return" => Some(ReferralStatus::Returned),
        _ => {
            errors.push((
                "decision".to_string(),
                "Select accept or return".to_string(),
            ));
            None
        }
    };
    let reason = if status == Some(ReferralStatus::Returned) {
        match rules.return_reason(input.reason.trim()) {
            Some(r) => Some(r.key.clone()),
            None => {
                errors.push((
                    "reason".into(),
                    "Select why the referral is returned".into(),
                ));
                None
            }
        }
    } else {
        None
    };
    let note = match input.note.trim() {
        "" => None,
        text => match crate::domain::NoteText::parse(text) {
            Ok(n) => Some(n.into_string()),
            Err(message) => {
                errors.push(("note".into(), message));
                None
            }
        },
    };
    let Ok(version) = input.version.trim().parse::<i64>() else {
        return Err(WebError::BadRequest("the form's version is missing".into()));
    };
    let (Some(status), true) = (status, errors.is_empty()) else {
        return Err(WebError::Invalid(errors));
    };
    let now = state.now();
    let by = user.user.user_name.clone();
    let outcome = state
        .store()
        .run(move |s| {
            let Some(r) = s.referral(id)? else {
                return Ok(DecisionOutcome::NotFound);
            };
            let family = view::matches_of(&r).iter().find_map(|m| m.family_id);
            let case = match (status, family) {
                (ReferralStatus::Accepted, Some(f)) => Some(FamilyCase::new(f, now, &by)),
                _ => None,
            };
            let decision = ReferralDecision {
                referral_id: id,
                version,
                status: status.key().into(),
                by: by.clone(),
                at: now,
                return_reason: reason,
                note,
                case,
            };
            let outcome = s.decide_referral(&decision)?;
            if outcome == DecisionOutcome::Decided && status == ReferralStatus::Accepted {
                let members = s.referral_members(id)?;
                records::write(s, &r, &members, &by, now)?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        DecisionOutcome::Decided => {}
        DecisionOutcome::NotFound => return Err(WebError::NotFound),
        DecisionOutcome::AlreadyDecided(r) => {
            audit::record(
                state,
                user,
                "decide referral refused",
                ("referral", id.to_string()),
                format!("already {}", r.status),
            )
            .await?;
            return Err(WebError::Conflict(format!(
                "This referral was already {} by {} – nothing was changed",
                r.status,
                r.decided_by.as_deref().unwrap_or("another officer")
            )));
        }
    }
    state.caches().cases_changed();
    audit::record(
        state,
        user,
        if status == ReferralStatus::Accepted {
            "accept referral"
        } else {
            "return referral"
        },
        ("referral", id.to_string()),
        input.reason.trim().chars().take(40).collect(),
    )
    .await?;
    Ok(status)
}

mod records {
    //! An accepted referral's members as partner records (source `referral`), for the next
    //! linkage run: "new people recorded to be created and linked at the next run".
    use hearth_model::{AttrValue, Fact, Identity, ImportedRow, Postcode};
    use hearth_store::{NewBatch, ReferralMember, Store, StoreError, StoredReferral};
    use sha2::{Digest, Sha256};

    pub(super) fn write(
        store: &mut Store,
        r: &StoredReferral,
        members: &[ReferralMember],
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let name = format!("referral {}", r.id);
        let batch = NewBatch {
            source: "referral".into(),
            file_name: name.clone(),
            file_sha256: format!("{:x}", Sha256::digest(name.as_bytes())),
            imported_by: by.into(),
            imported_at: at,
            rows_read: members.len() as u64,
            source_name: Some("Referrals".into()),
        };
        let rows: Vec<ImportedRow> = members
            .iter()
            .enumerate()
            .map(|(i, m)| ImportedRow {
                source_row: i as u64 + 1,
                identity: Identity {
                    given_name: Some(m.given_name.clone()),
                    family_name: Some(m.family_name.clone()),
                    date_of_birth: Some(m.date_of_birth),
                    address: Some(m.address.clone()),
                    postcode: m.postcode.as_deref().and_then(|p| Postcode::parse(p).ok()),
                    ..Identity::default()
                },
                fact: Fact {
                    event_type: "referral".into(),
                    event_date: Some(r.submitted_at.date_naive()),
                    attributes: [("referral_id".to_string(), AttrValue::Text(r.id.to_string()))]
                        .into(),
                    ..Fact::default()
                },
            })
            .collect();
        store.write_batch(&batch, &rows, &[])?;
        Ok(())
    }
}

/// A referral key from a path (404 if it is not a number).
pub(crate) fn referral_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}
