//! `hearth import`.

/// Arguments of `hearth import`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `hearth import`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("hearth import is not built yet")
}
