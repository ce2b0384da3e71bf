//! Standardisation: turns what partners typed into comparable, folded ASCII values.
//!
//! Every function here is total (never panics) and pure.

use std::collections::HashMap;

/// Folds one character to lower-case ASCII: strips accents (é→e, ł→l, ø→o), expands
/// ligatures (ß→ss, æ→ae). Returns the folded text for the character (possibly empty).
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let s = match c {
        'À'..='Å' | 'à'..='å' | 'Ā' | 'ā' | 'Ă' | 'ă' | 'Ą' | 'ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Č' | 'č' | 'Ĉ' | 'ĉ' | 'Ċ' | 'ċ' => "c",
        'Ď' | 'ď' | 'Đ' | 'đ' | 'Ð' | 'ð' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē' | 'ē' | 'Ė' | 'ė' | 'Ę' | 'ę' | 'Ě' | 'ě' => "e",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ī' | 'ī' | 'Į' | 'į' | 'İ' | 'ı' => "i",
        'Ł' | 'ł' | 'Ĺ' | 'ĺ' | 'Ľ' | 'ľ' => "l",
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ň' | 'ň' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō' | 'ō' | 'Ő' | 'ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ř' | 'ř' | 'Ŕ' | 'ŕ' => "r",
        'Ś' | 'ś' | 'Š' | 'š' | 'Ş' | 'ş' => "s",
        'ß' => "ss",
        'Ť' | 'ť' | 'Ţ' | 'ţ' => "t",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ū' | 'ū' | 'Ů' | 'ů' | 'Ű' | 'ű' => "u",
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Ź' | 'ź' | 'Ż' | 'ż' | 'Ž' | 'ž' => "z",
        'Þ' | 'þ' => "th",
        '\u{2019}' | '\u{2018}' | '`' => "'",
        '\u{2010}'..='\u{2014}' => "-",
        _ if c.is_whitespace() => " ",
        _ => "",
    };
    out.push_str(s);
}

/// Folds text to lower-case ASCII words separated by single spaces. Apostrophes are
/// dropped (O'Brien → obrien); hyphens, commas, dots and other punctuation separate words.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let push = |c: char, out: &mut String| {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' {
            // dropped: o'brien -> obrien
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    let mut buf = String::new();
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else {
            buf.clear();
            fold_char(c, &mut buf);
            for f in buf.chars() {
                push(f, &mut out);
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "rev",
    "revd",
    "sir",
    "dame",
    "master",
    "lord",
    "lady",
    "fr",
    "mstr",
    "esq",
];

/// True for a title such as Mr, Mrs, Dr.
pub fn is_title(word: &str) -> bool {
    TITLES.contains(&word)
}

/// Folds a name and splits it into words, dropping titles.
pub fn name_words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !is_title(w))
        .map(str::to_owned)
        .collect()
}

/// A person's names after standardisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// First given name (folded), empty when unknown.
    pub given: String,
    /// Further given names.
    pub middle: Vec<String>,
    /// Family-name words (a double-barrelled surname has two).
    pub family: Vec<String>,
}

/// Standardises separate given/middle/family fields, falling back to a full-name field
/// (`Forename Middle Surname` or `SURNAME, Forename Middle`) for whatever is missing.
pub fn names(
    given: Option<&str>,
    middle: Option<&str>,
    family: Option<&str>,
    full: Option<&str>,
) -> Names {
    let mut out = Names::default();
    let g = given.map(name_words).unwrap_or_default();
    let mut gi = g.into_iter();
    if let Some(first) = gi.next() {
        out.given = first;
    }
    out.middle.extend(gi);
    if let Some(m) = middle {
        out.middle.extend(name_words(m));
    }
    out.family = family.map(name_words).unwrap_or_default();
    if let Some(full) = full {
        let (fg, fm, ff) = split_full_name(full);
        if out.given.is_empty() {
            out.given = fg;
            if out.middle.is_empty() {
                out.middle = fm;
            }
        }
        if out.family.is_empty() {
            out.family = ff;
        }
    }
    out
}

