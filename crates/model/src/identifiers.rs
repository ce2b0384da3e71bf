//! Validated identifier newtypes: parse once at the boundary, trust afterwards.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier failed to parse. Messages are written for a data officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// An NHS number that is not ten digits.
    #[error("an NHS number has 10 digits; this has {0}")]
    NhsLength(usize),
    /// An NHS number whose check digit does not match.
    #[error("the NHS number's check digit is wrong (a typing error?)")]
    NhsCheckDigit,
    /// An NI number not of the form AB123456C.
    #[error("a National Insurance number looks like AB123456C (two letters, six digits, A-D)")]
    NiFormat,
    /// An NI number using a prefix that HMRC never issues.
    #[error("a National Insurance number cannot start with {0}")]
    NiPrefix(String),
    /// A UPN not of the form letter + 12 characters.
    #[error(
        "a Unique Pupil Number has 13 characters: a check letter, 11 digits and a digit or letter"
    )]
    UpnFormat,
    /// A UPN whose check letter does not match.
    #[error("the Unique Pupil Number's check letter is wrong (a typing error?)")]
    UpnCheckLetter,
    /// A postcode not in any valid UK format.
    #[error("a UK postcode looks like M1 1AE, B33 8TH or SW1A 2AA")]
    Postcode,
}

fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An NHS number: ten digits, the tenth a modulus-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Parses `943 476 5919`, `943-476-5919` or `9434765919`.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let digits = compact_upper(s);
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::NhsLength(
                digits.chars().filter(|c| c.is_ascii_digit()).count(),
            ));
        }
        let d: Vec<u32> = digits.bytes().map(|b| (b - b'0') as u32).collect();
        match Self::check_digit(d[..9].try_into().expect("nine digits")) {
            Some(c) if c == d[9] => Ok(NhsNumber(digits)),
            _ => Err(IdentifierError::NhsCheckDigit),
        }
    }

    /// The check digit for the first nine digits, or `None` when no valid number has them
    /// (the modulus-11 remainder gives 10).
    pub fn check_digit(first9: [u32; 9]) -> Option<u32> {
        let sum: u32 = first9
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u32))
            .sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            c => Some(c),
        }
    }

    /// The ten digits without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A National Insurance number, e.g. `AB123456C`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NiNumber(String);

impl NiNumber {
    /// Parses an NI number, ignoring spaces and case. The suffix (A–D) may be missing, as in
    /// some older records; it is then stored without one.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let c = compact_upper(s);
        let b = c.as_bytes();
        if !c.is_ascii()
            || !(c.len() == 8 || c.len() == 9)
            || !b[0].is_ascii_alphabetic()
            || !b[1].is_ascii_alphabetic()
            || !b[2..8].iter().all(u8::is_ascii_digit)
            || (c.len() == 9 && !matches!(b[8], b'A'..=b'D'))
        {
            return Err(IdentifierError::NiFormat);
        }
        let (p0, p1) = (b[0], b[1]);
        let bad_first = b"DFIQUV".contains(&p0);
        let bad_second = b"DFIQUVO".contains(&p1);
        let prefix = &c[..2];
        if bad_first || bad_second || ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&prefix) {
            return Err(IdentifierError::NiPrefix(prefix.to_string()));
        }
        Ok(NiNumber(c))
    }

    /// The number without spaces, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The eight characters without the suffix letter, for matching records that drop it.
    pub fn stem(&self) -> &str {
        &self.0[..8]
    }
}

/// A Unique Pupil Number (DfE): a check letter followed by twelve characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

impl Upn {
    /// Parses a UPN and verifies its check letter (DfE's modulus-23 algorithm).
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let c = compact_upper(s);
        let b = c.as_bytes();
        if !c.is_ascii()
            || c.len() != 13
            || !UPN_LETTERS.contains(&b[0])
            || !b[1..12].iter().all(u8::is_ascii_digit)
            || !(b[12].is_ascii_digit() || UPN_LETTERS.contains(&b[12]))
        {
            return Err(IdentifierError::UpnFormat);
        }
        let body: [u8; 12] = b[1..13].try_into().expect("twelve characters");
        if Self::check_letter(&body) == Some(b[0] as char) {
            Ok(Upn(c))
        } else {
            Err(IdentifierError::UpnCheckLetter)
        }
    }

    /// The check letter for the twelve characters after it, or `None` if they are not valid
    /// UPN characters.
    pub fn check_letter(body: &[u8; 12]) -> Option<char> {
        let mut sum = 0u32;
        for (i, &ch) in body.iter().enumerate() {
            let v = if ch.is_ascii_digit() {
                (ch - b'0') as u32
            } else {
                // A letter in the final position (temporary UPNs) counts by its position in
                // the check-letter alphabet.
                UPN_LETTERS.iter().position(|&l| l == ch)? as u32
            };
            sum += v * (i as u32 + 2);
        }
        Some(UPN_LETTERS[(sum % 23) as usize] as char)
    }

    /// The thirteen characters, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UK postcode in its normal form: upper case, one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Parses any spacing and case (`sw1a1aa`, `SW1A  1AA`) into `SW1A 1AA`.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let c = compact_upper(s);
        let b = c.as_bytes();
        if !(5..=7).contains(&c.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(IdentifierError::Postcode);
        }
        let (outward, inward) = c.split_at(c.len() - 3);
        let ib = inward.as_bytes();
        let inward_ok = ib[0].is_ascii_digit()
            && ib[1].is_ascii_alphabetic()
            && ib[2].is_ascii_alphabetic()
            && !b"CIKMOV".contains(&ib[1])
            && !b"CIKMOV".contains(&ib[2]);
        let ob = outward.as_bytes();
        let a = |i: usize| ob.get(i).is_some_and(u8::is_ascii_alphabetic);
        let d = |i: usize| ob.get(i).is_some_and(u8::is_ascii_digit);
        // Outward patterns: A9, A99, AA9, AA99, A9A, AA9A.
        let outward_ok = match ob.len() {
            2 => a(0) && d(1),
            3 => (a(0) && d(1) && d(2)) || (a(0) && a(1) && d(2)) || (a(0) && d(1) && a(2)),
            4 => (a(0) && a(1) && d(2) && d(3)) || (a(0) && a(1) && d(2) && a(3)),
            _ => false,
        };
        if !(outward_ok && inward_ok) || b.is_empty() {
            return Err(IdentifierError::Postcode);
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }

    /// The postcode in normal form, e.g. `SW1A 1AA`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (postcode district), e.g. `SW1A`.
    pub fn district(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }

    /// The sector: district plus the inward digit, e.g. `SW1A 1`.
    pub fn sector(&self) -> &str {
        &self.0[..self.0.len() - 2]
    }

    /// The area: the leading letters, e.g. `SW`.
    pub fn area(&self) -> &str {
        let n = self.0.bytes().take_while(u8::is_ascii_alphabetic).count();
        &self.0[..n]
    }
}

