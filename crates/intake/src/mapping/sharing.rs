//! A source's data sharing agreement and lawful basis (issue 13): the optional `[sharing]`
//! table of a mapping. The register page and subject access output show them per source.

use serde::{Deserialize, Serialize};

/// The agreement under which a partner shares its data, and the lawful basis of the
/// processing (UK GDPR Art. 6, and Art. 9 / 10 conditions for special category and criminal
/// offence data), as the council's information governance officer records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sharing {
    /// The agreement's title.
    pub agreement: String,
    /// Its reference in the council's register of agreements.
    #[serde(default)]
    pub reference: Option<String>,
    /// When it is next to be reviewed (`yyyy-mm-dd`).
    #[serde(default)]
    pub review_on: Option<chrono::NaiveDate>,
    /// Who signed it for the partner, or the partner's organisation.
    #[serde(default)]
    pub partner: Option<String>,
    /// The lawful basis, one condition a line (Art. 6(1)(e) public task; Art. 9(2)(g)…).
    #[serde(default)]
    pub lawful_basis: Vec<String>,
    /// True while the values are examples shipped with Hearth that the council must check.
    #[serde(default)]
    pub example: bool,
}

impl Sharing {
    /// Whether its review date has passed on `today`.
    pub fn review_overdue(&self, today: chrono::NaiveDate) -> bool {
        self.review_on.is_some_and(|d| d < today)
    }

    /// What is wrong with it, if anything (an empty title or lawful basis).
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.agreement.trim().is_empty() {
            Some("[sharing] agreement must name the data sharing agreement")
        } else if self.lawful_basis.iter().all(|b| b.trim().is_empty()) {
            Some("[sharing] lawful_basis must list at least one condition (e.g. \"UK GDPR Art. 6(1)(e) public task\")")
        } else {
            None
        }
    }
}
