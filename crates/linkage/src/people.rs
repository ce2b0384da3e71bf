//! The clustering stage: from scored pairs of distinct records to people. It lays out the
//! compared pairs as adjacency rows, applies reviewers' must-links, then offers the links (pairs
//! at or above the threshold, not vetoed) to the guarded union-find in `cluster` in descending
//! weight, and numbers the people. It does not score pairs or build the review list.

use crate::cluster::{Clusterer, Facts, LINK_BIT};
use crate::compare;
use crate::dedup::Distinct;
use crate::model::ScoredPair;
use crate::prepare::{Prepared, Rec};
use crate::settings::Constraints;
use std::collections::BTreeMap;

/// People formed by clustering.
pub(crate) struct People<'s> {
    /// Person index of every input record (dense, numbered in order of first record).
    pub person_of: Vec<u32>,
    /// Number of people.
    pub people: usize,
    /// The links offered to clustering, in the order offered (descending weight).
    pub links: Vec<&'s ScoredPair>,
    /// Lone records attached after clustering, and those left for review (`attach`).
    pub attached: crate::attach::Attachments,
}

/// Clusters the distinct records `recs` through their scored pairs. `threshold` is the match
/// probability at or above which a pair is a link; `unique` says which sources' records are
/// all different people.
#[allow(clippy::too_many_arguments)]
pub(crate) fn cluster<'s>(
    prep: &Prepared,
    attach: Option<usize>,
    scored: &'s [ScoredPair],
    threshold: f64,
    distinct: &Distinct,
    constraints: &Constraints,
    unique: &[bool],
) -> People<'s> {
    let thr = threshold;
    let recs: &[Rec] = &prep.recs;
    let nd = recs.len();
    let rep_of = &distinct.rep_of;
    let n_in = rep_of.len();
    let mut start = vec![0u32; nd + 1];
    for s in scored {
        start[s.left as usize + 1] += 1;
        start[s.right as usize + 1] += 1;
    }
    for i in 0..nd {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0u32; start[nd] as usize];
    for s in scored {
        let bit = if s.match_probability >= thr && !s.vetoed {
            LINK_BIT
        } else {
            0
        };
        adj[fill[s.left as usize] as usize] = s.right | bit;
        fill[s.left as usize] += 1;
        adj[fill[s.right as usize] as usize] = s.left | bit;
        fill[s.right as usize] += 1;
    }
    drop(fill);
    let mut cannot: Vec<Vec<u32>> = vec![Vec::new(); nd];
    for &(a, b) in &constraints.cannot_link {
        if let (Some(&x), Some(&y)) = (rep_of.get(a as usize), rep_of.get(b as usize)) {
            cannot[x as usize].push(y);
            cannot[y as usize].push(x);
        }
    }
    let facts: Vec<Facts> = recs
        .iter()
        .map(|r| Facts {
            nhs: r.nhs,
            ni: r.ni,
            upn: r.upn,
            dob: r.dob,
            unique_source: if unique[r.source as usize] {
                r.source as u32
            } else {
                u32::MAX
            },
        })
        .collect();
    let mut cl = Clusterer::new(&facts, &start, &adj, &cannot);
    for &(a, b) in &constraints.must_link {
        if let (Some(&x), Some(&y)) = (rep_of.get(a as usize), rep_of.get(b as usize)) {
            cl.must_link(x, y);
        }
    }
    let mut links: Vec<&ScoredPair> = scored
        .iter()
        .filter(|s| s.match_probability >= thr && !s.vetoed)
        .collect();
    links.sort_by(|a, b| {
        b.match_weight
            .total_cmp(&a.match_weight)
            .then(a.left.cmp(&b.left))
            .then(a.right.cmp(&b.right))
    });
    for s in &links {
        let (ids_agree, all_else_exact, names_dob_exact) = compare::link_flags(s.pattern);
        cl.link(s.left, s.right, ids_agree, all_else_exact, names_dob_exact);
    }
    let attached = match attach {
        Some(max_block) => {
            let copies: Vec<usize> = distinct.members.iter().map(Vec::len).collect();
            let mut a = crate::attach::attach_renamed(prep, &mut cl, &copies, max_block);
            let b = crate::attach::attach(prep, &mut cl, max_block);
            a.attached.extend(b.attached);
            a.ambiguous.extend(b.ambiguous);
            a
        }
        None => Default::default(),
    };
    let mut person_of = vec![0u32; n_in];
    let mut number: BTreeMap<u32, u32> = BTreeMap::new();
    let mut root_num = vec![u32::MAX; nd];
    for r in 0..n_in {
        let root = cl.find(rep_of[r]) as usize;
        if root_num[root] == u32::MAX {
            root_num[root] = number.len() as u32;
            number.insert(root as u32, root_num[root]);
        }
        person_of[r] = root_num[root];
    }
    let people = number.len();
    People {
        person_of,
        people,
        links,
        attached,
    }
}
