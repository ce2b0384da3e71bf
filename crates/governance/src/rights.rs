//! A person's rights under UK GDPR that Hearth carries out: the checks on a corrected
//! identifier (Art. 16, rectification) and the lawful grounds an erasure (Art. 17) or a
//! restriction (Art. 18) must name.
//!
//! The seeds' privacy notice (004, the national evaluation) promises: "You can see copies of
//! all the data MHCLG hold about you and ask for it to be corrected or deleted." The grounds
//! below are the Articles' own conditions, shortened (law, not a council's choice: not a
//! rules file).
//!
//! Pure: no I/O; the caller passes today.

use chrono::NaiveDate;
use hearth_model::{NhsNumber, NiNumber, Postcode};

/// Why a request cannot be carried out as given. Messages name the field, never echo a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RightsError {
    /// The field is not an identifier Hearth corrects.
    #[error("{0} is not an identifier that can be corrected: use one of given_name, family_name, full_name, date_of_birth, address, postcode, nhs_number, ni_number")]
    UnknownField(String),
    /// The corrected value is not valid for its field.
    #[error("the corrected {field} is not valid: {why}")]
    InvalidValue {
        /// The field.
        field: String,
        /// What is wrong, in plain English.
        why: String,
    },
    /// The ground is not one the Article allows.
    #[error("{given:?} is not a lawful ground for {request}: use one of {known}")]
    UnknownGround {
        /// Erasure or restriction.
        request: &'static str,
        /// What was given.
        given: String,
        /// The keys allowed.
        known: String,
    },
    /// A reason is needed.
    #[error("give the reason for the {0}")]
    NoReason(&'static str),
    /// How the request was received is needed.
    #[error("say how the request was received (for example: letter, email, in person)")]
    NoReceived,
    /// Longer than a register keeps.
    #[error("the {what} must be {max} characters or fewer")]
    TooLong {
        /// What was too long.
        what: &'static str,
        /// The most allowed.
        max: usize,
    },
    /// Control characters (other than a new line) are not kept.
    #[error("the {0} has control characters")]
    ControlCharacters(&'static str),
}

/// A lawful ground: its key (as typed) and what it says.
pub type Ground = (&'static str, &'static str);

/// UK GDPR Art. 17(1): when a person has the right to have their data erased.
pub const ERASURE_GROUNDS: &[Ground] = &[
    ("17-1-a", "Art. 17(1)(a): no longer necessary for the purposes it was collected for"),
    ("17-1-b", "Art. 17(1)(b): consent withdrawn and no other legal ground"),
    ("17-1-c", "Art. 17(1)(c): the person objects (Art. 21) and there are no overriding legitimate grounds"),
    ("17-1-d", "Art. 17(1)(d): processed unlawfully"),
    ("17-1-e", "Art. 17(1)(e): erasure needed to comply with a legal obligation"),
    ("17-1-f", "Art. 17(1)(f): collected for information society services offered to a child"),
];

/// UK GDPR Art. 18(1): when a person has the right to restrict processing.
pub const RESTRICTION_GROUNDS: &[Ground] = &[
    (
        "18-1-a",
        "Art. 18(1)(a): accuracy contested, while the council checks it",
    ),
    (
        "18-1-b",
        "Art. 18(1)(b): processing unlawful and the person asks for restriction instead of erasure",
    ),
    (
        "18-1-c",
        "Art. 18(1)(c): no longer needed, but the person needs it for a legal claim",
    ),
    (
        "18-1-d",
        "Art. 18(1)(d): the person has objected (Art. 21(1)) pending verification of the grounds",
    ),
];

fn ground(
    list: &'static [Ground],
    request: &'static str,
    given: &str,
) -> Result<&'static str, RightsError> {
    let g = given
        .trim()
        .to_ascii_lowercase()
        .replace(['(', ')', ' ', '.'], "-");
    let g = g.trim_matches('-');
    list.iter()
        .find(|(k, _)| *k == g || k.replace('-', "") == g.replace('-', ""))
        .map(|(_, text)| *text)
        .ok_or_else(|| RightsError::UnknownGround {
            request,
            given: given.to_string(),
            known: list.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
        })
}

/// The erasure ground `given` names (e.g. `17-1-a`), as stored and shown.
pub fn erasure_ground(given: &str) -> Result<&'static str, RightsError> {
    ground(ERASURE_GROUNDS, "erasure", given)
}

/// The restriction ground `given` names (e.g. `18-1-a`), as stored and shown.
pub fn restriction_ground(given: &str) -> Result<&'static str, RightsError> {
    ground(RESTRICTION_GROUNDS, "restriction", given)
}

/// A reason as stored: trimmed, required, at most 2,000 characters, no control characters.
pub fn reason(request: &'static str, text: &str) -> Result<String, RightsError> {
    let t = text.trim().replace("\r\n", "\n");
    if t.is_empty() {
        return Err(RightsError::NoReason(request));
    }
    if t.chars().count() > 2000 {
        return Err(RightsError::TooLong {
            what: "reason",
            max: 2000,
        });
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(RightsError::ControlCharacters("reason"));
    }
    Ok(t)
}

/// How a request was received (letter, email, in person…), as stored: trimmed, required, at
/// most 200 characters, no control characters.
pub fn received_how(text: &str) -> Result<String, RightsError> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(RightsError::NoReceived);
    }
    if t.chars().count() > 200 {
        return Err(RightsError::TooLong {
            what: "way the request was received",
            max: 200,
        });
    }
    if t.chars().any(char::is_control) {
        return Err(RightsError::ControlCharacters(
            "way the request was received",
        ));
    }
    Ok(t)
}

