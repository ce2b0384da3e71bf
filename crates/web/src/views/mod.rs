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
