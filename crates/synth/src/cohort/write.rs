//! Writing the cohort: the later extracts, the employment file, the council's attachment
//! list and the cohort's truth.

use super::{oracle, EmploymentSpell, FollowUp};
use crate::borough::{Borough, SynthError};
use crate::dates::{AS_AT, FOLLOW_END};
use crate::model::{family_id, person_id};
use crate::sources::{Cell, Source};
use crate::truth::FamilyTruth;
use crate::write::{csv_field, write_source_at};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The employment file's columns (`mappings/employment.toml`).
pub const EMPLOYMENT_HEADER: [&str; 8] = [
    "NINO",
    "First Name",
    "Surname",
    "Date of Birth",
    "Postcode",
    "Employment Start",
    "Employment End",
    "Benefit Left",
];

/// The attachment list's columns: as a council's case management system exports them, with
/// the family's address at attachment (the home the lead worker visits).
pub const ATTACHMENT_HEADER: [&str; 8] = [
    "Attachment Ref",
    "NHS Number",
    "Forename",
    "Surname",
    "Date of Birth",
    "Address",
    "Postcode",
    "Attached On",
];

/// Rows of the employment file (with DWP's recording errors), sorted by start, and the true
/// person of each row.
pub(crate) fn employment_rows(
    b: &Borough,
    spells: &[EmploymentSpell],
) -> (Vec<Vec<Cell>>, Vec<usize>) {
    let mut sorted: Vec<&EmploymentSpell> = spells.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.person));
    let mut rows = Vec::with_capacity(sorted.len());
    let mut people = Vec::with_capacity(sorted.len());
    let mut counts = [0usize; 11];
    for s in sorted {
        let p = &b.people[s.person];
        let hh = &b.households[p.household];
        let mut rng = crate::population::household_rng(
            b.config.seed,
            ((s.person as u64) << 20) | (s.start.num_days_from_ce() as u64 & 0xF_FFFF),
            6,
        );
        let r = crate::errors::record(
            p,
            hh,
            &b.geo,
            s.start,
            &b.config.errors.dwp,
            &mut rng,
            &mut counts,
        );
        let nino = match (&p.ni_number, r.id_present) {
            (Some(n), true) => Cell::Text(n.clone()),
            _ => Cell::Empty,
        };
        rows.push(vec![
            nino,
            Cell::Text(r.given),
            Cell::Text(r.family),
            r.dob.map_or(Cell::Empty, Cell::Date),
            Cell::Text(r.postcode),
            Cell::Date(s.start),
            s.end.map_or(Cell::Empty, Cell::Date),
            s.left.map_or(Cell::Empty, |b| Cell::Static(b.code())),
        ]);
        people.push(s.person);
    }
    (rows, people)
}

use chrono::Datelike;