/// A corrected identifier, checked and written as the store keeps it: names and addresses
/// trimmed (one space between words), a date of birth as `YYYY-MM-DD` (not after `today`,
/// not before 1900), a postcode, NHS or National Insurance number in its standard form.
pub fn corrected_value(field: &str, value: &str, today: NaiveDate) -> Result<String, RightsError> {
    let invalid = |why: &str| RightsError::InvalidValue {
        field: field.to_string(),
        why: why.to_string(),
    };
    let words = value.split_whitespace().collect::<Vec<_>>().join(" ");
    match field {
        "given_name" | "family_name" | "full_name" | "address" => {
            if words.is_empty() {
                return Err(invalid("it is empty"));
            }
            if words.chars().count() > 500 || words.chars().any(char::is_control) {
                return Err(invalid("it is too long or has control characters"));
            }
            let allowed = |c: char| {
                c.is_alphabetic()
                    || ('\u{300}'..='\u{36f}').contains(&c) // combining accents
                    || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.')
                    || (field == "address" && (c.is_ascii_digit() || matches!(c, ',' | '/' | '&' | '(' | ')')))
            };
            if !words.chars().all(allowed) {
                return Err(invalid(if field == "address" {
                    "an address has only letters, digits, spaces and , / - ' . & ( ) (no other symbols or emoji)"
                } else {
                    "a name has only letters, spaces, hyphens, apostrophes and full stops (no digits, symbols or emoji)"
                }));
            }
            Ok(words)
        }
        "date_of_birth" => {
            let d = NaiveDate::parse_from_str(&words, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(&words, "%d/%m/%Y"))
                .or_else(|_| NaiveDate::parse_from_str(&words, "%d %m %Y"))
                .map_err(|_| invalid("write the date as 27 3 2011, 27/03/2011 or 2011-03-27"))?;
            if d > today || d < NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date") {
                return Err(invalid("it is in the future or before 1900"));
            }
            Ok(d.format("%Y-%m-%d").to_string())
        }
        "postcode" => Postcode::parse(&words)
            .map(|p| p.as_str().to_string())
            .map_err(|_| invalid("it is not a UK postcode")),
        "nhs_number" => NhsNumber::parse(&words)
            .map(|n| n.as_str().to_string())
            .map_err(|_| invalid("an NHS number is ten digits with a valid check digit")),
        "ni_number" => NiNumber::parse(&words)
            .map(|n| n.as_str().to_string())
            .map_err(|_| {
                invalid("a National Insurance number is two letters, six digits and a letter A–D")
            }),
        other => Err(RightsError::UnknownField(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    #[test]
    fn corrected_values_are_checked_and_normalised_and_errors_never_echo_them() {
        assert_eq!(
            corrected_value("given_name", "  Ann  Marie ", today()).unwrap(),
            "Ann Marie"
        );
        assert_eq!(
            corrected_value("date_of_birth", "02/01/2010", today()).unwrap(),
            "2010-01-02"
        );
        assert_eq!(
            corrected_value("nhs_number", "943 476 5919", today()).unwrap(),
            "9434765919"
        );
        let e = corrected_value("nhs_number", "943 476 5918", today()).unwrap_err();
        assert!(!e.to_string().contains("5918"), "{e}");
        assert!(corrected_value("date_of_birth", "2030-01-01", today()).is_err());
        assert!(corrected_value("given_name", " ", today()).is_err());
        // Letters of any alphabet, with their accents, and the punctuation names have.
        for name in [
            "Zoë-Sophia",
            "O'Brien",
            "O\u{2019}Brien",
            "St. John",
            "Zoe\u{308}",
            "Łucja",
        ] {
            assert!(
                corrected_value("given_name", name, today()).is_ok(),
                "{name}"
            );
        }
        for name in ["Zoë 🙂", "<script>", "J0hn", "Ann;"] {
            let e = corrected_value("given_name", name, today()).unwrap_err();
            assert!(!e.to_string().contains(name), "{e}");
        }
        assert!(corrected_value("address", "Flat 2/3, 14 Acre Lane (rear)", today()).is_ok());
        assert!(corrected_value("address", "14 Acre Lane <b>", today()).is_err());
        assert_eq!(
            corrected_value("date_of_birth", "27 3 2011", today()).unwrap(),
            "2011-03-27"
        );
        assert!(matches!(
            corrected_value("sex", "F", today()),
            Err(RightsError::UnknownField(_))
        ));
    }

    #[test]
    fn grounds_are_the_articles_own_and_typed_loosely() {
        assert!(erasure_ground("17-1-a")
            .unwrap()
            .starts_with("Art. 17(1)(a)"));
        assert!(erasure_ground("17(1)(d)")
            .unwrap()
            .starts_with("Art. 17(1)(d)"));
        assert!(restriction_ground("18-1-a")
            .unwrap()
            .starts_with("Art. 18(1)(a)"));
        assert!(erasure_ground("18-1-a").is_err());
        assert!(restriction_ground("because").is_err());
        assert!(reason("erasure", "  ").is_err());
        assert!(matches!(
            reason("erasure", &"x".repeat(2001)),
            Err(RightsError::TooLong { max: 2000, .. })
        ));
        assert_eq!(received_how("  a  letter ").unwrap(), "a letter");
        assert_eq!(received_how(" "), Err(RightsError::NoReceived));
        assert_eq!(
            reason("erasure", " asked in writing ").unwrap(),
            "asked in writing"
        );
    }
}
