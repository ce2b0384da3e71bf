//! A mapped field resolved to header positions, and what checking a row's fields found.
//!
//! Plain data shared by the checks, the builder and the plan; no checking happens here.

use crate::mapping::AttributeMapping;
use crate::summary::Problem;
use hearth_model::standardise::dates::DateFormat;

/// A mapped field resolved to header positions.
#[derive(Debug)]
pub(super) struct Field {
    /// Positions in the row (several only for address).
    pub cols: Vec<usize>,
    /// The column name(s) as the mapping writes them, for messages.
    pub name: String,
    pub required: bool,
    pub formats: Vec<DateFormat>,
}

/// An attribute of the fact, resolved.
#[derive(Debug)]
pub(super) struct Attr<'m> {
    pub name: &'m str,
    pub field: Field,
    pub spec: &'m AttributeMapping,
    /// Allowed values, lower-cased, with their listed spelling.
    pub allowed: Option<Vec<(String, &'m str)>>,
}

/// One thing wrong with a row.
pub(super) struct Issue {
    pub field: Option<String>,
    pub problem: Problem,
    pub reason: String,
    pub hint: String,
}

/// What one row's checks found.
#[derive(Default)]
pub(super) struct Findings {
    pub issues: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Findings {
    pub fn add(&mut self, f: &Field, problem: Problem, reason: String, hint: String) {
        self.issues.push(Issue {
            field: Some(f.name.clone()),
            problem,
            reason,
            hint,
        });
    }
}

/// The accepted formats as a person reads them: `dd/mm/yyyy, yyyy-mm-dd or an Excel date`.
pub(super) fn formats_text(formats: &[DateFormat]) -> String {
    let labels: Vec<&str> = formats.iter().map(|f| f.label()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
