//! Whole-borough tests on small boroughs: files, truth, errors, determinism.

use super::*;
use crate::dates::{age_on, ymd, AS_AT, WINDOW_START};
use crate::truth::{families, Problem};
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use hearth_model::{NhsNumber, NiNumber, Postcode, Upn};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

fn small() -> &'static Borough {
    static B: OnceLock<Borough> = OnceLock::new();
    B.get_or_init(|| {
        generate(&Config {
            people: 5_000,
            seed: 11,
            ..Default::default()
        })
        .expect("generates")
    })
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("file");
    let text = if path.ends_with("housing.csv") {
        encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()
    } else {
        String::from_utf8(bytes).expect("UTF-8")
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_string();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("csv row").iter().map(str::to_string).collect())
        .collect()
}

fn read_xlsx(path: &Path) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("workbook");
    let range = wb.worksheet_range("Episodes").expect("sheet Episodes");
    range.rows().map(|r| r.to_vec()).collect()
}

fn xlsx_date(d: &Data) -> Option<NaiveDate> {
    match d {
        Data::DateTime(dt) => dt.as_datetime().map(|t| t.date()),
        _ => None,
    }
}

fn dmy(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").expect("dd/mm/yyyy")
}

#[test]
fn identifiers_are_valid() {
    let b = small();
    for p in b.people() {
        NhsNumber::parse(&p.nhs_number).expect("NHS number check digit");
        if let Some(u) = &p.upn {
            Upn::parse(u).expect("UPN check letter");
        }
        if let Some(n) = &p.ni_number {
            NiNumber::parse(n).expect("NI number");
        }
    }
    let nhs: BTreeSet<_> = b.people().iter().map(|p| &p.nhs_number).collect();
    assert_eq!(nhs.len(), b.people().len(), "NHS numbers are distinct");
    // Every identifier written in a source file is valid too.
    for row in &b.source(Source::Health).rows {
        if let Cell::Text(n) = &row[0] {
            NhsNumber::parse(n).expect("health NHS number");
        }
    }
    for row in &b.source(Source::Schools).rows {
        if let Cell::Text(u) = &row[0] {
            Upn::parse(u).expect("school UPN");
        }
    }
    for t in b.sources() {
        for row in &t.rows {
            if let Some(pc) = postcode_of(t.source, row) {
                Postcode::parse(&pc).expect("valid postcode");
            }
        }
    }
}

/// The postcode a row gives: its Postcode cell, or for housing the end of its address.
fn postcode_of(source: Source, row: &[Cell]) -> Option<String> {
    let header = source.header();
    if let Some(col) = header.iter().position(|h| *h == "Postcode") {
        return match &row[col] {
            Cell::Text(pc) => Some(pc.clone()),
            _ => None,
        };
    }
    assert_eq!(
        source,
        Source::Housing,
        "only housing has no Postcode column"
    );
    let col = header
        .iter()
        .position(|h| *h == "Address")
        .expect("address");
    let Cell::Text(a) = &row[col] else {
        return None;
    };
    let (_, pc) = hearth_model::standardise::address::split_postcode(a)?;
    Some(pc.as_str().to_string())
}

