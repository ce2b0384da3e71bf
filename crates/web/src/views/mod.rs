//! What pages and the API show, built once for both: lists of families ([`list`]) and a
//! family's record ([`record`]) and the work with it ([`work`]), cut to what the viewer's role may see.
//!
//! No I/O and no access decisions: the service layer reads and decides, these build.

pub(crate) mod chart;
pub(crate) mod governance;
pub(crate) mod list;
pub(crate) mod naming;
pub(crate) mod outcomes;
pub(crate) mod record;
pub(crate) mod review;
pub(crate) mod savings;
pub(crate) mod work;

pub(crate) use list::*;
pub(crate) use record::*;

/// What a family's Outcomes and Cost savings sections (pages and API) and a claim's evidence
/// pack say in place of the family-level figures while a restriction of processing (UK GDPR
/// Art. 18) on a member's data is in force: those figures were worked out from every
/// member's records, theirs included, and cannot be worked out again without them when the
/// page is shown, so they are withheld until the restriction is lifted.
pub(crate) const FIGURES_WITHHELD: &str =
    "Some figures are withheld while a restriction on a family member's data is in force.";
