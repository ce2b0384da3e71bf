//! Matching names: partner file names against a mapping's `files` patterns, and header
//! cells against the column names a mapping gives.
//!
//! Pure functions over `&str`; they do not read files.

use crate::values::fold;

/// Header names compare without a stray byte-order mark, folded (`values::fold`): trimmed,
/// without case, non-breaking spaces as spaces, runs of spaces as one.
pub(crate) fn normalise_header(h: &str) -> String {
    fold(h.trim().trim_start_matches('\u{feff}'))
}

/// True for a character a person cannot see in a header: a control character other than
/// the spaces `fold` already treats as spaces, or a format character (zero-width space,
/// soft hyphen, direction marks, byte-order mark...).
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c,
            '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}'
            | '\u{17b5}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// The name a data officer can search for: `U+200B (zero-width space)`.
fn invisible_name(c: char) -> String {
    let name = match c {
        '\u{00ad}' => " (soft hyphen)",
        '\u{200b}' => " (zero-width space)",
        '\u{200c}' => " (zero-width non-joiner)",
        '\u{200d}' => " (zero-width joiner)",
        '\u{200e}' => " (left-to-right mark)",
        '\u{200f}' => " (right-to-left mark)",
        '\u{2060}' => " (word joiner)",
        '\u{feff}' => " (byte-order mark)",
        c if c.is_control() => " (control character)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

/// The header cell as a person can read it in a message: a tab as `\t`, a non-breaking
/// space as `\u{a0}` and each invisible character as `<U+200B>`, so that a header that
/// differs from the mapping's name does not look identical to it.
pub(crate) fn visible(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\u{a0}' => out.push_str("\\u{a0}"),
            c if is_invisible(c) => out.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// When header cell `h` differs from the mapping's column `column` only by invisible
/// characters, those characters, named (`U+200B (zero-width space)`).
pub(crate) fn invisible_difference(h: &str, column: &str) -> Option<Vec<String>> {
    let hidden: Vec<char> = h.chars().filter(|&c| is_invisible(c)).collect();
    if hidden.is_empty() {
        return None;
    }
    let seen: String = h.chars().filter(|&c| !is_invisible(c)).collect();
    if normalise_header(&seen) != normalise_header(column) {
        return None;
    }
    let mut names: Vec<String> = hidden.into_iter().map(invisible_name).collect();
    names.dedup();
    Some(names)
}

/// Matches a file name against a pattern with `*` (any run) and `?` (one character),
/// case-insensitively.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_whatever_their_spaces_and_case() {
        let key = normalise_header("Contact Type");
        for h in [
            "contact\u{a0}type",
            "Contact  Type",
            " CONTACT\tTYPE ",
            "\u{feff}Contact Type",
        ] {
            assert_eq!(normalise_header(h), key, "{h:?}");
        }
        assert_ne!(normalise_header("Contact\u{200b}Type"), key);
    }

    #[test]
    fn invisible_characters_are_named_and_shown() {
        assert_eq!(
            invisible_difference("Contact\u{200b} Type", "Contact Type"),
            Some(vec!["U+200B (zero-width space)".to_string()])
        );
        assert_eq!(
            invisible_difference("\u{200e}Contact\u{00ad}Type", "ContactType"),
            Some(vec![
                "U+200E (left-to-right mark)".to_string(),
                "U+00AD (soft hyphen)".to_string()
            ])
        );
        assert_eq!(invisible_difference("Contact Type", "Contact Type"), None);
        assert_eq!(
            invisible_difference("Contact\u{200b}Tipe", "Contact Type"),
            None
        );
        assert_eq!(
            visible("NHS No\tName\u{a0}X\u{200b}"),
            "NHS No\\tName\\u{a0}X<U+200B>"
        );
    }
}
