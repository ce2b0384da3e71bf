//! A referral as typed ([`ReferralInput`]: text, as a form or a file row gives it) checked
//! field by field into a [`Referral`], or every mistake with the field it belongs to, so
//! that a form can show the GOV.UK error summary and a message beside each field and keep
//! what was typed. Nothing is stored here: a referral with any mistake is not a `Referral`.
//!
//! Field names (used by the form, the API and the import's messages): `member_{i}_{field}`
//! for the `i`-th member (from 0), `problem_{key}` and `evidence_{key}` per problem,
//! `problems` for the criteria, `consent`, `referrer_name`, `referrer_organisation`,
//! `referrer_email`, `referrer_phone`, `channel`.

use crate::criteria::{check, CriteriaCheck};
use crate::rules::ReferralRules;
use crate::vocabulary::{Channel, Consent, Relationship};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest name, address or contact detail taken.
pub const MAX_SHORT: usize = 200;
/// The longest evidence text taken, per problem.
pub const MAX_EVIDENCE: usize = 2000;
/// The most members one referral may list.
pub const MAX_MEMBERS: usize = 20;

/// One member as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth: `27/3/2012` or `2012-03-27`.
    pub date_of_birth: String,
    /// Address (first line or whole).
    pub address: String,
    /// Postcode (optional).
    pub postcode: String,
    /// Relationship key.
    pub relationship: String,
}

/// A referral as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralInput {
    /// The members.
    pub members: Vec<MemberInput>,
    /// Ticked problem keys.
    pub problems: Vec<String>,
    /// Evidence per problem key (only ticked problems' count).
    pub evidence: Vec<(String, String)>,
    /// Consent key.
    pub consent: String,
    /// The referrer's name.
    pub referrer_name: String,
    /// The referrer's organisation (agency).
    pub referrer_organisation: String,
    /// The referrer's email.
    pub referrer_email: String,
    /// The referrer's telephone.
    pub referrer_phone: String,
    /// Channel key.
    pub channel: String,
}

impl ReferralInput {
    /// The evidence typed for a problem.
    pub fn evidence_for(&self, key: &str) -> &str {
        self.evidence
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A member of the referred family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Address.
    pub address: String,
    /// Postcode, if given (as the model normalises it).
    pub postcode: Option<String>,
    /// Place in the family.
    pub relationship: Relationship,
}

impl Member {
    /// The member's duplicate-detection key ([`match_key`]).
    pub fn match_key(&self) -> String {
        match_key(&self.given_name, &self.family_name, self.date_of_birth)
    }
}

/// A problem the referrer sees, with their evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemSeen {
    /// The problem's key.
    pub key: String,
    /// What the referrer has seen.
    pub evidence: String,
}

/// Who referred, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferrerContact {
    /// Name.
    pub name: String,
    /// Organisation (the agency).
    pub organisation: String,
    /// Email (may be empty if a telephone is given).
    pub email: String,
    /// Telephone (may be empty if an email is given).
    pub phone: String,
}

/// A checked referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referral {
    /// The family's members (at least one).
    pub members: Vec<Member>,
    /// The problems seen, each with evidence.
    pub problems: Vec<ProblemSeen>,
    /// The criteria check.
    pub criteria: CriteriaCheck,
    /// Consent.
    pub consent: Consent,
    /// The referrer.
    pub referrer: ReferrerContact,
    /// How it arrived.
    pub channel: Channel,
}

/// A key that is equal for two members written alike: letters and digits of the given and
/// family names, lower case, and the date of birth (`ann|smith|2012-03-27`).
pub fn match_key(given: &str, family: &str, dob: NaiveDate) -> String {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    format!("{}|{}|{dob}", norm(given), norm(family))
}

/// Reads a date of birth as the other forms take it: `27/3/2012`, `27 3 2012`, `27-03-2012`,
/// `27 March 2012` or `2012-03-27`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.as_str();
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %m %Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %B %Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %b %Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()
        .filter(|d| d.year() >= 1000)
}

