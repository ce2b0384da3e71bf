//! What identification reads: people, their facts, and families. Plain types, so that the
//! store and linkage can fill them however they keep their data.

use chrono::NaiveDate;
use hearth_model::Fact;
use std::sync::Arc;

/// A linked person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Linkage's stable person ID (the "unique reference number").
    pub person_id: u64,
    /// Best known date of birth. Without it the person meets only `who = "anyone"`
    /// indicators and is never counted as a child or an adult.
    pub date_of_birth: Option<NaiveDate>,
}

/// One stored fact about a person, with the record it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRef {
    /// The store's stable ID of the record the fact came from; evidence cites it.
    pub record_id: u64,
    /// The source (the mapping's `source` name), e.g. `police`. Shared, so a million facts do not
    /// hold a million copies of seven names.
    pub source: Arc<str>,
    /// The fact.
    pub fact: Fact,
}

/// A family (household) as linkage formed it at the as-at date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// Linkage's stable family ID. `changes` matches families across runs by it,
    /// so it must stay the same for the same family from one run to the next.
    pub family_id: u64,
    /// Members, as indices into the `people` slice given to `identify`.
    pub members: Vec<usize>,
}
