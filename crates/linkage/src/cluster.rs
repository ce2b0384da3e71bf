//! Clustering pairs into people, resisting chains.
//!
//! Links are taken in descending weight. A union-find merges the two records' clusters only
//! if (1) the clusters do not conflict — different valid NHS numbers, NI numbers or UPNs
//! (unless the linking pair's own identifiers differ and it agrees exactly on names, full
//! date of birth and address: one person registered twice, under a temporary NHS number or a
//! reissued UPN),
//! no compatible date of birth (exact, day/month swap, one digit or one day off; checked when a cluster
//! already has several records, unless the linking pair shares an identifier exactly — for two
//! single records the pair's own score has already weighed the dates), two records of a
//! source whose records are all different people, or a reviewer's cannot-link — and (2) when
//! either cluster already holds several records, most of the compared pairs between the two
//! clusters are links (cluster-level support; half, when the linking pair agrees exactly on
//! forename, family name and date of birth), so that one weak link cannot chain a household
//! together. Reviewers' must-links are applied first, unconditionally.

use crate::compare::dob_level;

/// Top bit of an adjacency entry: the pair is a link.
pub(crate) const LINK_BIT: u32 = 1 << 31;
const LINK_MASK: u32 = !LINK_BIT;

/// The compared pairs of `n` records as adjacency rows: record `i`'s neighbours are
/// `adj[start[i]..start[i + 1]]`, each with [`LINK_BIT`] set when the pair is a link. `pairs`
/// is walked twice (count, then fill), so it is a cheap cloneable iterator.
pub(crate) fn adjacency<I>(n: usize, pairs: I) -> (Vec<u32>, Vec<u32>)
where
    I: Iterator<Item = (u32, u32, bool)> + Clone,
{
    let mut start = vec![0u32; n + 1];
    for (i, j, _) in pairs.clone() {
        start[i as usize + 1] += 1;
        start[j as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0u32; start[n] as usize];
    for (i, j, link) in pairs {
        let bit = if link { LINK_BIT } else { 0 };
        adj[fill[i as usize] as usize] = j | bit;
        fill[i as usize] += 1;
        adj[fill[j as usize] as usize] = i | bit;
        fill[j as usize] += 1;
    }
    (start, adj)
}

/// Per-record facts the guards use.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    pub nhs: u32,
    pub ni: u32,
    pub upn: u32,
    pub dob: u32,
    /// Source index if the source's records are all different people, else `u32::MAX`.
    pub unique_source: u32,
}

#[derive(Debug, Clone, Default)]
struct Summary {
    nhs: Vec<u32>,
    ni: Vec<u32>,
    upn: Vec<u32>,
    dob: Vec<u32>,
    sources: Vec<u32>,
    members: Vec<u32>,
}

impl Summary {
    fn of(i: u32, f: &Facts) -> Box<Summary> {
        let mut s = Summary {
            members: vec![i],
            ..Default::default()
        };
        push(&mut s.nhs, f.nhs);
        push(&mut s.ni, f.ni);
        push(&mut s.upn, f.upn);
        push(&mut s.dob, f.dob);
        push(&mut s.sources, f.unique_source.wrapping_add(1));
        Box::new(s)
    }
}

fn push(v: &mut Vec<u32>, x: u32) {
    if x != 0 && x != u32::MAX && !v.contains(&x) {
        v.push(x);
    }
}

fn disjoint_both_present(a: &[u32], b: &[u32]) -> bool {
    !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x))
}

pub(crate) struct Clusterer<'a> {
    parent: Vec<u32>,
    facts: &'a [Facts],
    /// A root's summary, made from its record's facts the first time the cluster takes part
    /// in a merge or a check (most records never do: one pointer each, not six vectors).
    sum: Vec<Option<Box<Summary>>>,
    /// Adjacency of all compared pairs in compressed rows: `adj[start[i]..start[i + 1]]` are
    /// record i's neighbours, the top bit set when the pair is a link.
    start: &'a [u32],
    adj: &'a [u32],
    /// Reviewers' cannot-links by record (empty when there are none).
    cannot: &'a [Vec<u32>],
}

impl<'a> Clusterer<'a> {
    pub(crate) fn new(
        facts: &'a [Facts],
        start: &'a [u32],
        adj: &'a [u32],
        cannot: &'a [Vec<u32>],
    ) -> Self {
        let mut sum = Vec::with_capacity(facts.len());
        sum.resize_with(facts.len(), || None);
        Clusterer {
            parent: (0..facts.len() as u32).collect(),
            facts,
            sum,
            start,
            adj,
            cannot,
        }
    }

    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// The root of `x` without shortening paths (for reads while a summary is borrowed).
    fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// The summary of root `r`, made now if it has none yet.
    fn summary(&mut self, r: u32) -> &Summary {
        let facts = self.facts;
        self.sum[r as usize].get_or_insert_with(|| Summary::of(r, &facts[r as usize]))
    }