/// Whether text holds control or bidirectional-override characters (tabs and new lines
/// allowed only where `multiline`).
fn has_control(text: &str, multiline: bool) -> bool {
    text.chars().any(|c| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// The mistakes found so far: (field, message).
type Errors = Vec<(String, String)>;

fn short(errors: &mut Errors, field: String, value: &str, what: &str, required: bool) -> String {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push((field, format!("Enter {what}")));
        }
    } else if v.chars().count() > MAX_SHORT {
        errors.push((
            field,
            format!("{} must be {MAX_SHORT} characters or fewer", capital(what)),
        ));
    } else if has_control(v, false) {
        errors.push((
            field,
            format!("{} must not contain control characters", capital(what)),
        ));
    }
    v.to_string()
}

/// An email address's shape: something, `@`, and a domain with a dot that neither starts nor
/// ends it (`pat.partner@school` is missing its domain's end), no spaces.
fn looks_like_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !s.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    }
}

fn capital(what: &str) -> String {
    let what = what
        .strip_prefix("the ")
        .or_else(|| what.strip_prefix("a "))
        .or_else(|| what.strip_prefix("their "))
        .unwrap_or(what);
    let mut c = what.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn member(errors: &mut Errors, i: usize, m: &MemberInput, today: NaiveDate) -> Option<Member> {
    let before = errors.len();
    let f = |name: &str| format!("member_{i}_{name}");
    let given_name = short(
        errors,
        f("given_name"),
        &m.given_name,
        "their given name",
        true,
    );
    let family_name = short(
        errors,
        f("family_name"),
        &m.family_name,
        "their family name",
        true,
    );
    let dob = if m.date_of_birth.trim().is_empty() {
        errors.push((f("date_of_birth"), "Enter their date of birth".into()));
        None
    } else {
        match parse_date(&m.date_of_birth) {
            None => {
                errors.push((
                    f("date_of_birth"),
                    "Date of birth must be a real date, like 27/3/2012".into(),
                ));
                None
            }
            Some(d) if d > today => {
                errors.push((
                    f("date_of_birth"),
                    "Date of birth must be in the past".into(),
                ));
                None
            }
            Some(d) if d.year() < 1900 => {
                errors.push((
                    f("date_of_birth"),
                    "Date of birth must be after 1900".into(),
                ));
                None
            }
            Some(d) => Some(d),
        }
    };
    let address = short(errors, f("address"), &m.address, "their address", true);
    let postcode = if m.postcode.trim().is_empty() {
        None
    } else {
        match hearth_model::Postcode::parse(m.postcode.trim()) {
            Ok(p) => Some(p.to_string()),
            Err(_) => {
                errors.push((f("postcode"), "Enter a real postcode, like M32 0TH".into()));
                None
            }
        }
    };
    let relationship = match Relationship::parse(&m.relationship) {
        Some(r) => Some(r),
        None => {
            errors.push((f("relationship"), "Select their place in the family".into()));
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(Member {
        given_name,
        family_name,
        date_of_birth: dob?,
        address,
        postcode,
        relationship: relationship?,
    })
}

/// Whether a member's row was left wholly empty (an "add another member" row not used).
fn blank(m: &MemberInput) -> bool {
    [
        &m.given_name,
        &m.family_name,
        &m.date_of_birth,
        &m.address,
        &m.postcode,
    ]
    .iter()
    .all(|v| v.trim().is_empty())
}

impl ReferralInput {
    /// Checks the referral. `today` bounds dates of birth. With `criteria_required` (a
    /// referral typed in Hearth), a family below the criteria is a mistake on `problems`
    /// (Trafford: "Referrals ... must meet the set criteria which can be seen on the referral
    /// form"); without (an imported batch), it is kept and shown to the performance officer,
    /// who returns it. Blank member rows are ignored.
    pub fn validate(
        &self,
        rules: &ReferralRules,
        today: NaiveDate,
        criteria_required: bool,
    ) -> Result<Referral, Vec<(String, String)>> {
        let mut errors = Errors::new();
        let channel = Channel::parse(&self.channel);
        if channel.is_none() {
            errors.push(("channel".into(), "Select how the referral arrived".into()));
        }
        let used: Vec<(usize, &MemberInput)> = self
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| !blank(m))
            .collect();
        if used.is_empty() {
            errors.push((
                "member_0_given_name".into(),
                "Enter at least one member of the family".into(),
            ));
        }
        if used.len() > MAX_MEMBERS {
            errors.push((
                "members".into(),
                format!("A referral can list at most {MAX_MEMBERS} people"),
            ));
        }
        let several = used.len() > 1;
        let members: Vec<Member> = used
            .iter()
            .filter_map(|&(i, m)| {
                let before = errors.len();
                let member = member(&mut errors, i, m, today);
                // With several people on the form, each message says whose field it is
                // (the error summary lists them away from the fields).
                if several {
                    for (_, message) in &mut errors[before..] {
                        *message = format!("Person {}: {message}", i + 1);
                    }
                }
                member
            })
            .collect();
        let mut problems = Vec::new();
        for p in &rules.problems {
            if !self.problems.iter().any(|k| k == &p.key) {
                continue;
            }
            let evidence = self.evidence_for(&p.key).trim();
            let field = format!("evidence_{}", p.key);
            if evidence.is_empty() {
                errors.push((
                    field,
                    format!(
                        "Describe what you have seen of '{}'",
                        p.label.to_lowercase()
                    ),
                ));
            } else if evidence.chars().count() > MAX_EVIDENCE {
                errors.push((
                    field,
                    format!("Evidence must be {MAX_EVIDENCE} characters or fewer"),
                ));
            } else if has_control(evidence, true) {
                errors.push((field, "Evidence must not contain control characters".into()));
            } else {
                problems.push(ProblemSeen {
                    key: p.key.clone(),
                    evidence: evidence.to_string(),
                });
            }
        }
        let criteria = check(rules, self.problems.iter().map(String::as_str));
        if criteria_required && !criteria.met {
            errors.push((
                "problems".into(),
                format!(
                    "Select at least {} problems the family has: {}. If you think there are \
                     safeguarding concerns, use the children's front door; otherwise complete \
                     an early help assessment (CAF)",
                    criteria.required, criteria.message
                ),
            ));
        }
        let consent = Consent::parse(&self.consent);
        if consent.is_none() {
            errors.push(("consent".into(), "Select whether the family agreed".into()));
        }
        let referrer = ReferrerContact {
            name: short(
                &mut errors,
                "referrer_name".into(),
                &self.referrer_name,
                "the referrer's name",
                true,
            ),
            organisation: short(
                &mut errors,
                "referrer_organisation".into(),
                &self.referrer_organisation,
                "the referrer's organisation",
                true,
            ),
            email: short(
                &mut errors,
                "referrer_email".into(),
                &self.referrer_email,
                "an email address",
                false,
            ),
            phone: short(
                &mut errors,
                "referrer_phone".into(),
                &self.referrer_phone,
                "a telephone number",
                false,
            ),
        };
        if !referrer.email.is_empty() && !looks_like_email(&referrer.email) {
            errors.push((
                "referrer_email".into(),
                "Enter an email address in the correct format, like name@example.org".into(),
            ));
        }
        if referrer.email.is_empty() && referrer.phone.is_empty() {
            errors.push((
                "referrer_email".into(),
                "Enter an email address or a telephone number".into(),
            ));
        }
        match (errors.is_empty(), consent, channel) {
            (true, Some(consent), Some(channel)) => Ok(Referral {
                members,
                problems,
                criteria,
                consent,
                referrer,
                channel,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 2).unwrap()
    }

    pub(crate) fn good() -> ReferralInput {
        ReferralInput {
            members: vec![
                MemberInput {
                    given_name: "Alice".into(),
                    family_name: "Example".into(),
                    date_of_birth: "2/3/1985".into(),
                    address: "1 Test Street".into(),
                    postcode: "ts1 1aa".into(),
                    relationship: "parent_or_carer".into(),
                },
                MemberInput::default(),
            ],
            problems: vec!["crime_asb".into(), "school_attendance".into()],
            evidence: vec![
                ("crime_asb".into(), "Police called twice".into()),
                ("school_attendance".into(), "Absent 30%".into()),
            ],
            consent: "given".into(),
            referrer_name: "Sam School".into(),
            referrer_organisation: "Test Primary".into(),
            referrer_email: "sam@example.org".into(),
            referrer_phone: String::new(),
            channel: "online".into(),
        }
    }

    #[test]
    fn a_date_of_birth_is_read_as_the_other_forms_read_it() {
        let d = NaiveDate::from_ymd_opt(1985, 1, 1).unwrap();
        for text in [
            "1/1/1985",
            "1 1 1985",
            " 01  01 1985 ",
            "1-1-1985",
            "1 January 1985",
            "1 Jan 1985",
            "1985-01-01",
        ] {
            assert_eq!(parse_date(text), Some(d), "{text}");
        }
        for text in ["1985", "31 2 2012", "1/1/85x", ""] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn a_complete_referral_is_checked_and_blank_member_rows_ignored() {
        let r = good()
            .validate(&ReferralRules::shipped(), today(), true)
            .unwrap();
        assert_eq!(r.members.len(), 1);
        assert_eq!(r.members[0].postcode.as_deref(), Some("TS1 1AA"));
        assert_eq!(
            r.members[0].date_of_birth,
            NaiveDate::from_ymd_opt(1985, 3, 2).unwrap()
        );
        assert!(r.criteria.met);
        assert_eq!(r.members[0].match_key(), "alice|example|1985-03-02");
    }

    #[test]
    fn every_mistake_names_its_field() {
        let mut input = good();
        input.members[0].date_of_birth = "31/2/2010".into();
        input.members[0].relationship = "landlord".into();
        input.problems = vec!["crime_asb".into()];
        input.evidence.clear();
        input.consent = String::new();
        input.referrer_email = "not an address".into();
        let errors = input
            .validate(&ReferralRules::shipped(), today(), true)
            .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        for f in [
            "member_0_date_of_birth",
            "member_0_relationship",
            "evidence_crime_asb",
            "problems",
            "consent",
            "referrer_email",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let problems = &errors.iter().find(|(f, _)| f == "problems").unwrap().1;
        assert!(
            problems.contains("1 of the 2 problems required"),
            "{problems}"
        );
    }

    /// With several people on the form, a message says whose field it is; an email address
    /// needs a whole domain.
    #[test]
    fn a_mistake_in_the_second_person_says_so_and_emails_need_a_domain() {
        let mut input = good();
        input.members.truncate(1);
        let mut second = input.members[0].clone();
        second.address = String::new();
        input.members.push(second);
        input.referrer_email = "pat.partner@school".into();
        let errors = input
            .validate(&ReferralRules::shipped(), today(), true)
            .unwrap_err();
        let message = |field: &str| {
            errors
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, m)| m.as_str())
        };
        assert_eq!(
            message("member_1_address"),
            Some("Person 2: Enter their address")
        );
        assert!(message("referrer_email").is_some_and(|m| m.contains("correct format")));
        for ok in ["sam@example.org", "a.b@council.gov.uk"] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "pat.partner@school",
            "@example.org",
            "a@.org",
            "a b@example.org",
            "a@example.",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
        // One person: the message as it was.
        let mut one = good();
        one.members[0].address = String::new();
        let errors = one
            .validate(&ReferralRules::shipped(), today(), true)
            .unwrap_err();
        assert!(errors
            .iter()
            .any(|(f, m)| f == "member_0_address" && m == "Enter their address"));
    }

    #[test]
    fn an_import_keeps_a_family_below_the_criteria_for_the_officer() {
        let mut input = good();
        input.problems.truncate(1);
        let r = input
            .validate(&ReferralRules::shipped(), today(), false)
            .unwrap();
        assert!(!r.criteria.met);
    }

    #[test]
    fn match_keys_ignore_case_and_punctuation() {
        let d = NaiveDate::from_ymd_opt(2012, 3, 27).unwrap();
        assert_eq!(
            match_key("Mary-Jane", "O'Brien", d),
            match_key("MARY JANE", "obrien", d)
        );
        assert_ne!(
            match_key("Mary", "Smith", d),
            match_key("Mary", "Smith", d.succ_opt().unwrap())
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(given in "\\PC{0,40}", dob in "\\PC{0,20}", pc in "\\PC{0,10}") {
            let mut input = good();
            input.members[0].given_name = given;
            input.members[0].date_of_birth = dob;
            input.members[0].postcode = pc;
            let _ = input.validate(&ReferralRules::shipped(), today(), true);
        }
    }
}
