//! `hearth synth`.

/// Arguments of `hearth synth`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `hearth synth`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("hearth synth is not built yet")
}
