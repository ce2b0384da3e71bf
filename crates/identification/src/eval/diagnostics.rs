//! Diagnostics found before evaluation: attributes an indicator reads that no fact of its
//! source and event type carries (most likely a misspelt name). Evaluation failures are
//! counted by `identify` itself.

use super::results::Diagnostic;
use crate::input::FactRef;
use crate::rules::Rules;
use rayon::prelude::*;

/// Attributes that an indicator reads but that no fact of its source and event type has:
/// most likely a misspelt name in the rules file, or a mapping that does not produce it.
pub(super) fn absent_attributes(
    rules: &Rules,
    facts_by_person: &[Vec<FactRef>],
) -> Vec<Diagnostic> {
    // (indicator, attribute) pairs to look for.
    let wanted: Vec<(usize, String)> = rules
        .indicators()
        .iter()
        .enumerate()
        .flat_map(|(j, ind)| {
            ind.attributes()
                .into_iter()
                .map(move |a| (j, a.to_string()))
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let n_ind = rules.indicators().len();
    type Acc = (Vec<u64>, Vec<bool>);
    let (facts_seen, present): Acc = facts_by_person
        .par_iter()
        .fold(
            || (vec![0u64; n_ind], vec![false; wanted.len()]),
            |(mut seen, mut present): Acc, facts| {
                for f in facts {
                    for (j, ind) in rules.indicators().iter().enumerate() {
                        if *f.source == *ind.source && f.fact.event_type == ind.event_type {
                            seen[j] += 1;
                        }
                    }
                    for (k, (j, a)) in wanted.iter().enumerate() {
                        let ind = &rules.indicators()[*j];
                        if !present[k]
                            && *f.source == *ind.source
                            && f.fact.event_type == ind.event_type
                            && f.fact.attributes.contains_key(a)
                        {
                            present[k] = true;
                        }
                    }
                }
                (seen, present)
            },
        )
        .reduce(
            || (vec![0u64; n_ind], vec![false; wanted.len()]),
            |(mut s1, mut p1), (s2, p2)| {
                s1.iter_mut().zip(s2).for_each(|(a, b)| *a += b);
                p1.iter_mut().zip(p2).for_each(|(a, b)| *a |= b);
                (s1, p1)
            },
        );
    wanted
        .iter()
        .zip(present)
        .filter(|((j, _), p)| !p && facts_seen[*j] > 0)
        .map(|((j, a), _)| {
            let ind = &rules.indicators()[*j];
            Diagnostic {
                indicator: ind.key.clone(),
                message: format!(
                    "attribute `{a}` is on none of the `{}` `{}` facts: is the name right?",
                    ind.source, ind.event_type
                ),
                facts: facts_seen[*j],
            }
        })
        .collect()
}
