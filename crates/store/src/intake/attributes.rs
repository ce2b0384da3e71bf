//! Reading a record's stored attributes (a JSON object of bools, numbers and text) straight
//! into the model's typed values, on both backends' load path.
//!
//! It does not write attributes (serde does) and runs no SQL.

use hearth_model::AttrValue;
use std::collections::BTreeMap;
use std::fmt;

/// Parses a stored attributes object straight into typed values. (The model's untagged
/// `Deserialize` buffers every value and tries each variant in turn: several times slower
/// over a million facts.) `None` if the text is not a JSON object of bools, numbers and text.
pub(crate) fn parse_attributes(json: &[u8]) -> Option<BTreeMap<String, AttrValue>> {
    use serde::de::{self, Deserializer, MapAccess, Visitor};

    struct Value(AttrValue);
    struct ValueVisitor;
    impl<'de> Visitor<'de> for ValueVisitor {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a bool, number or string")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value(AttrValue::Bool(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v as f64)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v as f64)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value(AttrValue::Text(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
            Ok(Value(AttrValue::Text(v)))
        }
    }
    impl<'de> serde::Deserialize<'de> for Value {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
            d.deserialize_any(ValueVisitor)
        }
    }

    struct MapVisitor;
    impl<'de> Visitor<'de> for MapVisitor {
        type Value = BTreeMap<String, AttrValue>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, Value(v))) = map.next_entry::<String, Value>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(json);
    let map = (&mut de).deserialize_map(MapVisitor).ok()?;
    de.end().ok()?;
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_like_the_model() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), AttrValue::Bool(false));
        m.insert("n".to_string(), AttrValue::Number(7.0));
        m.insert("f".to_string(), AttrValue::Number(-0.25));
        m.insert("big".to_string(), AttrValue::Number(1e300));
        m.insert("t".to_string(), AttrValue::Text("true".into()));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(parse_attributes(json.as_bytes()), Some(m.clone()));
        // jsonb's spacing and integer forms.
        assert_eq!(
            parse_attributes(br#"{"n": 7, "b": false, "t": "true", "f": -0.25, "big": 1e300}"#),
            Some(m)
        );
        for bad in [
            &b"[]"[..],
            b"{\"x\": null}",
            b"{\"x\": [1]}",
            b"{} x",
            b"nope",
        ] {
            assert_eq!(parse_attributes(bad), None);
        }
    }
}