    fn size(&self, r: u32) -> usize {
        self.sum[r as usize].as_ref().map_or(1, |s| s.members.len())
    }

    fn union(&mut self, a: u32, b: u32) {
        let (big, small) = if self.size(a) >= self.size(b) {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        self.summary(small);
        self.summary(big);
        let s = self.sum[small as usize].take().expect("made above");
        let t = self.sum[big as usize].as_mut().expect("made above");
        for x in s.nhs {
            push(&mut t.nhs, x);
        }
        for x in s.ni {
            push(&mut t.ni, x);
        }
        for x in s.upn {
            push(&mut t.upn, x);
        }
        for x in s.dob {
            push(&mut t.dob, x);
        }
        for x in s.sources {
            push(&mut t.sources, x);
        }
        t.members.extend(s.members);
    }

    fn conflict(&mut self, ra: u32, rb: u32, check_dob: bool, check_ids: bool) -> bool {
        self.summary(ra);
        self.summary(rb);
        let (a, b) = (
            self.sum[ra as usize].as_deref().expect("made above"),
            self.sum[rb as usize].as_deref().expect("made above"),
        );
        if (check_ids
            && (disjoint_both_present(&a.nhs, &b.nhs)
                || disjoint_both_present(&a.ni, &b.ni)
                || disjoint_both_present(&a.upn, &b.upn)))
            || a.sources.iter().any(|s| b.sources.contains(s))
        {
            return true;
        }
        let singletons = a.members.len() == 1 && b.members.len() == 1;
        if check_dob
            && !singletons
            && !a.dob.is_empty()
            && !b.dob.is_empty()
            && !a
                .dob
                .iter()
                .any(|&x| b.dob.iter().any(|&y| dob_level(x, y) <= 3))
        {
            return true;
        }
        if self.cannot.is_empty() {
            return false;
        }
        let (small, other) = if a.members.len() <= b.members.len() {
            (a, rb)
        } else {
            (b, ra)
        };
        small.members.iter().any(|&m| {
            self.cannot[m as usize]
                .iter()
                .any(|&c| self.root(c) == other)
        })
    }

    fn supported(&self, ra: u32, rb: u32, tie_enough: bool) -> bool {
        let (la, lb) = (self.size(ra), self.size(rb));
        if la == 1 && lb == 1 {
            return true;
        }
        let (small, other) = if la <= lb { (ra, rb) } else { (rb, ra) };
        let members = &self.sum[small as usize]
            .as_deref()
            .expect("checked for conflicts first")
            .members;
        let (mut compared, mut linked) = (0usize, 0usize);
        for &m in members {
            let (adj, start) = (self.adj, self.start);
            for &e in &adj[start[m as usize] as usize..start[m as usize + 1] as usize] {
                if self.root(e & LINK_MASK) == other {
                    compared += 1;
                    linked += usize::from(e & LINK_BIT != 0);
                }
            }
        }
        linked * 2 > compared || (tie_enough && linked * 2 == compared)
    }

    /// Forces a merge (reviewer must-link).
    pub(crate) fn must_link(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.union(ra, rb);
        }
    }

    /// Whether records `a` and `b` could be one person as far as the guards go (identifiers,
    /// dates of birth, sources of different people, reviewers' cannot-links): what
    /// [`Clusterer::attach`] checks, without merging. `check_ids`: whether different
    /// identifiers conflict (not when the caller has a pair agreeing on all else exactly).
    pub(crate) fn compatible(&mut self, a: u32, b: u32, check_ids: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        ra == rb || !self.conflict(ra, rb, true, check_ids)
    }

    /// Attaches record `a` to the cluster of record `b` unless they conflict (no support
    /// needed: the caller has weighed the evidence, see `attach`). `check_ids` as in
    /// [`Clusterer::compatible`]. Returns whether it did.
    pub(crate) fn attach(&mut self, a: u32, b: u32, check_ids: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if self.conflict(ra, rb, true, check_ids) {
            return false;
        }
        self.union(ra, rb);
        true
    }

