//! `hearth extract`: extracts that leave the council, encrypted for their recipient.

use std::path::PathBuf;

/// Arguments of `hearth extract`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ExtractCommand,
}

#[derive(clap::Subcommand)]
enum ExtractCommand {
    /// The national evaluation extract for ONS: identifiers and attributes in two files
    /// joined only by a reference number, with a manifest, for the families on the programme
    /// and the eligible families not worked with, objectors left out; zipped and encrypted
    /// for the recipient's age public key. The transfer is logged and audited.
    NationalEvaluation {
        #[command(flatten)]
        store: super::StoreArg,
        /// The recipient's age public key (age1…), as the recipient gave it.
        #[arg(long)]
        recipient: String,
        /// The folder to write the encrypted file into.
        #[arg(long)]
        out: PathBuf,
        /// Who is making the extract (recorded in the transfer log).
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
        /// The day the extract is made as at (yyyy-mm-dd): only families attached by then
        /// are on the programme [default: today].
        #[arg(long, value_parser = super::parse_date)]
        today: Option<chrono::NaiveDate>,
    },
}

/// Runs `hearth extract`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        ExtractCommand::NationalEvaluation {
            store,
            recipient,
            out,
            user,
            today,
        } => {
            let mut s = store.open_to_write("extract")?;
            let made_by = user.unwrap_or_else(super::current_user);
            let now = chrono::Utc::now();
            let report = hearth_pipeline::extract::national_evaluation(
                &mut s,
                &hearth_pipeline::extract::NationalEvaluationRequest {
                    recipient: &recipient,
                    out_dir: &out,
                    made_by: &made_by,
                    now,
                    today: today.unwrap_or_else(|| now.date_naive()),
                },
            )?;
            println!("{report}");
            Ok(())
        }
    }
}
