//! What users type, validated on parse: account names, display names, passwords (with the
//! one password rule), notes. A value of these types has passed its rule, so an unchecked
//! string never reaches the service layer.
//!
//! Each parse error is the plain-English message shown beside the field; where it is shown
//! (a page, the API, the command line) is the caller's business.

/// The minimum password length.
pub(crate) const MIN_PASSWORD: usize = 12;

/// The longest note, in characters.
pub(crate) const NOTE_LIMIT: usize = 5000;

/// An account name: 3–64 characters, lower-case letters, digits, `.`, `-`, `_` (what is
/// typed is trimmed and lower-cased first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UserName(String);

impl UserName {
    /// Trims and lower-cases `raw`, then checks it.
    pub(crate) fn parse(raw: &str) -> Result<UserName, String> {
        let name = raw.trim().to_lowercase();
        if valid_user_name(&name) {
            Ok(UserName(name))
        } else {
            Err(
                "Enter a user name of 3 to 64 lower-case letters, digits, dots, hyphens or underscores"
                    .into(),
            )
        }
    }

    /// The name.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a user name: 3–64 characters, lower-case letters, digits, `.`, `-`, `_`.
fn valid_user_name(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A person's name as shown: not blank, at most 100 characters (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DisplayName(String);

impl DisplayName {
    /// Checks `raw` and trims it.
    pub(crate) fn parse(raw: &str) -> Result<DisplayName, String> {
        if raw.trim().is_empty() || raw.chars().count() > 100 {
            Err("Enter the person's name, 100 characters or fewer".into())
        } else {
            Ok(DisplayName(raw.trim().to_string()))
        }
    }

    /// The name.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that follows the one rule for every new password (accounts added on the
/// page or by `hearth users`, and passwords changed by their owners): at least
/// [`MIN_PASSWORD`] characters.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl Password {
    /// Checks `raw` against the rule.
    pub(crate) fn parse(raw: &str) -> Result<Password, PasswordTooShort> {
        if raw.chars().count() >= MIN_PASSWORD {
            Ok(Password(raw.to_string()))
        } else {
            Err(PasswordTooShort)
        }
    }

    /// The password.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

/// A password shorter than [`MIN_PASSWORD`]: each form words its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PasswordTooShort;

/// A note on a case: not blank, at most [`NOTE_LIMIT`] characters (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteText(String);

impl NoteText {
    /// Trims `raw` and checks it.
    pub(crate) fn parse(raw: &str) -> Result<NoteText, String> {
        let body = raw.trim();
        if body.is_empty() {
            Err("Enter a note".into())
        } else if body.chars().count() > NOTE_LIMIT {
            Err(format!("Note must be {NOTE_LIMIT} characters or fewer"))
        } else {
            Ok(NoteText(body.to_string()))
        }
    }

    /// The text.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        assert!(valid_user_name("lead.worker-2"));
        assert!(!valid_user_name("Lead"));
        assert!(!valid_user_name("ab"));
        assert!(!valid_user_name("a b c"));
        assert_eq!(
            UserName::parse(" Lead.Worker ").unwrap().as_str(),
            "lead.worker"
        );
    }

    #[test]
    fn passwords_notes_and_names_follow_their_rules() {
        assert_eq!(Password::parse("short"), Err(PasswordTooShort));
        assert!(Password::parse("twelve chars").is_ok());
        assert!(NoteText::parse("  ").is_err());
        assert!(NoteText::parse(&"x".repeat(NOTE_LIMIT + 1)).is_err());
        assert_eq!(NoteText::parse(" hi ").unwrap().into_string(), "hi");
        assert!(DisplayName::parse(" ").is_err());
        assert!(!format!("{:?}", Password::parse("a secret password").unwrap()).contains("secret"));
    }
}
