//! Parsers for the values partner files hold besides dates and names (which are
//! `hearth_model::standardise`'s): numbers, money, yes/no flags, and a workbook number as
//! text. Pure functions over `&str`; none of them panics on any input.

/// Text as Hearth compares names and codes: trimmed, without case, with non-breaking and
/// other spaces as plain spaces and each run of them as one (`"Contact\u{a0} TYPE"` is
/// `"contact type"`). Headers, translation codes and allowed values are matched so.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The decimal mark of a column's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Decimal {
    /// `3.5`, `1,234.5`: a point, with commas between thousands (UK exports).
    #[default]
    Point,
    /// `3,5`, `1.234,5`: a comma, with points between thousands (European exports, as
    /// written in semicolon-separated files).
    Comma,
}

impl Decimal {
    /// `examples` (written with a point, commas between thousands) as this mark writes them,
    /// with a word on the column's mark when it is a comma: `12 or 3,5 (a comma as the
    /// decimal mark, as in this column)`.
    pub(crate) fn examples(self, examples: &str) -> String {
        match self {
            Decimal::Point => examples.to_string(),
            Decimal::Comma => {
                let swapped: String = examples
                    .chars()
                    .map(|c| match c {
                        '.' => ',',
                        ',' => '.',
                        c => c,
                    })
                    .collect();
                format!("{swapped} (a comma as the decimal mark, as in this column)")
            }
        }
    }
}

/// `s` (trimmed, a sign allowed first) rewritten for reading with a decimal point: with
/// [`Decimal::Comma`], the points (or spaces) between groups of three digits before the comma
/// are dropped and the comma becomes a point (`1.234,5` and `1 234,5` → `1234.5`, `1,500` →
/// `1.500`); `None`
/// when its points are not between thousands, or it has two commas. Unchanged with
/// [`Decimal::Point`].
fn point_form(s: &str, mark: Decimal) -> Option<std::borrow::Cow<'_, str>> {
    // Where the comma is the mark, thousands may also be set apart by a space (`1 234,5`,
    // as French and Scandinavian exports write them, often a no-break space).
    const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];
    if mark == Decimal::Comma && s.contains(SPACES) {
        let dotted = s.replace(SPACES, ".");
        return point_form(&dotted, mark).map(|f| std::borrow::Cow::Owned(f.into_owned()));
    }
    if mark == Decimal::Point || !s.contains([',', '.']) {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let digits = s.trim_start_matches(['-', '+']);
    let sign = &s[..s.len() - digits.len()];
    let (int, frac) = match digits.split_once(',') {
        Some((_, f)) if f.contains(',') => return None,
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if int.contains('.') {
        let mut groups = int.split('.');
        let first = groups.next().unwrap_or_default();
        let grouped = (1..=3).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return None;
        }
    }
    let mut out = format!("{sign}{}", int.replace('.', ""));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(std::borrow::Cow::Owned(out))
}

/// Parses a count or measure: `12`, `-3`, `3.5`, `1,234` (thousands commas are allowed).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    parse_number_in(s, Decimal::Point)
}

/// [`parse_number`] with the column's decimal mark: with [`Decimal::Comma`], `3,5`,
/// `1.234,5`, and `1,500` is 1.5.
pub(crate) fn parse_number_in(s: &str, mark: Decimal) -> Option<f64> {
    let s = point_form(s.trim(), mark)?;
    let s = s.as_ref();
    let cleaned;
    let s = if s.contains(',') {
        if !thousands_ok(s) {
            return None;
        }
        cleaned = s.replace(',', "");
        cleaned.as_str()
    } else {
        s
    };
    // Rust's float parser accepts "inf", "NaN" and exponents; partner files mean none of them.
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// True if the commas in `s` separate groups of three digits before any decimal point.
fn thousands_ok(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '+']);
    let int = s.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && !s.split_once('.').is_some_and(|(_, f)| f.contains(','))
}

