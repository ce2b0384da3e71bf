//! Households and the people in them.
//!
//! Generation runs in two stages so that it can be parallel and still deterministic:
//! [`plan`] draws every household's structure (kind and size) from one seeded generator, which
//! fixes person and household indices; [`populate`] then fills in one household from a
//! generator seeded by (seed, household index), so households can be built in any order.

use crate::dates::{
    add_days, age_on, dob_for_age, random_date, ymd, AS_AT, PERIOD_END, PERIOD_START,
};
use crate::model::{Household, HouseholdKind, Person};
use crate::names::{forename, surname, Heritage};
use chrono::{Datelike, NaiveDate};
use hearth_model::{NhsNumber, Sex, Upn};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The structure of one household, drawn before any detail.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub kind: HouseholdKind,
    /// Dependent children (under 18).
    pub kids: u8,
    /// Adult children living at home.
    pub adult_kids: u8,
    /// Grandparents (multi-generation) or sharers (shared).
    pub extra: u8,
    pub step: bool,
    pub size: usize,
    pub first_person: usize,
    pub old_address: Option<usize>,
}

/// Draws household structures until they hold exactly `people` people.
pub(crate) fn plan(people: usize, seed: u64) -> Vec<Plan> {
    let mut rng = household_rng(seed, u64::MAX, 0);
    let mut plans = Vec::with_capacity(people / 2 + 1);
    let mut placed = 0usize;
    let mut movers = 0usize;
    while placed < people {
        let mut p = draw_plan(&mut rng);
        if placed + p.size > people {
            p = Plan {
                kind: HouseholdKind::Single,
                kids: 0,
                adult_kids: 0,
                extra: 0,
                step: false,
                size: 1,
                first_person: 0,
                old_address: None,
            };
        }
        p.first_person = placed;
        placed += p.size;
        if rng.random_bool(0.10) {
            p.old_address = Some(movers);
            movers += 1;
        }
        plans.push(p);
    }
    // Former homes are numbered after all current homes.
    let households = plans.len();
    for p in &mut plans {
        if let Some(m) = p.old_address.as_mut() {
            *m += households;
        }
    }
    plans
}

fn draw_plan(rng: &mut ChaCha8Rng) -> Plan {
    let u: f64 = rng.random();
    let (kind, kids, adult_kids, extra, step) = if u < 0.30 {
        (HouseholdKind::Single, 0, 0, 0, false)
    } else if u < 0.55 {
        (HouseholdKind::Couple, 0, 0, 0, false)
    } else if u < 0.74 {
        let kids = weighted(
            rng,
            &[(1, 0.42), (2, 0.39), (3, 0.14), (4, 0.04), (5, 0.01)],
        );
        (
            HouseholdKind::CoupleWithChildren,
            kids,
            0,
            0,
            rng.random_bool(0.15),
        )
    } else if u < 0.81 {
        let adult = weighted(rng, &[(1, 0.65), (2, 0.30), (3, 0.05)]);
        let kids = weighted(rng, &[(0, 0.7), (1, 0.22), (2, 0.08)]);
        (
            HouseholdKind::CoupleWithAdultChildren,
            kids,
            adult,
            0,
            false,
        )
    } else if u < 0.91 {
        if rng.random_bool(0.65) {
            let kids = weighted(rng, &[(1, 0.5), (2, 0.33), (3, 0.13), (4, 0.04)]);
            (HouseholdKind::LoneParent, kids, 0, 0, false)
        } else {
            let adult = weighted(rng, &[(1, 0.75), (2, 0.25)]);
            let kids = weighted(rng, &[(0, 0.7), (1, 0.3)]);
            (HouseholdKind::LoneParent, kids, adult, 0, false)
        }
    } else if u < 0.94 {
        let kids = weighted(rng, &[(1, 0.35), (2, 0.4), (3, 0.25)]);
        let gp = weighted(rng, &[(1, 0.6), (2, 0.4)]);
        (HouseholdKind::MultiGeneration, kids, 0, gp, false)
    } else {
        let n = weighted(rng, &[(2, 0.6), (3, 0.3), (4, 0.1)]);
        (HouseholdKind::Shared, 0, 0, n, false)
    };
    let adults = match kind {
        HouseholdKind::Single | HouseholdKind::LoneParent => 1,
        HouseholdKind::Shared => 0,
        _ => 2,
    };
    Plan {
        kind,
        kids,
        adult_kids,
        extra,
        step,
        size: adults + kids as usize + adult_kids as usize + extra as usize,
        first_person: 0,
        old_address: None,
    }
}

