//! The pipeline: the glue between the domain crates and the store. Each stage reads what
//! the previous one stored and writes its own results in one transaction, so any stage can
//! be re-run on its own (`hearth import`, `hearth link`, `hearth identify`) or all together
//! (`hearth demo`).

pub mod identify;
pub mod import;
pub mod link;

use std::path::{Path, PathBuf};

/// A configuration folder or file shipped with Hearth (`mappings/`, `rules/…`): the path as
/// given if it exists, else the same path inside the source tree this binary was built from,
/// so that the commands work from any folder on a developer's machine.
pub fn shipped(path: &Path) -> PathBuf {
    if path.exists() || path.is_absolute() {
        return path.to_path_buf();
    }
    let in_tree = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    if in_tree.exists() {
        in_tree
    } else {
        path.to_path_buf()
    }
}
