//! Standardisation: one place that turns what partners typed into comparable values.
//!
//! Intake, linkage and households all normalise the same things; they do it here, once:
//!
//! * [`names`] — case and accent folding, punctuation, titles, and splitting a whole name
//!   written as `Forename Middle Surname` or `SURNAME, Forename Middle`;
//! * [`address`] — the normalised words and house numbers of an address (one abbreviation
//!   table, one noise-word list), the household address key built from them, and a postcode
//!   written at the end of an address split off;
//! * [`dates`] — one strftime-style date-format grammar (`%d/%m/%Y`, `%Y-%m-%d`, `%Y%m%d`,
//!   `%d-%b-%Y` and `%d %B %Y` with month names, `%y` with a pivot, `%E` for an Excel serial
//!   day) that mapping files and linkage specs both use;
//! * [`age`] — age in whole years;
//! * [`placeholder`] — addresses and postcodes that mean "no address" ("No fixed abode",
//!   `ZZ99 3VZ`), from the one placeholder list `data/placeholders.toml`.
//!
//! Every function here is pure and total: it does no I/O and never panics on any input. It
//! does not decide what a value means for linkage (nicknames, phonetic codes, blocking keys
//! live in `hearth-linkage`) nor whether a row is acceptable (intake's messages live in
//! `hearth-intake`).
//!
//! ```
//! use hearth_model::standardise::{address, age, dates::DateFormat, names};
//!
//! assert_eq!(names::fold("José O'Brien"), "jose obrien");
//! let a = address::address("Flat 2, 14 High St.", None).unwrap();
//! assert_eq!(a.text, "2 14 high street");
//! let uk = DateFormat::parse("dd/mm/yyyy").unwrap();
//! assert_eq!(uk.as_str(), "%d/%m/%Y");
//! let dob = uk.date("01/02/2010").unwrap();
//! let on = DateFormat::ISO.date("2025-09-01").unwrap();
//! assert_eq!(age::age_on(dob, on), Some(15));
//! ```

pub mod address;
pub mod age;
pub mod dates;
pub mod names;
pub mod placeholder;
