//! Partner referrals with their truth: some for families the partners' data already shows
//! (their members as the borough knows them), some duplicates of an earlier referral, some
//! below the criteria (one problem), some for people unknown to any partner. Written as
//! `referrals/referrals.csv` in the referral mapping's layout
//! (`mappings/referrals/referrals.toml`) and `truth/referrals.csv`: each referral's kind,
//! its household (known families), what it duplicates, and whether Hearth should flag it as
//! already known or already referred (`expect_flag`).
//!
//! Deterministic for a seed (one generator of its own, stream 7 of household 0).

use crate::borough::Borough;
use crate::dates::AS_AT;
use crate::truth::FamilyTruth;
use rand::Rng;

/// What a synthetic referral is, in truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralKind {
    /// Members of a family the partners' data shows.
    Known,
    /// The same family (known or not) referred again.
    Duplicate,
    /// People no partner knows, with one problem: below the criteria.
    BelowCriteria,
    /// People no partner knows, with two problems.
    Unknown,
}

impl ReferralKind {
    fn key(self) -> &'static str {
        match self {
            ReferralKind::Known => "known",
            ReferralKind::Duplicate => "duplicate",
            ReferralKind::BelowCriteria => "below_criteria",
            ReferralKind::Unknown => "unknown",
        }
    }
}

/// A referred person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredPerson {
    given_name: String,
    family_name: String,
    date_of_birth: chrono::NaiveDate,
    address: String,
    postcode: String,
    relationship: &'static str,
}

/// A synthetic referral with its truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthReferral {
    /// `R00001`.
    pub reference: String,
    /// What it is.
    pub kind: ReferralKind,
    /// The household referred (known families and their duplicates).
    pub household: Option<usize>,
    /// The referral it repeats.
    pub duplicate_of: Option<String>,
    members: Vec<ReferredPerson>,
    problems: Vec<&'static str>,
}

impl SynthReferral {
    /// Whether Hearth should flag it as a family already known or already referred.
    pub fn expect_flag(&self) -> bool {
        matches!(self.kind, ReferralKind::Known | ReferralKind::Duplicate)
    }
}

const UNKNOWN_GIVEN: [&str; 8] = [
    "Zephyrine",
    "Quillon",
    "Ysolde",
    "Thaddeus",
    "Oriel",
    "Xanthe",
    "Barnaby",
    "Ottoline",
];

