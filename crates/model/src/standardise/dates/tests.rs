//! Tests of the date grammar: the formats intake and linkage read today, and properties.

use super::*;
use proptest::prelude::*;

const ALL: &[DateFormat] = &[DateFormat::UK, DateFormat::ISO, DateFormat::EXCEL_SERIAL];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn w(year: u32, month: u32, day: u32) -> WrittenDate {
    WrittenDate { year, month, day }
}

fn date_to_excel_serial(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days()
}

#[test]
fn formats_have_one_grammar_and_the_old_names() {
    for (old, new, label) in [
        ("dd/mm/yyyy", "%d/%m/%Y", "dd/mm/yyyy"),
        ("yyyy-mm-dd", "%Y-%m-%d", "yyyy-mm-dd"),
        ("excel-serial", "%E", "an Excel date"),
    ] {
        let a = DateFormat::parse(old).unwrap();
        let b = DateFormat::parse(new).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.as_str(), a.label()), (new, label));
        assert_eq!(b.label(), label);
    }
    assert_eq!(DateFormat::parse("%d/%m/%Y").unwrap(), DateFormat::UK);
    assert_eq!(DateFormat::parse("%Y%m%d").unwrap().label(), "yyyymmdd");
    assert_eq!(DateFormat::parse("%d.%m.%y").unwrap().label(), "dd.mm.yy");
    assert!(DateFormat::EXCEL_SERIAL.is_excel_serial());
    assert!(!DateFormat::ISO.is_excel_serial());
    for bad in [
        "mm/dd/yyyy",
        "%d/%m",
        "%d/%m/%Y/%Y",
        "%q",
        "%E%d",
        "",
        "%d/%m/%Y%H",
    ] {
        let e = DateFormat::parse(bad).unwrap_err();
        assert!(e.to_string().contains(&format!("\"{bad}\"")), "{e}");
    }
}

#[test]
fn written_dates_keep_typos() {
    // The linkage reading: shape only.
    assert_eq!(parse_written("19151111", "%Y%m%d"), Ok(w(1915, 11, 11)));
    assert_eq!(parse_written("03/04/2012", "%d/%m/%Y"), Ok(w(2012, 4, 3)));
    assert_eq!(parse_written("2012-04-03", "%Y-%m-%d"), Ok(w(2012, 4, 3)));
    assert_eq!(parse_written("19450493", "%Y%m%d"), Ok(w(1945, 4, 93)));
    assert_eq!(
        parse_written("2012-04-03", "%d/%m/%Y"),
        Err(DateError::Format)
    );
    assert_eq!(parse_written("3/4/12", "%d/%m/%y"), Ok(w(2012, 4, 3)));
    assert_eq!(parse_written("3/4/45", "%d/%m/%y"), Ok(w(1945, 4, 3)));
    assert_eq!(parse_written("3/4/2012", "dd/mm/yyyy"), Ok(w(2012, 4, 3)));
    assert_eq!(parse_written("", "%Y-%m-%d"), Err(DateError::Format));
    assert_eq!(parse_written("45123", "%E"), Ok(w(2023, 7, 16)));
    assert_eq!(parse_written("60", "%E"), Err(DateError::NotReal));
    assert_eq!(parse_written("2012", "%Y"), Err(DateError::Format));
    assert_eq!(
        parse_written("2012-04-03", "%Y-%m-%q"),
        Err(DateError::Format)
    );
    assert_eq!(parse_written("2012-04-03%", "%Y-%m-%d%"), Ok(w(2012, 4, 3)));
}

