//! Keyed hashes of identifiers (HMAC-SHA-256 under the store's own random secret, made by
//! migration 12): they recognise the same identifiers again without holding them. Erasure
//! tombstones and objection keys are such hashes.
//!
//! One record gives up to five keys, each from identifiers that name one person on their own:
//! the NHS number, the National Insurance number, the partner's own reference for the person
//! (with the source), the family and given names with the date of birth, and a whole name with
//! the date of birth. Names are compared case- and space-insensitively, numbers without spaces.

use crate::error::Result;
use crate::sql::{corrupt, Tx};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The identifiers a key is made from, as text (as stored, or as a partner row gives them).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyFields<'a> {
    /// The partner source (its key).
    pub source: &'a str,
    /// The partner's own reference for the person.
    pub source_person_id: Option<&'a str>,
    /// Given name.
    pub given_name: Option<&'a str>,
    /// Family name.
    pub family_name: Option<&'a str>,
    /// A whole name.
    pub full_name: Option<&'a str>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<&'a str>,
    /// NHS number.
    pub nhs_number: Option<&'a str>,
    /// National Insurance number.
    pub ni_number: Option<&'a str>,
}

impl<'a> KeyFields<'a> {
    /// The fields of a stored record's identity.
    pub fn of_record(r: &'a crate::RecordIdentity) -> KeyFields<'a> {
        KeyFields {
            source: &r.source,
            source_person_id: r.source_person_id.as_deref(),
            given_name: r.given_name.as_deref(),
            family_name: r.family_name.as_deref(),
            full_name: r.full_name.as_deref(),
            date_of_birth: r.date_of_birth.as_deref(),
            nhs_number: r.nhs_number.as_deref(),
            ni_number: r.ni_number.as_deref(),
        }
    }
}

/// Makes keys under one store's secret.
#[derive(Clone)]
pub struct IdentityKeys {
    secret: Vec<u8>,
}

impl std::fmt::Debug for IdentityKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKeys(..)") // never the secret
    }
}

fn words(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl IdentityKeys {
    /// Keys under `secret` (tests; the store reads its own with [`IdentityKeys::read`]).
    pub fn new(secret: &[u8]) -> IdentityKeys {
        IdentityKeys {
            secret: secret.to_vec(),
        }
    }

    pub(crate) fn read(tx: &mut dyn Tx) -> Result<IdentityKeys> {
        let rows = tx.query("SELECT secret FROM governance_secret WHERE id = 1", &[])?;
        let secret = rows
            .first()
            .and_then(|r| r[0].text())
            .filter(|s| s.len() >= 32)
            .ok_or_else(|| corrupt("governance_secret", "secret", 1))?;
        Ok(IdentityKeys::new(secret.as_bytes()))
    }

    fn hash(&self, kind: &str, value: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(kind.as_bytes());
        mac.update(b"\x1f");
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Every key the fields give (none from fields that are missing or blank).
    pub fn keys(&self, f: &KeyFields) -> Vec<String> {
        fn present(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let mut out = Vec::with_capacity(5);
        if let Some(n) = present(f.nhs_number).map(compact).filter(|n| !n.is_empty()) {
            out.push(self.hash("nhs", &n));
        }
        if let Some(n) = present(f.ni_number).map(compact).filter(|n| !n.is_empty()) {
            out.push(self.hash("ni", &n));
        }
        if let Some(p) = present(f.source_person_id) {
            out.push(self.hash("source_person", &format!("{}\x1f{}", f.source, words(p))));
        }
        if let Some(dob) = present(f.date_of_birth) {
            if let (Some(g), Some(fam)) = (present(f.given_name), present(f.family_name)) {
                out.push(self.hash(
                    "name_dob",
                    &format!("{}\x1f{}\x1f{dob}", words(fam), words(g)),
                ));
            }
            if let Some(full) = present(f.full_name) {
                out.push(self.hash("full_name_dob", &format!("{}\x1f{dob}", words(full))));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_spaces_and_missing_fields_and_depend_on_the_secret() {
        let k = IdentityKeys::new(b"0123456789abcdef0123456789abcdef");
        let a = KeyFields {
            source: "police",
            given_name: Some("Ann"),
            family_name: Some("Bee "),
            date_of_birth: Some("2010-01-02"),
            nhs_number: Some("943 476 5919"),
            ..KeyFields::default()
        };
        let b = KeyFields {
            given_name: Some("ANN"),
            family_name: Some("bee"),
            nhs_number: Some("9434765919"),
            ..a
        };
        assert_eq!(k.keys(&a), k.keys(&b));
        assert_eq!(k.keys(&a).len(), 2);
        assert!(k.keys(&KeyFields::default()).is_empty());
        let other = IdentityKeys::new(b"another secret, another borough!");
        assert_ne!(k.keys(&a), other.keys(&a));
        // A key is a hash: no identifier in it.
        assert!(k
            .keys(&a)
            .iter()
            .all(|h| h.len() == 64 && !h.contains("943")));
    }
}
