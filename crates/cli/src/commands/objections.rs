//! `hearth objections`: the objection register. Every extract honours it.

use anyhow::bail;
use hearth_store::{NewObjection, ObjectionSubject};

/// Arguments of `hearth objections`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ObjectionsCommand,
}

#[derive(clap::Subcommand)]
enum ObjectionsCommand {
    /// Record an objection by a person or a family. It covers the partner records that are
    /// theirs now, and follows those records through later re-links.
    Add {
        #[command(flatten)]
        store: super::StoreArg,
        /// The person's ID.
        #[arg(long, conflicts_with = "family", required_unless_present = "family")]
        person: Option<i64>,
        /// The family's ID (every member at the time).
        #[arg(long)]
        family: Option<i64>,
        /// `research` (the national evaluation and other research) or `all` (all sharing).
        #[arg(long, value_parser = ["research", "all"])]
        scope: String,
        /// When the council received it (yyyy-mm-dd).
        #[arg(long, value_parser = super::parse_date)]
        received_on: chrono::NaiveDate,
        /// How it was received: letter, phone, email, in person…
        #[arg(long)]
        how: String,
        /// Who is recording it.
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// The register, newest first (IDs and dates only).
    List {
        #[command(flatten)]
        store: super::StoreArg,
    },
    /// Withdraw an objection (it stays in the register, marked withdrawn).
    Withdraw {
        #[command(flatten)]
        store: super::StoreArg,
        /// The objection's number, as `list` shows it.
        id: i64,
        /// Who is recording the withdrawal.
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
}

/// Runs `hearth objections`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        ObjectionsCommand::Add {
            store,
            person,
            family,
            scope,
            received_on,
            how,
            user,
        } => {
            let subject = match (person, family) {
                (Some(p), _) => ObjectionSubject::Person(p),
                (None, Some(f)) => ObjectionSubject::Family(f),
                (None, None) => bail!("give --person or --family"),
            };
            if how.trim().is_empty() {
                bail!("--how must say how the objection was received");
            }
            let by = user.unwrap_or_else(super::current_user);
            let now = chrono::Utc::now();
            let mut s = store.open_to_write("objections add")?;
            let id = s.add_objection(&NewObjection {
                subject,
                scope: scope.clone(),
                received_on,
                received_how: how.trim().into(),
                recorded_by: by.clone(),
                recorded_at: now,
            })?;
            audit(&mut s, &by, "record objection", id, &scope)?;
            println!(
                "objection {id} recorded ({scope}); every extract from now on leaves them out"
            );
            Ok(())
        }
        ObjectionsCommand::List { store } => {
            let list = store.open()?.objections()?;
            println!("{} objections", list.len());
            for o in list {
                let who = match o.subject {
                    ObjectionSubject::Person(p) => format!("person {p}"),
                    ObjectionSubject::Family(f) => format!("family {f}"),
                };
                let state = match &o.withdrawn {
                    Some((at, by)) => format!("withdrawn {} by {by}", at.date_naive()),
                    None => "in force".into(),
                };
                println!(
                    "{:>5}  {who}  scope {}  received {} by {}  ({} records)  {state}",
                    o.id, o.scope, o.received_on, o.received_how, o.records
                );
            }
            Ok(())
        }
        ObjectionsCommand::Withdraw { store, id, user } => {
            let by = user.unwrap_or_else(super::current_user);
            let mut s = store.open_to_write("objections withdraw")?;
            if !s.withdraw_objection(id, &by, chrono::Utc::now())? {
                bail!("there is no objection {id} in force");
            }
            audit(&mut s, &by, "withdraw objection", id, "")?;
            println!("objection {id} withdrawn");
            Ok(())
        }
    }
}

fn audit(
    s: &mut hearth_store::Store,
    by: &str,
    action: &str,
    id: i64,
    detail: &str,
) -> anyhow::Result<()> {
    s.append_audit(&hearth_store::AuditEntry {
        id: 0,
        at: chrono::Utc::now(),
        user_id: None,
        user_name: by.into(),
        action: action.into(),
        target_kind: "objection".into(),
        target_id: id.to_string(),
        client_ip: "command line".into(),
        detail: detail.into(),
    })?;
    Ok(())
}