/// The referrals for a borough: one per 20 families (10 to 2,000).
pub fn referrals(b: &Borough, families: &[FamilyTruth]) -> Vec<SynthReferral> {
    let count = (families.len() / 20).clamp(10, 2000);
    let mut rng = crate::population::household_rng(b.config().seed, 0, 7);
    let mut in_records = vec![false; b.people().len()];
    for t in b.sources() {
        for &p in &t.people {
            in_records[p] = true;
        }
    }
    let known: Vec<&FamilyTruth> = families
        .iter()
        .filter(|f| f.members.iter().any(|&p| in_records[p]))
        .collect();
    let mut out: Vec<SynthReferral> = Vec::with_capacity(count);
    for i in 0..count {
        let reference = format!("R{:05}", i + 1);
        let roll: f64 = rng.random();
        let r = if roll < 0.2 && !out.is_empty() {
            let earlier = out[rng.random_range(0..out.len())].clone();
            SynthReferral {
                reference,
                kind: ReferralKind::Duplicate,
                household: earlier.household,
                duplicate_of: Some(earlier.duplicate_of.clone().unwrap_or(earlier.reference)),
                members: earlier.members,
                problems: earlier.problems,
            }
        } else if roll < 0.6 && !known.is_empty() {
            let f = known[rng.random_range(0..known.len())];
            let (line, town, postcode) = b.address(b.households()[f.household].address_on(AS_AT));
            let members: Vec<ReferredPerson> = f
                .members
                .iter()
                .filter(|&&p| in_records[p])
                .take(3)
                .map(|&p| {
                    let person = &b.people()[p];
                    let child = crate::dates::age_on(person.date_of_birth, AS_AT) < 18;
                    ReferredPerson {
                        given_name: person.given_name.clone(),
                        family_name: person.family_name_on(AS_AT).to_string(),
                        date_of_birth: person.date_of_birth,
                        address: format!("{line}, {town}"),
                        postcode: postcode.clone(),
                        relationship: if child { "child" } else { "parent_or_carer" },
                    }
                })
                .collect();
            let mut problems: Vec<&'static str> = f.problems.iter().map(|p| p.key()).collect();
            for extra in ["health", "worklessness"] {
                if problems.len() < 2 && !problems.contains(&extra) {
                    problems.push(extra);
                }
            }
            SynthReferral {
                reference,
                kind: ReferralKind::Known,
                household: Some(f.household),
                duplicate_of: None,
                members,
                problems,
            }
        } else {
            let below = roll < 0.8;
            let surname: String = (0..7)
                .map(|k| {
                    let c = (b'a' + rng.random_range(0..26u8)) as char;
                    if k == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            let family_name = format!("Qz{}", surname.to_lowercase());
            let n = rng.random_range(1..=3);
            let members = (0..n)
                .map(|k| ReferredPerson {
                    given_name: UNKNOWN_GIVEN[rng.random_range(0..UNKNOWN_GIVEN.len())].to_string(),
                    family_name: family_name.clone(),
                    date_of_birth: chrono::NaiveDate::from_ymd_opt(
                        if k == 0 { 1975 } else { 2008 } + rng.random_range(0..10),
                        rng.random_range(1..=12),
                        rng.random_range(1..=28),
                    )
                    .unwrap_or(AS_AT),
                    address: format!("{} Nowhere Lane, Faraway", rng.random_range(1..200)),
                    postcode: String::new(),
                    relationship: if k == 0 { "parent_or_carer" } else { "child" },
                })
                .collect();
            SynthReferral {
                reference,
                kind: if below {
                    ReferralKind::BelowCriteria
                } else {
                    ReferralKind::Unknown
                },
                household: None,
                duplicate_of: None,
                members,
                problems: if below {
                    vec!["health"]
                } else {
                    vec!["crime_asb", "health"]
                },
            }
        };
        out.push(r);
    }
    out
}

fn quoted(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `referrals/referrals.csv`: one row per member, the referral's details on each row.
pub(crate) fn referrals_csv(rs: &[SynthReferral]) -> String {
    let mut s = String::from(
        "Referral Ref,Referral Date,Given Name,Family Name,Date of Birth,Address,Postcode,\
         Relationship,Problems,Evidence,Consent,Referrer Name,Referrer Organisation,\
         Referrer Email,Referrer Phone,Channel\r\n",
    );
    for r in rs {
        for m in &r.members {
            let row = [
                r.reference.clone(),
                "01/09/2025".into(),
                m.given_name.clone(),
                m.family_name.clone(),
                m.date_of_birth.format("%d/%m/%Y").to_string(),
                m.address.clone(),
                m.postcode.clone(),
                m.relationship.into(),
                r.problems.join(";"),
                "Seen by the referrer (synthetic)".into(),
                "given".into(),
                "Synthetic Referrer".into(),
                "Synthetic School".into(),
                "referrer@example.org".into(),
                String::new(),
                "secure_email".into(),
            ];
            s.push_str(&row.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(","));
            s.push_str("\r\n");
        }
    }
    s
}

/// `truth/referrals.csv`: each referral's kind, household, what it repeats and whether it
/// should be flagged as known or already referred.
pub(crate) fn truth_csv(rs: &[SynthReferral]) -> String {
    let mut s = String::from("referral_ref,kind,household_id,duplicate_of,expect_flag\r\n");
    for r in rs {
        s.push_str(&format!(
            "{},{},{},{},{}\r\n",
            r.reference,
            r.kind.key(),
            r.household
                .map(crate::model::household_id)
                .unwrap_or_default(),
            r.duplicate_of.as_deref().unwrap_or(""),
            r.expect_flag()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate, Config};

    #[test]
    fn referrals_of_every_kind_and_known_ones_name_the_familys_people() {
        let b = generate(&Config {
            people: 3_000,
            seed: 3,
            ..Default::default()
        })
        .unwrap();
        let families = crate::truth::families(&b);
        let rs = referrals(&b, &families);
        assert!(rs.len() >= 10);
        for kind in [
            ReferralKind::Known,
            ReferralKind::Duplicate,
            ReferralKind::Unknown,
        ] {
            assert!(rs.iter().any(|r| r.kind == kind), "{kind:?}");
        }
        for r in rs.iter().filter(|r| r.kind == ReferralKind::Known) {
            let h = r.household.unwrap();
            let names: Vec<&str> = b.households()[h]
                .members
                .iter()
                .map(|&p| b.people()[p].given_name.as_str())
                .collect();
            assert!(r
                .members
                .iter()
                .all(|m| names.contains(&m.given_name.as_str())));
            assert!(r.problems.len() >= 2 && r.expect_flag());
        }
        let truth = truth_csv(&rs);
        assert_eq!(truth.lines().count(), rs.len() + 1);
        assert_eq!(referrals(&b, &families), rs, "deterministic");
    }
}
