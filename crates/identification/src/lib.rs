//! Identification: which families the programme should work with, and in what order.
//!
//! The programme's rules are data, not code. A rules file (TOML, documented in `RULES.md`
//! beside this crate; profiles shipped in `rules/`) names the headline problems, the
//! indicators that evidence each one (a partner source, an event type, a condition on the
//! fact's attributes, who it applies to, a time window and an aggregation), the eligibility
//! rule and the weights of the priority score. Councils add local indicators by editing the
//! file.
//!
//! * [`Rules::load`] reads and validates a rules file (and the unit-cost table it names);
//!   every mistake is reported with the file, the indicator and what is wrong.
//! * [`identify`] evaluates the rules for every person and family as at a date and ranks
//!   the families, with the evidence (indicator, person, record IDs, computed value) behind
//!   every problem.
//! * [`changes`] compares two runs: families newly eligible, no longer eligible, new evidence.
//! * [`export`] writes the ranked list and the evidence as CSV or Excel, with or without
//!   names depending on what the caller's role may see.
//!
//! What it does not do: no I/O except reading rules files in [`Rules::load`] and writing
//! exports in [`export`]; no linkage (people and families arrive formed, with stable IDs);
//! no storage; no results claims.
//!
//! ```
//! use chrono::NaiveDate;
//! use hearth_identification::{identify, FactRef, Family, Person, Rules};
//! use hearth_model::{AttrValue, Fact};
//!
//! let rules = Rules::parse(r#"
//!     profile = "example"
//!     [eligibility]
//!     min_problems = 2
//!     [[problems]]
//!     key = "crime_asb"
//!     title = "Crime or anti-social behaviour"
//!     [[problems]]
//!     key = "domestic_abuse"
//!     title = "Domestic abuse"
//!     [[indicators]]
//!     key = "police_crime"
//!     problem = "crime_asb"
//!     source = "police"
//!     event_type = "incident"
//!     condition = 'incident_category == "Crime" && involvement == "Offender"'
//!     window = { kind = "months", months = 12 }
//!     [[indicators]]
//!     key = "police_da"
//!     problem = "domestic_abuse"
//!     source = "police"
//!     event_type = "incident"
//!     condition = 'incident_category == "Domestic Abuse"'
//!     window = { kind = "months", months = 12 }
//! "#, "example.toml", None).unwrap();
//!
//! let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! let incident = |id, day: &str, category: &str| FactRef {
//!     record_id: id,
//!     source: "police".into(),
//!     fact: Fact {
//!         event_type: "incident".into(),
//!         event_date: Some(date(day)),
//!         end_date: None,
//!         attributes: [
//!             ("incident_category".to_string(), AttrValue::Text(category.into())),
//!             ("involvement".to_string(), AttrValue::Text("Offender".into())),
//!         ].into_iter().collect(),
//!     },
//! };
//! let people = [Person { person_id: 7, date_of_birth: Some(date("1990-01-01")) }];
//! let facts = vec![vec![incident(1, "2025-03-01", "Crime"), incident(2, "2025-05-01", "Domestic Abuse")]];
//! let families = [Family { family_id: 70, members: vec![0] }];
//!
//! let result = identify(&rules, &people, &facts, &families, date("2025-09-01")).unwrap();
//! let family = &result.families[0];
//! assert!(family.eligible);
//! assert_eq!(family.problem_keys(), ["crime_asb", "domestic_abuse"]);
//! assert_eq!(family.problems[0].evidence[0].record_ids, [1]);
//! ```
#![deny(missing_docs)]

mod changes;
mod costs;
mod error;
mod eval;
pub mod export;
mod expr;
mod input;
mod ranking;
mod rules;

pub use changes::{changes, Changes, NewEvidence};
pub use costs::{Confidence, CostKind, CostUnit, UnitCost, UnitCosts};
pub use error::{ErrorKind, Location, RulesError};
pub use eval::{
    coverage, identify, Coverage, Diagnostic, Evidence, FamilyProblem, FamilyResult,
    Identification, IdentifyError, IndicatorCoverage, PersonResult, ProblemInfo,
};
pub use expr::Expression;
pub use input::{FactRef, Family, Person};
pub use ranking::priority_ranks;
pub use rules::{
    Aggregate, CostBasis, CostMapping, Eligibility, Indicator, Priority, Problem, Rules, Who,
    Window, WindowBasis,
};
