//! Addresses: one normalisation (folded words, one abbreviation table, one noise-word list,
//! house numbers apart) and the household address key built on it.
//!
//! [`address`] is what linkage compares; [`address_key`] is what households group by. Both
//! see the same words, so "Flat 2, 40 High St" and "2/40 HIGH STREET" agree everywhere. It
//! does not check postcodes (see [`crate::Postcode`]) or decide who lives together.

use super::names::fold;
use super::placeholder::{usable_address, usable_postcode};
use crate::Postcode;

/// Abbreviations written in addresses and the word each stands for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("st", "street"),
    ("str", "street"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("ln", "lane"),
    ("dr", "drive"),
    ("drv", "drive"),
    ("cl", "close"),
    ("ct", "court"),
    ("crt", "court"),
    ("cres", "crescent"),
    ("cresc", "crescent"),
    ("pl", "place"),
    ("gdns", "gardens"),
    ("gdn", "garden"),
    ("sq", "square"),
    ("tce", "terrace"),
    ("ter", "terrace"),
    ("hse", "house"),
    ("cir", "circuit"),
    ("cct", "circuit"),
    ("pde", "parade"),
    ("hwy", "highway"),
    ("mt", "mount"),
    ("nth", "north"),
    ("sth", "south"),
    ("est", "estate"),
    ("grv", "grove"),
    ("gr", "grove"),
    ("pk", "park"),
    ("wy", "way"),
];

/// Words that say nothing about which dwelling an address is: the words before a flat
/// number, and "the". ("Room" is not one: in names such as "Grant Hostel Room" it is part of
/// the building's name.)
pub const NOISE_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "no", "number", "the"];

/// A normalised address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// The numbers then the words, joined by spaces.
    pub text: String,
    /// House/flat numbers found (first one first), e.g. `["2", "14a"]` for "Flat 2, 14A High St":
    /// every word that holds a digit.
    pub numbers: Vec<String>,
    /// The other words (street, locality), abbreviations expanded.
    pub words: Vec<String>,
}

/// One word of a normalised address.
enum Token<'a> {
    /// A word holding a digit: a house or flat number such as `14a`.
    Number(&'a str),
    /// Any other word, its abbreviation expanded.
    Word(&'a str),
}

/// The words of folded address text, without the noise words, abbreviations expanded.
fn tokens(folded: &str) -> impl Iterator<Item = Token<'_>> {
    folded
        .split(' ')
        .filter(|w| !w.is_empty() && !NOISE_WORDS.contains(w))
        .map(|w| {
            if w.bytes().any(|b| b.is_ascii_digit()) {
                Token::Number(w)
            } else {
                Token::Word(
                    ABBREVIATIONS
                        .iter()
                        .find(|(k, _)| *k == w)
                        .map(|(_, v)| *v)
                        .unwrap_or(w),
                )
            }
        })
}

/// Normalises an address: folds, expands abbreviations (St→street, Rd→road…), drops the
/// [`NOISE_WORDS`], puts house numbers apart. The postcode's text is removed from the address
/// when `postcode_full` is given. `None` when nothing is left.
pub fn address(text: &str, postcode_full: Option<&str>) -> Option<Address> {
    let mut f = fold(text);
    if let Some(pc) = postcode_full {
        let pcf = fold(pc);
        if !pcf.is_empty() {
            f = f.replace(&pcf, " ");
        }
    }
    let mut out = Address::default();
    for t in tokens(&f) {
        match t {
            Token::Number(n) => out.numbers.push(n.to_owned()),
            Token::Word(w) => out.words.push(w.to_owned()),
        }
    }
    let mut all: Vec<&str> = out.numbers.iter().map(String::as_str).collect();
    all.extend(out.words.iter().map(String::as_str));
    out.text = all.join(" ");
    (!out.text.is_empty()).then_some(out)
}

/// Finds a UK postcode written at the end of an address, as police and housing systems
/// write them (`12 High St, Anytown AB1 2DE`, `12 High St AB12DE`): the address before it
/// (trailing commas and spaces removed) and the postcode. `None` when the address does not
/// end in a valid postcode, or when nothing is left before it.
pub fn split_postcode(text: &str) -> Option<(&str, Postcode)> {
    let is_sep = |c: char| c.is_whitespace() || c == ',';
    // The start of the word after the last separator in `s`, if there is a separator.
    let last_word = |s: &str| {
        s.char_indices()
            .rev()
            .find(|(_, c)| is_sep(*c))
            .map(|(i, c)| i + c.len_utf8())
    };
    let body = text.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.'));
    let mut cuts = Vec::with_capacity(2);
    // The last word alone (`AB12DE`), then the last two words (`AB1 2DE`).
    if let Some(last) = last_word(body) {
        cuts.push(last);
        let before = body[..last].trim_end_matches(char::is_whitespace);
        if let Some(prev) = last_word(before) {
            cuts.push(prev);
        }
    }
    for cut in cuts {
        let Ok(pc) = Postcode::parse(&body[cut..]) else {
            continue;
        };
        let rest = body[..cut].trim_end_matches(is_sep);
        if rest.chars().any(char::is_alphanumeric) {
            return Some((rest, pc));
        }
    }
    None
}

