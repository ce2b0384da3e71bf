//! A claim's evidence pack as shown while a restriction of processing (UK GDPR Art. 18) on a
//! member's data is in force. The pack is kept as frozen (claims are never changed, and its
//! SHA-256 is still checked on the stored text), but the view of it leaves out what is the
//! restricted person's — their measures, their indicators, their place among the members —
//! and the family-level figures and problem lists, which were worked out from their records
//! too, and the partner records behind what is left out, saying so ([`crate::views::FIGURES_WITHHELD`]). Lifting the restriction shows the
//! whole pack again.

use hearth_claims::EvidencePack;
use hearth_store::Restricted;

/// Everyone the pack names: the baseline's members and indicators, and the evidence.
fn people_named(pack: &EvidencePack) -> Vec<i64> {
    let evidence = pack.result.evidence.iter().filter_map(|e| e.person_id);
    let baseline = pack.baseline.iter().flat_map(|b| {
        b.members
            .iter()
            .map(|m| m.person_id)
            .chain(b.indicators.iter().map(|i| i.person_id))
            .chain(b.measures.iter().filter_map(|m| m.person_id))
    });
    evidence.chain(baseline).collect()
}

/// Whether the pack must be shown with parts withheld: someone it names is restricted, or
/// someone was restricted while a member of its family, or `members` (the family's members
/// in the latest run) include someone restricted.
pub(super) fn applies(pack: &EvidencePack, in_force: &Restricted, members: &[i64]) -> bool {
    !in_force.withheld_in(pack.family_id, members).is_empty()
        || people_named(pack)
            .into_iter()
            .any(|p| in_force.hides_person(p))
}

/// The pack as shown while [`applies`]: only the measures of members not restricted; no
/// family-wide measure, problem list, or restricted person's indicator or membership.
pub(super) fn withhold(mut pack: EvidencePack, in_force: &Restricted) -> EvidencePack {
    let shown = |p: Option<i64>| p.is_some_and(|p| !in_force.hides_person(p));
    pack.result.evidence.retain(|e| shown(e.person_id));
    pack.result.problems.clear();
    if let Some(b) = pack.baseline.as_mut() {
        b.members.retain(|m| shown(Some(m.person_id)));
        b.indicators.retain(|i| shown(Some(i.person_id)));
        b.measures.retain(|m| shown(m.person_id));
        b.problems.clear();
    }
    // The records traced: only those of the evidence and indicators still shown.
    let kept: std::collections::BTreeSet<i64> =
        EvidencePack::record_ids(&pack.result, pack.baseline.as_ref())
            .into_iter()
            .collect();
    pack.records.retain(|r| kept.contains(&r.record_id));
    pack
}
