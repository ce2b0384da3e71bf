//! The truth oracle: each family's true headline problems.
//!
//! This is the reference implementation of the **default indicator table** in
//! `docs/partner-sources.md` (as at 2025-09-01), applied to the **true facts** — not to the
//! source files, so it sees no errors, duplicates or missing identifiers. Identification
//! implements the same rules separately, from a rules file, over linked source data;
//! comparing the two measures linkage and identification together. Change the two together.
//!
//! Reading of the rules used here:
//! * window: from 2024-09-01 to the as-at date 2025-09-01, both included (no generated event
//!   falls within a day of 2024-09-01, so reading the start as exclusive gives the same
//!   answer);
//! * child: under 18 on the as-at date; adult: 18 or over;
//! * attendance: the three latest terms that ended before the as-at date, summed per child;
//! * an episode is open in the window when it started on or before the as-at date and has no
//!   end or ended on or after the window start; a claim is open on the as-at date when it
//!   started on or before it and has no end or ends on or after it;
//! * housing arrears of £500 or more means 50,000 pence or more.

use crate::borough::Borough;
use crate::dates::{age_on, terms, AS_AT, WINDOW_START};
use crate::model::{ContactType, EpisodeType, IncidentCategory, Involvement};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A headline problem of the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Problem {
    /// `crime_asb`
    CrimeAsb,
    /// `school_attendance`
    SchoolAttendance,
    /// `children_need_help`
    ChildrenNeedHelp,
    /// `worklessness`
    Worklessness,
    /// `domestic_abuse`
    DomesticAbuse,
    /// `health`
    Health,
}

impl Problem {
    /// All six, in the contract's order.
    pub const ALL: [Problem; 6] = [
        Problem::CrimeAsb,
        Problem::SchoolAttendance,
        Problem::ChildrenNeedHelp,
        Problem::Worklessness,
        Problem::DomesticAbuse,
        Problem::Health,
    ];

    /// The key used in `families.csv` and rules files.
    pub fn key(self) -> &'static str {
        match self {
            Problem::CrimeAsb => "crime_asb",
            Problem::SchoolAttendance => "school_attendance",
            Problem::ChildrenNeedHelp => "children_need_help",
            Problem::Worklessness => "worklessness",
            Problem::DomesticAbuse => "domestic_abuse",
            Problem::Health => "health",
        }
    }
}

/// A family (a household with at least one child on the as-at date) and its true problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyTruth {
    /// Index of the household in [`Borough::households`].
    pub household: usize,
    /// Person indices of all members.
    pub members: Vec<usize>,
    /// The family's problems, in [`Problem::ALL`] order.
    pub problems: Vec<Problem>,
}

impl FamilyTruth {
    /// At least two problems.
    pub fn eligible(&self) -> bool {
        self.problems.len() >= 2
    }
}

fn in_window(d: NaiveDate) -> bool {
    (WINDOW_START..=AS_AT).contains(&d)
}

/// The true problems of every family, in household order.
pub fn families(b: &Borough) -> Vec<FamilyTruth> {
    let n = b.households.len();
    let mut has = vec![[false; 6]; n];
    let people = &b.people;
    let child = |p: usize| age_on(people[p].date_of_birth, AS_AT) < 18;
    let hh = |p: usize| people[p].household;
    let mut mark = |p: usize, problem: Problem| has[hh(p)][problem as usize] = true;
    let f = &b.facts;

    for o in &f.offences {
        if o.proven && in_window(o.date) && child(o.person) {
            mark(o.person, Problem::CrimeAsb);
        }
    }
    for inc in f.incidents.iter().filter(|i| in_window(i.date)) {
        for &(p, inv) in &inc.people {
            match inc.category {
                IncidentCategory::DomesticAbuse => mark(p, Problem::DomesticAbuse),
                IncidentCategory::Crime | IncidentCategory::Asb => {
                    if matches!(inv, Involvement::Suspect | Involvement::Offender) {
                        mark(p, Problem::CrimeAsb);
                    }
                }
            }
        }
    }

    // Attendance over the three latest terms ended before the as-at date.
    let all = terms();
    let mut ended: Vec<usize> = (0..all.len()).filter(|&i| all[i].end < AS_AT).collect();
    ended.sort_by_key(|&i| all[i].end);
    let last3: Vec<usize> = ended.iter().rev().take(3).copied().collect();
    let mut per_child: BTreeMap<usize, (u32, u32, u32, bool)> = BTreeMap::new();
    for a in f.attendance.iter().filter(|a| last3.contains(&a.term)) {
        let e = per_child.entry(a.person).or_default();
        e.0 += a.missed;
        e.1 += a.possible;
        e.2 += a.fixed_term_exclusions;
        e.3 |= a.permanent_exclusion;
    }
    for (&p, &(missed, possible, fte, perm)) in &per_child {
        let absent = possible > 0 && missed * 10 >= possible;
        if child(p) && (absent || fte >= 3 || perm) {
            mark(p, Problem::SchoolAttendance);
        }
    }

    for e in &f.episodes {
        let statutory = matches!(
            e.episode,
            EpisodeType::Cin | EpisodeType::Cpp | EpisodeType::Lac
        );
        let open = e.start <= AS_AT && e.end.is_none_or(|end| end >= WINDOW_START);
        if statutory && open && child(e.person) {
            mark(e.person, Problem::ChildrenNeedHelp);
        }
    }
    for c in &f.claims {
        let open = c.start <= AS_AT && c.end.is_none_or(|end| end >= AS_AT);
        if open && !child(c.person) {
            mark(c.person, Problem::Worklessness);
        }
    }
    for h in f.housing.iter().filter(|h| in_window(h.date)) {
        if matches!(h.notice, "NOSP" | "Eviction") || h.arrears_pence >= 50_000 {
            mark(h.person, Problem::Worklessness);
        }
    }
    let mut a_and_e: BTreeMap<usize, u32> = BTreeMap::new();
    for c in f.health.iter().filter(|c| in_window(c.date)) {
        match c.contact {
            ContactType::MentalHealth | ContactType::SubstanceMisuse => {
                mark(c.person, Problem::Health)
            }
            ContactType::AandE => *a_and_e.entry(c.person).or_default() += 1,
            ContactType::MissedAppointment | ContactType::HealthVisitorReview => {}
        }
    }
    for (&p, &count) in &a_and_e {
        if count >= 3 {
            mark(p, Problem::Health);
        }
    }

    b.households
        .iter()
        .filter(|h| h.members.iter().any(|&p| child(p)))
        .map(|h| FamilyTruth {
            household: h.index,
            members: h.members.clone(),
            problems: Problem::ALL
                .iter()
                .copied()
                .filter(|p| has[h.index][*p as usize])
                .collect(),
        })
        .collect()
}
