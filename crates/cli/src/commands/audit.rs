//! `hearth audit`: the audit log's tamper evidence and its export for the data protection
//! officer.

use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `hearth audit`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    /// Check every link of the audit log's hash chain; report the first broken one.
    /// Exits with an error when the chain is broken.
    Verify {
        #[command(flatten)]
        store: super::StoreArg,
        /// A head written down at an earlier check, as `LINE:HASH` (what `verify` prints):
        /// that line must still be in the log with that hash, so a log cut back or rewritten
        /// from its start (with the head row rewritten to match) is found.
        #[arg(long, value_name = "LINE:HASH")]
        expect_head: Option<String>,
    },
    /// Write the whole audit log, oldest first, with each line's hashes, as CSV (for the
    /// data protection officer). The export itself is audited.
    Export {
        #[command(flatten)]
        store: super::StoreArg,
        /// The CSV file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `hearth audit`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        AuditCommand::Verify { store, expect_head } => verify(&store, expect_head.as_deref()),
        AuditCommand::Export { store, out } => export(&store, &out),
    }
}

fn verify(store: &super::StoreArg, expect_head: Option<&str>) -> anyhow::Result<()> {
    let mut s = store.open_existing()?;
    let report = s.verify_audit_chain()?;
    println!("{} audit lines checked", report.lines);
    if report.before_chain > 0 {
        println!(
            "{} lines were written before the chain began (no hash to check)",
            report.before_chain
        );
    }
    match (&report.broken, &report.head) {
        (Some(b), _) if b.id == 0 => anyhow::bail!("the audit chain is broken: {}", b.reason),
        (Some(b), _) => anyhow::bail!("the audit chain is broken at line {}: {}", b.id, b.reason),
        (None, Some((id, hash))) => {
            println!("the chain holds; its head is line {id}, hash {hash}");
            println!(
                "(write the head down elsewhere, and give it to a later check: --expect-head {id}:{hash})"
            );
        }
        (None, None) => println!("the chain holds (no chained lines yet)"),
    }
    if let Some(expected) = expect_head {
        let Some((line, hash)) = expected
            .split_once(':')
            .and_then(|(l, h)| Some((l.trim().parse::<i64>().ok()?, h.trim())))
        else {
            anyhow::bail!("--expect-head takes LINE:HASH, as verify prints it");
        };
        let found = s.audit_lines_after(line - 1, 1)?;
        match found.first() {
            Some(l) if l.entry.id == line && l.hash == hash => {
                println!("line {line} is still in the log with the hash written down")
            }
            Some(l) if l.entry.id == line => anyhow::bail!(
                "the audit log was rewritten: line {line}'s hash is not the one written down"
            ),
            _ => anyhow::bail!(
                "line {line}, written down as a head, is no longer in the audit log: the log was cut or emptied (a retention run removes only lines older than the policy's period: check its proof report)"
            ),
        }
    }
    Ok(())
}

fn export(store_arg: &super::StoreArg, out: &std::path::Path) -> anyhow::Result<()> {
    let mut store = store_arg.open_existing()?;
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    // Who looked at whose record: readable by its owner only.
    super::private(out);
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record([
        "id",
        "at",
        "user_id",
        "user_name",
        "action",
        "target_kind",
        "target_id",
        "client_ip",
        "detail",
        "prev_hash",
        "hash",
    ])?;
    let (mut after, mut lines) = (0i64, 0u64);
    loop {
        let page = store.audit_lines_after(after, 10_000)?;
        let Some(last) = page.last() else { break };
        after = last.entry.id;
        for l in &page {
            let e = &l.entry;
            w.write_record([
                e.id.to_string(),
                e.at.to_rfc3339(),
                e.user_id.map(|u| u.to_string()).unwrap_or_default(),
                e.user_name.clone(),
                e.action.clone(),
                e.target_kind.clone(),
                e.target_id.clone(),
                e.client_ip.clone(),
                e.detail.clone(),
                l.prev_hash.clone(),
                l.hash.clone(),
            ])?;
            lines += 1;
        }
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", out.display(), e.error()))?
        .flush()
        .with_context(|| format!("writing {}", out.display()))?;
    store.append_audit(&hearth_store::AuditEntry {
        id: 0,
        at: chrono::Utc::now(),
        user_id: None,
        user_name: super::current_user(),
        action: "export audit log".into(),
        target_kind: "audit_log".into(),
        target_id: "*".into(),
        client_ip: "command line".into(),
        detail: format!("{lines} lines"),
    })?;
    println!("{lines} audit lines written to {}", out.display());
    Ok(())
}
