//! Who is left out of an output that leaves Hearth: the one question every extract and
//! export asks (`excluded`), answered from the objection register and the restrictions by
//! the output's kind (`hearth_governance::sharing::Output`: research outputs honour
//! `research` and `all` objections, every other file `all` ones). `audit` writes the line
//! naming how many were left out (counts only) for the command line; the web server writes
//! the same detail through its own audit.

use chrono::{DateTime, Utc};
use hearth_governance::sharing::{Excluded, Output};
use hearth_store::{AuditEntry, Store};

/// The people and families left out of `output`: people covered by an objection in force
/// whose scope the output honours, people whose processing is restricted, and every family
/// with one of them as a member.
pub fn excluded(store: &mut Store, output: Output) -> hearth_store::Result<Excluded> {
    let mut people = store.objecting_people(output.excluding_scopes())?;
    // People whose processing is restricted are left out as objectors to all sharing are.
    people.extend(store.restricted_people()?);
    let families = store.families_of(&people)?;
    Ok(Excluded { people, families })
}

/// Appends the audit line of an output made on the command line: how many rows were kept
/// and how many left out because of an objection (counts only).
pub fn audit(
    store: &mut Store,
    output: Output,
    excluded: &Excluded,
    kept: usize,
    left_out: usize,
    by: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    store.append_audit(&AuditEntry {
        id: 0,
        at,
        user_id: None,
        user_name: by.into(),
        action: format!("objections honoured: {}", output.name()),
        target_kind: "objection".into(),
        target_id: "*".into(),
        client_ip: "command line".into(),
        detail: excluded.audit_detail(output, kept, left_out),
    })?;
    Ok(())
}

/// The ranked list as it may leave Hearth (`hearth identify --export`, sent to partners):
/// every family with a member who objects to all sharing (or is restricted) left out, with
/// its members. Returns the list, who was left out and how many families.
pub fn identification_for_export(
    store: &mut Store,
    id: &hearth_identification::Identification,
) -> anyhow::Result<(hearth_identification::Identification, Excluded, usize)> {
    let excluded = excluded(store, Output::IdentificationExport)?;
    let mut out = id.clone();
    let mut gone: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    out.families.retain(|f| {
        let keep = !i64::try_from(f.family_id).is_ok_and(|k| excluded.family(k));
        if !keep {
            gone.extend(f.member_ids.iter().copied());
        }
        keep
    });
    out.people.retain(|p| {
        !gone.contains(&p.person_id)
            && !i64::try_from(p.person_id).is_ok_and(|k| excluded.people.contains(&k))
    });
    let left_out = id.families.len() - out.families.len();
    Ok((out, excluded, left_out))
}
