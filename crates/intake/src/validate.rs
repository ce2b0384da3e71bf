//! Checking one row against a mapping: the row becomes an `ImportedRow` or a `QuarantinedRow`.
//!
//! A [`Plan`] is a mapping compiled against one file's header (`plan`); each field's value is
//! checked by `checks` (dates, identifiers, attributes), recording what is wrong in `field`'s
//! findings, and `build` assembles the identity and the fact. This module does not read
//! files (see `read`) and does not decide what a value is worth beyond its shape (linkage and
//! identification do).

mod build;
mod checks;
mod decimal;
mod field;
mod plan;
mod totals;

pub(crate) use plan::Plan;
