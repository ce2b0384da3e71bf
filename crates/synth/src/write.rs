//! Writing a borough to disk: the seven source files and the ground truth.

use crate::borough::{Borough, Summary, SynthError};
use crate::dates::{AS_AT, PERIOD_END, PERIOD_START};
use crate::errors::ErrorKind;
use crate::model::{family_id, household_id, person_id};
use crate::sources::{Cell, Source, SourceTable};
use crate::truth::FamilyTruth;
use chrono::Datelike;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_text(table: &SourceTable) -> String {
    let mut out = String::with_capacity(table.rows.len() * 120);
    let header = table.source.header();
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(&mut out, h);
    }
    out.push_str("\r\n");
    for row in &table.rows {
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, &c.render(table.source));
        }
        out.push_str("\r\n");
    }
    out
}

fn write_source(table: &SourceTable, dir: &Path) -> Result<(), SynthError> {
    write_source_at(table, dir.join(table.source.file_name()))
}

/// Writes a source table at `path`, in its source's encoding and format.
pub(crate) fn write_source_at(table: &SourceTable, path: PathBuf) -> Result<(), SynthError> {
    match table.source {
        Source::SocialCare => write_xlsx(table, &path),
        Source::Housing => {
            let text = csv_text(table);
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
            if unmappable {
                return Err(SynthError::Encoding { path });
            }
            fs::write(&path, &bytes).map_err(io_err(&path))
        }
        Source::Health => {
            let mut bytes = "\u{FEFF}".as_bytes().to_vec();
            bytes.extend_from_slice(csv_text(table).as_bytes());
            fs::write(&path, bytes).map_err(io_err(&path))
        }
        _ => fs::write(&path, csv_text(table)).map_err(io_err(&path)),
    }
}

fn write_xlsx(table: &SourceTable, path: &Path) -> Result<(), SynthError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| SynthError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut wb = Workbook::new();
    // A fixed creation time keeps the file byte-identical for a seed.
    let created =
        ExcelDateTime::from_ymd(AS_AT.year() as u16, AS_AT.month() as u8, AS_AT.day() as u8)
            .map_err(xerr)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Episodes").map_err(xerr)?;
    for (c, h) in table.source.header().iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s).map_err(xerr)?;
                }
                Cell::Static(s) => {
                    ws.write_string(r, c, *s).map_err(xerr)?;
                }
                Cell::Int(n) => {
                    ws.write_number(r, c, *n).map_err(xerr)?;
                }
                Cell::Date(d) => {
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(xerr)?;
                    ws.write_datetime_with_format(r, c, &dt, &date_format)
                        .map_err(xerr)?;
                }
            }
        }
    }
    for c in 0..table.source.header().len() as u16 {
        ws.set_column_width(c, 14).map_err(xerr)?;
    }
    wb.save(path).map_err(xerr)
}

fn manifest(b: &Borough, families: &[FamilyTruth]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Ground truth of a synthetic borough made by `hearth synth`."
    );
    let _ = writeln!(s, "seed = {}", b.config.seed);
    let _ = writeln!(s, "people = {}", b.people.len());
    let _ = writeln!(s, "households = {}", b.households.len());
    let _ = writeln!(s, "families = {}", families.len());
    let _ = writeln!(
        s,
        "eligible_families = {}",
        families.iter().filter(|f| f.eligible()).count()
    );
    let _ = writeln!(s, "period_start = {PERIOD_START}");
    let _ = writeln!(s, "period_end = {PERIOD_END}");
    let _ = writeln!(s, "as_at = {AS_AT}");
    let _ = writeln!(s, "\n[rows]");
    for t in &b.sources {
        let _ = writeln!(s, "{} = {}", t.source.stem(), t.rows.len());
    }
    for t in &b.sources {
        let _ = writeln!(s, "\n[errors.{}]", t.source.stem());
        for k in ErrorKind::ALL {
            let _ = writeln!(s, "{} = {}", k.key(), t.error_count(k));
        }
    }
    s
}

