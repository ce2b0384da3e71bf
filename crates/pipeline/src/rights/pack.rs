//! The subject access pack as a person reads it: what the store holds ([`SubjectAccess`]:
//! the subject's own rows, no other person's contact details, no internal hashes) with
//! columns in plain English, attribute maps and other JSON as "label: value" lines, numbers
//! rounded, columns empty in every row left out, and a note where something was left out
//! on purpose. The JSON document and the printable page both show this.

use hearth_store::{SarSection, SubjectAccess};
use serde::Serialize;

/// One kind of data held, ready to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackSection {
    /// The table it comes from (a stable key for machines).
    pub table: String,
    /// What it is, in plain English.
    pub title: String,
    /// What was left out of it and why, if anything.
    pub note: Option<String>,
    /// Its columns' labels.
    pub columns: Vec<String>,
    /// Its rows (lines of a value separated by new lines; nothing as `None`).
    pub rows: Vec<Vec<Option<String>>>,
}

/// Everything held on the subject, ready to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pack {
    /// The linked person (`None`: someone named only in referrals).
    pub person_id: Option<i64>,
    /// The referrals naming them.
    pub referrals: Vec<i64>,
    /// Their partner records' keys.
    pub records: Vec<i64>,
    /// The families they are or were in.
    pub families: Vec<i64>,
    /// The partner sources their records came from (keys).
    pub sources: Vec<String>,
    /// Whether their processing is restricted now.
    pub restricted: bool,
    /// The quarantined rows (partner rows set aside at import) that name them.
    pub quarantined: Vec<i64>,
    /// Every kind of data, in the register's order.
    pub sections: Vec<PackSection>,
}

/// What the reader is told was left out of a table.
fn note(table: &str) -> Option<&'static str> {
    Some(match table {
        "evidence" => {
            "Only this person's own evidence is shown. The family's eligibility also rests on \
             other members' information, which is not included."
        }
        "family_assessment" => {
            "The family's assessment as a whole. Its eligibility also rests on other members' \
             information, which is not included."
        }
        "family_member" | "family_relationship" => {
            "Only this person's own place in the family is shown; the other members are not."
        }
        "review_pair" => {
            "Each pair compares one of this person's records with another record, which may be \
             someone else's: that record is not shown (\"another record\")."
        }
        "referral" => {
            "The referrer's own name and contact details are not this person's data and are \
             left out; their organisation is shown."
        }
        "referral_member" => "Only this person's own entry in each referral is shown.",
        "quarantine" => {
            "Rows a partner sent that failed the checks and were not imported, found by this \
             person's numbers or by their name with their date of birth. Each row is shown as \
             the partner sent it: read it before sending, in case it is someone else's."
        }
        "outcome_baseline" | "claim" => {
            "Only this person's own parts are shown: the other members' parts, and the \
             measures of the family as a whole, are not included."
        }
        "objection_record" | "restriction_record" => "Only this person's own records are shown.",
        "audit_log" => {
            "Who viewed or changed this person's record, their family's, or their referrals'."
        }
        _ => return None,
    })
}

/// A column's label in plain English.
fn label(table: &str, column: &str) -> String {
    let l = match (table, column) {
        ("import_batch", "id") => "File number (Hearth's)",
        ("audit_log", "id") => "Line",
        (_, "record_id") => "Record number (Hearth's)",
        (_, "record_id_l" | "record_id_r") => "Record compared (Hearth's number)",
        (_, "batch_id") => "File number (Hearth's)",
        (_, "person_id") => "Person ID",
        (_, "family_id") => "Family ID",
        (_, "referral_id") => "Referral number",
        (_, "run_id") => "Run number",
        (_, "source") => "Partner",
        (_, "source_name") => "Partner's name",
        (_, "source_row") => "Row in the partner's file",
        ("quarantine", "id") => "Row set aside (Hearth's number)",
        ("quarantine", "raw") => "The row as the partner sent it",
        ("quarantine", "reason") => "Why it was set aside",
        ("quarantine", "field") => "The field that failed",
        (_, "file_name") => "File",
        (_, "source_person_id") => "The partner's reference for the person",
        (_, "event_type") => "What happened",
        (_, "event_date") => "Date",
        (_, "attributes") => "Details",
        (_, "nhs_number") => "NHS number",
        (_, "ni_number") => "National Insurance number",
        (_, "upn") => "Unique pupil number",
        (_, "rows_read") => "Rows in the file",
        (_, "rows_quarantined") => "Rows set aside (failed checks)",
        (_, "match_probability") => "Chance the records are the same person",
        (_, "explanation") => "How the records compare",
        (_, "indicator_key") => "What showed it",
        (_, "problem_key") => "Problem",
        (_, "record_ids") => "Records (Hearth's numbers)",
        (_, "at") => "When",
        (_, "user_name") => "Who",
        (_, "action") => "What they did",
        (_, "target_kind") => "What it was about",
        (_, "target_id") => "Which one",
        (_, "parent_person_id") => "Parent (person ID)",
        (_, "child_person_id") => "Child (person ID)",
        (_, "basis") => "How the relationship was worked out",
        (_, "estimated_cost") => "Estimated cost a year (£)",
        (_, "problem_count") => "Number of problems",
        (_, "agency") => "Referrer's organisation",
        (_, "criteria_met") => "Met the criteria",
        _ => "",
    };
    if !l.is_empty() {
        return l.to_string();
    }
    humanise(column)
}

