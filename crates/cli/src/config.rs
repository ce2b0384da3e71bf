//! Where mappings and rules come from: one documented place, never the folder Hearth was
//! built in.
//!
//! The configuration folder holds `mappings/` (one TOML per partner source) and `rules/`
//! (programme profiles, unit costs, casework time limits). It is, in order:
//! 1. `--config DIR`;
//! 2. the `HEARTH_CONFIG` environment variable;
//! 3. `./hearth-config`, if the current folder has one;
//! 4. else the copies built into this binary ([`SHIPPED`]), unpacked into a temporary
//!    folder for the run (`hearth-config-PID-…`: removed when the run ends; one left by a
//!    run that was killed is removed by the next, once its process is gone).
//!
//! `hearth init DIR` writes editable copies of the built-in files. An explicit `--mappings`
//! or `--rules` path is read as given (relative to the current folder), else inside the
//! configuration folder.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The shipped configuration, built into the binary: (path inside the folder, contents).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "mappings/dwp.toml",
        include_str!("../../../mappings/dwp.toml"),
    ),
    (
        "mappings/employment.toml",
        include_str!("../../../mappings/employment.toml"),
    ),
    (
        "mappings/health.toml",
        include_str!("../../../mappings/health.toml"),
    ),
    (
        "mappings/housing.toml",
        include_str!("../../../mappings/housing.toml"),
    ),
    (
        "mappings/police.toml",
        include_str!("../../../mappings/police.toml"),
    ),
    (
        "mappings/schools.toml",
        include_str!("../../../mappings/schools.toml"),
    ),
    (
        "mappings/social_care.toml",
        include_str!("../../../mappings/social_care.toml"),
    ),
    (
        "mappings/youth_justice.toml",
        include_str!("../../../mappings/youth_justice.toml"),
    ),
    (
        "rules/claims.toml",
        include_str!("../../../rules/claims.toml"),
    ),
    (
        "rules/casework.toml",
        include_str!("../../../rules/casework.toml"),
    ),
    (
        "rules/expanded-2015.toml",
        include_str!("../../../rules/expanded-2015.toml"),
    ),
    (
        "rules/impact-evaluation.toml",
        include_str!("../../../rules/impact-evaluation.toml"),
    ),
    (
        "rules/outcome-measures-cheshire-east-2015.toml",
        include_str!("../../../rules/outcome-measures-cheshire-east-2015.toml"),
    ),
    (
        "rules/outcomes-cheshire-east-2015.toml",
        include_str!("../../../rules/outcomes-cheshire-east-2015.toml"),
    ),
    (
        "rules/progress-measures.toml",
        include_str!("../../../rules/progress-measures.toml"),
    ),
    (
        "rules/savings.toml",
        include_str!("../../../rules/savings.toml"),
    ),
    (
        "mappings/referrals/referrals.toml",
        include_str!("../../../mappings/referrals/referrals.toml"),
    ),
    (
        "rules/referrals.toml",
        include_str!("../../../rules/referrals.toml"),
    ),
    (
        "rules/retention.toml",
        include_str!("../../../rules/retention.toml"),
    ),
    (
        "rules/supporting-families-2022.toml",
        include_str!("../../../rules/supporting-families-2022.toml"),
    ),
    (
        "rules/unit-costs.toml",
        include_str!("../../../rules/unit-costs.toml"),
    ),
];

/// The folder a council's own configuration is looked for in when neither `--config` nor
/// `HEARTH_CONFIG` names one.
pub const LOCAL_CONFIG: &str = "hearth-config";

/// Where the configuration is: shared by every verb that reads mappings or rules.
#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArg {
    /// The configuration folder (holding mappings/ and rules/). Default: $HEARTH_CONFIG, else
    /// ./hearth-config if it exists, else the copies built into hearth (`hearth init DIR`
    /// writes editable ones).
    #[arg(
        id = "config_dir",
        long = "config",
        env = "HEARTH_CONFIG",
        value_name = "DIR"
    )]
    pub dir: Option<PathBuf>,
}

/// How the temporary folders of built-in copies begin: `hearth-config-PID-…`.
const TEMP_PREFIX: &str = "hearth-config-";

/// Removes, from `tmp`, the folders of built-in copies (`hearth-config-PID-…`) left by runs
/// that ended without removing them (killed), whose process is gone. Others' folders, and
/// folders not named so, are left alone; a folder that cannot be removed is skipped.
fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` is running (Linux: `/proc/PID`; elsewhere assumed so, and nothing
/// removed).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The configuration folder found for this run.
pub struct Config {
    root: PathBuf,
    /// The unpacked built-in copies, removed when the run ends.
    _built_in: Option<tempfile::TempDir>,
}

impl ConfigArg {
    /// Finds the configuration folder (see the module's documentation).
    pub fn resolve(&self) -> Result<Config> {
        if let Some(dir) = &self.dir {
            if !dir.is_dir() {
                bail!(
                    "the configuration folder {} (from --config or HEARTH_CONFIG) does not \
                     exist; create it with `hearth init {}`",
                    dir.display(),
                    dir.display()
                );
            }
            return Ok(Config {
                root: dir.clone(),
                _built_in: None,
            });
        }
        let local = Path::new(LOCAL_CONFIG);
        if local.is_dir() {
            return Ok(Config {
                root: local.to_path_buf(),
                _built_in: None,
            });
        }
        remove_stale(&std::env::temp_dir());
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
            .tempdir()
            .context("unpacking the built-in mappings and rules")?;
        write_shipped(tmp.path(), false)?;
        Ok(Config {
            root: tmp.path().to_path_buf(),
            _built_in: Some(tmp),
        })
    }
}

impl Config {
    /// `explicit` as given if the user named a path that exists (or an absolute one);
    /// otherwise `explicit`, or `default`, inside the configuration folder.
    pub fn path(&self, explicit: Option<&Path>, default: &str) -> PathBuf {
        match explicit {
            Some(p) if p.is_absolute() || p.exists() => p.to_path_buf(),
            Some(p) if self.root.join(p).exists() => self.root.join(p),
            // Missing: read as given, so that the error names what the user typed.
            Some(p) => p.to_path_buf(),
            None => self.root.join(default),
        }
    }
}

/// Writes the shipped files under `dir`; refuses to overwrite any unless `force`. Returns the
/// files written.
pub fn write_shipped(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    if !force {
        if let Some((p, _)) = SHIPPED.iter().find(|(p, _)| dir.join(p).exists()) {
            bail!(
                "{} already exists: nothing written (use --force to overwrite the shipped files)",
                dir.join(p).display()
            );
        }
    }
    let mut written = Vec::new();
    for (p, text) in SHIPPED {
        let path = dir.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    /// Every file in the repository's `mappings/` and `rules/` is built in, so that a new
    /// mapping or profile cannot be forgotten.
    #[test]
    fn every_shipped_file_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut on_disk = Vec::new();
        for folder in ["mappings", "mappings/referrals", "rules"] {
            for e in std::fs::read_dir(root.join(folder)).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".toml") {
                    on_disk.push(format!("{folder}/{name}"));
                }
            }
        }
        on_disk.sort();
        let mut built_in: Vec<String> = super::SHIPPED.iter().map(|(p, _)| p.to_string()).collect();
        built_in.sort();
        assert_eq!(built_in, on_disk, "add new files to config::SHIPPED");
    }
}