/// Splits a whole name: `SURNAME, Forename Middle` (comma form) or `Forename Middle Surname`.
pub fn split_full_name(full: &str) -> (String, Vec<String>, Vec<String>) {
    if let Some((fam, rest)) = full.split_once(',') {
        let family = name_words(fam);
        let mut given = name_words(rest).into_iter();
        let first = given.next().unwrap_or_default();
        return (first, given.collect(), family);
    }
    let words: Vec<&str> = full
        .split_whitespace()
        .filter(|w| {
            let f = fold(w);
            !f.is_empty() && !is_title(&f)
        })
        .collect();
    match words.as_slice() {
        [] => (String::new(), Vec::new(), Vec::new()),
        [only] => (String::new(), Vec::new(), name_words(only)),
        [first, middle @ .., last] => {
            let mut given = name_words(first).into_iter();
            let g = given.next().unwrap_or_default();
            let mut mid: Vec<String> = given.collect();
            mid.extend(middle.iter().flat_map(|w| name_words(w)));
            (g, mid, name_words(last))
        }
    }
}

/// The forename equivalence table (nicknames, diminutives, spelling variants).
#[derive(Debug, Clone, Default)]
pub struct Nicknames {
    groups_of: HashMap<String, Vec<u32>>,
    canonical: Vec<String>,
}

/// The shipped table, `data/nicknames.csv`.
pub const DEFAULT_NICKNAMES: &str = include_str!("../data/nicknames.csv");

impl Nicknames {
    /// Parses the CSV-like table: one group per line, the first name canonical; `#` comments.
    pub fn parse(text: &str) -> Nicknames {
        let mut t = Nicknames::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let names: Vec<String> = line
                .split(',')
                .map(fold)
                .filter(|n| !n.is_empty())
                .collect();
            if names.len() < 2 {
                continue;
            }
            let g = t.canonical.len() as u32;
            t.canonical.push(names[0].clone());
            for n in names {
                let e = t.groups_of.entry(n).or_default();
                if !e.contains(&g) {
                    e.push(g);
                }
            }
        }
        t
    }

    /// The shipped default table.
    pub fn shipped() -> Nicknames {
        Nicknames::parse(DEFAULT_NICKNAMES)
    }

    /// Groups a folded name belongs to (empty if none).
    pub fn groups(&self, name: &str) -> &[u32] {
        self.groups_of.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The canonical form used for blocking: the first group's canonical name, or the name.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        match self.groups(name).first() {
            Some(&g) => &self.canonical[g as usize],
            None => name,
        }
    }

    /// True when two folded names share a group.
    pub fn equivalent(&self, a: &str, b: &str) -> bool {
        let ga = self.groups(a);
        let gb = self.groups(b);
        ga.iter().any(|g| gb.contains(g))
    }
}

/// A standardised UK postcode (or, for non-UK codes, the compact upper-case text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdPostcode {
    /// Full code, e.g. `SW1A 1AA` (or compact text when not a valid UK postcode).
    pub full: String,
    /// Sector, e.g. `SW1A 1`; empty when not a valid UK postcode.
    pub sector: String,
    /// District, e.g. `SW1A`; for other codes their first two characters.
    pub district: String,
}

/// Normalises a postcode: valid UK postcodes get their sector and district (via
/// `hearth_model::Postcode`); anything else is kept compact for exact/typo comparison.
pub fn postcode(text: &str) -> Option<StdPostcode> {
    match hearth_model::Postcode::parse(text) {
        Ok(p) => Some(StdPostcode {
            full: p.as_str().to_owned(),
            sector: p.sector().to_owned(),
            district: p.district().to_owned(),
        }),
        Err(_) => {
            let c: String = text
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            // Not a UK postcode (e.g. FEBRL's Australian codes): keep it whole, and take its
            // first two characters as a coarse district (postal codes are hierarchical left
            // to right almost everywhere). No sector.
            let district = if c.len() > 2 {
                c[..2].to_owned()
            } else {
                String::new()
            };
            (!c.is_empty()).then_some(StdPostcode {
                full: c,
                sector: String::new(),
                district,
            })
        }
    }
}

const ADDRESS_WORDS: &[(&str, &str)] = &[
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

const ADDRESS_NOISE: &[&str] = &["flat", "apartment", "apt", "unit", "no", "number", "the"];

/// A standardised address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdAddress {
    /// The normalised words joined by spaces.
    pub text: String,
    /// House/flat numbers found (first one first), e.g. `["2", "14a"]` for "Flat 2, 14A High St".
    pub numbers: Vec<String>,
    /// The non-number words (street, locality).
    pub words: Vec<String>,
}

