//! Information governance: the rules that decide what may leave Hearth.
//!
//! The privacy notices promise that published figures never identify anyone ("we will never
//! publish information that identifies you" is the promise behind every aggregate). Every
//! aggregate that leaves Hearth — dashboards, exports, published tables — passes
//! [`disclosure::protect`]: small cells suppressed, secondary suppression so no suppressed cell
//! can be worked out from the totals, optional rounding, and the Government Statistical
//! Service's symbols for what is not shown.
//!
//! [`rights`] holds the checks on a person's requests: a corrected identifier, and the lawful
//! grounds of an erasure or a restriction.
//!
//! Pure: no I/O, no clock.

pub mod disclosure;
pub mod evaluation;
pub mod retention;
pub mod rights;
pub mod sharing;

pub use disclosure::{protect, protect_with, Cell, Margins, Policy, Protected, Table, TableError};
pub use retention::{Cutoff, DataClass, Event, Period, RetentionError, RetentionPolicy};
