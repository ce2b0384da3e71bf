//! A person's rights (issue 13): `hearth sar` (everything held on a person, as JSON or a
//! printable page), `hearth rectify` (correct an identifier), `hearth erase` and
//! `hearth restrict` (with the reason and the lawful ground), and `hearth sharing` (the
//! register of data sharing agreements). Every one is audited; audit lines carry keys, the
//! field and the ground, never an identifier's value.

use anyhow::{bail, Context};
use hearth_pipeline::rights::{requests, Found, FoundSubject};
use hearth_store::Store;
use std::path::PathBuf;

/// Who the request is about: a person ID, an NHS number, a unique pupil number, or a name
/// (and middle names) with a date of birth — as the web's subject access search.
#[derive(clap::Args, Debug, Clone)]
pub struct PersonArg {
    /// The person's ID (as pages and `hearth family` show it).
    #[arg(long)]
    person: Option<i64>,
    /// Find the person by NHS number.
    #[arg(long, conflicts_with_all = ["person", "name", "upn"])]
    nhs: Option<String>,
    /// Find the person by unique pupil number (a letter and 12 more characters).
    #[arg(long, value_parser = parse_upn, conflicts_with_all = ["person", "name"])]
    upn: Option<String>,
    /// Find the person by name (every word must appear); give --dob too.
    #[arg(long, requires = "dob", conflicts_with = "person")]
    name: Option<String>,
    /// Words of the person's middle names, with --name.
    #[arg(long = "middle-name", requires = "name")]
    middle_name: Option<String>,
    /// Date of birth (yyyy-mm-dd), with --name.
    #[arg(long, value_parser = super::parse_date)]
    dob: Option<chrono::NaiveDate>,
}

/// A unique pupil number as `hearth_model::Upn` writes it.
fn parse_upn(raw: &str) -> Result<String, String> {
    hearth_model::Upn::parse(raw)
        .map(|u| u.as_str().to_string())
        .map_err(|_| {
            "a unique pupil number is a letter and 12 more characters, like A123456789012"
                .to_string()
        })
}

impl PersonArg {
    /// The lookup these arguments ask for.
    fn lookup(&self) -> anyhow::Result<hearth_pipeline::rights::PersonLookup> {
        if self.person.is_none() && self.nhs.is_none() && self.upn.is_none() && self.name.is_none()
        {
            bail!(
                "say who: --person ID, --nhs NUMBER, --upn NUMBER, or --name \"NAME\" \
                 (and --middle-name \"NAMES\") with --dob yyyy-mm-dd"
            );
        }
        Ok(hearth_pipeline::rights::PersonLookup {
            person: self.person,
            nhs_number: self.nhs.clone(),
            upn: self.upn.clone(),
            name: self.name.clone(),
            middle_name: self.middle_name.clone(),
            date_of_birth: self.dob,
        })
    }

