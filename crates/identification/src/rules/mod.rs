//! Programme rules as data: headline problems, the indicators that evidence them, eligibility
//! and prioritisation, read from a TOML file (see `RULES.md`).
//!
//! Two stages: [`read`] turns the TOML text into raw structs (serde; only the format's shape
//! is checked), then [`validate`] turns those into [`Rules`], reporting the first mistake with
//! its location. The validated types are in [`indicator`] and [`profile`]. Nothing here
//! evaluates rules (that is `eval`).

mod indicator;
mod profile;
mod read;
mod validate;

pub use indicator::{Aggregate, CostBasis, CostMapping, Indicator, Who, Window, WindowBasis};
pub use profile::{Eligibility, Priority, Problem, Rules};

use crate::costs::UnitCosts;
use crate::error::{Location, RulesError};
use std::path::Path;

impl Rules {
    /// Reads and validates a rules file. A `unit_costs = "..."` path in it is read relative
    /// to the rules file's folder.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let src = read::read_file(path)?;
        let file = path.display().to_string();
        let costs_path = read::unit_costs_path(&src, &file)?;
        let costs = match costs_path {
            Some(rel) => {
                let p = path.parent().unwrap_or(Path::new(".")).join(rel);
                let csrc = read::read_file(&p)?;
                Some(UnitCosts::from_toml_str(&csrc, &p.display().to_string())?)
            }
            None => None,
        };
        Rules::parse(&src, &file, costs)
    }

    /// Validates rules from text. `file` names the file in error messages; `unit_costs` is
    /// the table that cost mappings refer to (required when any indicator maps to a cost).
    pub fn parse(
        src: &str,
        file: &str,
        unit_costs: Option<UnitCosts>,
    ) -> Result<Rules, RulesError> {
        let raw = read::rules(src).map_err(|e| RulesError::Invalid {
            file: file.to_string(),
            location: Location::File,
            kind: e.kind,
            message: e.message,
        })?;
        validate::rules(raw, file, unit_costs)
    }
}
