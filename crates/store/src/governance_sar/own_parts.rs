//! Only the subject's own parts of a JSON document about the whole family, frozen when it
//! was written ([`super::OWN_PARTS`]: a baseline, a claim's evidence pack): of every list of
//! objects naming a person (`person_id`), only the objects naming the subject are kept; an
//! object naming no one (`person_id` null: a family-wide measure) was worked out from every
//! member's records and is left out too. Everything else (dates, the family's problems, the
//! plan, the rules) is kept.

use serde_json::Value;

/// `json` with only `person`'s parts, or `None` when it cannot be read (then nothing of it
/// is shown: it may hold other members' data).
pub(super) fn own_parts(json: &str, person: Option<i64>) -> Option<String> {
    let mut v: Value = serde_json::from_str(json).ok()?;
    keep_own(&mut v, person);
    Some(v.to_string())
}

fn keep_own(v: &mut Value, person: Option<i64>) {
    match v {
        Value::Array(items) => {
            items.retain(|i| match i.as_object().and_then(|o| o.get("person_id")) {
                Some(p) => person.is_some() && p.as_i64() == person,
                None => true,
            });
            items.iter_mut().for_each(|i| keep_own(i, person));
        }
        Value::Object(o) => o.values_mut().for_each(|x| keep_own(x, person)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_subjects_own_objects_are_kept() {
        let doc = r#"{"family_id":1,"members":[{"person_id":101,"age":40},{"person_id":102,"age":11}],
            "measures":[{"person_id":null,"value":3},{"person_id":102,"value":92.5}],
            "problems":["health"],"result":{"evidence":[{"person_id":101,"value":7}]}}"#;
        let own = super::own_parts(doc, Some(102)).unwrap();
        let own: serde_json::Value = serde_json::from_str(&own).unwrap();
        assert_eq!(
            own,
            serde_json::json!({"family_id": 1, "measures": [{"person_id": 102, "value": 92.5}],
                "members": [{"person_id": 102, "age": 11}], "problems": ["health"],
                "result": {"evidence": []}})
        );
        assert_eq!(super::own_parts("not json", Some(1)), None);
    }
}
