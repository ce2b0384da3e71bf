//! Rendering the true facts as the seven partner source tables' rows, with recording errors
//! drawn per household ([`household_rows`]), then merging households' rows into sorted tables
//! with each source's own references ([`assemble`]). The tables' shape is in `sources`; files
//! are written by `write`.

use crate::dates::{all_terms, PERIOD_END};
use crate::errors::{record, ErrorCounts, ErrorKind, Recorded, SourceErrors};
use crate::geo::Geography;
use crate::model::{Facts, Household, Person};
use crate::sources::{Cell, Source, SourceTable};
use chrono::{Datelike, NaiveDate};
use hearth_model::Sex;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// A row before sorting and reference numbering.
pub(crate) struct Pending {
    key: (NaiveDate, u32, u32),
    cells: Vec<Cell>,
    person: usize,
    /// The source's own reference to assign after sorting, placed in column 0.
    reference: Option<u64>,
}

/// Rows of one household for every source.
pub(crate) struct HouseholdRows {
    rows: [Vec<Pending>; 7],
    counts: [ErrorCounts; 7],
}

fn sex_code(s: Sex) -> &'static str {
    s.code()
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// Builds the rows of one household (all its members' facts), drawing errors from `rng`.
/// `salt` (0 for the period, [`FOLLOW_UP_SALT`] for the cohort's follow-up) keeps the
/// references of occurrences and second registrations apart between the two sets of files.
#[allow(clippy::too_many_arguments)]
pub(crate) fn household_rows(
    hh: &Household,
    people: &[Person],
    facts: &Facts,
    geo: &Geography,
    errors: &SourceErrors,
    salt: u64,
    rng: &mut ChaCha8Rng,
) -> HouseholdRows {
    let mut out = HouseholdRows {
        rows: Default::default(),
        counts: [[0; 11]; 7],
    };
    let h = hh.index as u32;
    let first = people[0].index;
    let person = |i: usize| &people[i - first];
    let all_terms = all_terms();
    let mut seq = 0u32;
    let mut push = |out: &mut HouseholdRows,
                    rng: &mut ChaCha8Rng,
                    source: Source,
                    date: NaiveDate,
                    cells: Vec<Cell>,
                    who: usize,
                    reference: Option<u64>| {
        seq += 1;
        let s = source as usize;
        let dup = {
            let p = source.rates(errors).duplicate_row;
            p > 0.0 && rng.random_bool(p)
        };
        let row = Pending {
            key: (date, h, seq),
            cells,
            person: who,
            reference,
        };
        if dup {
            out.counts[s][ErrorKind::DuplicateRow as usize] += 1;
            out.rows[s].push(Pending {
                key: row.key,
                cells: row.cells.clone(),
                person: row.person,
                reference: row.reference,
            });
        }
        out.rows[s].push(row);
    };
    let rec = |out: &mut HouseholdRows, rng: &mut ChaCha8Rng, source: Source, p: &Person, date| {
        record(
            p,
            hh,
            geo,
            date,
            source.rates(errors),
            rng,
            &mut out.counts[source as usize],
        )
    };

    for a in &facts.attendance {
        let p = person(a.person);
        let t = &all_terms[a.term];
        let r = rec(&mut out, rng, Source::Schools, p, t.start);
        let cells = vec![
            if r.id_present {
                text(p.upn.clone().unwrap_or_default())
            } else {
                Cell::Empty
            },
            text(r.family),
            text(r.given),
            text(r.middle),
            opt_date(r.dob),
            Cell::Static(sex_code(p.sex)),
            text(r.address.line),
            text(r.postcode),
            text(t.academic_year()),
            Cell::Static(t.name),
            Cell::Date(t.start),
            Cell::Date(t.end),
            Cell::Int(a.possible),
            Cell::Int(a.missed),
            Cell::Int(a.unauthorised),
            Cell::Int(a.fixed_term_exclusions),
            Cell::Static(if a.permanent_exclusion { "Y" } else { "N" }),
        ];
        push(
            &mut out,
            rng,
            Source::Schools,
            t.start,
            cells,
            p.index,
            None,
        );
    }

    for (k, inc) in facts.incidents.iter().enumerate() {
        let reference = ((hh.index as u64) << 16) | k as u64 | salt;
        for &(who, involvement) in &inc.people {
            let p = person(who);
            let r = rec(&mut out, rng, Source::Police, p, inc.date);
            let surname = if rng.random_bool(0.6) {
                r.family.to_uppercase()
            } else {
                r.family.clone()
            };
            let address = with_town(rng, &r, 0.4);
            let cells = vec![
                Cell::Empty,
                Cell::Date(inc.date),
                Cell::Static(inc.category.code()),
                Cell::Static(inc.offence),
                Cell::Static(involvement.code()),
                text(surname),
                text(r.given),
                opt_date(r.dob),
                Cell::Static(sex_code(p.sex)),
                text(address),
                text(r.postcode),
            ];
            push(
                &mut out,
                rng,
                Source::Police,
                inc.date,
                cells,
                p.index,
                Some(reference),
            );
        }
    }

    for c in &facts.claims {
        let p = person(c.person);
        let as_of = c.end.unwrap_or(PERIOD_END.max(c.start));
        let r = rec(&mut out, rng, Source::Dwp, p, as_of);
        let title = match p.sex {
            _ if rng.random_bool(0.01) => "Dr",
            Sex::Male => "Mr",
            _ if p.married => "Mrs",
            _ => {
                if rng.random_bool(0.5) {
                    "Ms"
                } else {
                    "Miss"
                }
            }
        };
        let nino = match (&p.ni_number, r.id_present) {
            (Some(n), true) => text(n.clone()),
            _ => Cell::Empty,
        };
        let cells = vec![
            nino,
            Cell::Static(title),
            text(r.given),
            text(r.family),
            opt_date(r.dob),
            text(r.address.line),
            text(r.postcode),
            Cell::Static(c.benefit.code()),
            Cell::Date(c.start),
            opt_date(c.end),
        ];
        push(&mut out, rng, Source::Dwp, c.start, cells, p.index, None);
    }

    for c in &facts.health {
        let p = person(c.person);
        let r = rec(&mut out, rng, Source::Health, p, c.date);
        let nhs = if !r.id_present {
            Cell::Empty
        } else if rng.random_bool(0.25) {
            let n = &p.nhs_number;
            text(format!("{} {} {}", &n[..3], &n[3..6], &n[6..]))
        } else {
            text(p.nhs_number.clone())
        };
        let cells = vec![
            nhs,
            text(format!("{} {}", r.given, r.family)),
            opt_date(r.dob),
            Cell::Static(sex_code(p.sex)),
            text(r.address.line),
            text(r.postcode),
            Cell::Static(c.contact.label()),
            Cell::Date(c.date),
            Cell::Static(c.outcome),
        ];
        push(&mut out, rng, Source::Health, c.date, cells, p.index, None);
    }

    for (k, e) in facts.episodes.iter().enumerate() {
        let p = person(e.person);
        let r = rec(&mut out, rng, Source::SocialCare, p, e.start);
        // A missing identifier here means a second registration: a new Person ID.
        let reference = if r.id_present {
            p.index as u64
        } else {
            (1 << 62) | ((hh.index as u64) << 16) | k as u64 | salt
        };
        let cells = vec![
            Cell::Empty,
            text(r.given),
            text(r.family),
            opt_date(r.dob),
            Cell::Static(sex_code(p.sex)),
            text(r.address.line),
            text(r.postcode),
            Cell::Static(e.episode.label()),
            Cell::Date(e.start),
            opt_date(e.end),
        ];
        push(
            &mut out,
            rng,
            Source::SocialCare,
            e.start,
            cells,
            p.index,
            Some(reference),
        );
    }

    for hr in &facts.housing {
        let p = person(hr.person);
        let r = rec(&mut out, rng, Source::Housing, p, hr.date);
        let reference = r
            .id_present
            .then_some(((hr.tenancy.0 as u64) << 1) | hr.tenancy.1 as u64);
        let address = with_town(rng, &r, 0.5);
        // The housing system writes the postcode at the end of the address line.
        let address = if r.postcode.is_empty() {
            address
        } else {
            format!("{address} {}", r.postcode)
        };
        let cells = vec![
            Cell::Empty,
            text(windows_1252_safe(&tenant_name(&r, p.index))),
            opt_date(r.dob),
            text(address),
            Cell::Date(hr.date),
            text(money(hr.arrears_pence)),
            Cell::Static(hr.notice),
        ];
        push(
            &mut out,
            rng,
            Source::Housing,
            hr.date,
            cells,
            p.index,
            reference,
        );
    }

    for o in &facts.offences {
        let p = person(o.person);
        let r = rec(&mut out, rng, Source::YouthJustice, p, o.date);
        let reference = r.id_present.then_some(p.index as u64);
        let cells = vec![
            Cell::Empty,
            text(r.given),
            text(r.family),
            opt_date(r.dob),
            Cell::Static(sex_code(p.sex)),
            text(r.postcode),
            Cell::Date(o.date),
            Cell::Static(o.outcome),
            Cell::Static(if o.proven { "Y" } else { "N" }),
        ];
        push(
            &mut out,
            rng,
            Source::YouthJustice,
            o.date,
            cells,
            p.index,
            reference,
        );
    }
    out
}

