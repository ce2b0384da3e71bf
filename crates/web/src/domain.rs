//! What users type, validated on parse: account names, display names, passwords (with the
//! one password rule), notes. A value of these types has passed its rule, so an unchecked
//! string never reaches the service layer.
//!
//! Each parse error is the plain-English message shown beside the field; where it is shown
//! (a page, the API, the command line) is the caller's business.

use hearth_model::standardise::dates::MONTHS;

/// The minimum password length.
pub(crate) const MIN_PASSWORD: usize = 12;

/// The longest note, in characters.
pub(crate) const NOTE_LIMIT: usize = 5000;

/// The longest user name typed at sign-in, in characters (an account name has at most 64).
pub(crate) const SIGN_IN_NAME_LIMIT: usize = 64;

/// The longest password typed at sign-in, in characters: far above any password anyone
/// types, low enough that checking one costs nothing unusual.
pub(crate) const SIGN_IN_PASSWORD_LIMIT: usize = 1024;

/// Whether `c` is a control character (Unicode Cc) or one of the characters that change the
/// direction text is shown in (U+200E/F, U+202A–202E, U+2066–2069): with those, "evil" can
/// be shown as "live", so names and notes refuse them.
pub(crate) fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds a character [`is_control`] refuses, other than line breaks and tabs
/// where `lines` allows them (notes).
pub(crate) fn has_control(text: &str, lines: bool) -> bool {
    text.chars()
        .any(|c| is_control(c) && !(lines && matches!(c, '\n' | '\r' | '\t')))
}

/// `raw` made safe to keep in the audit log and show: control and direction characters
/// replaced by `?`, cut to `limit` characters (a cut is marked with `…`).
pub(crate) fn for_the_record(raw: &str, limit: usize) -> String {
    let mut out: String = raw
        .chars()
        .take(limit)
        .map(|c| if is_control(c) { '?' } else { c })
        .collect();
    if raw.chars().nth(limit).is_some() {
        out.push('…');
    }
    out
}

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
        } else if has_control(raw, false) {
            Err("The person's name must not contain control or text-direction characters".into())
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
/// [`MIN_PASSWORD`] characters, and not one a guesser tries first (NCSC: refuse common
/// passwords rather than demand a mix of characters) — a common password or word with
/// digits or symbols added, one character repeated, a run along the keyboard or the
/// alphabet, or the account's own name.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// What guessers try first, in lower case: the stem left after digits and symbols are
/// taken off either end is refused when it is one of these (or a month's name, [`MONTHS`]).
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "pass",
    "qwerty",
    "qwertyuiop",
    "azerty",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "iloveyou",
    "football",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "baseball",
    "master",
    "shadow",
    "superman",
    "trustno",
    "changeme",
    "secret",
    "login",
    "hello",
    "abc",
    "test",
    "user",
    "default",
    "summer",
    "winter",
    "spring",
    "autumn",
    "hearth",
    "supportingfamilies",
    "supporting",
    "families",
    "family",
    "troubledfamilies",
    "council",
    "liverpool",
    "london",
    "manchester",
    "chelsea",
    "arsenal",
    "everton",
];

/// Runs a guesser walks along: the alphabet, digits and the keyboard's rows.
const RUNS: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    // The letter rows read one after another.
    "qwertyuiopasdfghjklzxcvbnm",
];

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordRefused {
    /// Shorter than [`MIN_PASSWORD`].
    TooShort,
    /// Long enough, but among what a guesser tries first.
    Guessable,
}

impl PasswordRefused {
    /// What the password must be, to follow "Enter a (new) password ".
    pub(crate) fn rule(self) -> String {
        match self {
            PasswordRefused::TooShort => format!("of at least {MIN_PASSWORD} characters"),
            PasswordRefused::Guessable => "that is hard to guess: not a common password or word with numbers added, not one character repeated or a run like 123456 or qwerty, and not the user name".to_string(),
        }
    }
}

/// Whether `raw` (lower case) is among what a guesser tries first for the account `user`.
fn guessable(raw: &str, user: &str) -> bool {
    let lower = raw.to_lowercase();
    let stem = lower.trim_matches(|c: char| !c.is_alphabetic());
    let user = user.trim().to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let repeated = chars.windows(2).all(|w| w[0] == w[1]);
    // Every step along one run (either way), like 123456789012 or qwertyuiopas.
    let along_a_run = RUNS.iter().any(|run| {
        let run: Vec<char> = run.chars().collect();
        let at = |c: char| run.iter().position(|&r| r == c);
        chars.windows(2).all(|w| match (at(w[0]), at(w[1])) {
            (Some(a), Some(b)) => a.abs_diff(b) == 1 || (a, b) == (run.len() - 1, 0),
            _ => false,
        })
    });
    repeated
        || along_a_run
        || COMMON.contains(&stem)
        || MONTHS.contains(&stem)
        || stem.is_empty()
        || (user.chars().count() >= 3 && lower.contains(&user))
}

impl Password {
    /// Checks `raw`, a new password for the account named `user` (empty when not known),
    /// against the rule.
    pub(crate) fn parse(raw: &str, user: &str) -> Result<Password, PasswordRefused> {
        if raw.chars().count() < MIN_PASSWORD {
            Err(PasswordRefused::TooShort)
        } else if guessable(raw, user) {
            Err(PasswordRefused::Guessable)
        } else {
            Ok(Password(raw.to_string()))
        }
    }

    /// The password.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

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
        } else if has_control(body, true) {
            Err("Note must not contain control or text-direction characters".into())
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
        assert_eq!(Password::parse("short", ""), Err(PasswordRefused::TooShort));
        assert!(Password::parse("twelve chars", "").is_ok());
        for guessable in [
            "password1234",
            "Password1234!",
            "123456789012",
            "210987654321",
            "aaaaaaaaaaaa",
            "qwertyuiopas",
            "Welcome2026!",
            "!!!!2026####",
            "pat.officer-2026",
            "September2026!",
        ] {
            assert_eq!(
                Password::parse(guessable, "pat.officer"),
                Err(PasswordRefused::Guessable),
                "{guessable}"
            );
        }
        for fine in [
            "correct horse battery",
            "Tulips in March 1987",
            "x7#Lp9qR2mWz",
        ] {
            assert!(Password::parse(fine, "pat.officer").is_ok(), "{fine}");
        }
        assert!(NoteText::parse("  ").is_err());
        assert!(NoteText::parse(&"x".repeat(NOTE_LIMIT + 1)).is_err());
        assert_eq!(NoteText::parse(" hi ").unwrap().into_string(), "hi");
        assert!(DisplayName::parse(" ").is_err());
        assert!(
            !format!("{:?}", Password::parse("a secret password", "").unwrap()).contains("secret")
        );
    }

    #[test]
    fn control_and_direction_characters_are_refused_in_names_and_notes() {
        for bad in [
            "\u{202E}evil",
            "a\u{2066}b",
            "x\u{200F}",
            "bell\u{7}",
            "nul\u{0}",
        ] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
            assert!(NoteText::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DisplayName::parse("Zoë O'Brien-Smith").is_ok());
        assert!(DisplayName::parse("two\nlines").is_err());
        assert!(NoteText::parse("first line\nsecond\tline").is_ok());
        assert_eq!(for_the_record("\u{202E}live", 10), "?live");
        assert_eq!(for_the_record(&"x".repeat(100), 3), "xxx…");
    }
}
