//! What the referral pages and the API show of a referral, per viewer: the referrer sees
//! their own referral as they sent it, where it stands and the reason when returned —
//! nothing of what partners' data shows; the performance officer sees it beside what the
//! data already shows (matched people, their family, its problems, its case, earlier
//! referrals) with the flags.

use hearth_referrals::{Channel, Consent, ReferralStatus, Relationship};
use hearth_referrals::{CriteriaCheck, Flag, MemberMatch, ProblemSeen, ReferralRules};
use hearth_store::{ReferralMember, StoredReferral};
use serde::Serialize;

/// A line of the referrals list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReferralRow {
    pub id: i64,
    /// "Example family" (the first member's family name).
    pub family: String,
    pub submitted: String,
    pub agency: String,
    pub status: String,
    pub status_label: String,
    /// The return reason in words (returned referrals).
    pub reason: Option<String>,
    /// The flags in words (performance officer only; empty for the referrer).
    pub flags: Vec<String>,
    /// The returned referral this one corrects and sends again.
    pub resubmits: Option<i64>,
    /// "Resubmission of referral 4 (returned on 3 March 2026: reason)".
    pub resubmission: Option<String>,
    /// The referral that corrected this one and sent it again.
    pub resent_as: Option<i64>,
}

/// A returned referral, as a referral that corrects it (or the form that does) recalls it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReturnedView {
    pub id: i64,
    /// "3 March 2026".
    pub returned_on: String,
    /// The return reason in words.
    pub reason: Option<String>,
    /// What the referrer was told to do.
    pub guidance: Option<String>,
    /// The officer's note to the referrer.
    pub note: Option<String>,
}

impl ReturnedView {
    /// "Resubmission of referral 4 (returned on 3 March 2026: reason)".
    pub(crate) fn sentence(&self) -> String {
        match &self.reason {
            Some(reason) => format!(
                "Resubmission of referral {} (returned on {}: {reason})",
                self.id, self.returned_on
            ),
            None => format!(
                "Resubmission of referral {} (returned on {})",
                self.id, self.returned_on
            ),
        }
    }
}

/// A returned referral's return, if it was returned.
pub(crate) fn returned(r: &StoredReferral, rules: &ReferralRules) -> Option<ReturnedView> {
    if r.status != ReferralStatus::Returned.key() {
        return None;
    }
    let reason = r
        .return_reason
        .as_deref()
        .and_then(|k| rules.return_reason(k));
    Some(ReturnedView {
        id: r.id,
        returned_on: r.decided_at.map(date).unwrap_or_default(),
        reason: reason
            .map(|x| x.label.clone())
            .or_else(|| r.return_reason.clone()),
        guidance: reason.map(|x| x.guidance.clone()),
        note: r.decision_note.clone(),
    })
}

/// A problem as the referral gives it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProblemView {
    pub key: String,
    pub label: String,
    pub evidence: String,
}

/// A person the member matched (performance officer only).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatchView {
    pub person_id: i64,
    /// Whole per cent.
    pub probability: u32,
    pub family_id: Option<i64>,
}

/// A member as referred.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MemberView {
    pub name: String,
    pub date_of_birth: String,
    pub address: String,
    pub postcode: Option<String>,
    pub relationship: String,
    pub matches: Vec<MatchView>,
}

/// A known family the members belong to (performance officer only).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KnownFamily {
    pub family_id: i64,
    pub eligible: bool,
    pub problems: Vec<String>,
    /// The case's status in words, if it has a case.
    pub case: Option<String>,
}

/// A flag in words, with where to look.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FlagView {
    pub text: String,
    pub href: Option<String>,
}

/// The decision, once made.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DecisionView {
    pub status: String,
    pub by: Option<String>,
    pub at: String,
    pub reason: Option<String>,
    pub guidance: Option<String>,
    pub note: Option<String>,
    pub family_id: Option<i64>,
}

/// A referral as a viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReferralDetail {
    pub id: i64,
    pub version: i64,
    pub family: String,
    pub submitted: String,
    pub status: String,
    pub status_label: String,
    pub channel: String,
    pub consent: String,
    pub referrer_name: String,
    pub agency: String,
    pub referrer_email: String,
    pub referrer_phone: String,
    pub criteria: CriteriaCheck,
    pub problems: Vec<ProblemView>,
    pub members: Vec<MemberView>,
    pub decision: Option<DecisionView>,
    /// Performance officer only (empty for the referrer).
    pub flags: Vec<FlagView>,
    /// Whether the family was already referred (a referral waiting or accepted) or has an
    /// open case when this referral was sent: the referrer is told so, in words that name
    /// no referral, family or case (what they may not see).
    pub already_referred: bool,
    pub known_families: Vec<KnownFamily>,
    pub entered_by: Option<String>,
    /// The returned referral this one corrects and sends again (its key, as sent).
    pub resubmits: Option<i64>,
    /// That referral's return, when the viewer may see it.
    pub resubmission_of: Option<ReturnedView>,
    /// The referral that corrected this one and sent it again.
    pub resent_as: Option<i64>,
}

pub(crate) fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

