//! The clustering stage: from scored pairs of distinct records to people. It lays out the
//! compared pairs as adjacency rows, applies reviewers' must-links, then offers the links (pairs
//! at or above the threshold, not vetoed) to the guarded union-find in `cluster` in descending
//! weight, and numbers the people. It does not score pairs or build the review list.

use crate::blocking::Candidates;
use crate::cluster::{adjacency, Clusterer, Facts};
use crate::compare;
use crate::dedup::Distinct;
use crate::model::ScoredPair;
use crate::prepare::{Prepared, Rec};
use crate::settings::Constraints;
use rayon::prelude::*;

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

/// Clusters the distinct records `recs` through their compared pairs: `compared` is every
/// candidate pair with whether it is a link (the adjacency the support rule reads), `scored`
/// holds at least every link in full. `threshold` is the match probability at or above which
/// a pair is a link; `unique` says which sources' records are all different people.
#[allow(clippy::too_many_arguments)]
pub(crate) fn cluster<'s>(
    prep: &Prepared,
    attach: Option<usize>,
    compared: (&Candidates, &[bool]),
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
    let (cands, is_link) = compared;
    let mut lap = crate::laps::SubLaps::new("cluster");
    let (start, adj) = adjacency(nd, cands.iter().zip(is_link).map(|(c, &l)| (c.i, c.j, l)));
    lap.lap("adjacency");
    // By record, only when there are reviewers' cannot-links (an empty table otherwise).
    let mut cannot: Vec<Vec<u32>> = if constraints.cannot_link.is_empty() {
        Vec::new()
    } else {
        vec![Vec::new(); nd]
    };
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
    lap.lap("summaries");
    for &(a, b) in &constraints.must_link {
        if let (Some(&x), Some(&y)) = (rep_of.get(a as usize), rep_of.get(b as usize)) {
            cl.must_link(x, y);
        }
    }
    let mut links: Vec<&ScoredPair> = scored
        .iter()
        .filter(|s| s.match_probability >= thr && !s.vetoed)
        .collect();
    links.par_sort_unstable_by(|a, b| {
        b.match_weight
            .total_cmp(&a.match_weight)
            .then(a.left.cmp(&b.left))
            .then(a.right.cmp(&b.right))
    });
    lap.lap("links sorted");
    for s in &links {
        let (ids_agree, all_else_exact, names_dob_exact) = compare::link_flags(s.pattern);
        cl.link(s.left, s.right, ids_agree, all_else_exact, names_dob_exact);
    }
    lap.lap("union-find");
    let attached = match attach {
        Some(max_block) => {
            let copies: Vec<usize> = distinct.members.iter().map(Vec::len).collect();
            let mut a = crate::attach::attach_renamed(prep, &mut cl, &copies, max_block);
            lap.lap("attach_renamed");
            let b = crate::attach::attach(prep, &mut cl, max_block);
            lap.lap("attach");
            a.attached.extend(b.attached);
            a.to_review.extend(b.to_review);
            a
        }
        None => Default::default(),
    };
    let mut person_of = vec![0u32; n_in];
    let mut people = 0;
    let mut root_num = vec![u32::MAX; nd];
    for r in 0..n_in {
        let root = cl.find(rep_of[r]) as usize;
        if root_num[root] == u32::MAX {
            root_num[root] = people as u32;
            people += 1;
        }
        person_of[r] = root_num[root];
    }
    lap.lap("numbering");
    People {
        person_of,
        people,
        links,
        attached,
    }
}