/// Parses a percentage from 0 to 100 with the column's decimal mark: `87.5`, `87.5%`, `100 %`
/// (`87,5 %` with a comma).
pub(crate) fn parse_percentage_in(s: &str, mark: Decimal) -> Option<f64> {
    let s = s.trim();
    let s = s.strip_suffix('%').unwrap_or(s);
    parse_number_in(s, mark).filter(|v| (0.0..=100.0).contains(v))
}

/// Parses an amount of money in pounds: `£1,234.50`, `1234.5`, `0.00`, `-£12.00`, `(12.00)`,
/// `GBP 12`; as finance systems write them, `500.00 CR` (a credit: −500), `500.00 DR` (a
/// debit: 500) and `500.00-`; and a spreadsheet's accounting zero, `£ -`. Returns pounds as a
/// number.
pub(crate) fn parse_money(s: &str) -> Option<f64> {
    parse_money_in(s, Decimal::Point)
}

/// [`parse_money`] with the column's decimal mark (`£1.234,50`, `12,00 CR`).
pub(crate) fn parse_money_in(s: &str, mark: Decimal) -> Option<f64> {
    let mut s = s.trim();
    let mut negative = false;
    // A credit or debit marker, or a trailing minus, after the amount.
    let upper = s
        .get(s.len().saturating_sub(2)..)
        .map(str::to_ascii_uppercase);
    match upper.as_deref() {
        Some("CR") => {
            negative = true;
            s = s[..s.len() - 2].trim_end();
        }
        Some("DR") => s = s[..s.len() - 2].trim_end(),
        _ => {
            if let Some(rest) = s
                .strip_suffix('-')
                .filter(|r| r.ends_with(|c: char| c.is_ascii_digit()))
            {
                negative = true;
                s = rest;
            }
        }
    }
    if let Some(rest) = s.strip_prefix('£').or_else(|| s.strip_prefix("GBP")) {
        if rest.trim() == "-" {
            return Some(0.0);
        }
    }
    let marked = negative;
    if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        if marked {
            return None;
        }
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return None;
        }
        negative = true;
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix('£').or_else(|| s.strip_prefix("GBP")) {
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return None;
        }
        negative = true;
        s = rest;
    }
    if s.is_empty() || s.starts_with(['+', '-']) {
        return None;
    }
    let s = point_form(s, mark)?;
    // At most two decimal places: pence.
    if s.split_once('.')
        .is_some_and(|(_, p)| p.is_empty() || p.len() > 2)
    {
        return None;
    }
    let v = parse_number(&s)?;
    Some(if negative { -v } else { v })
}

/// Parses a yes/no flag: `Y`/`N`, `Yes`/`No`, `True`/`False`, `1`/`0`, any case.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "t" | "1" => Some(true),
        "n" | "no" | "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// Formats a workbook number as the text a person sees: `12345`, not `12345.0`.
