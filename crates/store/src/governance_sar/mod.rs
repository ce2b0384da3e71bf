//! Subject access: everything the store holds on one person, table by table, and the one
//! register of which tables hold a person's data ([`SAR_TABLES`]) and which do not, with
//! the reason ([`NOT_PERSONAL`]); of tables about several people only the subject's own
//! rows ([`OWN_ROWS`]), and no other person's contact details nor internal hashes
//! ([`LEFT_OUT`]). What concerns a person (families, referrals, objections) is one rule,
//! [`PersonScope`], which the audit log's search by person uses too. The reading is `read`.
//!
//! The register is checked against the live schema of both backends by a test
//! (`crates/store/tests/storage/subject_access.rs`): a table whose columns could reach a
//! person (person, record, family, referral keys, identifiers) that is in neither list fails
//! it, so a table added later without subject access coverage is caught.

use serde::Serialize;
use std::collections::BTreeSet;

mod own_parts;
mod quarantine;
mod read;
mod scope;

pub use quarantine::QuarantineQuery;
pub use scope::{NamedMember, PersonScope, ReferralMemberKey, SarSubject};

/// How a table's rows are reached from a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Rows whose column(s) hold one of the person's partner record keys.
    Records(&'static [&'static str]),
    /// Rows whose column(s) hold the person's key.
    Person(&'static [&'static str]),
    /// Rows of a family the person is or was in (column holds the family key).
    Families(&'static str),
    /// Rows of a referral that matched the person (column holds the referral key).
    Referrals(&'static str),
    /// Rows of a progress reading of one of the person's families.
    ProgressReadings(&'static str),
    /// Rows of an objection covering the person or one of their families.
    Objections(&'static str),
    /// Rows of a restriction of the person's processing.
    Restrictions(&'static str),
    /// The import batches the person's records came from (column holds the batch key).
    Batches(&'static str),
    /// Rows of partner files set aside at import that name the person (their numbers, or
    /// their name with their date of birth: `quarantine.rs`); column holds the row's key.
    Quarantine(&'static str),
    /// Audit lines about the person, their families or their objections.
    Audit,
}

/// A table that can hold a person's data, and how subject access reaches it.
#[derive(Debug, Clone, Copy)]
pub struct SarTable {
    /// The table.
    pub table: &'static str,
    /// What it is, in plain English, as the subject access output heads it.
    pub title: &'static str,
    /// How its rows are found.
    pub reach: Reach,
}

/// Every table subject access covers, in the order the output shows them.
pub const SAR_TABLES: &[SarTable] = &[
    SarTable {
        table: "identity",
        title: "Identifiers each partner record gives (name, date of birth, address, numbers)",
        reach: Reach::Records(&["record_id"]),
    },
    SarTable {
        table: "person_identity",
        title: "Identity variants shown on pages",
        reach: Reach::Person(&["person_id"]),
    },
    SarTable {
        table: "record",
        title: "Partner records: what each says happened",
        reach: Reach::Records(&["record_id"]),
    },
    SarTable {
        table: "import_batch",
        title: "The partner files these records came from",
        reach: Reach::Batches("id"),
    },
    SarTable {
        table: "quarantine",
        title: "Rows of partner files set aside at import (they failed checks and were not imported) that name this person",
        reach: Reach::Quarantine("id"),
    },
    SarTable {
        table: "person_record",
        title: "Records linked to this person",
        reach: Reach::Person(&["person_id"]),
    },
    SarTable {
        table: "person_change",
        title: "How the linking of this person changed between runs",
        reach: Reach::Person(&["person_id"]),
    },
    SarTable {
        table: "review_pair",
        title: "Record pairs a person reviewed (is this the same person?)",
        reach: Reach::Records(&["record_id_l", "record_id_r"]),
    },
    SarTable {
        table: "rectification",
        title: "Corrections of identifiers",
        reach: Reach::Person(&["person_id"]),
    },
    SarTable {
        table: "family",
        title: "Families",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "family_member",
        title: "Family members",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "family_relationship",
        title: "Relationships in the family",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "family_assessment",
        title: "Identification: each run's assessment of the family",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "evidence",
        title: "Identification evidence",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "outcome_baseline",
        title: "Outcomes: the family's baseline frozen when it joined the programme",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "family_outcome",
        title: "Outcomes: the family's progress under the Outcomes Plan",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "outcome_result",
        title:
            "Outcomes: results achieved (significant and sustained progress, continuous employment)",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "plan_change",
        title: "Changes to the family plan",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "claim",
        title: "Payment-by-results claims for the family, with their evidence packs",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "savings_family",
        title: "Cost savings: the family's service use and its cost before and after joining",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "referral",
        title: "Referrals",
        reach: Reach::Referrals("referral_id"),
    },
    SarTable {
        table: "referral_member",
        title: "People named in referrals",
        reach: Reach::Referrals("referral_id"),
    },
    SarTable {
        table: "referral_person",
        title: "Referrals matched to this person",
        reach: Reach::Person(&["person_id"]),
    },
    SarTable {
        table: "family_case",
        title: "The family's case",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "case_status_change",
        title: "The case's history",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "case_note",
        title: "Case notes",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "assessment_entry",
        title: "Whole-family assessment",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "plan_goal",
        title: "Family plan: goals",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "plan_action",
        title: "Family plan: actions",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "plan_review",
        title: "Family plan: reviews",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "team_member",
        title: "Team around the family",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "progress_reading",
        title: "Family progress readings",
        reach: Reach::Families("family_id"),
    },
    SarTable {
        table: "progress_position",
        title: "Family progress: positions on each measure",
        reach: Reach::ProgressReadings("reading_id"),
    },
    SarTable {
        table: "objection",
        title: "Objections",
        reach: Reach::Objections("id"),
    },
    SarTable {
        table: "objection_record",
        title: "Records an objection covers",
        reach: Reach::Objections("objection_id"),
    },
    SarTable {
        table: "restriction",
        title: "Restrictions of processing",
        reach: Reach::Restrictions("id"),
    },
    SarTable {
        table: "restriction_record",
        title: "Records a restriction holds",
        reach: Reach::Restrictions("restriction_id"),
    },
    SarTable {
        table: "audit_log",
        title: "Who viewed or changed this person's or their family's record",
        reach: Reach::Audit,
    },
];

/// Tables that hold nothing about a person a subject access request must show, with why.
pub const NOT_PERSONAL: &[(&str, &str)] = &[
    (
        "impact_evaluation",
        "the impact evaluation's published report: counts after disclosure control",
    ),
    (
        "savings_run",
        "the cost savings calculator's cohort totals and parameters",
    ),
    ("claim_batch", "a claim batch's window, date and totals"),
    (
        "claim_audit_finding",
        "internal audit's pass or fail on a claim (the claim itself is covered)",
    ),
    (
        "retention_report",
        "counts by class and month of what the retention policy destroyed",
    ),
    (
        "retention_permit",
        "a flag a purge holds inside its own transaction",
    ),
    (
        "retention_record",
        "scratch keys of a purge, empty outside its transaction",
    ),
    (
        "retention_person",
        "scratch keys of a purge, empty outside its transaction",
    ),
    ("schema_migrations", "the store's schema versions"),
    (
        "link_run",
        "counts and model parameters of each linkage run",
    ),
    (
        "identification_run",
        "counts, rules and labels of each identification run",
    ),
    (
        "web_user",
        "staff accounts, not the people the programme works with",
    ),
    ("web_session", "staff sign-in sessions"),
    (
        "referral_draft",
        "a referral form part-filled by a referrer, kept two hours then deleted: linked to no \
         one until sent as a referral (which is covered)",
    ),
    ("sign_in_failure", "staff sign-in failures"),
    ("web_user_identity", "staff single sign-on identities"),
    ("audit_chain_head", "the audit chain's newest hash"),
    ("audit_chain_anchor", "the audit chain's starting hashes"),
    (
        "extract_transfer",
        "extracts sent (counts and file hashes; no person)",
    ),
    ("governance_secret", "the store's key for keyed hashes"),
    (
        "erasure",
        "who was erased when and why, by person key only: kept to prove the erasure",
    ),
    (
        "erasure_tombstone",
        "keyed hashes of an erased person's identifiers: no identifier can be read back",
    ),
    (
        "objection_key",
        "keyed hashes of an objector's identifiers: no identifier can be read back",
    ),
];

/// One table's rows about the person: every column, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarSection {
    /// The table.
    pub table: String,
    /// What it is, in plain English.
    pub title: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Its rows (values as stored, as text; null as `None`).
    pub rows: Vec<Vec<Option<String>>>,
}

/// Everything the store holds on a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectAccess {
    /// The linked person (`None`: someone named only in referrals).
    pub person_id: Option<i64>,
    /// The referrals naming them.
    pub referrals: Vec<i64>,
    /// Their partner records' keys (linked, or held by a restriction).
    pub records: Vec<i64>,
    /// The families they are or were in.
    pub families: Vec<i64>,
    /// The partner sources their records came from (keys).
    pub sources: Vec<String>,
    /// Whether their processing is restricted now.
    pub restricted: bool,
    /// The quarantined rows (partner rows set aside at import) that name them.
    pub quarantined: Vec<i64>,
    /// Every covered table, in [`SAR_TABLES`] order (empty ones included), with only the
    /// person's own rows of tables about several people ([`OWN_ROWS`]) and without the
    /// columns [`LEFT_OUT`] names.
    pub sections: Vec<SarSection>,
}

/// Tables whose rows are each about one person (or a pair): only the rows about the
/// subject are theirs (`(table, columns of which one must be the subject's person key)`).
/// Other members' rows (their evidence, for example) are not the subject's data.
pub const OWN_ROWS: &[(&str, &[&str])] = &[
    ("family_member", &["person_id"]),
    (
        "family_relationship",
        &["parent_person_id", "child_person_id"],
    ),
    ("evidence", &["person_id"]),
];

/// Columns holding a JSON document about the whole family, frozen when written (a baseline,
/// a claim's evidence pack): only the subject's own parts are shown — of every list of
/// objects naming a person (`person_id`), only the objects naming the subject
/// (`own_parts.rs`). Family-wide measures (no person) and other members' parts are left out.
pub const OWN_PARTS: &[(&str, &str)] =
    &[("outcome_baseline", "baseline"), ("claim", "evidence_pack")];

/// Keys of a frozen document's JSON ([`OWN_PARTS`]) a subject access response leaves out,
/// at any depth, with why: internal material, not the person's data. A rules file's text
/// (beside its `sha256`) goes too. Internal audit's claim pack keeps all of them.
pub const PACK_LEFT_OUT: &[(&str, &str)] = &[
    ("sha256", "a rules file's hash"),
    ("rules_hash", "the Outcomes Plan rules file's hash"),
    (
        "outcomes_plan_matches_result",
        "whether the rules file's hash is the one the result names",
    ),
    (
        "file_sha256",
        "a partner file's hash, to recognise a re-sent file",
    ),
];

/// Columns a subject access response leaves out, with why: other people's contact details,
/// and internal hashes and keys that say nothing about the person.
pub const LEFT_OUT: &[(&str, &str, &str)] = &[
    (
        "import_batch",
        "row_fingerprints",
        "hashes of every row of the partner's file (other people's rows)",
    ),
    (
        "import_batch",
        "file_sha256",
        "the file's hash, to recognise a re-sent file",
    ),
    ("import_batch", "superseded_by", "an internal key"),
    (
        "referral",
        "referrer_name",
        "the referrer's own details, not the subject's",
    ),
    (
        "referral",
        "referrer_email",
        "the referrer's own contact details, not the subject's",
    ),
    (
        "referral",
        "referrer_phone",
        "the referrer's own contact details, not the subject's",
    ),
    (
        "referral",
        "referrer_user_id",
        "an internal key of a staff account",
    ),
    (
        "referral",
        "matches",
        "the people every member of the referral was matched to",
    ),
    (
        "referral",
        "flags",
        "checks against other referrals and families",
    ),
    ("referral", "version", "an internal counter"),
    (
        "referral_member",
        "match_key",
        "the name and date of birth again, normalised",
    ),
    ("audit_log", "prev_hash", "the audit chain's hash"),
    ("audit_log", "hash", "the audit chain's hash"),
    ("audit_log", "user_id", "an internal key of a staff account"),
    (
        "audit_log",
        "client_ip",
        "the staff member's network address",
    ),
    ("claim", "evidence_sha256", "the evidence pack's hash"),
    ("outcome_result", "rules_sha256", "the rules file's hash"),
    ("family_outcome", "rules_sha256", "the rules file's hash"),
];

/// Whether `column` of `table` is left out of a subject access response ([`LEFT_OUT`]).
pub fn left_out(table: &str, column: &str) -> bool {
    LEFT_OUT.iter().any(|(t, c, _)| *t == table && *c == column)
}

/// Keys as a comma-separated SQL list.
pub(crate) fn ids(ids: &BTreeSet<i64>) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column name that could reach a person: keys of people, records, families, referrals,
/// subjects, targets, readings, objections and restrictions, or an identifier.
pub fn column_could_hold_personal_data(column: &str) -> bool {
    const IDENTIFIERS: &[&str] = &[
        "given_name",
        "middle_name",
        "family_name",
        "full_name",
        "name",
        "date_of_birth",
        "address",
        "postcode",
        "nhs_number",
        "ni_number",
        "upn",
        "raw",
        "body",
    ];
    const KEYS: &[&str] = &[
        "person_id",
        "record_id",
        "family_id",
        "referral_id",
        "subject_id",
        "target_id",
        "reading_id",
        "objection_id",
        "restriction_id",
        "erasure_id",
        "record_id_l",
        "record_id_r",
        "key_hash",
    ];
    IDENTIFIERS.contains(&column)
        || KEYS.contains(&column)
        || column.ends_with("_person_id")
        || column.ends_with("_record_id")
        || column.ends_with("_family_id")
}

/// What is wrong with the register against a schema (`(table, columns)` pairs): tables that
/// could hold a person's data but are in neither list, tables listed twice, and tables listed
/// that the schema does not have. Empty when the register is right.
pub fn sar_coverage_gaps(schema: &[(String, Vec<String>)]) -> Vec<String> {
    let covered: BTreeSet<&str> = SAR_TABLES.iter().map(|t| t.table).collect();
    let excused: BTreeSet<&str> = NOT_PERSONAL.iter().map(|t| t.0).collect();
    let mut gaps = Vec::new();
    for (table, columns) in schema {
        let listed = covered.contains(table.as_str()) || excused.contains(table.as_str());
        if !listed {
            if let Some(c) = columns.iter().find(|c| column_could_hold_personal_data(c)) {
                gaps.push(format!(
                    "table {table} (column {c}) could hold a person's data: add it to SAR_TABLES \
                     in crates/store/src/governance_sar.rs, or to NOT_PERSONAL with the reason"
                ));
            }
        }
    }
    let names: BTreeSet<&str> = schema.iter().map(|(t, _)| t.as_str()).collect();
    let lists = OWN_ROWS
        .iter()
        .flat_map(|(t, cols)| cols.iter().map(move |c| (*t, *c)))
        .chain(LEFT_OUT.iter().map(|(t, c, _)| (*t, *c)))
        .chain(OWN_PARTS.iter().copied());
    for (t, c) in lists {
        if !schema
            .iter()
            .any(|(n, cols)| n == t && cols.iter().any(|x| x == c))
        {
            gaps.push(format!("column {t}.{c} is listed but not in the schema"));
        }
    }
    for t in covered.intersection(&excused) {
        gaps.push(format!(
            "table {t} is both covered and listed as not personal"
        ));
    }
    for t in covered.union(&excused) {
        if !names.contains(t) {
            gaps.push(format!("table {t} is listed but not in the schema"));
        }
    }
    gaps
}
