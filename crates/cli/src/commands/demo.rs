//! `hearth demo`.

/// Arguments of `hearth demo`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `hearth demo`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("hearth demo is not built yet")
}
