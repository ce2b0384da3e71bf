//! Clustering pairs into people, resisting chains.
//!
//! Links are taken in descending weight. A union-find merges the two records' clusters only
//! if (1) the clusters do not conflict — different valid NHS numbers, NI numbers or UPNs
//! (unless the linking pair's own identifiers differ and it agrees exactly on names, full
//! date of birth and address: one person registered twice, under a temporary NHS number or a
//! reissued UPN),
//! no compatible date of birth (exact, day/month swap or one digit off; checked when a cluster
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