fn weighted<R: Rng, T: Copy>(rng: &mut R, options: &[(T, f64)]) -> T {
    let total: f64 = options.iter().map(|o| o.1).sum();
    let mut u = rng.random::<f64>() * total;
    for &(v, w) in options {
        if u < w {
            return v;
        }
        u -= w;
    }
    options[options.len() - 1].0
}

/// A generator for one household and one purpose (stream), independent of all others.
pub(crate) fn household_rng(seed: u64, household: u64, stream: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&splitmix(seed).to_le_bytes());
    key[8..16].copy_from_slice(&splitmix(seed ^ household.rotate_left(17)).to_le_bytes());
    key[16..24].copy_from_slice(&household.to_le_bytes());
    key[24..32].copy_from_slice(&stream.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hidden traits of a household that drive what happens to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traits {
    /// 0 (no needs) to 1 (many, severe needs).
    pub risk: f64,
}

/// Builds the people of one household.
pub(crate) fn populate(
    plan: &Plan,
    index: usize,
    rng: &mut ChaCha8Rng,
) -> (Vec<Person>, Household, Traits) {
    let heritage = Heritage::draw(rng);
    let mut b = Builder {
        rng,
        heritage,
        household: index,
        next: plan.first_person,
        people: Vec::with_capacity(plan.size),
    };
    match plan.kind {
        HouseholdKind::Single => {
            let age = weighted_age(b.rng);
            let female = b.rng.random_bool(0.52);
            let (m, f) = surname(b.rng, heritage);
            b.add_adult(female, if female { f } else { m }, age);
        }
        HouseholdKind::Couple => {
            let young = b.rng.random_bool(0.35);
            let age = if young {
                b.rng.random_range(20..=40)
            } else {
                b.rng.random_range(41..=90)
            };
            b.couple(age, young, 0, &[], false);
        }
        HouseholdKind::CoupleWithChildren => {
            let mother_age = b.rng.random_range(22..=52);
            let kid_ages = kid_ages(b.rng, plan.kids, mother_age);
            b.couple(mother_age, true, 0, &kid_ages, plan.step);
        }
        HouseholdKind::CoupleWithAdultChildren => {
            let mother_age = b.rng.random_range(42..=68);
            let mut ages: Vec<i32> = (0..plan.adult_kids)
                .map(|_| b.rng.random_range(18..=(mother_age - 20).clamp(18, 34)))
                .collect();
            ages.extend((0..plan.kids).map(|_| b.rng.random_range(8..=17)));
            ages.sort_unstable_by(|a, b| b.cmp(a));
            b.couple(mother_age, false, 0, &ages, false);
        }
        HouseholdKind::LoneParent => {
            let parent_age = if plan.adult_kids > 0 {
                b.rng.random_range(40..=66)
            } else {
                b.rng.random_range(19..=54)
            };
            let mut ages: Vec<i32> = (0..plan.adult_kids)
                .map(|_| b.rng.random_range(18..=(parent_age - 20).clamp(18, 32)))
                .collect();
            ages.extend(kid_ages(b.rng, plan.kids, parent_age));
            ages.sort_unstable_by(|a, b| b.cmp(a));
            b.lone_parent(parent_age, &ages);
        }
        HouseholdKind::MultiGeneration => {
            let mother_age = b.rng.random_range(24..=48);
            let ages = kid_ages(b.rng, plan.kids, mother_age);
            b.couple(mother_age, true, plan.extra, &ages, false);
        }
        HouseholdKind::Shared => {
            for _ in 0..plan.extra {
                let h = Heritage::draw(b.rng);
                let female = b.rng.random_bool(0.5);
                let (m, f) = surname(b.rng, h);
                let age = b.rng.random_range(19..=45);
                b.heritage = h;
                b.add_adult(female, if female { f } else { m }, age);
            }
        }
    }
    let people = b.people;
    debug_assert_eq!(people.len(), plan.size);
    let risk = draw_risk(rng, plan);
    let has_kids = plan.kids > 0;
    let council_tenant = rng.random_bool(if has_kids {
        (0.05 + 0.45 * risk).min(0.9)
    } else {
        0.08 + 0.15 * risk
    });
    let moved_from = plan.old_address.map(|old| {
        let moved = random_date(rng, add_days(PERIOD_START, 30), add_days(PERIOD_END, -30));
        (old, moved)
    });
    let household = Household {
        index,
        kind: plan.kind,
        members: people.iter().map(|p| p.index).collect(),
        address: index,
        moved_from,
        council_tenant,
        step_family: plan.step,
    };
    (people, household, Traits { risk })
}

fn draw_risk(rng: &mut ChaCha8Rng, plan: &Plan) -> f64 {
    let u: f64 = rng.random();
    let lone = matches!(plan.kind, HouseholdKind::LoneParent) && plan.kids > 0;
    let shift = if lone { 0.08 } else { 0.0 };
    if u < 0.72 - shift * 2.0 {
        rng.random_range(0.0..0.08)
    } else if u < 0.92 - shift {
        rng.random_range(0.08..0.3)
    } else {
        rng.random_range(0.3..1.0)
    }
}

fn weighted_age(rng: &mut ChaCha8Rng) -> i32 {
    match rng.random::<f64>() {
        u if u < 0.2 => rng.random_range(18..=34),
        u if u < 0.6 => rng.random_range(35..=64),
        _ => rng.random_range(65..=95),
    }
}

/// Ages of dependent children of a mother aged `mother_age`, oldest first.
fn kid_ages(rng: &mut ChaCha8Rng, n: u8, mother_age: i32) -> Vec<i32> {
    let max = (mother_age - 18).clamp(0, 17);
    let mut v: Vec<i32> = (0..n).map(|_| rng.random_range(0..=max)).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v
}

struct Builder<'a> {
    rng: &'a mut ChaCha8Rng,
    heritage: Heritage,
    household: usize,
    next: usize,
    people: Vec<Person>,
}