/// `fixed_term_exclusions` → `Fixed term exclusions`.
fn humanise(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// The rules' own words for their keys: a headline problem's label, an indicator's
/// description (from the latest identification run).
pub type KeyWords = std::collections::BTreeMap<String, String>;

/// A rules key as words: the rules' own ([`KeyWords`]), else the key spelt out
/// (`school_attendance.persistent_absence` → "School attendance: persistent absence");
/// `None` for anything that is not a key (lower-case letters, digits, `_` and `.` only, with
/// a `_` or `.`).
fn key_words(text: &str, words: &KeyWords) -> Option<String> {
    let t = text.trim();
    if let Some(w) = words.get(t) {
        return Some(w.clone());
    }
    let is_key = !t.is_empty()
        && t.contains(['_', '.'])
        && t.starts_with(|c: char| c.is_ascii_lowercase())
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    is_key.then(|| {
        let parts: Vec<String> = t.split('.').map(|p| p.replace('_', " ")).collect();
        humanise(&parts.join(": "))
    })
}

/// A number as people read it: at most two decimal places, no trailing zeros.
fn number(n: f64) -> String {
    let s = format!("{n:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A JSON value as "label: value" lines.
fn json_lines(v: &serde_json::Value, prefix: &str, words: &KeyWords, out: &mut Vec<String>) {
    use serde_json::Value;
    let scalar = |v: &Value| -> String {
        match v {
            Value::Null => "none".into(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Value::Number(n) => n.as_f64().map(number).unwrap_or_else(|| n.to_string()),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    };
    match v {
        Value::Object(map) => {
            // In the keys' order, whatever order the JSON library keeps them in (it depends
            // on the features the build turns on).
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                let key = if prefix.is_empty() {
                    humanise(k)
                } else {
                    format!("{prefix}, {}", k.replace('_', " "))
                };
                match v {
                    Value::Object(_) | Value::Array(_) => json_lines(v, &key, words, out),
                    Value::String(s) if k.ends_with("key") => out.push(format!(
                        "{key}: {}",
                        key_words(s, words).unwrap_or_else(|| s.clone())
                    )),
                    v => out.push(format!("{key}: {}", scalar(v))),
                }
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let joined = items.iter().map(scalar).collect::<Vec<_>>().join(", ");
            out.push(if prefix.is_empty() {
                joined
            } else {
                format!("{prefix}: {joined}")
            });
        }
        Value::Array(items) => {
            for item in items {
                // `{"key": "health", "evidence": "…"}` (a referral's problem): "health: …".
                if let Some(map) = item.as_object() {
                    if let (Some(Value::String(k)), 2) = (map.get("key"), map.len()) {
                        if let Some((_, v)) = map.iter().find(|(name, _)| *name != "key") {
                            let k = key_words(k, words).unwrap_or_else(|| k.clone());
                            out.push(format!("{k}: {}", scalar(v)));
                            continue;
                        }
                    }
                }
                let mut inner = Vec::new();
                json_lines(item, "", words, &mut inner);
                let line = inner.join("; ");
                out.push(if prefix.is_empty() {
                    line
                } else {
                    format!("{prefix}: {line}")
                });
            }
        }
        v => out.push(scalar(v)),
    }
}

/// A stored value as people read it.
fn value(table: &str, column: &str, raw: &str, words: &KeyWords) -> String {
    let t = raw.trim();
    if (t.starts_with('{') || t.starts_with('[')) && t.len() > 1 {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(t) {
            let mut lines = Vec::new();
            json_lines(&v, "", words, &mut lines);
            return lines.join("\n");
        }
    }
    if column.ends_with("_key") {
        if let Some(w) = key_words(t, words) {
            return w;
        }
    }
    if matches!(column, "eligible" | "criteria_met")
        || (table == "restriction" && column == "lifted")
    {
        match t {
            "1" | "true" => return "Yes".into(),
            "0" | "false" => return "No".into(),
            _ => {}
        }
    }
    if t.contains('.') && !t.contains(char::is_alphabetic) {
        if let Ok(n) = t.parse::<f64>() {
            return number(n);
        }
    }
    raw.to_string()
}

fn section(s: &SarSection, words: &KeyWords) -> PackSection {
    let review = s.table == "review_pair";
    let keep: Vec<usize> = (0..s.columns.len())
        .filter(|&i| {
            review && s.columns[i].starts_with("record_id_")
                || s.rows
                    .iter()
                    .any(|r| r[i].as_deref().is_some_and(|v| !v.trim().is_empty()))
        })
        .collect();
    PackSection {
        table: s.table.clone(),
        title: s.title.clone(),
        note: note(&s.table).map(str::to_string),
        columns: keep
            .iter()
            .map(|&i| label(&s.table, &s.columns[i]))
            .collect(),
        rows: s
            .rows
            .iter()
            .map(|r| {
                keep.iter()
                    .map(|&i| match &r[i] {
                        Some(v) => Some(value(&s.table, &s.columns[i], v, words)),
                        None if review && s.columns[i].starts_with("record_id_") => {
                            Some("another record".into())
                        }
                        None => None,
                    })
                    .collect()
            })
            .collect(),
    }
}

/// The pack of what the store holds, rules keys in `words` where it has them.
pub fn pack(held: &SubjectAccess, words: &KeyWords) -> Pack {
    Pack {
        person_id: held.person_id,
        referrals: held.referrals.clone(),
        records: held.records.clone(),
        families: held.families.clone(),
        sources: held.sources.clone(),
        restricted: held.restricted,
        quarantined: held.quarantined.clone(),
        sections: held.sections.iter().map(|s| section(s, words)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(table: &str, column: &str, raw: &str) -> String {
        super::value(table, column, raw, &KeyWords::new())
    }

    #[test]
    fn rules_keys_read_in_the_rules_own_words_where_the_run_has_them() {
        let words = KeyWords::from([
            ("health".to_string(), "Health".to_string()),
            (
                "crime_asb.police_crime".to_string(),
                "Anyone recorded as suspect or offender in a police crime incident".to_string(),
            ),
        ]);
        assert_eq!(
            super::value(
                "evidence",
                "indicator_key",
                "crime_asb.police_crime",
                &words
            ),
            "Anyone recorded as suspect or offender in a police crime incident"
        );
        assert_eq!(
            super::value(
                "referral",
                "problems",
                r#"[{"key":"health","evidence":"Mum"}]"#,
                &words
            ),
            "Health: Mum"
        );
        assert_eq!(
            super::value("evidence", "indicator_key", "crime_asb.police_asb", &words),
            "Crime asb: police asb",
            "a key the run has no words for is spelt out"
        );
    }

    #[test]
    fn json_and_numbers_read_as_plain_english() {
        assert_eq!(
            value(
                "record",
                "attributes",
                r#"{"contact_type":"A&E attendance","fixed_term_exclusions":0.0}"#
            ),
            "Contact type: A&E attendance\nFixed term exclusions: 0"
        );
        assert_eq!(
            value("review_pair", "match_weight", "7.123456789012345"),
            "7.12"
        );
        assert_eq!(
            value("identity", "date_of_birth", "2010-08-24"),
            "2010-08-24"
        );
        assert_eq!(value("family_assessment", "eligible", "1"), "Yes");
        assert_eq!(
            value(
                "evidence",
                "indicator_key",
                "school_attendance.persistent_absence"
            ),
            "School attendance: persistent absence"
        );
        assert_eq!(
            value(
                "claim",
                "evidence_pack",
                r#"{"measure_key":"school_absence"}"#
            ),
            "Measure key: School absence"
        );
        assert_eq!(value("evidence", "problem_key", "Health"), "Health");
        assert_eq!(
            value(
                "referral",
                "problems",
                r#"[{"key":"health","evidence":"Mum says"}]"#
            ),
            "health: Mum says"
        );
        assert_eq!(
            label("import_batch", "rows_quarantined"),
            "Rows set aside (failed checks)"
        );
        assert_eq!(label("x", "prev_thing"), "Prev thing");
    }
}
