//! `hearth users`: web accounts from the command line (the first administrator).

use anyhow::{bail, Context};
use std::io::BufRead;

/// Arguments of `hearth users`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: UsersCommand,
}

#[derive(clap::Subcommand)]
enum UsersCommand {
    /// Add an account. The password is read from standard input (one line).
    Add {
        #[command(flatten)]
        store: super::StoreArg,
        /// The sign-in name: 3–64 lower-case letters, digits, dots, hyphens or underscores.
        #[arg(long)]
        name: String,
        /// The person's name as shown to others (default: the sign-in name).
        #[arg(long)]
        display_name: Option<String>,
        /// referrer, lead_worker, performance_officer, data_analyst, ig_officer, auditor
        /// (internal audit of claims) or administrator.
        #[arg(long)]
        role: String,
        /// Read the password from standard input (required: passwords never go on the
        /// command line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts (names and roles; never passwords).
    List {
        #[command(flatten)]
        store: super::StoreArg,
    },
    /// Unlock an account whose sign-in is paused after too many wrong passwords (as the
    /// administrators' page does): for when every administrator is locked out.
    Unlock {
        #[command(flatten)]
        store: super::StoreArg,
        /// The sign-in name.
        #[arg(long)]
        name: String,
    },
}

/// Writes an audit line for an account change made from the command line, under the
/// operating system's user (`SUDO_USER` under sudo).
fn audit(
    s: &mut hearth_store::Store,
    action: &str,
    user_name: &str,
    detail: String,
) -> anyhow::Result<()> {
    s.append_audit(&hearth_store::AuditEntry {
        id: 0,
        at: chrono::Utc::now(),
        user_id: None,
        user_name: super::current_user(),
        action: action.into(),
        target_kind: "user".into(),
        target_id: user_name.into(),
        client_ip: "command line".into(),
        detail,
    })?;
    Ok(())
}

/// Runs `hearth users`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        UsersCommand::Add {
            store,
            name,
            display_name,
            role,
            password_stdin,
        } => {
            let Ok(role) = hearth_web::Role::parse(&role) else {
                bail!("unknown role {role:?}: use referrer, lead_worker, performance_officer, data_analyst, ig_officer, auditor or administrator");
            };
            if !password_stdin {
                bail!("give --password-stdin and the password on standard input");
            }
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let mut s = store.open_to_write("users add")?;
            let display = display_name.unwrap_or_else(|| name.clone());
            let user = hearth_web::create_account(&mut s, &name, &display, role, password, false)
                .map_err(describe)?;
            audit(
                &mut s,
                "add account",
                &user.user_name,
                format!("role {}, from the command line", role.key()),
            )?;
            println!("Added {} ({}).", user.user_name, role.label());
            Ok(())
        }
        UsersCommand::Unlock { store, name } => {
            let mut s = store.open_existing()?;
            s.check_write_access().context(
                "hearth users unlock changes the store, so it needs a PostgreSQL role that may \
                 write it (`hearth users list` and other verbs that only read work with a \
                 read-only role)",
            )?;
            if s.user_by_name(&name)?.is_none() {
                bail!("there is no account {name:?} (hearth users list shows them)");
            }
            s.clear_sign_in_failures(&name)?;
            audit(
                &mut s,
                "clear failed sign-ins",
                &name,
                "from the command line".into(),
            )?;
            println!("Unlocked {name}: its failed sign-ins are cleared.");
            Ok(())
        }
        UsersCommand::List { store } => {
            let mut s = store.open_existing()?;
            for u in s.users()? {
                let role = u.role.label();
                let active = if u.active { "" } else { " (cannot sign in)" };
                println!("{:<24} {role}{active}", u.user_name);
            }
            Ok(())
        }
    }
}

fn describe(e: hearth_web::WebError) -> anyhow::Error {
    match e {
        hearth_web::WebError::Invalid(fields) => anyhow::anyhow!(fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; ")),
        other => anyhow::anyhow!(other),
    }
}

/// One demo sign-in.
pub struct DemoAccount {
    /// Sign-in name.
    pub user_name: &'static str,
    /// Role.
    pub role: hearth_web::Role,
    /// Its password (printed once).
    pub password: String,
}

/// Creates (or resets) a demo account per role, assigns the first three eligible families
/// of the latest identification run to the demo lead worker, prints the sign-ins and writes
/// them to `DIR/demo-sign-ins.json` (synthetic borough only).
pub fn create_demo_accounts(
    store: &mut hearth_store::Store,
    dir: &std::path::Path,
) -> anyhow::Result<Vec<DemoAccount>> {
    use hearth_web::Role;
    let accounts = [
        ("referrer", "Rita Referrer", Role::Referrer),
        ("lead.worker", "Lee Worker", Role::LeadWorker),
        ("lead.worker2", "Lou Otherworker", Role::LeadWorker),
        (
            "performance.officer",
            "Pat Officer",
            Role::PerformanceOfficer,
        ),
        ("analyst", "Ana Lyst", Role::DataAnalyst),
        ("ig.officer", "Ian Governance", Role::IgOfficer),
        ("admin", "Ada Admin", Role::Administrator),
        ("auditor", "Audrey Auditor", Role::Auditor),
    ];
    let mut out = Vec::new();
    let mut lead_worker = None;
    for (name, display, role) in accounts {
        let password = hearth_web::random_password();
        let user = hearth_web::create_account(store, name, display, role, &password, true)
            .map_err(describe)?;
        if name == "lead.worker" {
            lead_worker = Some(user.id);
        }
        out.push(DemoAccount {
            user_name: name,
            role,
            password,
        });
    }
    let mut assigned = Vec::new();
    if let Some(run) = store.identification_runs()?.pop() {
        for a in store
            .assessments(run.id)?
            .into_iter()
            .filter(|a| a.priority_rank.is_some())
            .take(3)
        {
            let now = chrono::Utc::now();
            // A family already attached keeps its case's status ("agreed to take part").
            let mut case = match store.family_case(a.family_id)? {
                Some(c) => c,
                None => {
                    let mut c = hearth_store::FamilyCase::new(a.family_id, now, "demo");
                    c.set_status(hearth_model::CaseStatus::Referred, now, "demo");
                    c
                }
            };
            case.assign(lead_worker, now, "demo");
            store.save_family_case(&case)?;
            assigned.push(a.family_id);
        }
    }
    println!("Demo sign-ins (synthetic data only; passwords are new each run):");
    for a in &out {
        println!(
            "  {:<20} {:<32} {}",
            a.user_name,
            a.role.label(),
            a.password
        );
    }
    println!("Families assigned to lead.worker: {assigned:?}");
    let accounts: serde_json::Map<String, serde_json::Value> = out
        .iter()
        .map(|a| {
            (
                a.user_name.to_string(),
                serde_json::json!({"role": a.role.key(), "password": a.password}),
            )
        })
        .collect();
    let path = dir.join("demo-sign-ins.json");
    let body = serde_json::json!({"accounts": accounts, "assigned_to_lead_worker": assigned});
    std::fs::write(&path, serde_json::to_string_pretty(&body)?)
        .with_context(|| format!("writing {}", path.display()))?;
    super::private(&path);
    Ok(out)
}