pub(crate) fn number_text(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(s: &str) -> Option<f64> {
        parse_percentage_in(s, Decimal::Point)
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number(" 3.5 "), Some(3.5));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("1,23"), None);
        assert_eq!(parse_number("1O"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("1e5"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_money("£1,234.50"), Some(1234.5));
        assert_eq!(parse_money("0.00"), Some(0.0));
        assert_eq!(parse_money("-£12.00"), Some(-12.0));
        assert_eq!(parse_money("£-12.00"), Some(-12.0));
        assert_eq!(parse_money("(12.00)"), Some(-12.0));
        assert_eq!(parse_money("GBP 12"), Some(12.0));
        assert_eq!(parse_money("500.00 CR"), Some(-500.0));
        assert_eq!(parse_money("£1,250.00cr"), Some(-1250.0));
        assert_eq!(parse_money("500.00 DR"), Some(500.0));
        assert_eq!(parse_money("500.00-"), Some(-500.0));
        assert_eq!(parse_money("£ -"), Some(0.0));
        assert_eq!(parse_money("£-"), Some(0.0));
        // Two signs are one too many; a marker alone is no amount.
        assert_eq!(parse_money("-500.00 CR"), None);
        assert_eq!(parse_money("(500.00) CR"), None);
        assert_eq!(parse_money("-500.00-"), None);
        assert_eq!(parse_money("CR"), None);
        assert_eq!(parse_money("-"), None);
        assert_eq!(parse_money("£1.234,50"), None);
        assert_eq!(parse_money("12.345"), None);
        assert_eq!(parse_money("£"), None);
        assert_eq!(parse_money("--1"), None);
    }

    #[test]
    fn a_comma_as_the_decimal_mark() {
        let c = Decimal::Comma;
        assert_eq!(parse_number_in("87,5", c), Some(87.5));
        assert_eq!(parse_number_in("1,500", c), Some(1.5));
        assert_eq!(parse_number_in("1.500", c), Some(1500.0));
        assert_eq!(parse_number_in("1.234.567,25", c), Some(1_234_567.25));
        assert_eq!(parse_number_in("1 234 567,25", c), Some(1_234_567.25));
        assert_eq!(parse_number_in("1\u{a0}234,5", c), Some(1234.5));
        assert_eq!(parse_number_in("1 500", c), Some(1500.0));
        assert_eq!(parse_number_in("12 34,5", c), None);
        assert_eq!(parse_money_in("£1 234,50", c), Some(1234.5));
        assert_eq!(parse_number_in("-0,25", c), Some(-0.25));
        assert_eq!(parse_number_in("12", c), Some(12.0));
        assert_eq!(parse_number_in("87.5", c), None);
        assert_eq!(parse_number_in("1,2,3", c), None);
        assert_eq!(parse_number_in("1.23,4", c), None);
        assert_eq!(parse_number_in(",", c), None);
        assert_eq!(parse_percentage_in("87,5 %", c), Some(87.5));
        assert_eq!(parse_percentage_in("100,1", c), None);
        assert_eq!(parse_money_in("£1.234,50", c), Some(1234.5));
        assert_eq!(parse_money_in("(12,00)", c), Some(-12.0));
        assert_eq!(parse_money_in("500,00 CR", c), Some(-500.0));
        assert_eq!(parse_money_in("12,345", c), None);
        // The point as the mark reads as before.
        assert_eq!(parse_number_in("1,500", Decimal::Point), Some(1500.0));
        assert_eq!(parse_number_in("87,5", Decimal::Point), None);
    }

    #[test]
    fn percentages() {
        assert_eq!(pct("87.5"), Some(87.5));
        assert_eq!(pct(" 87.5 % "), Some(87.5));
        assert_eq!(pct("100%"), Some(100.0));
        assert_eq!(pct("0"), Some(0.0));
        assert_eq!(pct("100.1"), None);
        assert_eq!(pct("-1%"), None);
        assert_eq!(pct("%"), None);
        assert_eq!(pct("87.5%%"), None);
    }

    #[test]
    fn folding_ignores_case_and_every_kind_of_space() {
        assert_eq!(fold(" Contact\u{a0}TYPE "), "contact type");
        assert_eq!(fold("Contact  \t Date"), "contact date");
        assert_eq!(fold("Contact\u{202f}Date"), "contact date");
        assert_eq!(fold("Zoë"), "zoë");
        assert_eq!(fold("   "), "");
        // Invisible characters that are not spaces stay: they are named, not ignored.
        assert_eq!(fold("Contact\u{200b}Type"), "contact\u{200b}type");
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("Y"), Some(true));
        assert_eq!(parse_bool("no"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn workbook_numbers() {
        assert_eq!(number_text(12345.0), "12345");
        assert_eq!(number_text(1.5), "1.5");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_number(&s);
            let _ = parse_money(&s);
            let _ = parse_bool(&s);
            let _ = pct(&s);
            let _ = parse_number_in(&s, Decimal::Comma);
            let _ = parse_money_in(&s, Decimal::Comma);
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
        }

        #[test]
        fn numbers_never_panic(v in proptest::num::f64::ANY) {
            let _ = number_text(v);
        }
    }
}