#[test]
fn uk_dates() {
    let uk = &[DateFormat::UK];
    assert_eq!(DateFormat::first_date("31/01/2024", uk), Ok(d(2024, 1, 31)));
    assert_eq!(DateFormat::first_date(" 1/2/2024 ", uk), Ok(d(2024, 2, 1)));
    assert_eq!(
        DateFormat::first_date("01/02/2024 00:00:00", uk),
        Ok(d(2024, 2, 1))
    );
    assert_eq!(
        DateFormat::first_date("01/02/2024T00:00:00", uk),
        Err(DateError::Format)
    );
    // A 12-hour clock's time is ignored too.
    for s in [
        "3/4/2026 12:00 PM",
        "3/4/2026 9:30am",
        "03/04/2026 00:00:00 AM",
    ] {
        assert_eq!(DateFormat::first_date(s, uk), Ok(d(2026, 4, 3)), "{s}");
    }
    for s in ["3/4/2026 PM", "3/4/2026PM", "3/4/2026 noon PM"] {
        assert_eq!(DateFormat::first_date(s, uk), Err(DateError::Format), "{s}");
    }
    let iso = &[DateFormat::ISO];
    assert_eq!(
        DateFormat::first_date("2026-04-03 12:00 PM", iso),
        Ok(d(2026, 4, 3))
    );
    assert_eq!(
        DateFormat::first_date("31/02/2024", uk),
        Err(DateError::NotReal)
    );
    assert_eq!(
        DateFormat::first_date("29/02/2023", uk),
        Err(DateError::NotReal)
    );
    assert_eq!(DateFormat::first_date("29/02/2024", uk), Ok(d(2024, 2, 29)));
    assert_eq!(
        DateFormat::first_date("01/13/2024", uk),
        Err(DateError::NotReal)
    );
    assert_eq!(
        DateFormat::first_date("01/02/24", uk),
        Err(DateError::Format)
    );
    assert_eq!(
        DateFormat::first_date("2024-01-31", uk),
        Err(DateError::Format)
    );
    assert_eq!(DateFormat::first_date("", uk), Err(DateError::Format));
    // Year 0 has the shape; intake calls it an impossible year.
    assert_eq!(DateFormat::first_date("01/01/0000", uk), Ok(d(0, 1, 1)));
}

#[test]
fn iso_and_serial_dates() {
    let iso = &[DateFormat::ISO];
    let serial = &[DateFormat::EXCEL_SERIAL];
    assert_eq!(
        DateFormat::first_date("2024-01-31", iso),
        Ok(d(2024, 1, 31))
    );
    assert_eq!(
        DateFormat::first_date("2024-01-31T10:00:00", iso),
        Ok(d(2024, 1, 31))
    );
    assert_eq!(
        DateFormat::first_date("2023-02-29", iso),
        Err(DateError::NotReal)
    );
    assert_eq!(DateFormat::first_date("45123", serial), Ok(d(2023, 7, 16)));
    assert_eq!(
        DateFormat::first_date("45123.5", serial),
        Ok(d(2023, 7, 16))
    );
    assert_eq!(DateFormat::first_date("45123.", serial), Ok(d(2023, 7, 16)));
    assert_eq!(DateFormat::first_date(".5", serial), Err(DateError::Format));
    assert_eq!(
        DateFormat::first_date("45123 10:00", serial),
        Err(DateError::Format)
    );
    assert_eq!(
        DateFormat::first_date("12345678", serial),
        Err(DateError::Format)
    );
    assert_eq!(
        DateFormat::first_date("60", serial),
        Err(DateError::NotReal)
    );
    assert_eq!(DateFormat::first_date("0", serial), Err(DateError::NotReal));
    assert_eq!(
        DateFormat::first_date("45123", &[DateFormat::UK]),
        Err(DateError::Format)
    );
    // Mixed formats in one column.
    for s in ["16/07/2023", "2023-07-16", "45123"] {
        assert_eq!(DateFormat::first_date(s, ALL), Ok(d(2023, 7, 16)), "{s}");
    }
}