#[test]
fn housing_writes_the_postcode_inside_the_address_and_mixes_name_orders() {
    let b = small();
    let t = b.source(Source::Housing);
    assert!(!t.source.header().contains(&"Postcode"));
    let with_postcode = t
        .rows
        .iter()
        .filter(|r| postcode_of(Source::Housing, r).is_some())
        .count();
    assert!(
        with_postcode * 10 > t.rows.len() * 9,
        "{with_postcode} of {}",
        t.rows.len()
    );
    let names: Vec<&str> = t
        .rows
        .iter()
        .filter_map(|r| match &r[1] {
            Cell::Text(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let comma = names.iter().filter(|n| n.contains(',')).count();
    assert!(
        comma * 2 > names.len() && comma < names.len(),
        "{comma} of {}",
        names.len()
    );
    let police = b.source(Source::Police);
    assert!(police
        .rows
        .iter()
        .all(|r| matches!(&r[2], Cell::Static("crime" | "asb" | "domestic_abuse"))));
    let date = Cell::Date(ymd(2025, 3, 31));
    assert_eq!(date.render(Source::Police), "31-Mar-2025");
}

#[test]
fn households_have_realistic_structure() {
    let b = small();
    let people = b.people();
    let kinds: BTreeSet<_> = b.households().iter().map(|h| h.kind).collect();
    assert_eq!(kinds.len(), 7, "every kind of household occurs: {kinds:?}");
    let mut twins = 0;
    let mut father_son = 0;
    let mut step_surname = 0;
    for h in b.households() {
        let m: Vec<&Person> = h.members.iter().map(|&i| &people[i]).collect();
        for (i, a) in m.iter().enumerate() {
            for c in &m[i + 1..] {
                if a.date_of_birth == c.date_of_birth
                    && a.family_name == c.family_name
                    && age_on(a.date_of_birth, AS_AT) < 18
                {
                    assert_ne!(a.index, c.index);
                    assert_ne!(a.nhs_number, c.nhs_number);
                    twins += 1;
                }
                if a.given_name == c.given_name
                    && a.sex == hearth_model::Sex::Male
                    && c.sex == hearth_model::Sex::Male
                    && age_on(a.date_of_birth, AS_AT) - age_on(c.date_of_birth, AS_AT) >= 18
                {
                    father_son += 1;
                }
            }
        }
        if h.step_family && m.iter().any(|c| c.family_name != m[0].family_name) {
            step_surname += 1;
        }
    }
    assert!(twins >= 2, "twins: {twins}");
    assert!(
        father_son >= 1,
        "fathers and sons sharing a forename: {father_son}"
    );
    assert!(
        step_surname >= 5,
        "step-families with a different surname: {step_surname}"
    );
    // Age structure: roughly a fifth children, a fifth 65 and over.
    let n = people.len() as f64;
    let kids = people
        .iter()
        .filter(|p| age_on(p.date_of_birth, AS_AT) < 18)
        .count() as f64;
    let old = people
        .iter()
        .filter(|p| age_on(p.date_of_birth, AS_AT) >= 65)
        .count() as f64;
    assert!((0.15..0.30).contains(&(kids / n)), "children {kids}");
    assert!((0.12..0.30).contains(&(old / n)), "65+ {old}");
}

#[test]
fn sources_cover_only_the_people_the_agency_knows() {
    let b = small();
    let age = |p: usize, d: NaiveDate| age_on(b.people()[p].date_of_birth, d);
    let s = b.source(Source::Schools);
    for (row, &p) in s.rows.iter().zip(&s.people) {
        let Cell::Date(start) = row[10] else {
            panic!("term start")
        };
        assert!((4..=16).contains(&age(p, start)));
    }
    let yj = b.source(Source::YouthJustice);
    for (row, &p) in yj.rows.iter().zip(&yj.people) {
        let Cell::Date(d) = row[6] else {
            panic!("offence date")
        };
        assert!((10..=17).contains(&age(p, d)));
    }
    let dwp = b.source(Source::Dwp);
    for &p in &dwp.people {
        assert!(age(p, AS_AT) >= 18);
    }
    let sc = b.source(Source::SocialCare);
    for (row, &p) in sc.rows.iter().zip(&sc.people) {
        let Cell::Date(d) = row[8] else {
            panic!("start date")
        };
        assert!(age(p, d) < 18);
    }
    let housing = b.source(Source::Housing);
    for &p in &housing.people {
        let person = &b.people()[p];
        assert!(age(p, AS_AT) >= 18);
        assert!(b.households()[person.household].council_tenant);
    }
    // Police and health see a subset of the borough.
    for src in [Source::Police, Source::Health] {
        let seen: BTreeSet<_> = b.source(src).people.iter().collect();
        assert!(seen.len() < b.people().len());
        assert!(seen.len() > 50);
    }
}

#[test]
fn movers_old_addresses_appear_in_sources() {
    let b = small();
    let mut old_seen = 0;
    let mut stale = 0;
    for t in b.sources() {
        for (row, &p) in t.rows.iter().zip(&t.people) {
            let h = &b.households()[b.people()[p].household];
            let Some((old, moved)) = h.moved_from else {
                continue;
            };
            let (_, _, old_pc) = b.address(old);
            let (_, _, new_pc) = b.address(h.address);
            let Some(pc) = postcode_of(t.source, row) else {
                continue;
            };
            let pc = Postcode::parse(&pc).expect("postcode");
            if pc.as_str() == old_pc && old_pc != new_pc {
                old_seen += 1;
                let date = row.iter().find_map(|c| match c {
                    Cell::Date(d) if *d >= ymd(2022, 9, 1) => Some(*d),
                    _ => None,
                });
                if date.is_some_and(|d| d >= moved) {
                    stale += 1;
                }
            }
        }
    }
    assert!(
        old_seen > 20,
        "rows with a mover's former address: {old_seen}"
    );
    assert!(
        stale > 5,
        "rows after the move still at the old address: {stale}"
    );
}

#[test]
fn every_error_kind_occurs() {
    let b = small();
    for k in ErrorKind::ALL {
        let n: usize = b.sources().iter().map(|t| t.error_count(k)).sum();
        assert!(n > 0, "{k:?} never injected");
    }
    // And they show in the data.
    let police = b.source(Source::Police);
    assert!(
        police.rows.iter().any(|r| r[7] == Cell::Empty),
        "missing DOB"
    );
    let pcs: Vec<&str> = b
        .source(Source::Health)
        .rows
        .iter()
        .filter_map(|r| match &r[5] {
            Cell::Text(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        pcs.iter().any(|p| !p.contains(' ')),
        "postcode without a space"
    );
    assert!(
        pcs.iter()
            .any(|p| p.chars().any(|c| c.is_ascii_lowercase())),
        "lower-case postcode"
    );
    // Nicknames: some school forename is a variant of the true one.
    let people = b.people();
    let mut nick = 0;
    for t in b.sources() {
        let Some(col) = t
            .source
            .header()
            .iter()
            .position(|h| matches!(*h, "Forename" | "First Name"))
        else {
            continue;
        };
        for (row, &p) in t.rows.iter().zip(&t.people) {
            if let Cell::Text(g) = &row[col] {
                if crate::names::nicknames()
                    .get(&people[p].given_name)
                    .is_some_and(|v| v.contains(g))
                {
                    nick += 1;
                }
            }
        }
    }
    assert!(nick > 0);
}

#[test]
fn same_seed_gives_byte_identical_files_on_any_thread_count() {
    let config = Config {
        people: 1_500,
        seed: 5,
        ..Default::default()
    };
    let one = tempfile::tempdir().expect("tempdir");
    let two = tempfile::tempdir().expect("tempdir");
    let b1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| generate(&config).expect("generates"));
    write(&b1, one.path()).expect("writes");
    let b2 = generate(&config).expect("generates");
    write(&b2, two.path()).expect("writes");
    let mut files = 0;
    for sub in ["sources", "truth", "referrals"] {
        for entry in std::fs::read_dir(one.path().join(sub)).expect("dir") {
            let path = entry.expect("entry").path();
            let other = two.path().join(sub).join(path.file_name().expect("name"));
            assert_eq!(
                std::fs::read(&path).ok(),
                std::fs::read(&other).ok(),
                "{path:?} differs"
            );
            files += 1;
        }
    }
    // 7 sources; people, records, families, referrals, manifest; the referrals to import.
    assert_eq!(files, 13);
    let b3 = generate(&Config { seed: 6, ..config }).expect("generates");
    assert_ne!(b3.people()[0..20], b1.people()[0..20]);
}

#[test]
fn files_match_the_contract_and_the_truth() {
    let b = generate(&Config {
        people: 3_000,
        seed: 3,
        ..Default::default()
    })
    .expect("generates");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = write(&b, dir.path()).expect("writes");
    let src = dir.path().join("sources");
    let truth = dir.path().join("truth");

    // Encodings.
    let health = std::fs::read(src.join("health.csv")).expect("health");
    assert!(health.starts_with(&[0xEF, 0xBB, 0xBF]));
    let housing = std::fs::read(src.join("housing.csv")).expect("housing");
    assert!(housing.contains(&0xA3), "£ as one Windows-1252 byte");
    assert!(!housing.windows(2).any(|w| w == [0xC2, 0xA3]), "not UTF-8");
    for f in ["schools.csv", "police.csv", "dwp.csv", "youth_justice.csv"] {
        let bytes = std::fs::read(src.join(f)).expect("file");
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    }

    // Headers and row counts.
    let people_rows = read_csv(&truth.join("people.csv"));
    let ids: BTreeSet<&str> = people_rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), 3_000);
    let records = read_csv(&truth.join("records.csv"));
    assert_eq!(records[0], ["source", "row", "person_id"]);
    let mut truth_rows: BTreeMap<(String, usize), &str> = BTreeMap::new();
    for r in &records[1..] {
        let key = (r[0].clone(), r[1].parse().expect("row number"));
        assert!(
            truth_rows.insert(key, &r[2]).is_none(),
            "one truth row per data row"
        );
        assert!(ids.contains(r[2].as_str()), "person {} exists", r[2]);
    }
    for source in Source::ALL {
        let path = src.join(source.file_name());
        let (header, n): (Vec<String>, usize) = if source == Source::SocialCare {
            let rows = read_xlsx(&path);
            // Dates are real Excel date cells.
            for r in &rows[1..] {
                assert!(xlsx_date(&r[8]).is_some(), "start date cell");
                assert!(
                    matches!(r[3], Data::Empty) || xlsx_date(&r[3]).is_some(),
                    "DOB cell"
                );
            }
            (
                rows[0].iter().map(|c| c.to_string()).collect(),
                rows.len() - 1,
            )
        } else {
            let rows = read_csv(&path);
            (rows[0].clone(), rows.len() - 1)
        };
        assert_eq!(header, source.header(), "{source:?} columns");
        assert_eq!(n, b.source(source).rows.len());
        for row in 2..n + 2 {
            assert!(
                truth_rows.contains_key(&(source.stem().to_string(), row)),
                "{source:?} row {row}"
            );
        }
        assert!(summary.rows.contains(&(source, n)));
    }
    assert_eq!(
        truth_rows.len(),
        b.sources().iter().map(|t| t.rows.len()).sum::<usize>()
    );
    let manifest = std::fs::read_to_string(truth.join("manifest.toml")).expect("manifest");
    assert!(manifest.contains("seed = 3") && manifest.contains("as_at = 2025-09-01"));
}

/// Applies the default indicator table to the *files* of an error-free borough (true person
/// of each row from records.csv) and checks it agrees with families.csv from the oracle.
#[test]
fn oracle_agrees_with_rules_applied_to_the_files() {
    let b = generate(&Config {
        people: 6_000,
        seed: 4,
        errors: SourceErrors::NONE,
        cohort: None,
    })
    .expect("generates");
    let dir = tempfile::tempdir().expect("tempdir");
    write(&b, dir.path()).expect("writes");
    let src = dir.path().join("sources");
    let truth = dir.path().join("truth");
    let people = read_csv(&truth.join("people.csv"));
    let mut dob: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut household: BTreeMap<String, String> = BTreeMap::new();
    for r in &people[1..] {
        dob.insert(
            r[0].clone(),
            NaiveDate::parse_from_str(&r[3], "%Y-%m-%d").expect("dob"),
        );
        household.insert(r[0].clone(), r[8].clone());
    }
    let mut who: BTreeMap<(String, usize), String> = BTreeMap::new();
    for r in &read_csv(&truth.join("records.csv"))[1..] {
        who.insert((r[0].clone(), r[1].parse().expect("row")), r[2].clone());
    }
    let child = |p: &str| age_on(dob[p], AS_AT) < 18;
    let win = |d: NaiveDate| d >= WINDOW_START && d <= AS_AT;
    let mut has: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    let mut mark = |p: &str, key: &'static str| {
        has.entry(household[p].clone()).or_default().insert(key);
    };
    let rows = |stem: &str| -> Vec<(String, Vec<String>)> {
        read_csv(&src.join(format!("{stem}.csv")))
            .into_iter()
            .enumerate()
            .skip(1)
            .map(|(i, r)| (who[&(stem.to_string(), i + 1)].clone(), r))
            .collect()
    };
    for (p, r) in rows("youth_justice") {
        if r[8] == "Y" && win(dmy(&r[6])) && child(&p) {
            mark(&p, "crime_asb");
        }
    }
    for (p, r) in rows("police") {
        let date = NaiveDate::parse_from_str(&r[1], "%d-%b-%Y").expect("dd-Mon-yyyy");
        if win(date) {
            if r[2] == "domestic_abuse" {
                mark(&p, "domestic_abuse");
            } else if r[4] == "SUSP" || r[4] == "OFF" {
                mark(&p, "crime_asb");
            }
        }
    }
    let mut att: BTreeMap<String, (u32, u32, u32, bool)> = BTreeMap::new();
    for (p, r) in rows("schools") {
        if r[8] == "2024/25" {
            let e = att.entry(p).or_default();
            e.0 += r[13].parse::<u32>().expect("missed");
            e.1 += r[12].parse::<u32>().expect("possible");
            e.2 += r[15].parse::<u32>().expect("fte");
            e.3 |= r[16] == "Y";
        }
    }
    for (p, (m, pos, fte, perm)) in &att {
        if child(p) && (*m as f64 / *pos as f64 >= 0.10 || *fte >= 3 || *perm) {
            mark(p, "school_attendance");
        }
    }
    let xl = read_xlsx(&src.join("social_care.xlsx"));
    for (i, r) in xl.iter().enumerate().skip(1) {
        let p = &who[&("social_care".to_string(), i + 1)];
        let end = xlsx_date(&r[9]);
        let kind = r[7].to_string();
        if ["CIN", "CPP", "LAC"].contains(&kind.as_str())
            && end.is_none_or(|e| e >= WINDOW_START)
            && child(p)
        {
            mark(p, "children_need_help");
        }
    }
    for (p, r) in rows("dwp") {
        if r[9].is_empty() && !child(&p) {
            mark(&p, "worklessness");
        }
    }
    for (p, r) in rows("housing") {
        let arrears: f64 = r[5]
            .trim_start_matches('£')
            .replace(',', "")
            .parse()
            .expect("money");
        if win(dmy(&r[4])) && (r[6] == "NOSP" || r[6] == "Eviction" || arrears >= 500.0) {
            mark(&p, "worklessness");
        }
    }
    let mut ae: BTreeMap<String, u32> = BTreeMap::new();
    for (p, r) in rows("health") {
        if win(dmy(&r[7])) {
            match r[6].as_str() {
                "Mental health contact" | "Substance misuse" => mark(&p, "health"),
                "A&E attendance" => *ae.entry(p).or_default() += 1,
                _ => {}
            }
        }
    }
    for (p, n) in ae {
        if n >= 3 {
            mark(&p, "health");
        }
    }
    let fams = read_csv(&truth.join("families.csv"));
    assert_eq!(
        fams[0],
        [
            "family_id",
            "members",
            "problems",
            "problem_count",
            "eligible"
        ]
    );
    let mut eligible = 0;
    for f in &fams[1..] {
        let hid = household[f[1].split(' ').next().expect("a member")].clone();
        let expected: BTreeSet<&str> = has.get(&hid).cloned().unwrap_or_default();
        let got: BTreeSet<&str> = f[2].split(';').filter(|s| !s.is_empty()).collect();
        assert_eq!(got, expected, "family {}", f[0]);
        assert_eq!(f[3], got.len().to_string());
        assert_eq!(f[4] == "true", got.len() >= 2);
        eligible += usize::from(got.len() >= 2);
    }
    // Identification is meaningful: a realistic minority of families are eligible, and
    // every problem occurs.
    let share = eligible as f64 / (fams.len() - 1) as f64;
    assert!((0.04..0.12).contains(&share), "eligible share {share}");
    let all: BTreeSet<&str> = has.values().flatten().copied().collect();
    assert_eq!(all.len(), 6, "{all:?}");
    // The in-memory oracle agrees with the file it wrote.
    assert_eq!(families(&b).len(), fams.len() - 1);
    assert!(Problem::ALL.iter().all(|p| all.contains(p.key())));
}
