//! The priority rank: a family's place in the order of work among the eligible families.
//!
//! [`crate::identify`] puts every family in priority order (eligible first, then by score;
//! see `RULES.md`); this module turns that order into the rank stored with each run and shown
//! to people (1 = first). It does not order families (that is the evaluation's ranking
//! order) or store anything.

use crate::eval::FamilyResult;

/// Each family's priority rank, for `families` in priority order (as in
/// [`crate::Identification::families`]): 1, 2, 3… for the eligible families in turn, `None`
/// for a family that is not eligible.
///
/// ```
/// # use hearth_identification::priority_ranks;
/// # fn check(id: &hearth_identification::Identification) {
/// for (family, rank) in id.families.iter().zip(priority_ranks(&id.families)) {
///     assert_eq!(rank.is_some(), family.eligible);
/// }
/// # }
/// ```
pub fn priority_ranks(families: &[FamilyResult]) -> impl Iterator<Item = Option<usize>> + '_ {
    let mut rank = 0;
    families.iter().map(move |f| {
        f.eligible.then(|| {
            rank += 1;
            rank
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(family_id: u64, eligible: bool) -> FamilyResult {
        FamilyResult {
            family_id,
            rank: 0,
            eligible,
            has_dependent_child: true,
            member_ids: Vec::new(),
            problems: Vec::new(),
            estimated_annual_cost: 0.0,
            priority_score: 0.0,
        }
    }

    #[test]
    fn eligible_families_are_ranked_in_turn_and_others_are_not() {
        let families = [
            family(5, true),
            family(3, true),
            family(9, false),
            family(1, false),
        ];
        let ranks: Vec<Option<usize>> = priority_ranks(&families).collect();
        assert_eq!(ranks, [Some(1), Some(2), None, None]);
        assert_eq!(priority_ranks(&[]).count(), 0);
    }
}