    /// Tries a link; returns whether the records ended in one cluster. `ids_agree`: the
    /// linking pair shares an identifier exactly, which outweighs a date-of-birth mismatch.
    /// `all_else_exact`: the pair agrees exactly on forename, family name, full date of birth
    /// and address, which outweighs different identifiers (a temporary NHS number, a reissued
    /// UPN: one person registered twice).
    /// `names_dob_exact`: the pair agrees exactly on forename, family name and full date of
    /// birth, evidence enough by itself that half the compared pairs being links is support
    /// enough (the other half: a record the cluster already holds under a replaced forename).
    pub(crate) fn link(
        &mut self,
        a: u32,
        b: u32,
        ids_agree: bool,
        all_else_exact: bool,
        names_dob_exact: bool,
    ) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if self.conflict(ra, rb, !ids_agree, !all_else_exact)
            || !self.supported(ra, rb, names_dob_exact)
        {
            return false;
        }
        self.union(ra, rb);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compressed adjacency rows of `n` records from `(i, j, is_link)` pairs.
    fn rows(n: usize, pairs: &[(u32, u32, bool)]) -> (Vec<u32>, Vec<u32>) {
        adjacency(n, pairs.iter().copied())
    }

    fn person(nhs: u32, dob: u32) -> Facts {
        Facts {
            nhs,
            dob,
            unique_source: u32::MAX,
            ..Default::default()
        }
    }

    #[test]
    fn records_never_merged_keep_no_summary() {
        let facts = vec![person(0, 20100101); 4];
        let (start, adj) = rows(4, &[(0, 1, true)]);
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        assert!(cl.link(0, 1, false, false, false));
        assert_eq!(cl.find(1), cl.find(0));
        assert!(cl.sum[2].is_none() && cl.sum[3].is_none());
        let root = cl.find(0);
        assert_eq!(cl.size(root), 2);
        assert_eq!(cl.size(2), 1);
    }

    #[test]
    fn different_identifiers_conflict_unless_all_else_agrees_exactly() {
        let facts = vec![person(11, 20100101), person(22, 20100101)];
        let (start, adj) = rows(2, &[(0, 1, true)]);
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        assert!(!cl.link(0, 1, false, false, false));
        assert_ne!(cl.find(0), cl.find(1));
        assert!(cl.link(0, 1, false, true, false), "registered twice");
    }

    #[test]
    fn a_cluster_carries_its_members_identifiers_and_dates() {
        // 0 has an NHS number, 1 has none, 2 has another: 2 cannot join {0, 1} through 1.
        let facts = vec![
            person(11, 20100101),
            person(0, 20100101),
            person(22, 20100101),
        ];
        let (start, adj) = rows(3, &[(0, 1, true), (1, 2, true), (0, 2, true)]);
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        assert!(cl.link(0, 1, false, false, false));
        assert!(!cl.link(1, 2, false, false, false));
        // A date of birth far from every date the cluster holds conflicts too.
        let facts = vec![
            person(0, 20100101),
            person(0, 20100101),
            person(0, 19800707),
        ];
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        assert!(cl.link(0, 1, false, false, false));
        assert!(!cl.link(1, 2, false, false, false));
        assert!(
            cl.link(1, 2, true, false, false),
            "an identifier shared exactly"
        );
    }

    #[test]
    fn a_reviewers_cannot_link_holds_through_the_cluster() {
        let facts = vec![person(0, 20100101); 3];
        let (start, adj) = rows(3, &[(0, 1, true), (1, 2, true), (0, 2, true)]);
        let cannot = vec![vec![2], vec![], vec![0]];
        let mut cl = Clusterer::new(&facts, &start, &adj, &cannot);
        assert!(cl.link(0, 1, false, false, false));
        assert!(!cl.link(1, 2, false, false, false));
        assert!(!cl.compatible(2, 1, true));
    }

    #[test]
    fn support_needs_most_compared_pairs_to_be_links() {
        // {0, 1} and 2: of the compared pairs between them (1-2 a link, 0-2 not), half links.
        let facts = vec![person(0, 20100101); 3];
        let (start, adj) = rows(3, &[(0, 1, true), (1, 2, true), (0, 2, false)]);
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        assert!(cl.link(0, 1, false, false, false));
        assert!(!cl.link(1, 2, false, false, false), "half is not most");
        assert!(
            cl.link(1, 2, false, false, true),
            "half is enough with exact names and date of birth"
        );
        let root = cl.find(2);
        assert_eq!(cl.size(root), 3);
    }

    #[test]
    fn must_links_merge_whatever_the_guards_say() {
        let facts = vec![person(11, 20100101), person(22, 19800707)];
        let (start, adj) = rows(2, &[]);
        let mut cl = Clusterer::new(&facts, &start, &adj, &[]);
        cl.must_link(0, 1);
        assert_eq!(cl.find(0), cl.find(1));
    }
}
