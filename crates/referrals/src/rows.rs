//! Referrals from a file's rows, as intake reads them with a referral mapping
//! (`mappings/referrals/referrals.toml`): one row per member, rows sharing the `referral`
//! attribute are one referral; its problems (`;`-separated keys), evidence, consent,
//! referrer and channel come from its first row. The evidence is given for each problem.

use crate::form::{MemberInput, ReferralInput};
use hearth_model::{AttrValue, ImportedRow};

/// One referral's rows: its reference, the file rows it came from, and the referral as
/// typed (checked by [`ReferralInput::validate`], which names fields `member_{i}_…`: the
/// `i`-th of `source_rows`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsReferral {
    /// The `referral` attribute.
    pub reference: String,
    /// The file's row numbers, one per member.
    pub source_rows: Vec<u64>,
    /// The referral as typed.
    pub input: ReferralInput,
}

fn text(row: &ImportedRow, key: &str) -> String {
    match row.fact.attributes.get(key) {
        Some(AttrValue::Text(t)) => t.clone(),
        Some(AttrValue::Number(n)) => n.to_string(),
        Some(AttrValue::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

/// Groups rows into referrals, in the order each reference first appears; `channel` is used
/// where a row gives none (`import`).
pub fn referrals_from_rows(rows: &[ImportedRow]) -> Vec<RowsReferral> {
    let mut out: Vec<RowsReferral> = Vec::new();
    for row in rows {
        let reference = text(row, "referral");
        let at = match out.iter().position(|r| r.reference == reference) {
            Some(i) => i,
            None => {
                let problems: Vec<String> = text(row, "problems")
                    .split([';', ','])
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect();
                let evidence = text(row, "evidence");
                let channel = match text(row, "channel") {
                    c if c.trim().is_empty() => "import".to_string(),
                    c => c,
                };
                out.push(RowsReferral {
                    reference,
                    source_rows: Vec::new(),
                    input: ReferralInput {
                        members: Vec::new(),
                        evidence: problems
                            .iter()
                            .map(|p| (p.clone(), evidence.clone()))
                            .collect(),
                        problems,
                        consent: text(row, "consent"),
                        referrer_name: text(row, "referrer_name"),
                        referrer_organisation: text(row, "referrer_organisation"),
                        referrer_email: text(row, "referrer_email"),
                        referrer_phone: text(row, "referrer_phone"),
                        channel,
                    },
                });
                out.len() - 1
            }
        };
        let id = &row.identity;
        let r = &mut out[at];
        r.source_rows.push(row.source_row);
        r.input.members.push(MemberInput {
            given_name: id.given_name.clone().unwrap_or_default(),
            family_name: id.family_name.clone().unwrap_or_default(),
            date_of_birth: id.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            address: id.address.clone().unwrap_or_default(),
            postcode: id
                .postcode
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            relationship: text(row, "relationship"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::{Fact, Identity};

    fn row(n: u64, reference: &str, given: &str, problems: &str) -> ImportedRow {
        let mut attributes = std::collections::BTreeMap::new();
        for (k, v) in [
            ("referral", reference),
            ("problems", problems),
            ("relationship", "child"),
            ("evidence", "seen"),
        ] {
            attributes.insert(k.to_string(), AttrValue::Text(v.to_string()));
        }
        ImportedRow {
            source_row: n,
            identity: Identity {
                given_name: Some(given.into()),
                family_name: Some("Test".into()),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(2012, 1, 2),
                ..Identity::default()
            },
            fact: Fact {
                event_type: "referral".into(),
                attributes,
                ..Fact::default()
            },
        }
    }

    #[test]
    fn rows_with_one_reference_are_one_referral_read_from_its_first_row() {
        let rows = [
            row(2, "R1", "Ann", "crime_asb; health"),
            row(3, "R2", "Bob", "health"),
            row(4, "R1", "Cat", "ignored"),
        ];
        let r = referrals_from_rows(&rows);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].source_rows, vec![2, 4]);
        assert_eq!(r[0].input.members[1].given_name, "Cat");
        assert_eq!(r[0].input.problems, vec!["crime_asb", "health"]);
        assert_eq!(r[0].input.evidence_for("health"), "seen");
        assert_eq!(r[0].input.members[0].date_of_birth, "2012-01-02");
        assert_eq!(r[1].input.channel, "import");
    }
}
