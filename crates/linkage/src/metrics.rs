//! Hand-written string metrics on folded ASCII bytes: Jaro–Winkler, Damerau–Levenshtein
//! (optimal string alignment), and a phonetic code (Soundex with first-letter folding).
//!
//! All functions are total: any input (including empty or non-ASCII bytes) returns a value
//! without panicking, and the similarity/distance functions are symmetric.

/// Jaro similarity in `[0, 1]`.
pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    // Keep `a` the shorter so the result is symmetric regardless of argument order.
    let (a, b) = if (a.len(), a) <= (b.len(), b) {
        (a, b)
    } else {
        (b, a)
    };
    let window = (b.len() / 2).saturating_sub(1);
    let mut b_used = [false; 64];
    let mut b_used_vec;
    let b_used: &mut [bool] = if b.len() <= 64 {
        &mut b_used[..b.len()]
    } else {
        b_used_vec = vec![false; b.len()];
        &mut b_used_vec
    };
    let mut a_match = [0u8; 64];
    let mut a_match_vec;
    let a_match: &mut [u8] = if a.len() <= 64 {
        &mut a_match[..]
    } else {
        a_match_vec = vec![0u8; a.len()];
        &mut a_match_vec
    };
    let mut m = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == ca {
                b_used[j] = true;
                a_match[m] = ca;
                m += 1;
                break;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let mut t = 0usize;
    let mut k = 0usize;
    for (j, &cb) in b.iter().enumerate() {
        if b_used[j] {
            if a_match[k] != cb {
                t += 1;
            }
            k += 1;
        }
    }
    let m = m as f64;
    let t = (t / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

/// Jaro–Winkler similarity in `[0, 1]` (prefix scale 0.1, prefix up to 4).
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let j = jaro(a, b);
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count() as f64;
    (j + prefix * 0.1 * (1.0 - j)).clamp(0.0, 1.0)
}

/// Damerau–Levenshtein distance (optimal string alignment: insertions, deletions,
/// substitutions and transpositions of adjacent characters).
pub fn damerau_levenshtein(a: &[u8], b: &[u8]) -> usize {
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return m;
    }
    if m == 0 {
        return n;
    }
    let w = m + 1;
    // Three rows; on the stack for the short strings names and identifiers are.
    let mut stack = [0usize; 3 * 33];
    let mut heap;
    let rows: &mut [usize] = if w <= 33 {
        &mut stack[..3 * w]
    } else {
        heap = vec![0usize; 3 * w];
        &mut heap
    };
    let (prev2, rest) = rows.split_at_mut(w);
    let (prev, cur) = rest.split_at_mut(w);
    let (mut prev2, mut prev, mut cur) = (prev2, prev, cur);
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// `damerau_levenshtein(a, b) <= k`, ruling most unrelated pairs out without the quadratic
/// table: every edit (insertion, deletion, substitution; a transposition moves none) changes by
/// at most one the characters `a` has beyond `b`'s, and those `b` has beyond `a`'s, so either
/// count above `k` settles it. Bytes share 64 buckets, which only lowers the counts (the bound
/// stays valid). Two different NHS numbers or UPNs of strangers are told apart here.
pub fn damerau_levenshtein_at_most(a: &[u8], b: &[u8], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    let mut count = [0i32; 64];
    for &c in a {
        count[(c & 63) as usize] += 1;
    }
    for &c in b {
        count[(c & 63) as usize] -= 1;
    }
    let (mut more, mut fewer) = (0usize, 0usize);
    for &d in &count {
        if d > 0 {
            more += d as usize;
        } else {
            fewer += (-d) as usize;
        }
    }
    if more > k || fewer > k {
        return false;
    }
    damerau_levenshtein(a, b) <= k
}

/// True when the Damerau–Levenshtein distance is at most one. Allocation-free.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == n && p == m {
        return true;
    }
    let (ra, rb) = (&a[p..], &b[p..]);
    if n == m {
        // substitution or adjacent transposition
        ra[1..] == rb[1..]
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if n > m {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

fn soundex_digit(c: u8) -> u8 {
    match c {
        b'b' | b'f' | b'p' | b'v' => b'1',
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
        b'd' | b't' => b'3',
        b'l' => b'4',
        b'm' | b'n' => b'5',
        b'r' => b'6',
        b'h' | b'w' => b'h',
        _ => b'0', // vowels, y and anything else
    }
}

/// A phonetic code for a folded lower-case name: Soundex (four characters) after folding
/// first-letter spellings that sound alike (`c`/`k`/`q`, `ph`/`f`, `kn`/`n`, `wr`/`r`,
/// `z`/`s`), so that Catherine and Katherine, Philip and Filip share a code. Packed into a
/// `u32`; `0` for a name without letters.
pub fn phonetic(name: &[u8]) -> u32 {
    let letters: Vec<u8> = name
        .iter()
        .copied()
        .filter(u8::is_ascii_lowercase)
        .collect();
    let mut s: &[u8] = &letters;
    if s.is_empty() {
        return 0;
    }
    let first = match s {
        [b'p', b'h', ..] => {
            s = &s[1..];
            b'f'
        }
        [b'k', b'n', ..] | [b'w', b'r', ..] | [b'p', b's', ..] => {
            s = &s[1..];
            s[0]
        }
        [b'c' | b'q', ..] => b'k',
        [b'z', ..] => b's',
        [c, ..] => *c,
        [] => return 0,
    };
    let mut code = [first, b'0', b'0', b'0'];
    let mut n = 1;
    let mut last = soundex_digit(s[0]);
    for &c in &s[1..] {
        let d = soundex_digit(c);
        if d == b'h' {
            continue; // h and w do not separate equal codes
        }
        if d != b'0' && d != last {
            code[n] = d;
            n += 1;
            if n == 4 {
                break;
            }
        }
        last = d;
    }
    u32::from_be_bytes(code)
}

/// An upper bound on `jaro_winkler(x, y)` from character counts alone (a few nanoseconds; the
/// metric itself is quadratic): Jaro's matching characters are at most the characters the two
/// strings have in common, ignoring the window and transpositions; bytes share 64 buckets,
/// which only loosens the bound. Two addresses of a block that share nothing but a date of
/// birth or a name are told apart here without the metric.
pub(crate) fn jaro_winkler_at_most(x: &[u8], y: &[u8]) -> f64 {
    if x.is_empty() || y.is_empty() {
        return 1.0;
    }
    let (mut cx, mut cy) = ([0u8; 64], [0u8; 64]);
    for &c in x {
        let k = (c & 63) as usize;
        cx[k] = cx[k].saturating_add(1);
    }
    for &c in y {
        let k = (c & 63) as usize;
        cy[k] = cy[k].saturating_add(1);
    }
    if x.len() > 255 || y.len() > 255 {
        return 1.0;
    }
    let m: u32 = cx.iter().zip(&cy).map(|(a, b)| u32::from(*a.min(b))).sum();
    jaro_winkler_bound(m as usize, x, y)
}

/// The bytes' 64 buckets (as in [`jaro_winkler_at_most`]) as a bit set: what a name carries
/// for [`names_too_far_apart`].
pub(crate) fn buckets(x: &[u8]) -> u64 {
    x.iter().fold(0, |m, &c| m | 1 << (c & 63))
}

/// Whether two names' Jaro–Winkler similarity is surely under 0.80 (what makes them neither
/// fuzzy nor close), from their buckets alone: a byte whose bucket the other name lacks
/// matches nothing, so each name's count of such buckets comes off the matching characters.
/// Most names a block puts side by side ("SMITH", "JONES") are settled here, without the
/// metric.
pub(crate) fn names_too_far_apart(x: &[u8], y: &[u8], bx: u64, by: u64) -> bool {
    if x.is_empty() || y.is_empty() {
        return false;
    }
    let only_x = (bx & !by).count_ones() as usize;
    let only_y = (by & !bx).count_ones() as usize;
    let m = x
        .len()
        .saturating_sub(only_x)
        .min(y.len().saturating_sub(only_y));
    jaro_winkler_bound(m, x, y) < 0.80
}

/// Jaro–Winkler at most, when at most `m` characters can match (transpositions ignored).
fn jaro_winkler_bound(m: usize, x: &[u8], y: &[u8]) -> f64 {
    let m = m as f64;
    let j = ((m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0).min(1.0);
    let j = if m == 0.0 { 0.0 } else { j };
    let prefix = x.iter().zip(y).take(4).take_while(|(a, b)| a == b).count() as f64;
    // A margin for rounding: the bound must never fall below the metric as computed.
    j + prefix * 0.1 * (1.0 - j) + 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler(b"martha", b"marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler(b"dwayne", b"duane") - 0.84).abs() < 1e-2);
        assert!((jaro_winkler(b"dixon", b"dicksonx") - 0.813).abs() < 1e-2);
        assert_eq!(jaro_winkler(b"", b""), 1.0);
        assert_eq!(jaro_winkler(b"abc", b""), 0.0);
    }

    #[test]
    fn damerau_levenshtein_known_values() {
        assert_eq!(damerau_levenshtein(b"ca", b"ac"), 1);
        assert_eq!(damerau_levenshtein(b"kitten", b"sitting"), 3);
        assert_eq!(damerau_levenshtein(b"", b"abc"), 3);
        assert_eq!(damerau_levenshtein(b"smith", b"smyth"), 1);
    }

    #[test]
    fn within_one_edit_agrees_with_distance() {
        for (a, b) in [
            ("smith", "smiht"),
            ("smith", "smit"),
            ("smith", "smiths"),
            ("ab", "ba"),
            ("abc", "xyz"),
            ("", "a"),
            ("", ""),
        ] {
            assert_eq!(
                within_one_edit(a.as_bytes(), b.as_bytes()),
                damerau_levenshtein(a.as_bytes(), b.as_bytes()) <= 1,
                "{a} {b}"
            );
        }
    }

    #[test]
    fn phonetic_codes() {
        assert_eq!(phonetic(b"robert"), phonetic(b"rupert"));
        assert_eq!(phonetic(b"catherine"), phonetic(b"katherine"));
        assert_eq!(phonetic(b"mohammed"), phonetic(b"muhammad"));
        assert_eq!(phonetic(b"philip"), phonetic(b"filip"));
        assert_ne!(phonetic(b"smith"), phonetic(b"jones"));
        assert_eq!(phonetic(b""), 0);
        assert_eq!(phonetic(b"123"), 0);
    }

    proptest::proptest! {
        #[test]
        fn metrics_symmetric_bounded(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
            let (x, y) = (a.as_bytes(), b.as_bytes());
            let j1 = jaro_winkler(x, y);
            let j2 = jaro_winkler(y, x);
            proptest::prop_assert!((0.0..=1.0).contains(&j1));
            proptest::prop_assert!((j1 - j2).abs() < 1e-12);
            let d = damerau_levenshtein(x, y);
            proptest::prop_assert_eq!(d, damerau_levenshtein(y, x));
            proptest::prop_assert!(d <= x.len().max(y.len()));
            proptest::prop_assert_eq!(within_one_edit(x, y), d <= 1);
            proptest::prop_assert_eq!(d == 0, a == b);
            for k in 0..4 {
                proptest::prop_assert_eq!(damerau_levenshtein_at_most(x, y, k), d <= k);
            }
        }

        /// The bound agrees with the distance on identifiers and their near copies (random
        /// strings are mostly far apart; edited copies exercise the cases the table decides).
        #[test]
        fn the_bounded_distance_agrees_with_the_distance(
            a in "[0-9A-Z]{0,14}",
            edits in proptest::collection::vec((0usize..16, 0u8..4, "[0-9A-Z]"), 0..4),
        ) {
            let mut b: Vec<u8> = a.as_bytes().to_vec();
            for (at, kind, c) in edits {
                let at = at.min(b.len());
                let c = c.as_bytes()[0];
                match kind {
                    0 => b.insert(at, c),
                    1 if at < b.len() => { b.remove(at); }
                    2 if at < b.len() => b[at] = c,
                    3 if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            let d = damerau_levenshtein(a.as_bytes(), &b);
            for k in 0..5 {
                proptest::prop_assert_eq!(damerau_levenshtein_at_most(a.as_bytes(), &b, k), d <= k);
            }
        }

        #[test]
        fn metrics_never_panic(a in proptest::collection::vec(proptest::num::u8::ANY, 0..80), b in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let _ = jaro_winkler(&a, &b);
            let _ = damerau_levenshtein(&a, &b);
            let _ = damerau_levenshtein_at_most(&a, &b, 2);
            let _ = within_one_edit(&a, &b);
            let _ = phonetic(&a);
        }
    }

    proptest::proptest! {
        /// The quick bound never rules out an address pair the metric would keep.
        #[test]
        fn the_address_bound_is_never_below_the_metric(
            a in "[A-Z0-9 ,]{0,40}",
            b in "[A-Z0-9 ,]{0,40}",
            cut in 0usize..40,
        ) {
            // Unrelated strings, and a string against an edited copy of itself.
            let c = format!("{}{}", &a[..cut.min(a.len())], b);
            for (x, y) in [(&a, &b), (&a, &c), (&c, &b)] {
                let (x, y) = (x.as_bytes(), y.as_bytes());
                proptest::prop_assert!(jaro_winkler_at_most(x, y) >= jaro_winkler(x, y));
            }
        }

        /// Names the bucket test sets apart are never fuzzy matches by the metric.
        #[test]
        fn names_set_apart_by_their_buckets_are_under_the_fuzzy_threshold(
            a in "[A-Z'-]{0,14}",
            b in "[A-Z'-]{0,14}",
            cut in 0usize..14,
        ) {
            let c = format!("{}{}", &a[..cut.min(a.len())], b);
            for (x, y) in [(&a, &b), (&a, &c), (&c, &b), (&b, &a)] {
                let (x, y) = (x.as_bytes(), y.as_bytes());
                if names_too_far_apart(x, y, buckets(x), buckets(y)) {
                    proptest::prop_assert!(jaro_winkler(x, y) < 0.80);
                }
            }
        }
    }
}
