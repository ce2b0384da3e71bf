//! `hearth link`.

/// Arguments of `hearth link`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `hearth link`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("hearth link is not built yet")
}
