//! Referral forms part-filled ("Add another member", "Check the criteria"), kept on the
//! server between the form's post and the page the browser is then sent to
//! (post/redirect/get), so that the browser's Back and reload ask nothing ("Confirm form
//! resubmission"). Only in memory, only for the account that typed them, for two hours;
//! never logged or stored. A server restart loses them: the form then opens empty.

use chrono::{DateTime, Duration, Utc};
use hearth_referrals::ReferralInput;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a draft is kept.
const KEEP: Duration = Duration::hours(2);
/// At most this many drafts at once (the oldest go first).
const MOST: usize = 5_000;

/// A part-filled form: whose, which form, what was typed, the field to focus.
#[derive(Debug, Clone)]
struct Draft {
    user_id: i64,
    form: String,
    input: ReferralInput,
    focus: Option<String>,
    at: DateTime<Utc>,
}

/// The drafts, by a random token.
#[derive(Debug, Default)]
pub(crate) struct Drafts(Mutex<HashMap<String, Draft>>);

impl Drafts {
    /// Keeps `input` (typed by `user_id` in `form`, e.g. `/referrals/new`), returning its
    /// token.
    pub(crate) fn keep(
        &self,
        user_id: i64,
        form: &str,
        input: ReferralInput,
        focus: Option<String>,
        now: DateTime<Utc>,
    ) -> String {
        let bytes: [u8; 16] = rand::random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.retain(|_, d| now - d.at < KEEP);
        while all.len() >= MOST {
            let Some(oldest) = all.iter().min_by_key(|(_, d)| d.at).map(|(k, _)| k.clone()) else {
                break;
            };
            all.remove(&oldest);
        }
        all.insert(
            token.clone(),
            Draft {
                user_id,
                form: form.to_string(),
                input,
                focus,
                at: now,
            },
        );
        token
    }

    /// The draft `token` names, if `user_id` typed it in `form` and it is still kept (it
    /// stays, for Back and reload).
    pub(crate) fn get(
        &self,
        token: &str,
        user_id: i64,
        form: &str,
        now: DateTime<Utc>,
    ) -> Option<(ReferralInput, Option<String>)> {
        let all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.get(token)
            .filter(|d| d.user_id == user_id && d.form == form && now - d.at < KEEP)
            .map(|d| (d.input.clone(), d.focus.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_only_its_typists_in_its_form_for_two_hours() {
        let d = Drafts::default();
        let now = Utc::now();
        let input = ReferralInput {
            consent: "given".into(),
            ..ReferralInput::default()
        };
        let t = d.keep(
            7,
            "/referrals/new",
            input,
            Some("member_1_given_name".into()),
            now,
        );
        let (back, focus) = d.get(&t, 7, "/referrals/new", now).unwrap();
        assert_eq!(back.consent, "given");
        assert_eq!(focus.as_deref(), Some("member_1_given_name"));
        assert!(
            d.get(&t, 7, "/referrals/new", now).is_some(),
            "kept for Back"
        );
        assert!(
            d.get(&t, 8, "/referrals/new", now).is_none(),
            "someone else's"
        );
        assert!(
            d.get(&t, 7, "/referrals/3/resend", now).is_none(),
            "another form"
        );
        assert!(
            d.get(&t, 7, "/referrals/new", now + KEEP).is_none(),
            "too old"
        );
        assert!(d.get("nope", 7, "/referrals/new", now).is_none());
    }
}