fn line(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

fn put(path: &Path, text: String) -> Result<(), SynthError> {
    fs::write(path, text).map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes the cohort's files under `out` (see the module documentation of `cohort`).
pub(crate) fn write(
    b: &Borough,
    fu: &FollowUp,
    families: &[FamilyTruth],
    out: &Path,
) -> Result<(), SynthError> {
    let sources = out.join("sources");
    let truth = out.join("truth");
    let programme = out.join("programme");
    fs::create_dir_all(&programme).map_err(|source| SynthError::Io {
        path: programme.clone(),
        source,
    })?;
    let mut records = String::from("file,row,person_id\r\n");
    for t in fu.sources.iter().filter(|t| !t.rows.is_empty()) {
        let name = followup_name(t.source);
        write_source_at(t, sources.join(&name))?;
        for (i, &p) in t.people.iter().enumerate() {
            let _ = write!(records, "{name},{},{}\r\n", i + 2, person_id(p));
        }
    }
    // Employment: ISO dates, as DWP's other file.
    let mut text = String::new();
    line(&mut text, &EMPLOYMENT_HEADER.map(String::from));
    for (i, row) in fu.employment_rows.0.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| c.render(Source::Dwp).into_owned())
            .collect();
        line(&mut text, &cells);
        let _ = write!(
            records,
            "employment.csv,{},{}\r\n",
            i + 2,
            person_id(fu.employment_rows.1[i])
        );
    }
    put(&sources.join("employment.csv"), text)?;
    put(&truth.join("followup_records.csv"), records)?;

    // The council's attachment list: the lead adult of each attached family, by date, and
    // the family's home on the attachment date.
    let mut list: Vec<_> = fu.attachments.iter().filter(|a| a.attached).collect();
    list.sort_by_key(|a| (a.date, a.household));
    let mut text = String::new();
    line(&mut text, &ATTACHMENT_HEADER.map(String::from));
    for (n, a) in list.iter().enumerate() {
        let p = &b.people[lead(b, a.household)];
        let home = b.geo.address(b.households[a.household].address_on(a.date));
        line(
            &mut text,
            &[
                format!("A{:06}", n + 1),
                p.nhs_number.clone(),
                p.given_name.clone(),
                p.family_name.clone(),
                p.date_of_birth.format("%d/%m/%Y").to_string(),
                format!("{}, {}", home.line, home.town),
                home.postcode,
                a.date.format("%d/%m/%Y").to_string(),
            ],
        );
    }
    put(&programme.join("attachments.csv"), text)?;

    let problems: std::collections::BTreeMap<usize, String> = families
        .iter()
        .map(|f| {
            (
                f.household,
                f.problems
                    .iter()
                    .map(|p| p.key())
                    .collect::<Vec<_>>()
                    .join(";"),
            )
        })
        .collect();
    let mut text = String::from("family_id,attached,date,lead_person_id,problems\r\n");
    for a in &fu.attachments {
        let _ = write!(
            text,
            "{},{},{},{},{}\r\n",
            family_id(a.household),
            a.attached,
            a.date,
            person_id(lead(b, a.household)),
            problems.get(&a.household).map_or("", String::as_str)
        );
    }
    put(&truth.join("attachments.csv"), text)?;

    let mut text = String::from("family_id,kind,achieved_on\r\n");
    for r in oracle::outcomes(b, fu) {
        let _ = write!(
            text,
            "{},{},{}\r\n",
            family_id(r.household),
            r.kind,
            r.achieved_on
        );
    }
    put(&truth.join("outcomes.csv"), text)?;
    put(
        &truth.join("service_use.csv"),
        oracle::service_use_csv(b, fu, families),
    )?;

    let mut text = String::from(
        "# The planted effect of the programme in this synthetic borough: from its attachment\n\
         # date on, an attached family's rate of each outcome's events is multiplied by the\n\
         # factor below (1 = no effect). The comparison group (eligible, not attached) and\n\
         # attached families before attachment run at 1. Constant over months 0-24.\n",
    );
    let _ = writeln!(text, "as_at = {AS_AT}\nfollow_up_end = {FOLLOW_END}");
    let _ = writeln!(text, "attach_share = {}", fu.cohort.attach_share);
    let _ = writeln!(
        text,
        "attach_from = {}\nattach_to = {}",
        fu.cohort.attach_from, fu.cohort.attach_to
    );
    let _ = writeln!(
        text,
        "attached_families = {}\ncomparison_families = {}",
        fu.attachments.iter().filter(|a| a.attached).count(),
        fu.attachments.iter().filter(|a| !a.attached).count()
    );
    for (key, mult, what) in fu.cohort.effects.rows() {
        let _ = writeln!(
            text,
            "\n[effects.{key}]\nmultiplier = {mult}\napplies_to = \"{what}\""
        );
    }
    put(&truth.join("effects.toml"), text)
}

/// `schools_followup.csv`, `social_care_followup.xlsx`, …: names the shipped mappings'
/// patterns (`schools*.csv`) take.
pub fn followup_name(source: Source) -> String {
    match source {
        Source::SocialCare => "social_care_followup.xlsx".to_string(),
        s => format!("{}_followup.csv", s.stem()),
    }
}

/// The family's lead adult: the oldest member 18 or over on the as-at date, else the first.
pub(crate) fn lead(b: &Borough, household: usize) -> usize {
    let hh = &b.households[household];
    hh.members
        .iter()
        .copied()
        .filter(|&p| crate::dates::age_on(b.people[p].date_of_birth, AS_AT) >= 18)
        .min_by_key(|&p| b.people[p].date_of_birth)
        .unwrap_or(hh.members[0])
}