/// Appends each of `words` to `key`, separated by single spaces.
fn push_words<'a>(key: &mut String, words: impl Iterator<Item = &'a str>) {
    for w in words {
        if !key.is_empty() && !key.ends_with('|') {
            key.push(' ');
        }
        key.push_str(w);
    }
}

fn number(t: Token<'_>) -> Option<&str> {
    match t {
        Token::Number(n) => Some(n),
        Token::Word(_) => None,
    }
}

fn word(t: Token<'_>) -> Option<&str> {
    match t {
        Token::Word(w) => Some(w),
        Token::Number(_) => None,
    }
}

/// A key that two recordings of the same dwelling share: the normalised postcode plus the
/// numbers in the address (flat and house number), which typing errors in street names do
/// not disturb, e.g. `M1 1AE|2 40`. Addresses without numbers (named houses) use their first
/// two words. Without a valid postcode the whole normalised address ([`Address::text`]) is
/// the key. `None` when there is no address: none written, only punctuation, or a placeholder
/// ("No fixed abode", "Address withheld, NE4 7QT": [`usable_address`]); a pseudo-postcode
/// (`ZZ99 3WZ`) is no postcode. The words are [`address`]'s, with the postcode's text removed
/// from the address.
pub fn address_key(address_text: Option<&str>, postcode: Option<&str>) -> Option<String> {
    let text = address_text.and_then(usable_address)?;
    let postcode = postcode.and_then(usable_postcode);
    let mut f = fold(text);
    let mut key = String::with_capacity(f.len() + 10);
    match postcode {
        Some(pc) => {
            let pcf = fold(pc.as_str());
            if f.contains(&pcf) {
                f = f.replace(&pcf, " ");
            }
            key.push_str(pc.as_str());
            key.push('|');
            push_words(&mut key, tokens(&f).filter_map(number));
            if key.ends_with('|') {
                push_words(&mut key, tokens(&f).filter_map(word).take(2));
            }
        }
        None => {
            push_words(&mut key, tokens(&f).filter_map(number));
            push_words(&mut key, tokens(&f).filter_map(word));
            if key.is_empty() {
                // Nothing but punctuation or noise words ("-", "?", "Flat"): no dwelling.
                return None;
            }
        }
    }
    Some(key)
}