#[test]
fn excel_serials() {
    assert_eq!(excel_serial_to_date(1.0), Some(d(1900, 1, 1)));
    assert_eq!(excel_serial_to_date(59.0), Some(d(1900, 2, 28)));
    assert_eq!(excel_serial_to_date(60.0), None);
    assert_eq!(excel_serial_to_date(61.0), Some(d(1900, 3, 1)));
    assert_eq!(excel_serial_to_date(0.0), None);
    assert_eq!(excel_serial_to_date(f64::NAN), None);
    assert_eq!(date_to_excel_serial(d(2023, 7, 16)), 45123);
}

#[test]
fn formats_deserialise_from_both_spellings() {
    #[derive(Deserialize)]
    struct M {
        formats: Vec<DateFormat>,
    }
    let m: M =
        serde_json::from_str(r#"{"formats": ["dd/mm/yyyy", "%Y-%m-%d", "excel-serial"]}"#).unwrap();
    assert_eq!(m.formats, ALL);
    let e = serde_json::from_str::<M>(r#"{"formats": ["mm/dd/yyyy"]}"#)
        .err()
        .unwrap();
    assert!(e.to_string().contains("mm/dd/yyyy"), "{e}");
}

/// Intake's reading of `dd/mm/yyyy` before the grammar: split on `/`, 1–2 digit day and
/// month, 4-digit year.
fn old_uk(s: &str) -> Result<NaiveDate, DateError> {
    let s = strip_time(s.trim(), false);
    let p: Vec<&str> = s.split('/').collect();
    let num = |x: &str, lo: usize, hi: usize| {
        (x.len() >= lo && x.len() <= hi && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    match p.as_slice() {
        [dd, mm, yy] => match (num(dd, 1, 2), num(mm, 1, 2), num(yy, 4, 4)) {
            (Some(dd), Some(mm), Some(yy)) => w(yy, mm, dd).to_date(),
            _ => Err(DateError::Format),
        },
        _ => Err(DateError::Format),
    }
}

/// Intake's reading of `yyyy-mm-dd` before the grammar.
fn old_iso(s: &str) -> Result<NaiveDate, DateError> {
    let s = strip_time(s.trim(), true);
    let p: Vec<&str> = s.split('-').collect();
    let num = |x: &str, lo: usize, hi: usize| {
        (x.len() >= lo && x.len() <= hi && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    match p.as_slice() {
        [yy, mm, dd] => match (num(yy, 4, 4), num(mm, 1, 2), num(dd, 1, 2)) {
            (Some(yy), Some(mm), Some(dd)) => w(yy, mm, dd).to_date(),
            _ => Err(DateError::Format),
        },
        _ => Err(DateError::Format),
    }
}

/// Intake's reading of an Excel serial as text before the grammar.
fn old_serial(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    let int_part = s.split('.').next().unwrap_or("");
    let frac_ok = s
        .split_once('.')
        .is_none_or(|(_, f)| f.bytes().all(|b| b.is_ascii_digit()));
    let digits_ok =
        (1..=7).contains(&int_part.len()) && int_part.bytes().all(|b| b.is_ascii_digit());
    if !frac_ok || !digits_ok {
        return Err(DateError::Format);
    }
    let n: u32 = int_part.parse().map_err(|_| DateError::Format)?;
    excel_serial_to_date(f64::from(n)).ok_or(DateError::NotReal)
}

#[test]
fn month_names_any_case() {
    let abbr = DateFormat::parse("%d-%b-%Y").unwrap();
    assert_eq!(abbr.label(), "dd-mmm-yyyy");
    assert_eq!(abbr.date("31-Mar-2017"), Ok(d(2017, 3, 31)));
    assert_eq!(abbr.date("31-MAR-2017"), Ok(d(2017, 3, 31)));
    assert_eq!(abbr.date("1-sept-2017"), Ok(d(2017, 9, 1)));
    assert_eq!(abbr.date("31-Mrz-2017"), Err(DateError::Format));
    assert_eq!(abbr.date("31-Ma-2017"), Err(DateError::Format));
    assert_eq!(abbr.date("30-Feb-2017"), Err(DateError::NotReal));
    let full = DateFormat::parse("%d %B %Y").unwrap();
    assert_eq!(full.label(), "dd month yyyy");
    assert_eq!(full.date("31 March 2017"), Ok(d(2017, 3, 31)));
    assert_eq!(full.date(" 1 january 2020 "), Ok(d(2020, 1, 1)));
    assert_eq!(full.date("31 March 2017 10:30"), Ok(d(2017, 3, 31)));
    assert_eq!(full.date("31 March 2017 10:30 pm"), Ok(d(2017, 3, 31)));
    assert_eq!(full.date("31 Marchh 2017"), Err(DateError::Format));
    assert_eq!(full.format(d(2017, 3, 31)), "31 March 2017");
    assert_eq!(abbr.format(d(2017, 3, 1)), "01-Mar-2017");
    assert_eq!(parse_written("04-Jun-1980", "%d-%b-%Y"), Ok(w(1980, 6, 4)));
    // Literal letters match in any case too.
    let t = DateFormat::parse("%Y%m%dT").unwrap();
    assert_eq!(t.date("20170331t"), Ok(d(2017, 3, 31)));
}

#[test]
fn packed_digits_and_two_digit_years() {
    let packed = DateFormat::parse("%Y%m%d").unwrap();
    assert_eq!(packed.date("20170331"), Ok(d(2017, 3, 31)));
    assert_eq!(packed.date("2017331"), Err(DateError::NotReal));
    let dmy = DateFormat::parse("%d%m%Y").unwrap();
    assert_eq!(dmy.date("31032017"), Ok(d(2017, 3, 31)));
    assert_eq!(dmy.date("3132017"), Err(DateError::Format));
    let yy = DateFormat::parse("%d/%m/%y").unwrap();
    assert_eq!(yy.pivot(), DEFAULT_PIVOT);
    assert_eq!(yy.date("01/02/29"), Ok(d(2029, 2, 1)));
    assert_eq!(yy.date("01/02/30"), Ok(d(1930, 2, 1)));
    let yy = yy.with_pivot(20);
    assert_eq!(yy.date("01/02/19"), Ok(d(2019, 2, 1)));
    assert_eq!(yy.date("01/02/25"), Ok(d(1925, 2, 1)));
    assert_eq!(yy.clone().with_pivot(0).date("01/02/00"), Ok(d(1900, 2, 1)));
    assert_eq!(yy.with_pivot(200).date("01/02/99"), Ok(d(2099, 2, 1)));
    let pct = DateFormat::parse("%d/%m/%Y%%").unwrap();
    assert_eq!(pct.date("01/02/2020%"), Ok(d(2020, 2, 1)));
}

#[test]
fn an_unknown_directive_is_named() {
    let e = DateFormat::parse("%d/%m/%Y %H:%M").unwrap_err();
    assert!(
        matches!(&e, DateFormatError::UnknownDirective { directive, .. } if directive == "%H"),
        "{e:?}"
    );
    assert!(e.to_string().contains("uses %H"), "{e}");
    let e = DateFormat::parse("%d/%m").unwrap_err();
    assert_eq!(e, DateFormatError::Incomplete("%d/%m".into()));
}

/// Formats of every kind the grammar has, for the round trip.
fn round_trip_formats() -> Vec<DateFormat> {
    [
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%Y%m%d",
        "%d%m%Y",
        "%d-%b-%Y",
        "%d %B %Y",
        "%B %d, %Y",
        "%e.%m.%Y",
        "%d-%b-%y",
        "%d/%m/%y",
        "%b %Y %d",
        "%E",
    ]
    .iter()
    .map(|f| DateFormat::parse(f).unwrap())
    .collect()
}

proptest! {
    #[test]
    fn every_format_reads_back_what_it_writes(days in 0i64..80_000, pivot in 0u8..=100) {
        let date = d(1900, 3, 1) + chrono::Days::new(days as u64);
        for fmt in round_trip_formats() {
            let fmt = fmt.with_pivot(pivot);
            let text = fmt.format(date);
            if fmt.as_str().contains("%y") {
                // Two-digit years read back within the pivot's century window only.
                let window = if date.year() % 100 < i32::from(pivot) { 2000 } else { 1900 };
                if date.year() / 100 * 100 != window {
                    continue;
                }
            }
            prop_assert_eq!(fmt.date(&text), Ok(date), "{} wrote {}", fmt.as_str(), text);
            prop_assert_eq!(fmt.date(&text.to_uppercase()), Ok(date));
        }
    }

    #[test]
    fn iso_grammar_reads_as_intake_did(s in "[0-9T: -]{0,16}") {
        prop_assert_eq!(DateFormat::ISO.date(&s), old_iso(&s));
    }

    #[test]
    fn serial_grammar_reads_as_intake_did(s in "[0-9. ]{0,10}") {
        prop_assert_eq!(DateFormat::EXCEL_SERIAL.date(&s), old_serial(&s));
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}", f in "\\PC{0,12}") {
        let _ = DateFormat::first_date(&s, ALL);
        let _ = parse_written(&s, "%d/%m/%Y");
        let _ = parse_written("01/01/2000", &s);
        let _ = parse_written(&s, &f);
        if let Ok(fmt) = DateFormat::parse(&f) {
            let _ = fmt.date(&s);
        }
    }

    #[test]
    fn dates_round_trip(days in 0i64..80_000) {
        let date = d(1900, 1, 1) + chrono::Days::new(days as u64);
        for (fmt, spec) in [
            (DateFormat::UK, "%d/%m/%Y"),
            (DateFormat::ISO, "%Y-%m-%d"),
            (DateFormat::parse("%Y%m%d").unwrap(), "%Y%m%d"),
            (DateFormat::parse("%e.%m.%Y").unwrap(), "%d.%m.%Y"),
        ] {
            let text = date.format(spec).to_string();
            prop_assert_eq!(fmt.date(&text), Ok(date));
            prop_assert_eq!(parse_written(&text, fmt.as_str()), Ok(WrittenDate::of(date)));
        }
        prop_assert_eq!(DateFormat::first_date(&date.format("%d/%m/%Y").to_string(), ALL), Ok(date));
        if date > d(1900, 3, 1) {
            let serial = date_to_excel_serial(date);
            prop_assert_eq!(excel_serial_to_date(serial as f64), Some(date));
            prop_assert_eq!(DateFormat::EXCEL_SERIAL.date(&serial.to_string()), Ok(date));
        }
    }

    #[test]
    fn uk_grammar_reads_as_intake_did(s in "[0-9/ :T]{0,14}") {
        prop_assert_eq!(DateFormat::UK.date(&s), old_uk(&s));
    }

    #[test]
    fn serials_never_panic(v in proptest::num::f64::ANY) {
        let _ = excel_serial_to_date(v);
    }
}

#[test]
fn day_and_month_swap_for_numeric_months_only() {
    let us = DateFormat::UK.month_day_swapped().unwrap();
    assert_eq!(us.as_str(), "%m/%d/%Y");
    assert_eq!(us.date("04/25/2025"), Ok(d(2025, 4, 25)));
    assert_eq!(
        DateFormat::ISO.month_day_swapped().unwrap().as_str(),
        "%Y-%d-%m"
    );
    let short = DateFormat::parse("%e.%m.%y").unwrap().with_pivot(50);
    let swapped = short.month_day_swapped().unwrap();
    assert_eq!((swapped.as_str(), swapped.pivot()), ("%m.%d.%y", 50));
    assert_eq!(
        DateFormat::parse("%d-%b-%Y").unwrap().month_day_swapped(),
        None
    );
    assert_eq!(DateFormat::EXCEL_SERIAL.month_day_swapped(), None);
}