impl Builder<'_> {
    fn add(&mut self, given: &str, family: &str, dob: NaiveDate, female: bool) -> usize {
        let index = self.next;
        self.next += 1;
        let middle = match self.rng.random::<f64>() {
            u if u < 0.55 => self.middle(given, female, dob.year()),
            u if u < 0.62 => format!(
                "{} {}",
                self.middle(given, female, dob.year()),
                self.middle(given, female, dob.year())
            ),
            _ => String::new(),
        };
        let age = age_on(dob, AS_AT);
        let upn = school_age_in_period(dob)
            .then(|| self.rng.random_bool(0.99))
            .filter(|on_roll| *on_roll)
            .map(|_| upn(index, dob));
        self.people.push(Person {
            index,
            given_name: given.to_string(),
            middle_names: middle,
            family_name: family.to_string(),
            former_family_name: None,
            alternative_surname: None,
            date_of_birth: dob,
            sex: if female { Sex::Female } else { Sex::Male },
            nhs_number: nhs_number(index),
            ni_number: (age >= 16).then(|| ni_number(index)),
            upn,
            household: self.household,
            married: false,
        });
        index
    }

    fn middle(&mut self, given: &str, female: bool, year: i32) -> String {
        for _ in 0..4 {
            let m = forename(self.rng, self.heritage, female, year);
            if m != given {
                return m.to_string();
            }
        }
        String::new()
    }

    fn local(&mut self, index: usize) -> &mut Person {
        let first = self.people[0].index;
        &mut self.people[index - first]
    }

    fn add_adult(&mut self, female: bool, family: &str, age: i32) -> usize {
        let dob = dob_for_age(self.rng, age);
        let given = forename(self.rng, self.heritage, female, dob.year());
        self.add(given, family, dob, female)
    }

    /// A couple (usually a man and a woman; a few same-sex couples), their children, and
    /// `grandparents` of the father's line. `ages` are the children's ages, oldest first; in
    /// a step-family the older children are from the mother's previous relationship.
    fn couple(&mut self, mother_age: i32, young: bool, grandparents: u8, ages: &[i32], step: bool) {
        let same_sex = ages.is_empty() && self.rng.random_bool(0.03);
        let (his_m, his_f) = surname(self.rng, self.heritage);
        let partner_heritage = if self.rng.random_bool(0.9) {
            self.heritage
        } else {
            Heritage::draw(self.rng)
        };
        let (maiden_m, maiden_f) = surname(self.rng, partner_heritage);
        let married = self.rng.random_bool(if step {
            0.45
        } else if young {
            0.55
        } else {
            0.75
        });
        let father_age = (mother_age + self.rng.random_range(-3..=7)).clamp(18, 99);
        let father_female = same_sex && self.rng.random_bool(0.5);
        let father = self.add_adult(
            father_female,
            if father_female { his_f } else { his_m },
            father_age,
        );
        let ex_surname = surname(self.rng, self.heritage).0;
        let mother_female = !same_sex || father_female;
        let maiden = if mother_female { maiden_f } else { maiden_m };
        let mother_family = if married && !same_sex {
            his_f
        } else if step && self.rng.random_bool(0.5) {
            ex_surname
        } else {
            maiden
        };
        let saved = self.heritage;
        self.heritage = partner_heritage;
        let mother = self.add_adult(mother_female, mother_family, mother_age);
        self.heritage = saved;
        if married && !same_sex {
            let m_dob = self.local(mother).date_of_birth;
            let adult = add_days(m_dob, 18 * 366);
            // Most married before the period; some during it (their records change surname).
            let changed = if young && self.rng.random_bool(0.15) {
                random_date(self.rng, PERIOD_START, add_days(PERIOD_END, -60))
            } else {
                random_date(
                    self.rng,
                    adult.max(ymd(1975, 1, 1)),
                    add_days(PERIOD_START, -30),
                )
            };
            let p = self.local(mother);
            p.former_family_name = Some((maiden_f.to_string(), changed));
            p.alternative_surname = Some(maiden_f.to_string());
            p.married = true;
        }
        let father_given = self.local(father).given_name.clone();
        let mother_surname = self.local(mother).family_name.clone();
        let n_step = if step { ages.len().div_ceil(2) } else { 0 };
        let joint_surname = if married {
            his_m.to_string()
        } else {
            match self.rng.random::<f64>() {
                u if u < 0.75 => his_m.to_string(),
                u if u < 0.95 => maiden_f.to_string(),
                _ => format!("{his_m}-{maiden_m}"),
            }
        };
        let mut named_after_father = false;
        let mut prev: Option<usize> = None;
        for (i, &age) in ages.iter().enumerate() {
            let female = self.rng.random_bool(0.49);
            let is_step = i < n_step;
            let twin_of = prev.filter(|_| self.rng.random_bool(0.03));
            let dob = match twin_of {
                Some(t) => self.local(t).date_of_birth,
                None => dob_for_age(self.rng, age),
            };
            let mut given = forename(self.rng, self.heritage, female, dob.year()).to_string();
            if let Some(t) = twin_of {
                // Twins: distinct names, same surname, birth date and address.
                while given == self.local(t).given_name {
                    given = forename(self.rng, self.heritage, female, dob.year()).to_string();
                }
            }
            if !female
                && !is_step
                && !named_after_father
                && !father_female
                && self.rng.random_bool(0.08)
            {
                given = father_given.clone();
                named_after_father = true;
            }
            let (family, alt) = if is_step {
                let mut fam = ex_surname.to_string();
                if female && fam == his_m {
                    fam = his_f.to_string();
                }
                (fam, Some(his_m.to_string()))
            } else {
                let fam = joint_surname.clone();
                let alt = (fam != mother_surname).then(|| mother_surname.clone());
                (fam, alt)
            };
            let family = if female && family == his_m {
                his_f.to_string()
            } else {
                family
            };
            let k = self.add(&given, &family, dob, female);
            self.local(k).alternative_surname = alt;
            prev = Some(k);
        }
        let father_dob = self.local(father).date_of_birth;
        for g in 0..grandparents {
            let female = g == 1 || self.rng.random_bool(0.5);
            let age = (age_on(father_dob, AS_AT) + self.rng.random_range(22..=34)).min(96);
            self.add_adult(female, if female { his_f } else { his_m }, age);
        }
    }

    fn lone_parent(&mut self, parent_age: i32, ages: &[i32]) {
        let female = self.rng.random_bool(0.9);
        let (own_m, own_f) = surname(self.rng, self.heritage);
        let parent = self.add_adult(female, if female { own_f } else { own_m }, parent_age);
        let parent_surname = self.local(parent).family_name.clone();
        let (other_m, other_f) = surname(self.rng, self.heritage);
        let kids_take_parent = self.rng.random_bool(0.55);
        let mut prev: Option<usize> = None;
        for &age in ages {
            let kf = self.rng.random_bool(0.49);
            let twin_of = prev.filter(|_| self.rng.random_bool(0.03));
            let dob = match twin_of {
                Some(t) => self.local(t).date_of_birth,
                None => dob_for_age(self.rng, age),
            };
            let mut given = forename(self.rng, self.heritage, kf, dob.year()).to_string();
            if let Some(t) = twin_of {
                while given == self.local(t).given_name {
                    given = forename(self.rng, self.heritage, kf, dob.year()).to_string();
                }
            }
            let family = match (kids_take_parent, kf) {
                (true, false) => own_m.to_string(),
                (true, true) => own_f.to_string(),
                (false, false) => other_m.to_string(),
                (false, true) => other_f.to_string(),
            };
            let alt = (family != parent_surname).then(|| parent_surname.clone());
            let k = self.add(&given, &family, dob, kf);
            self.local(k).alternative_surname = alt;
            prev = Some(k);
        }
    }
}