fn with_town(rng: &mut ChaCha8Rng, r: &Recorded, p: f64) -> String {
    if rng.random_bool(p) {
        format!("{}, {}", r.address.line, r.address.town)
    } else {
        r.address.line.clone()
    }
}

/// A tenant's name as the housing system writes it: mostly `SURNAME, Forename`, but one
/// tenant in three (by person, so without drawing from the random stream) as
/// `Forename Surname`, where that order is plain: a one-word surname and a forename not in
/// capitals (a mapping reads the file with `pattern = "detect"`).
fn tenant_name(r: &Recorded, person: usize) -> String {
    let plain = !r.family.contains([' ', '-', ','])
        && r.given.chars().any(char::is_lowercase)
        && !r.given.contains(',');
    if person.is_multiple_of(3) && plain {
        format!("{} {}", r.given, r.family)
    } else {
        format!("{}, {}", r.family.to_uppercase(), r.given)
    }
}

/// `£1,234.50`, or `0.00` for a clear account.
pub(crate) fn money(pence: u64) -> String {
    if pence == 0 {
        return "0.00".to_string();
    }
    let pounds = pence / 100;
    let digits = pounds.to_string();
    let head = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    let mut grouped = digits[..head].to_string();
    for chunk in digits.as_bytes()[head..].chunks(3) {
        grouped.push(',');
        grouped.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    format!("£{grouped}.{:02}", pence % 100)
}

/// What a legacy Windows-1252 system stores: letters it cannot hold lose their accent.
pub(crate) fn windows_1252_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            let (_, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut [0; 4]));
            if !unmappable {
                return c;
            }
            match c {
                'Ł' => 'L',
                'ł' => 'l',
                'Ś' | 'Ș' | 'Ş' => 'S',
                'ś' | 'ș' | 'ş' => 's',
                'Ż' | 'Ź' => 'Z',
                'ż' | 'ź' => 'z',
                'Ą' => 'A',
                'ą' | 'ă' => 'a',
                'Ę' | 'Ė' => 'E',
                'ę' | 'ė' => 'e',
                'Ć' | 'Č' => 'C',
                'ć' | 'č' => 'c',
                'Ń' => 'N',
                'ń' => 'n',
                'Ț' => 'T',
                'ț' => 't',
                _ => '?',
            }
        })
        .collect()
}