fn people_csv(b: &Borough) -> String {
    let mut s = String::with_capacity(b.people.len() * 90);
    s.push_str("person_id,given_name,family_name,date_of_birth,sex,nhs_number,ni_number,upn,household_id\r\n");
    for p in &b.people {
        let fields = [
            person_id(p.index),
            p.given_name.clone(),
            p.family_name.clone(),
            p.date_of_birth.format("%Y-%m-%d").to_string(),
            p.sex.code().to_string(),
            p.nhs_number.clone(),
            p.ni_number.clone().unwrap_or_default(),
            p.upn.clone().unwrap_or_default(),
            household_id(p.household),
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            csv_field(&mut s, f);
        }
        s.push_str("\r\n");
    }
    s
}

fn records_csv(b: &Borough) -> String {
    let rows: usize = b.sources.iter().map(|t| t.rows.len()).sum();
    let mut s = String::with_capacity(rows * 24);
    s.push_str("source,row,person_id\r\n");
    for t in &b.sources {
        for (i, &p) in t.people.iter().enumerate() {
            let _ = write!(s, "{},{},{}\r\n", t.source.stem(), i + 2, person_id(p));
        }
    }
    s
}

fn families_csv(families: &[FamilyTruth]) -> String {
    let mut s = String::new();
    s.push_str("family_id,members,problems,problem_count,eligible\r\n");
    for f in families {
        let members: Vec<String> = f.members.iter().map(|&p| person_id(p)).collect();
        let problems: Vec<&str> = f.problems.iter().map(|p| p.key()).collect();
        let _ = write!(
            s,
            "{},{},{},{},{}\r\n",
            family_id(f.household),
            members.join(" "),
            problems.join(";"),
            f.problems.len(),
            if f.eligible() { "true" } else { "false" }
        );
    }
    s
}

pub(crate) fn write(b: &Borough, out: &Path) -> Result<Summary, SynthError> {
    let sources_dir = out.join("sources");
    let truth_dir = out.join("truth");
    // Not partner files: `hearth referrals import` reads these, `hearth import` does not.
    let referrals_dir = out.join("referrals");
    for d in [&sources_dir, &truth_dir, &referrals_dir] {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    let families = crate::truth::families(b);
    let referrals = crate::referrals::referrals(b, &families);
    enum Job<'a> {
        Source(&'a SourceTable),
        Truth(&'static str, Box<dyn Fn() -> String + Send + Sync + 'a>),
    }
    let mut jobs: Vec<Job> = b.sources.iter().map(Job::Source).collect();
    jobs.push(Job::Truth("records.csv", Box::new(|| records_csv(b))));
    jobs.push(Job::Truth("people.csv", Box::new(|| people_csv(b))));
    jobs.push(Job::Truth(
        "families.csv",
        Box::new(|| families_csv(&families)),
    ));
    jobs.push(Job::Truth(
        "referrals.csv",
        Box::new(|| crate::referrals::truth_csv(&referrals)),
    ));
    let referrals_file = referrals_dir.join("referrals.csv");
    fs::write(&referrals_file, crate::referrals::referrals_csv(&referrals))
        .map_err(io_err(&referrals_file))?;
    jobs.push(Job::Truth(
        "manifest.toml",
        Box::new(|| manifest(b, &families)),
    ));
    if let Some(fu) = &b.followup {
        crate::cohort::write::write(b, fu, &families, out)?;
    }
    jobs.par_iter()
        .map(|job| match job {
            Job::Source(t) => write_source(t, &sources_dir),
            Job::Truth(name, make) => {
                let path: PathBuf = truth_dir.join(name);
                let file = fs::File::create(&path).map_err(io_err(&path))?;
                let mut w = BufWriter::new(file);
                w.write_all(make().as_bytes()).map_err(io_err(&path))?;
                w.flush().map_err(io_err(&path))
            }
        })
        .collect::<Result<Vec<()>, SynthError>>()?;
    Ok(Summary {
        people: b.people.len(),
        households: b.households.len(),
        families: families.len(),
        eligible_families: families.iter().filter(|f| f.eligible()).count(),
        rows: b.sources.iter().map(|t| (t.source, t.rows.len())).collect(),
        out_dir: out.to_path_buf(),
    })
}