/// Whether someone born on `dob` is in Reception to Year 11 in some school year of the period.
pub(crate) fn school_age_in_period(dob: NaiveDate) -> bool {
    (2022..=2024).any(|y| (4..=15).contains(&age_on(dob, ymd(y, 8, 31))))
}

/// A distinct valid NHS number for person `index` (distinct for index < 25,000,000).
pub(crate) fn nhs_number(index: usize) -> String {
    let slot = (index as u64 * 2731) % 25_000_000;
    for k in 0..4 {
        let n = 400_000_000 + slot * 4 + k;
        let s = format!("{n:09}");
        let d: Vec<u32> = s.bytes().map(|b| (b - b'0') as u32).collect();
        let first9: [u32; 9] = d.try_into().expect("nine digits");
        if let Some(c) = NhsNumber::check_digit(first9) {
            return format!("{s}{c}");
        }
    }
    // Four consecutive numbers never all lack a check digit (the weighted sum steps by 2).
    unreachable!("no valid NHS number in a block of four")
}

const NI_PREFIXES: &[&str] = &[
    "JB", "JC", "JE", "JG", "JH", "JJ", "JK", "JL", "JM", "JN", "JP", "JR", "JS", "JT", "JW", "JX",
    "JY", "JZ", "NA", "NB", "NE", "NH", "NL", "NM", "NP", "NR", "NS", "NW", "NX", "NY", "NZ", "PA",
    "PB", "PC", "PE", "PG", "PH", "PJ", "PK", "PL", "PM", "PN", "PP", "PR", "PS", "PT", "PW", "PX",
    "PY", "PZ", "SA", "SB", "SC", "SE", "SG", "SH", "SJ", "SK", "SL", "SM",
];

