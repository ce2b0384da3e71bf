//! The cost savings calculator (issue 12): for each family attached to the programme, its
//! service use in the 12 months before attachment and the 12 months after, counted item by
//! item the way Appendix 2 of the Cheshire East Outcomes Plan counts it ("Cost Savings
//! Calculator Benefits", 38 items with their suggested data sources), priced from the
//! unit-cost table (agency, unit, price year, source, confidence; fiscal and, where the table
//! has them, economic and social values), and appraised the GMCA (New Economy) way that DCLG's
//! calculator used: deadweight, optimism bias, discounting at 3.5%, fiscal return on
//! investment and payback period, by agency.
//!
//! * [`SavingsRules::load`] reads `rules/savings.toml` and the unit-cost table it names;
//!   every parameter is there, marked as from the seed or a default to check.
//! * [`calculate`] counts and prices every family and the cohort (families whose months after
//!   attachment have passed by the as-at date), with the change per family's uncertainty.
//! * [`publish`] passes the cohort's counts through `governance::disclosure::protect` and
//!   hides money where the counts behind it are hidden; [`export::xlsx`] writes it.
//!
//! Pure: no I/O apart from [`SavingsRules::load`], no clock (callers pass the as-at date).
//! Shares identification's unit-cost table and condition language rather than copying them.

pub mod appraisal;
mod calculate;
mod count;
pub mod coverage;
mod error;
pub mod export;
mod publish;
mod rules;

pub use calculate::{
    calculate, cohort, family, windows, AgencyMoney, Calculation, CohortAgency, CohortAppraisal,
    CohortItem, CohortSavings, FamilySavings, ItemUse, NotMeasured,
};
pub use count::{measurable, units, Member, SavingsFamily, Window};
pub use coverage::Coverage;
pub use error::SavingsError;
pub use publish::{
    coverage_text, long_date, publish, PublishedAgency, PublishedCohort, PublishedItem,
};
pub use rules::{
    unit_costs_path, Appraisal, Count, CoverageRules, Dates, Item, OptimismBias, SavingsRules,
    Threshold,
};