/// Normalises an address: folds, expands abbreviations (St→street, Rd→road…), drops
/// "Flat"/"Apartment", extracts house numbers. A postcode inside the address is removed when
/// `postcode` is given.
pub fn address(text: &str, postcode_full: Option<&str>) -> Option<StdAddress> {
    let mut f = fold(text);
    if let Some(pc) = postcode_full {
        let pcf = fold(pc);
        if !pcf.is_empty() {
            f = f.replace(&pcf, " ");
        }
    }
    let mut out = StdAddress::default();
    for w in f.split(' ').filter(|w| !w.is_empty()) {
        if ADDRESS_NOISE.contains(&w) {
            continue;
        }
        if w.bytes().any(|b| b.is_ascii_digit()) {
            out.numbers.push(w.to_owned());
            continue;
        }
        let w = ADDRESS_WORDS
            .iter()
            .find(|(k, _)| *k == w)
            .map(|(_, v)| *v)
            .unwrap_or(w);
        out.words.push(w.to_owned());
    }
    let mut all: Vec<&str> = out.numbers.iter().map(String::as_str).collect();
    all.extend(out.words.iter().map(String::as_str));
    out.text = all.join(" ");
    (!out.text.is_empty()).then_some(out)
}

/// A date of birth kept as written, packed `yyyymmdd` (not calendar-checked, so that a typo
/// such as 1945-04-93 still compares with 1945-04-03). `0` means missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dob(pub u32);

impl Dob {
    /// From year, month and day numbers (month and day up to 99).
    pub fn from_ymd(y: u32, m: u32, d: u32) -> Dob {
        Dob(y.min(9999) * 10000 + m.min(99) * 100 + d.min(99))
    }
    /// Year.
    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    /// Month.
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    /// Day.
    pub fn day(self) -> u32 {
        self.0 % 100
    }
    /// True when missing.
    pub fn is_missing(self) -> bool {
        self.0 == 0
    }
    /// The date with day and month ordered (for blocking that tolerates day/month swaps).
    pub fn unordered(self) -> u32 {
        let (a, b) = (self.month().min(self.day()), self.month().max(self.day()));
        self.year() * 10000 + a * 100 + b
    }
}

/// Error parsing a date against a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormatError;

