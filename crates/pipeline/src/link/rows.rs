//! The one place where the link stage's results take the store's shapes: families with
//! member roles and relationship bases, person changes, review pairs with their
//! explanations, in `hearth_model`'s vocabularies (which the store keeps by key). It
//! converts only: what the results are is decided upstream.

use crate::link::families::Formed;
use hearth_linkage::{IdChange, Linkage, ScoredPair};
use hearth_model::{Identity, PersonChangeKind};
use hearth_store::StoredFamily;
use hearth_store::{FamilyMember, FamilyRelationship, PersonChange, RecordId, ReviewPair};

/// The formed families as the store keeps them.
pub(crate) fn families(formed: &Formed) -> Vec<StoredFamily> {
    let person_id = |p: usize| formed.person_id[p] as i64;
    let households = &formed.households;
    households
        .families
        .iter()
        .zip(&formed.family_ids)
        .map(|(f, &fid)| StoredFamily {
            family_id: fid as i64,
            members: f
                .members
                .iter()
                .map(|m| FamilyMember {
                    person_id: person_id(m.person),
                    role: m.role,
                    age: m.age.map(i64::from),
                })
                .collect(),
            relationships: f
                .relationships
                .iter()
                .map(|r| FamilyRelationship {
                    parent_person_id: person_id(r.parent),
                    child_person_id: person_id(r.child),
                    basis: r.basis,
                })
                .collect(),
            area: households
                .households
                .get(f.household)
                .and_then(|h| hearth_households::postcode_sector(&h.address_key)),
        })
        .collect()
}

/// A change to a person's ID as the store keeps it.
pub(crate) fn person_change(change: &IdChange) -> PersonChange {
    let (kind, person_id, detail) = match change {
        IdChange::New { id } => (PersonChangeKind::New, *id, String::new()),
        IdChange::Merge { kept, absorbed } => (
            PersonChangeKind::Merged,
            *kept,
            format!("absorbed {absorbed:?}"),
        ),
        IdChange::Split { kept, new } => (PersonChangeKind::Split, *kept, format!("new {new:?}")),
    };
    PersonChange {
        kind,
        person_id: person_id as i64,
        detail,
    }
}

/// A pair in the review queue as the store keeps it: the lower record key first, with each
/// comparison's level and weight as JSON.
pub(crate) fn review_pair(
    pair: &ScoredPair,
    linkage: &Linkage,
    identities: &[(RecordId, String, Identity)],
) -> ReviewPair {
    let (a, b) = (
        identities[pair.left as usize].0,
        identities[pair.right as usize].0,
    );
    let (l, r) = if a < b { (a, b) } else { (b, a) };
    let explanation: Vec<serde_json::Value> = linkage
        .explain(pair)
        .iter()
        .map(|c| serde_json::json!({"comparison": c.comparison, "level": c.level, "weight": c.weight}))
        .collect();
    ReviewPair {
        record_l: l,
        record_r: r,
        match_probability: pair.match_probability,
        match_weight: pair.match_weight,
        explanation: serde_json::Value::Array(explanation).to_string(),
    }
}