/// A distinct NI number for person `index`.
pub(crate) fn ni_number(index: usize) -> String {
    let digits = (index as u64 % 1_000_000) * 379_721 % 1_000_000;
    let prefix = NI_PREFIXES[(index / 1_000_000) % NI_PREFIXES.len()];
    let suffix = b"ABCD"[(index * 7 / 3) % 4] as char;
    format!("{prefix}{digits:06}{suffix}")
}

/// A distinct valid UPN for person `index` (distinct for index < 8,000,000): check letter,
/// LA code 876, a 4-digit establishment number, 2-digit year of allocation, 3-digit serial.
pub(crate) fn upn(index: usize, dob: NaiveDate) -> String {
    let establishment = 2000 + (index / 1000) % 8000;
    let year = (dob.year() + 5) % 100;
    let serial = index % 1000;
    let body = format!("876{establishment:04}{year:02}{serial:03}");
    let bytes: [u8; 12] = body.as_bytes().try_into().expect("twelve characters");
    let check = Upn::check_letter(&bytes).expect("digits only");
    format!("{check}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::{NiNumber, Upn};

    #[test]
    fn identifiers_are_valid_and_distinct() {
        let mut nhs = std::collections::BTreeSet::new();
        let mut upns = std::collections::BTreeSet::new();
        for i in (0..400_000).step_by(3) {
            let n = nhs_number(i);
            NhsNumber::parse(&n).expect("valid NHS number");
            assert!(nhs.insert(n));
            let u = upn(i, ymd(2012, 3, 4));
            Upn::parse(&u).expect("valid UPN");
            assert!(upns.insert(u));
            NiNumber::parse(&ni_number(i)).expect("valid NI number");
        }
    }

    #[test]
    fn plan_places_exactly_the_people_asked_for() {
        let plans = plan(1234, 9);
        assert_eq!(plans.iter().map(|p| p.size).sum::<usize>(), 1234);
        assert!(plans.iter().all(|p| p.size >= 1));
    }
}
