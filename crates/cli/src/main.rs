//! `hearth`: the one binary. A thin layer over the domain crates: each verb lives in
//! `commands/<verb>.rs`, parses its arguments, calls the pipeline (`hearth-pipeline`) or a
//! domain crate, and prints. It holds no domain rule.

mod commands;
mod config;

use clap::{Parser, Subcommand};

/// mimalloc: many small short-lived allocations (rows, template values, strings) on every
/// page and in linkage; glibc's allocator spent ~15% of the web server's CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hearth: identify, prioritise and support families in the Supporting Families programme.
#[derive(Parser)]
#[command(name = "hearth", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write editable copies of the shipped mappings and rules into a folder.
    Init(commands::init::Args),
    /// Generate a synthetic borough: partner files plus a ground-truth folder.
    Synth(commands::synth::Args),
    /// Import partner files (CSV or Excel) into the store, quarantining bad rows.
    Import(commands::import::Args),
    /// Rows that could not be imported: list them, or export a CSV per partner to send back.
    Quarantine(commands::quarantine::Args),
    /// Link records into people, households and families (or link any CSV files with --spec).
    Link(commands::link::Args),
    /// The clerical review queue: uncertain pairs of records for a person to decide.
    Review(commands::review::Args),
    /// Identify and prioritise the families eligible for the programme.
    Identify(commands::identify::Args),
    /// Look at one family: `hearth family show ID` prints its evidence trail.
    Family(commands::family::Args),
    /// Generate a synthetic borough and run the whole job on it.
    Demo(commands::demo::Args),
    /// Serve the web application.
    Serve(Box<commands::serve::Args>),
    /// Manage web accounts (e.g. the first administrator).
    Users(commands::users::Args),
    /// Back up a SQLite store while it is in use (PostgreSQL: says how with pg_dump).
    Backup(commands::backup::Args),
    /// Restore a SQLite store from a backup (checked first; --force to replace a store).
    Restore(commands::backup::RestoreArgs),
    /// Ask a running server whether it is up (for container health checks).
    Healthcheck(commands::healthcheck::Args),
    /// The audit log: check its hash chain, export it for the data protection officer.
    Audit(commands::audit::Args),
    /// The objection register: people and families who object to their data being shared.
    Objections(commands::objections::Args),
    /// Extracts that leave the council (the national evaluation), encrypted for the recipient.
    Extract(commands::extract::Args),
    /// Referrals: `hearth referrals import FILE` records a batch for the double check.
    Referrals(commands::referrals::Args),
    /// Subject access: everything held on a person, as JSON or a printable page (audited).
    Sar(commands::rights::SarArgs),
    /// Correct a person's identifier (name, date of birth, address, NHS/NI number); audited.
    Rectify(commands::rights::RectifyArgs),
    /// Erase a person where the law allows: identity, facts and results, leaving a tombstone
    /// so a re-import does not bring them back.
    Erase(commands::rights::RequestArgs),
    /// Restrict a person's processing (kept, but left out of linkage, identification,
    /// extracts and pages); `hearth restrict --person P --lift ID --reason … --received …`
    /// lifts it.
    Restrict(commands::rights::RestrictArgs),
    /// The register of data sharing agreements and lawful bases, from the mappings.
    Sharing(commands::rights::SharingArgs),
    /// The local impact evaluation: programme families against a matched comparison group of
    /// eligible families not worked with, at month bands after attachment.
    Evaluate(commands::evaluate::Args),
    /// Outcomes: attach families (freezing baselines) and judge them under the Outcomes Plan.
    Outcomes(commands::outcomes::Args),
    /// Retention and destruction: apply rules/retention.toml (--dry-run, --apply, --reports).
    Retention(commands::retention::Args),
    /// Payment-by-results claims: prepare a batch, list, export the claim return, withdraw,
    /// internal audit's sample.
    Claims(commands::claims::Args),
    /// The cost savings calculator: attached families' service use before and after, priced.
    Savings(commands::savings::Args),
}

fn main() -> std::process::ExitCode {
    exit_quietly_on_broken_pipe();
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => commands::init::run(a),
        Command::Synth(a) => commands::synth::run(a),
        Command::Import(a) => commands::import::run(a),
        Command::Quarantine(a) => commands::quarantine::run(a),
        Command::Link(a) => commands::link::run(a),
        Command::Review(a) => commands::review::run(a),
        Command::Identify(a) => commands::identify::run(a),
        Command::Outcomes(a) => commands::outcomes::run(a),
        Command::Savings(a) => commands::savings::run(a),
        Command::Family(a) => commands::family::run(a),
        Command::Demo(a) => commands::demo::run(a),
        Command::Serve(a) => commands::serve::run(*a),
        Command::Users(a) => commands::users::run(a),
        Command::Backup(a) => commands::backup::run(a),
        Command::Restore(a) => commands::backup::restore(a),
        Command::Healthcheck(a) => commands::healthcheck::run(a),
        Command::Audit(a) => commands::audit::run(a),
        Command::Objections(a) => commands::objections::run(a),
        Command::Extract(a) => commands::extract::run(a),
        Command::Referrals(a) => commands::referrals::run(a),
        Command::Sar(a) => commands::rights::sar(a),
        Command::Rectify(a) => commands::rights::rectify(a),
        Command::Erase(a) => commands::rights::erase(a),
        Command::Restrict(a) => commands::rights::restrict(a),
        Command::Sharing(a) => commands::rights::sharing(a),
        Command::Retention(a) => commands::retention::run(a),
        Command::Claims(a) => commands::claims::run(a),
        Command::Evaluate(a) => commands::evaluate::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `hearth … | head`: when the reader of the output goes away, stop quietly (as `cat` does)
/// instead of panicking in `println!`.
fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Logs go to stderr, quiet unless `HEARTH_LOG` asks (e.g. `HEARTH_LOG=info`), as text or,
/// with `HEARTH_LOG_FORMAT=json`, as one JSON object a line (for a log collector). Logs
/// carry counts, record keys and route templates, never personal data.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal, never escape codes in a log file.
        .with_ansi(std::io::stderr().is_terminal());
    match std::env::var("HEARTH_LOG_FORMAT").as_deref() {
        Ok("json") => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
        _ => builder.init(),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every verb's arguments are well formed (unique names, valid defaults): clap checks
    /// this only when a verb is parsed in a debug build, so check them all here.
    #[test]
    fn every_verbs_arguments_are_well_formed() {
        Cli::command().debug_assert();
    }
}