macro_rules! string_newtype_impls {
    ($($t:ident),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = IdentifierError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $t::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl std::str::FromStr for $t {
            type Err = IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::parse(s)
            }
        }
    )*};
}
string_newtype_impls!(NhsNumber, NiNumber, Upn, Postcode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nhs_numbers() {
        assert_eq!(
            NhsNumber::parse("9434765919").unwrap().as_str(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::parse(" 943-476-5919 ").unwrap().as_str(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::parse("9434765918"),
            Err(IdentifierError::NhsCheckDigit)
        );
        assert_eq!(
            NhsNumber::parse("943476591"),
            Err(IdentifierError::NhsLength(9))
        );
        assert!(NhsNumber::parse("94347659AB").is_err());
    }

    #[test]
    fn ni_numbers() {
        assert_eq!(
            NiNumber::parse("ab 12 34 56 c").unwrap().as_str(),
            "AB123456C"
        );
        assert_eq!(NiNumber::parse("AB123456").unwrap().stem(), "AB123456");
        assert_eq!(NiNumber::parse("AB123456E"), Err(IdentifierError::NiFormat));
        assert_eq!(
            NiNumber::parse("QQ123456C"),
            Err(IdentifierError::NiPrefix("QQ".into()))
        );
        assert_eq!(
            NiNumber::parse("GB123456A"),
            Err(IdentifierError::NiPrefix("GB".into()))
        );
    }

    #[test]
    fn upns() {
        let body = *b"820200100001";
        let check = Upn::check_letter(&body).unwrap();
        let upn = format!("{check}820200100001");
        assert_eq!(Upn::parse(&upn.to_lowercase()).unwrap().as_str(), upn);
        let wrong = if check == 'A' { 'B' } else { 'A' };
        assert_eq!(
            Upn::parse(&format!("{wrong}820200100001")),
            Err(IdentifierError::UpnCheckLetter)
        );
        assert_eq!(Upn::parse("A12"), Err(IdentifierError::UpnFormat));
    }

    #[test]
    fn postcodes() {
        for (raw, norm, district, sector) in [
            ("sw1a1aa", "SW1A 1AA", "SW1A", "SW1A 1"),
            ("M1 1AE", "M1 1AE", "M1", "M1 1"),
            ("b338th", "B33 8TH", "B33", "B33 8"),
            ("CR2 6XH", "CR2 6XH", "CR2", "CR2 6"),
            ("dn55 1pt", "DN55 1PT", "DN55", "DN55 1"),
            ("W1A 0AX", "W1A 0AX", "W1A", "W1A 0"),
        ] {
            let p = Postcode::parse(raw).unwrap();
            assert_eq!(
                (p.as_str(), p.district(), p.sector()),
                (norm, district, sector)
            );
        }
        assert_eq!(Postcode::parse("SW1A 1AA").unwrap().area(), "SW");
        for bad in ["", "12345", "SW1A 1A", "SW1A1AAA", "1W1A 1AA", "M1 1CE"] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn nhs_check_digit_round_trips(first9 in proptest::array::uniform9(0u32..10)) {
            if let Some(c) = NhsNumber::check_digit(first9) {
                let s: String = first9.iter().chain(std::iter::once(&c)).map(|d| char::from(b'0' + *d as u8)).collect();
                prop_assert!(NhsNumber::parse(&s).is_ok());
                // Any single-digit change is caught.
                let mut bad = s.clone().into_bytes();
                bad[3] = b'0' + ((bad[3] - b'0' + 1) % 10);
                prop_assert!(NhsNumber::parse(std::str::from_utf8(&bad).unwrap()).is_err());
            }
        }

        #[test]
        fn postcode_parse_never_panics(s in "\\PC{0,12}") {
            let _ = Postcode::parse(&s);
        }

        #[test]
        fn postcode_normal_form_is_stable(s in "[A-Z]{1,2}[0-9]{1,2} ?[0-9][ABD-HJLNP-UW-Z]{2}") {
            let p = Postcode::parse(&s).unwrap();
            prop_assert_eq!(Postcode::parse(p.as_str()).unwrap(), p.clone());
            prop_assert_eq!(Postcode::parse(&p.as_str().to_lowercase().replace(' ', "")).unwrap(), p);
        }
    }
}