/// Added to the keys of follow-up occurrences and second registrations.
pub(crate) const FOLLOW_UP_SALT: u64 = 1 << 56;

/// Each source's references so far (key → label), so later files keep them.
pub(crate) type References = [BTreeMap<u64, String>; 7];

/// Merges households' rows into sorted tables and assigns each source's own references,
/// continuing `refs` (empty for the period's files): a key seen before keeps its label (the same child's
/// social care Person ID in a later extract), a new key gets the next one. Returns the
/// references after these tables.
pub(crate) fn assemble_continuing(
    per_household: Vec<HouseholdRows>,
    refs: References,
) -> (Vec<SourceTable>, References) {
    let mut pending: [Vec<Pending>; 7] = Default::default();
    let mut counts = [[0usize; 11]; 7];
    for mut hr in per_household {
        for s in 0..7 {
            pending[s].append(&mut hr.rows[s]);
            for (total, n) in counts[s].iter_mut().zip(hr.counts[s]) {
                *total += n;
            }
        }
    }
    let mut all_refs = refs;
    let tables = Source::ALL
        .iter()
        .zip(pending)
        .zip(counts)
        .zip(all_refs.iter_mut())
        .map(|(((&source, mut rows), errors), refs)| {
            rows.sort_by_key(|r| r.key);
            let mut table = SourceTable {
                source,
                rows: Vec::with_capacity(rows.len()),
                people: Vec::with_capacity(rows.len()),
                errors,
            };
            for mut r in rows {
                if let Some(key) = r.reference {
                    let n = refs.len() + 1;
                    let year = r.key.0.year();
                    let label = refs
                        .entry(key)
                        .or_insert_with(|| reference_label(source, n, year))
                        .clone();
                    r.cells[0] = Cell::Text(label);
                }
                table.rows.push(r.cells);
                table.people.push(r.person);
            }
            table
        })
        .collect();
    (tables, all_refs)
}

fn reference_label(source: Source, n: usize, year: i32) -> String {
    match source {
        Source::Police => format!("{:02}/{:06}", year % 100, 100_000 + n * 7 % 900_000),
        Source::SocialCare => format!("{}", 200_000 + n),
        Source::Housing => format!("TEN-{:06}", 10_000 + n),
        Source::YouthJustice => format!("YOT{:05}", n),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_encoding() {
        assert_eq!(money(0), "0.00");
        assert_eq!(money(123_450), "£1,234.50");
        assert_eq!(money(5), "£0.05");
        assert_eq!(money(100_000_000), "£1,000,000.00");
        assert_eq!(windows_1252_safe("Łukasz Wójcik"), "Lukasz Wójcik");
    }
}
