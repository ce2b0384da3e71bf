//! Only the subject's own parts of a JSON document about the whole family, frozen when it
//! was written ([`super::OWN_PARTS`]: a baseline, a claim's evidence pack): of every list of
//! objects naming a person (`person_id`), only the objects naming the subject are kept; an
//! object naming no one (`person_id` null: a family-wide measure) was worked out from every
//! member's records and is left out too. Internal material that is not the person's data
//! is left out as well ([`super::PACK_LEFT_OUT`]): the rules files' text and hashes, and the
//! partner files' hashes (internal audit's claim pack keeps them). Everything else (dates,
//! the family's problems, the plan, the rules' names) is kept.

use serde_json::Value;

/// `json` with only `person`'s parts, or `None` when it cannot be read (then nothing of it
/// is shown: it may hold other members' data).
pub(super) fn own_parts(json: &str, person: Option<i64>) -> Option<String> {
    let mut v: Value = serde_json::from_str(json).ok()?;
    keep_own(&mut v, person);
    leave_out_internal(&mut v);
    Some(v.to_string())
}

/// Takes out, at any depth, the keys [`super::PACK_LEFT_OUT`] names; and a rules file's text
/// (`text` beside its `sha256`, as a pack keeps a rules file: name, hash, text).
fn leave_out_internal(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(leave_out_internal),
        Value::Object(o) => {
            if o.contains_key("sha256") {
                o.remove("text");
            }
            o.retain(|k, _| !super::PACK_LEFT_OUT.iter().any(|(key, _)| key == k));
            o.values_mut().for_each(leave_out_internal);
        }
        _ => {}
    }
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

    #[test]
    fn the_rules_text_and_file_hashes_are_left_out() {
        let doc = r#"{"family_id":1,"claim_rules":{"name":"rules/claims.toml","sha256":"ab12","text":"[windows] secret"},
            "outcomes_plan":{"name":"rules/outcomes.toml","sha256":"cd34","text":"[measures]"},
            "outcomes_plan_matches_result":true,
            "result":{"rules_hash":"cd34","evidence":[{"person_id":102,"value":1,"text":"kept"}]},
            "records":[{"record_id":7,"file_name":"police.csv","file_sha256":"ef56","row":3}],
            "data":[{"source":"police","file_name":"police.csv","file_sha256":"ef56","rows":9}]}"#;
        let own = super::own_parts(doc, Some(102)).unwrap();
        for internal in [
            "ab12",
            "cd34",
            "ef56",
            "[windows]",
            "[measures]",
            "matches_result",
        ] {
            assert!(!own.contains(internal), "{internal}: {own}");
        }
        let own: serde_json::Value = serde_json::from_str(&own).unwrap();
        assert_eq!(
            own["claim_rules"],
            serde_json::json!({"name": "rules/claims.toml"})
        );
        assert_eq!(own["records"][0]["row"], 3);
        assert_eq!(own["data"][0]["rows"], 9);
        // A `text` that is not a rules file's is the person's and is kept.
        assert_eq!(own["result"]["evidence"][0]["text"], "kept");
    }
}