/// Parses a date by a strftime-like format using `%Y`, `%y`, `%m`, `%d` (and `%e`/`%-m`
/// style single digits are accepted for `%m`/`%d`); other characters must match literally.
/// Empty text gives `Ok(None)`. Only the shape is checked (and month/day within 0..=99),
/// so calendar-invalid typos survive for comparison. `%y` two-digit years pivot at 30 years
/// ahead of 2000 (00–29 → 20xx, 30–99 → 19xx).
pub fn parse_dob(text: &str, format: &str) -> Result<Option<Dob>, DateFormatError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let tb = t.as_bytes();
    let fb = format.as_bytes();
    let (mut i, mut k) = (0usize, 0usize);
    let (mut y, mut m, mut d) = (None, None, None);
    let digits = |i: &mut usize, min: usize, max: usize| -> Result<u32, DateFormatError> {
        let start = *i;
        while *i < tb.len() && *i - start < max && tb[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i - start < min {
            return Err(DateFormatError);
        }
        t[start..*i].parse().map_err(|_| DateFormatError)
    };
    while k < fb.len() {
        if fb[k] == b'%' && k + 1 < fb.len() {
            match fb[k + 1] {
                b'Y' => y = Some(digits(&mut i, 4, 4)?),
                b'y' => {
                    let v = digits(&mut i, 2, 2)?;
                    y = Some(if v < 30 { 2000 + v } else { 1900 + v });
                }
                b'm' => m = Some(digits(&mut i, 1, 2)?),
                b'd' | b'e' => d = Some(digits(&mut i, 1, 2)?),
                _ => return Err(DateFormatError),
            }
            k += 2;
        } else {
            if i >= tb.len() || tb[i] != fb[k] {
                return Err(DateFormatError);
            }
            i += 1;
            k += 1;
        }
    }
    if i != tb.len() {
        return Err(DateFormatError);
    }
    match (y, m, d) {
        (Some(y), Some(m), Some(d)) if y > 0 => Ok(Some(Dob::from_ymd(y, m, d))),
        _ => Err(DateFormatError),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_accents_case_punctuation() {
        assert_eq!(fold("  José  O'Brien-Łukasz "), "jose obrien lukasz");
        assert_eq!(fold("ÆSIR, Straße"), "aesir strasse");
        assert_eq!(fold("..."), "");
    }

    #[test]
    fn titles_are_dropped() {
        assert_eq!(name_words("Mr John SMITH"), vec!["john", "smith"]);
        assert_eq!(name_words("Dr. Ayesha Khan"), vec!["ayesha", "khan"]);
    }

    #[test]
    fn full_names_split_both_ways() {
        let n = names(None, None, None, Some("SMITH, John Paul"));
        assert_eq!(
            (n.given.as_str(), n.middle.clone(), n.family.clone()),
            ("john", vec!["paul".to_owned()], vec!["smith".to_owned()])
        );
        let n = names(None, None, None, Some("Mrs Mary Ann Smith-Jones"));
        assert_eq!(n.given, "mary");
        assert_eq!(n.middle, vec!["ann"]);
        assert_eq!(n.family, vec!["smith", "jones"]);
        let n = names(Some("Mary Ann"), None, Some("Smith-Jones"), None);
        assert_eq!(n.middle, vec!["ann"]);
        assert_eq!(n.family, vec!["smith", "jones"]);
    }

    #[test]
    fn nicknames_shipped_groups() {
        let t = Nicknames::shipped();
        assert!(t.equivalent("bill", "william"));
        assert!(t.equivalent("liam", "will"));
        assert!(t.equivalent("liz", "beth"));
        assert!(t.equivalent("muhammad", "mohamed"));
        assert!(t.equivalent("kate", "catherine"));
        assert!(!t.equivalent("john", "william"));
        assert_eq!(t.canonical("billy"), "william");
        assert_eq!(t.canonical("zzz"), "zzz");
    }

    #[test]
    fn postcodes_normalise() {
        let p = postcode("sw1a1aa").unwrap();
        assert_eq!(
            (p.full.as_str(), p.sector.as_str(), p.district.as_str()),
            ("SW1A 1AA", "SW1A 1", "SW1A")
        );
        let p = postcode("4223").unwrap();
        assert_eq!(
            (p.full.as_str(), p.sector.as_str(), p.district.as_str()),
            ("4223", "", "42")
        );
        assert_eq!(postcode(" - "), None);
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
    }

    #[test]
    fn dates_parse_by_format() {
        assert_eq!(parse_dob("19151111", "%Y%m%d"), Ok(Some(Dob(19151111))));
        assert_eq!(parse_dob("03/04/2012", "%d/%m/%Y"), Ok(Some(Dob(20120403))));
        assert_eq!(parse_dob("2012-04-03", "%Y-%m-%d"), Ok(Some(Dob(20120403))));
        assert_eq!(parse_dob("", "%Y-%m-%d"), Ok(None));
        assert_eq!(parse_dob("19450493", "%Y%m%d"), Ok(Some(Dob(19450493))));
        assert_eq!(parse_dob("2012-04-03", "%d/%m/%Y"), Err(DateFormatError));
        assert_eq!(parse_dob("3/4/12", "%d/%m/%y"), Ok(Some(Dob(20120403))));
        assert_eq!(Dob(20120403).unordered(), Dob(20120304).unordered());
    }

    proptest::proptest! {
        #[test]
        fn normalisers_never_panic(s in "\\PC{0,40}") {
            let f = fold(&s);
            proptest::prop_assert!(f.is_ascii());
            proptest::prop_assert_eq!(fold(&f), f.clone());
            let _ = names(Some(&s), Some(&s), Some(&s), Some(&s));
            let _ = split_full_name(&s);
            let _ = postcode(&s);
            let _ = address(&s, Some(&s));
            let _ = parse_dob(&s, "%d/%m/%Y");
            let _ = parse_dob("01/01/2000", &s);
        }
    }
}