/// The postcode sector of an address key (`WA7 2ES|34` → `WA7 2`): the area a family is
/// filtered and counted by. `None` for a key made without a valid postcode.
pub fn postcode_sector(address_key: &str) -> Option<String> {
    let (postcode, _) = address_key.split_once('|')?;
    Postcode::parse(postcode)
        .ok()
        .map(|p| p.sector().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_postcode_at_the_end_of_an_address_is_split_off() {
        let split = |s| split_postcode(s).map(|(a, p)| (a, p.as_str().to_owned()));
        assert_eq!(
            split("12 High St, Anytown AB1 2DE"),
            Some(("12 High St, Anytown", "AB1 2DE".to_owned()))
        );
        assert_eq!(
            split("12 High St, Anytown, ab12de."),
            Some(("12 High St, Anytown", "AB1 2DE".to_owned()))
        );
        assert_eq!(
            split("Flat 2, 14 High St,SW1A 1AA"),
            Some(("Flat 2, 14 High St", "SW1A 1AA".to_owned()))
        );
        assert_eq!(split("12 High Street, Anytown"), None);
        assert_eq!(split("AB1 2DE"), None);
        assert_eq!(split("12 High St, Anytown AB1 2CD"), None);
        assert_eq!(split(""), None);
    }

    #[test]
    fn addresses_normalise() {
        let a = address("Flat 2, 14 High St.", None).unwrap();
        assert_eq!(a.text, "2 14 high street");
        assert_eq!(a.numbers, vec!["2", "14"]);
        let b = address("2/14 HIGH STREET", None).unwrap();
        assert_eq!(b.text, "2 14 high street");
        let c = address("3 Mill Rd, LS1 4AB", Some("LS1 4AB")).unwrap();
        assert_eq!(c.text, "3 mill road");
        let d = address("The Old Rectory", None).unwrap();
        assert_eq!(d.words, vec!["old", "rectory"]);
        assert_eq!(address("Flat, the", None), None);
    }

    #[test]
    fn address_keys_ignore_spelling_and_case() {
        let a = address_key(Some("Flat 2, 40 High Street"), Some("m11ae"));
        let b = address_key(Some("2/40 high st"), Some("M1 1AE"));
        assert_eq!(a, b);
        assert_eq!(a.as_deref(), Some("M1 1AE|2 40"));
        assert_ne!(
            a,
            address_key(Some("Flat 3, 40 High Street"), Some("M1 1AE"))
        );
        assert_eq!(
            address_key(Some("Rose Cottage, Mill Lane"), Some("M1 1AE")).as_deref(),
            Some("M1 1AE|rose cottage")
        );
        assert_eq!(address_key(None, Some("M1 1AE")), None);
        assert_eq!(address_key(Some("  "), Some("M1 1AE")), None);
        assert_eq!(
            address_key(Some("12 Acacia Avenue"), Some("not a postcode")).as_deref(),
            Some("12 acacia avenue")
        );
        // The same words as linkage: accents, abbreviations, "the", the postcode in the line.
        assert_eq!(
            address_key(Some("The Old Rectory, Mill Ln"), Some("M1 1AE")),
            address_key(Some("Old Rectory, Mill Lane"), Some("M1 1AE")),
        );
        assert_eq!(
            address_key(Some("12 High St, M1 1AE"), Some("M1 1AE")).as_deref(),
            Some("M1 1AE|12")
        );
        assert_eq!(
            address_key(Some("Flat"), Some("M1 1AE")).as_deref(),
            Some("M1 1AE|")
        );
    }

    #[test]
    fn placeholder_addresses_and_pseudo_postcodes_make_no_key() {
        for (a, p) in [
            ("No fixed abode", None),
            ("NO FIXED ABODE", Some("NE4 7QT")),
            ("N.F.A.", None),
            ("Unknown", None),
            ("Address withheld, NE4 7QT", Some("NE4 7QT")),
            ("Address withheld", Some("NE4 7QT")),
            ("", Some("ZZ99 3VZ")),
            ("-", None),
            ("?", Some("ZZ99 3WZ")),
        ] {
            assert_eq!(address_key(Some(a), p), None, "{a:?} {p:?}");
        }
        // A pseudo-postcode is no postcode: the address lines alone are the key.
        assert_eq!(
            address_key(Some("12 High St"), Some("ZZ99 3WZ")).as_deref(),
            Some("12 high street")
        );
        assert_eq!(
            address_key(Some("1 Unknown Lane"), Some("NE4 7QT")).as_deref(),
            Some("NE4 7QT|1")
        );
        assert_eq!(
            address_key(Some("1 Unknown Lane"), None).as_deref(),
            Some("1 unknown lane")
        );
    }

    #[test]
    fn a_key_places_its_address_in_a_postcode_sector() {
        let key = address_key(Some("34 Brook Street"), Some("wa72es")).unwrap();
        assert_eq!(postcode_sector(&key).as_deref(), Some("WA7 2"));
        let key = address_key(Some("12 Acacia Avenue"), Some("not a postcode")).unwrap();
        assert_eq!(postcode_sector(&key), None);
        assert_eq!(postcode_sector("garbage|1"), None);
    }

    proptest! {
        #[test]
        fn normalisers_never_panic(s in "\\PC{0,40}", p in "\\PC{0,10}") {
            if let Some(a) = address(&s, Some(&p)) {
                prop_assert!(a.text.is_ascii() && !a.text.is_empty());
                prop_assert!(a.numbers.iter().all(|n| n.bytes().any(|b| b.is_ascii_digit())));
                prop_assert!(a.words.iter().all(|w| !NOISE_WORDS.contains(&w.as_str())));
            }
            let _ = address_key(Some(&s), Some(&p));
            let _ = postcode_sector(&s);
            if let Some((rest, _)) = split_postcode(&s) {
                prop_assert!(s.starts_with(rest) && !rest.is_empty());
            }
        }

        #[test]
        fn keys_are_made_of_the_normalised_words(s in "[A-Za-z0-9 ,/.'-]{0,30}") {
            let a = address(&s, None).unwrap_or_default();
            let usable = usable_address(&s).is_some();
            prop_assert_eq!(address_key(Some(&s), Some("bad")), Some(a.text.clone()).filter(|t| usable && !t.is_empty()));
            let a = address(&s, Some("M1 1AE")).unwrap_or_default();
            let tail = if a.numbers.is_empty() {
                a.words.iter().take(2).cloned().collect::<Vec<_>>().join(" ")
            } else {
                a.numbers.join(" ")
            };
            prop_assert_eq!(address_key(Some(&s), Some("M1 1AE")), Some(format!("M1 1AE|{tail}")).filter(|_| usable));
        }

        #[test]
        fn keys_ignore_case_and_noise(line in "[0-9]{1,3} [A-Za-z]{3,10} (Street|St|Road|Rd)") {
            let pc = Some("M1 1AE");
            let k = address_key(Some(&line), pc);
            prop_assert_eq!(&k, &address_key(Some(&line.to_uppercase()), pc));
            prop_assert_eq!(&k, &address_key(Some(&format!("Flat 0, {line}")), pc)
                .map(|k| k.replacen("|0 ", "|", 1)));
            let sector = k.as_deref().and_then(postcode_sector);
            prop_assert_eq!(sector.as_deref(), Some("M1 1"));
        }
    }
}