    /// The subject of a subject access request: the one person meant, people named in
    /// referrals written exactly as given (by name and date of birth), or both.
    fn subject(&self, s: &mut Store) -> anyhow::Result<hearth_store::SarSubject> {
        let lookup = self.lookup()?;
        match hearth_pipeline::rights::find_subject(s, &lookup)? {
            FoundSubject::One(subject) => Ok(subject),
            FoundSubject::Nobody => {
                bail!("nobody found in the linked data or in referrals: check the spelling, or give --person")
            }
            FoundSubject::Many(many) => bail!(
                "{} people match: give --person with one of {}",
                many.len(),
                many.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The one person meant, or an error listing the candidates' IDs.
    fn find(&self, s: &mut Store) -> anyhow::Result<i64> {
        if let Some(p) = self.person {
            return Ok(p);
        }
        let lookup = self.lookup()?;
        match hearth_pipeline::rights::find_person(s, &lookup)? {
            Found::One(p) => Ok(p),
            Found::Nobody => bail!("no person found: check the spelling, or give --person"),
            Found::Many(many) => bail!(
                "{} people match: give --person with one of {}",
                many.len(),
                many.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Arguments of `hearth sar`.
#[derive(clap::Args)]
pub struct SarArgs {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    #[command(flatten)]
    who: PersonArg,
    /// `json` (everything, for a machine) or `html` (a readable page to print).
    #[arg(long, default_value = "html", value_parser = ["json", "html"])]
    format: String,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Who is answering the request (recorded in the audit log).
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth sar`.
pub fn sar(args: SarArgs) -> anyhow::Result<()> {
    let mut s = args.store.open_to_write("sar")?;
    let subject = args.who.subject(&mut s)?;
    let config = args.config.resolve()?;
    let mappings = hearth_intake::Mapping::load_dir(config.path(None, "mappings"))
        .context("loading the mappings (for each source's agreement and lawful basis)")?;
    let by = args.user.unwrap_or_else(super::current_user);
    let Some(doc) = hearth_pipeline::rights::subject_access(
        &mut s,
        &subject,
        &mappings,
        &by,
        chrono::Utc::now(),
    )?
    else {
        bail!(
            "Hearth holds no person {}",
            subject.person.map(|p| p.to_string()).unwrap_or_default()
        );
    };
    let who = hearth_pipeline::rights::subject_name(&doc);
    let text = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&doc)? + "\n",
        _ => hearth_pipeline::rights::render_html(&doc),
    };
    std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
    let targets: Vec<(&str, i64)> = match subject.person {
        Some(p) => vec![("person", p)],
        None => doc
            .held
            .referrals
            .iter()
            .map(|r| ("referral", *r))
            .collect(),
    };
    for (kind, key) in targets {
        audit(
            &mut s,
            &by,
            "subject access",
            kind,
            key,
            &format!("format {}", args.format),
        )?;
    }
    let rows: usize = doc.held.sections.iter().map(|t| t.rows.len()).sum();
    println!(
        "subject access for {who}: {} records, {} families, {rows} rows from {} tables written to {}",
        doc.held.records.len(),
        doc.held.families.len(),
        doc.held.sections.iter().filter(|t| !t.rows.is_empty()).count(),
        args.out.display()
    );
    Ok(())
}

/// Arguments of `hearth rectify`.
#[derive(clap::Args)]
pub struct RectifyArgs {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    who: PersonArg,
    /// The identifier: given_name, family_name, full_name, date_of_birth, address,
    /// postcode, nhs_number or ni_number.
    #[arg(long)]
    field: String,
    /// The corrected value (every record of the person gets it).
    #[arg(long)]
    value: String,
    /// Why (e.g. "birth certificate seen").
    #[arg(long)]
    reason: String,
    /// Who is correcting it.
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth rectify`.
pub fn rectify(args: RectifyArgs) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let r =
        requests::check_rectification(&args.field, &args.value, &args.reason, now.date_naive())?;
    let mut s = args.store.open_to_write("rectify")?;
    let person = args.who.find(&mut s)?;
    let by = args.user.unwrap_or_else(super::current_user);
    let done = requests::rectify(&mut s, person, &r, &by, now)?;
    audit(
        &mut s,
        &by,
        requests::RECTIFY,
        "person",
        person,
        &requests::rectified_detail(&r, &done),
    )?;
    println!(
        "{} corrected on {} records of person {person}; the next `hearth link` uses it",
        r.field.key(),
        done.records
    );
    Ok(())
}

/// Arguments of `hearth erase` and `hearth restrict`.
#[derive(clap::Args)]
pub struct RequestArgs {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    who: PersonArg,
    /// Why, in plain words (kept in the register; not in logs).
    #[arg(long)]
    reason: String,
    /// The lawful ground: for erasure 17-1-a … 17-1-f (UK GDPR Art. 17(1)), for restriction
    /// 18-1-a … 18-1-d (Art. 18(1)).
    #[arg(long)]
    ground: String,
    /// Who is recording it.
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth erase`.
pub fn erase(args: RequestArgs) -> anyhow::Result<()> {
    let r = requests::check_erasure(&args.ground, &args.reason)?;
    let mut s = args.store.open_to_write("erase")?;
    let person = args.who.find(&mut s)?;
    let by = args.user.unwrap_or_else(super::current_user);
    let done = requests::erase(&mut s, person, &r, &by, chrono::Utc::now())?;
    audit(
        &mut s,
        &by,
        requests::ERASE,
        "person",
        person,
        &requests::erased_detail(&r, &done),
    )?;
    println!(
        "person {person} erased: {} records removed; a re-import of their rows is quarantined",
        done.records
    );
    Ok(())
}

/// Arguments of `hearth restrict`.
#[derive(clap::Args)]
pub struct RestrictArgs {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    who: PersonArg,
    /// Why, in plain words (kept in the register; not in logs): why it is restricted, or
    /// with --lift why it is lifted.
    #[arg(long)]
    reason: Option<String>,
    /// The lawful ground: 18-1-a … 18-1-d (UK GDPR Art. 18(1)).
    #[arg(long, required_unless_present = "lift")]
    ground: Option<String>,
    /// How the request was received (letter, email, in person…; kept with the restriction,
    /// or with --lift with the lifting).
    #[arg(long, value_name = "HOW")]
    received: Option<String>,
    /// Lift the person's restriction ID instead (with --reason and --received): the next
    /// `hearth link` processes the records again.
    #[arg(long, value_name = "ID", conflicts_with = "ground", requires_all = ["reason", "received"])]
    lift: Option<i64>,
    /// Who is recording it.
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth restrict`.
pub fn restrict(args: RestrictArgs) -> anyhow::Result<()> {
    let by = args.user.clone().unwrap_or_else(super::current_user);
    if let Some(id) = args.lift {
        let lifting = requests::check_lifting(
            args.reason.as_deref().unwrap_or_default(),
            args.received.as_deref().unwrap_or_default(),
        )?;
        let mut s = args.store.open_to_write("restrict")?;
        let person = args.who.find(&mut s)?;
        requests::lift(
            &mut s,
            id,
            Some((person, &lifting)),
            &by,
            chrono::Utc::now(),
        )?;
        audit(
            &mut s,
            &by,
            requests::LIFT,
            "restriction",
            id,
            &format!("person {person}"),
        )?;
        println!("restriction {id} lifted; the next `hearth link` processes the records again");
        return Ok(());
    }
    let Some(ground) = args.ground.as_deref() else {
        anyhow::bail!("give --ground (18-1-a … 18-1-d) and --reason, or --lift ID");
    };
    let r = requests::check_restriction(
        ground,
        args.reason.as_deref().unwrap_or_default(),
        args.received.as_deref(),
    )?;
    let mut s = args.store.open_to_write("restrict")?;
    let person = args.who.find(&mut s)?;
    let id = requests::restrict(&mut s, person, &r, &by, chrono::Utc::now())?;
    let (on_person, on_restriction) = requests::restricted_details(&r, id);
    audit(
        &mut s,
        &by,
        requests::RESTRICT,
        "person",
        person,
        &on_person,
    )?;
    audit(
        &mut s,
        &by,
        requests::RESTRICT,
        "restriction",
        id,
        &on_restriction,
    )?;
    println!(
        "restriction {id}: person {person}'s records are kept but left out of linkage, \
         identification, extracts and pages until it is lifted"
    );
    Ok(())
}

/// Arguments of `hearth sharing`.
#[derive(clap::Args)]
pub struct SharingArgs {
    #[command(flatten)]
    config: crate::config::ConfigArg,
}

/// Runs `hearth sharing`: each source's data sharing agreement, lawful basis and review date.
pub fn sharing(args: SharingArgs) -> anyhow::Result<()> {
    let config = args.config.resolve()?;
    let mappings = hearth_intake::Mapping::load_dir(config.path(None, "mappings"))?;
    let today = chrono::Local::now().date_naive();
    for s in hearth_pipeline::rights::sharing_register(&mappings, today) {
        let name = s.name.as_deref().unwrap_or(&s.source);
        match &s.sharing {
            None => println!("{name}: NO DATA SHARING AGREEMENT NAMED in its mapping"),
            Some(a) => {
                let review = match a.review_on {
                    Some(d) if s.review_overdue => format!("review OVERDUE since {d}"),
                    Some(d) => format!("review by {d}"),
                    None => "no review date".into(),
                };
                println!(
                    "{name}: {} ({}); {review}{}",
                    a.agreement,
                    a.reference.as_deref().unwrap_or("no reference"),
                    if a.example {
                        "; EXAMPLE values to check"
                    } else {
                        ""
                    }
                );
                for b in &a.lawful_basis {
                    println!("    {b}");
                }
            }
        }
    }
    Ok(())
}

fn audit(
    s: &mut Store,
    by: &str,
    action: &str,
    kind: &str,
    id: i64,
    detail: &str,
) -> anyhow::Result<()> {
    s.append_audit(&hearth_store::AuditEntry {
        id: 0,
        at: chrono::Utc::now(),
        user_id: None,
        user_name: by.into(),
        action: action.into(),
        target_kind: kind.into(),
        target_id: id.to_string(),
        client_ip: "command line".into(),
        detail: detail.into(),
    })?;
    Ok(())
}