fn label_of<T: Copy>(
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
    key: &str,
) -> String {
    parse(key).map_or_else(|| key.to_string(), |v| label(v).to_string())
}

pub(crate) fn status_label(key: &str) -> String {
    label_of(ReferralStatus::parse, ReferralStatus::label, key)
}

pub(crate) fn flags_of(r: &StoredReferral) -> Vec<Flag> {
    serde_json::from_str(&r.flags).unwrap_or_default()
}

pub(crate) fn matches_of(r: &StoredReferral) -> Vec<MemberMatch> {
    serde_json::from_str(&r.matches).unwrap_or_default()
}

pub(crate) fn problems_of(r: &StoredReferral) -> Vec<ProblemSeen> {
    serde_json::from_str(&r.problems).unwrap_or_default()
}

pub(crate) fn flag_view(flag: Flag) -> FlagView {
    match flag {
        Flag::KnownFamily { family_id } => FlagView {
            text: format!("Partners' data already shows this family (family {family_id})"),
            href: Some(format!("/families/{family_id}")),
        },
        Flag::OpenCase { family_id } => FlagView {
            text: format!("Family {family_id} already has an open case"),
            href: Some(format!("/families/{family_id}")),
        },
        Flag::DuplicateReferral { referral_id } => FlagView {
            text: format!("Already referred (referral {referral_id})"),
            href: Some(format!("/referrals/{referral_id}")),
        },
        Flag::CriteriaNotMet => FlagView {
            text: "Does not meet the criteria as referred".into(),
            href: None,
        },
    }
}

fn family_name(members: &[ReferralMember]) -> String {
    members.first().map_or_else(
        || "Unnamed family".into(),
        |m| format!("{} family", m.family_name),
    )
}

/// The list's line; `officer`: with the flags; `original`: the returned referral it sends
/// again, if it does.
pub(crate) fn row(
    r: &StoredReferral,
    first: &[ReferralMember],
    rules: &ReferralRules,
    officer: bool,
    original: Option<&StoredReferral>,
) -> ReferralRow {
    ReferralRow {
        id: r.id,
        family: family_name(first),
        submitted: date(r.submitted_at),
        agency: r.agency.clone(),
        status: r.status.clone(),
        status_label: status_label(&r.status),
        reason: r.return_reason.as_deref().map(|k| {
            rules
                .return_reason(k)
                .map_or(k.to_string(), |x| x.label.clone())
        }),
        flags: if officer {
            flags_of(r).into_iter().map(|f| flag_view(f).text).collect()
        } else {
            Vec::new()
        },
        resubmits: r.resubmits,
        resubmission: original
            .and_then(|o| returned(o, rules))
            .map(|x| x.sentence()),
        resent_as: r.resent_as,
    }
}

/// The referral in full as the referrer sent it, with its decision; what the partners'
/// data shows is added by the caller for the performance officer.
pub(crate) fn detail(
    r: &StoredReferral,
    members: &[ReferralMember],
    rules: &ReferralRules,
) -> ReferralDetail {
    let problems = problems_of(r);
    let criteria = hearth_referrals::check(rules, problems.iter().map(|p| p.key.as_str()));
    ReferralDetail {
        id: r.id,
        version: r.version,
        family: family_name(members),
        submitted: date(r.submitted_at),
        status: r.status.clone(),
        status_label: status_label(&r.status),
        channel: label_of(Channel::parse, Channel::label, &r.channel),
        consent: label_of(Consent::parse, Consent::label, &r.consent),
        referrer_name: r.referrer_name.clone(),
        agency: r.agency.clone(),
        referrer_email: r.referrer_email.clone(),
        referrer_phone: r.referrer_phone.clone(),
        criteria,
        problems: problems
            .into_iter()
            .map(|p| ProblemView {
                label: rules
                    .problem(&p.key)
                    .map_or(p.key.clone(), |x| x.label.clone()),
                key: p.key,
                evidence: p.evidence,
            })
            .collect(),
        members: members
            .iter()
            .map(|m| MemberView {
                name: format!("{} {}", m.given_name, m.family_name),
                date_of_birth: m.date_of_birth.format("%-d %B %Y").to_string(),
                address: m.address.clone(),
                postcode: m.postcode.clone(),
                relationship: label_of(Relationship::parse, Relationship::label, &m.relationship),
                matches: Vec::new(),
            })
            .collect(),
        decision: r.decided_at.map(|at| {
            let reason = r
                .return_reason
                .as_deref()
                .and_then(|k| rules.return_reason(k));
            DecisionView {
                status: r.status.clone(),
                by: None,
                at: date(at),
                reason: reason.map(|x| x.label.clone()),
                guidance: reason.map(|x| x.guidance.clone()),
                note: r.decision_note.clone(),
                family_id: r.family_id,
            }
        }),
        flags: Vec::new(),
        already_referred: flags_of(r)
            .iter()
            .any(|f| matches!(f, Flag::OpenCase { .. } | Flag::DuplicateReferral { .. })),
        known_families: Vec::new(),
        entered_by: None,
        resubmits: r.resubmits,
        resubmission_of: None,
        resent_as: r.resent_as,
    }
}
