//! What workers call a family ("Stewart family"): one rule for the family's page and the
//! lists.

use std::collections::BTreeMap;

/// A member of the family as naming sees them: an adult or not, and the family names their
/// records give (as written, any number).
pub(crate) struct Named<'a> {
    pub adult: bool,
    pub family_names: Vec<&'a str>,
}

/// The family name most of the family's members have, each person counted once (by the
/// name most of their records give). A tie goes to the name more of its adults have, then
/// to the first in alphabetical order, so the same family is always named alike. `None`
/// when no member has a family name.
pub(crate) fn family_surname(members: &[Named<'_>]) -> Option<String> {
    // name → (members, adults)
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for m in members {
        let mut own: BTreeMap<String, usize> = BTreeMap::new();
        for n in m
            .family_names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            *own.entry(crate::labels::name_case(n)).or_default() += 1;
        }
        // The person's own most common name (ties: alphabetical, the map's order).
        let Some(name) = own
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(n, _)| n.clone())
        else {
            continue;
        };
        let c = counts.entry(name).or_default();
        c.0 += 1;
        c.1 += usize::from(m.adult);
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(adult: bool, names: &[&'static str]) -> Named<'static> {
        Named {
            adult,
            family_names: names.to_vec(),
        }
    }

    #[test]
    fn a_family_is_named_by_most_of_its_members() {
        // The father is a Roberts; the mother and both children are Stewarts.
        let family = [
            m(true, &["ROBERTS"]),
            m(true, &["Stewart", "STEWART"]),
            m(false, &["Stewart"]),
            m(false, &["Stewart", "Stuart"]),
        ];
        assert_eq!(family_surname(&family).as_deref(), Some("Stewart"));
        // Each person counts once, however many records they have.
        let family = [
            m(true, &["Ng", "Ng", "Ng", "Ng"]),
            m(true, &["Ali"]),
            m(false, &["Ali"]),
        ];
        assert_eq!(family_surname(&family).as_deref(), Some("Ali"));
        // A tie goes to the adults' name, then to the alphabet.
        let family = [m(true, &["Khan"]), m(false, &["Evans"])];
        assert_eq!(family_surname(&family).as_deref(), Some("Khan"));
        let family = [m(true, &["Khan"]), m(true, &["Evans"])];
        assert_eq!(family_surname(&family).as_deref(), Some("Evans"));
        assert_eq!(family_surname(&[m(true, &[" "])]), None);
    }
}
