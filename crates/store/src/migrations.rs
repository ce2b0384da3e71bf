//! Versioned schema migrations, one SQL file per backend and version, embedded in the binary.
//!
//! To change the schema, add `migrations/{sqlite,postgres}/NNNN_name.sql` and a line to
//! [`MIGRATIONS`]; never edit a migration that has shipped.

/// One schema version.
pub(crate) struct Migration {
    /// The version, from 1, in order.
    pub version: i64,
    /// A short name (the file name's tail).
    pub name: &'static str,
    /// The SQLite script.
    pub sqlite: &'static str,
    /// The PostgreSQL script.
    pub postgres: &'static str,
}

/// Every migration, in order.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "results",
        sqlite: include_str!("../migrations/sqlite/0002_results.sql"),
        postgres: include_str!("../migrations/postgres/0002_results.sql"),
    },
    Migration {
        version: 3,
        name: "web",
        sqlite: include_str!("../migrations/sqlite/0003_web.sql"),
        postgres: include_str!("../migrations/postgres/0003_web.sql"),
    },
    Migration {
        version: 4,
        name: "areas_and_case_clocks",
        sqlite: include_str!("../migrations/sqlite/0004_areas_and_case_clocks.sql"),
        postgres: include_str!("../migrations/postgres/0004_areas_and_case_clocks.sql"),
    },
    Migration {
        version: 5,
        name: "run_labels",
        sqlite: include_str!("../migrations/sqlite/0005_run_labels.sql"),
        postgres: include_str!("../migrations/postgres/0005_run_labels.sql"),
    },
    Migration {
        version: 6,
        name: "audit_chain",
        sqlite: include_str!("../migrations/sqlite/0006_audit_chain.sql"),
        postgres: include_str!("../migrations/postgres/0006_audit_chain.sql"),
    },
    Migration {
        version: 7,
        name: "objections_and_transfers",
        sqlite: include_str!("../migrations/sqlite/0007_objections_and_transfers.sql"),
        postgres: include_str!("../migrations/postgres/0007_objections_and_transfers.sql"),
    },
    Migration {
        version: 8,
        name: "file_versions",
        sqlite: include_str!("../migrations/sqlite/0008_file_versions.sql"),
        postgres: include_str!("../migrations/postgres/0008_file_versions.sql"),
    },
    Migration {
        version: 9,
        name: "casework",
        sqlite: include_str!("../migrations/sqlite/0009_casework.sql"),
        postgres: include_str!("../migrations/postgres/0009_casework.sql"),
    },
    Migration {
        version: 10,
        name: "external_identities",
        sqlite: include_str!("../migrations/sqlite/0010_external_identities.sql"),
        postgres: include_str!("../migrations/postgres/0010_external_identities.sql"),
    },
    Migration {
        version: 11,
        name: "referrals",
        sqlite: include_str!("../migrations/sqlite/0011_referrals.sql"),
        postgres: include_str!("../migrations/postgres/0011_referrals.sql"),
    },
    Migration {
        version: 12,
        name: "rights",
        sqlite: include_str!("../migrations/sqlite/0012_rights.sql"),
        postgres: include_str!("../migrations/postgres/0012_rights.sql"),
    },
    Migration {
        version: 13,
        name: "outcomes",
        sqlite: include_str!("../migrations/sqlite/0013_outcomes.sql"),
        postgres: include_str!("../migrations/postgres/0013_outcomes.sql"),
    },
    Migration {
        version: 14,
        name: "plan_changes",
        sqlite: include_str!("../migrations/sqlite/0014_plan_changes.sql"),
        postgres: include_str!("../migrations/postgres/0014_plan_changes.sql"),
    },
    Migration {
        version: 15,
        name: "retention",
        sqlite: include_str!("../migrations/sqlite/0015_retention.sql"),
        postgres: include_str!("../migrations/postgres/0015_retention.sql"),
    },
    Migration {
        version: 16,
        name: "claims",
        sqlite: include_str!("../migrations/sqlite/0016_claims.sql"),
        postgres: include_str!("../migrations/postgres/0016_claims.sql"),
    },
    Migration {
        version: 17,
        name: "savings",
        sqlite: include_str!("../migrations/sqlite/0017_savings.sql"),
        postgres: include_str!("../migrations/postgres/0017_savings.sql"),
    },
    Migration {
        version: 18,
        name: "impact",
        sqlite: include_str!("../migrations/sqlite/0018_impact.sql"),
        postgres: include_str!("../migrations/postgres/0018_impact.sql"),
    },
    Migration {
        version: 19,
        name: "rights_requests",
        sqlite: include_str!("../migrations/sqlite/0019_rights_requests.sql"),
        postgres: include_str!("../migrations/postgres/0019_rights_requests.sql"),
    },
    Migration {
        version: 20,
        name: "identity_postcode",
        sqlite: include_str!("../migrations/sqlite/0020_identity_postcode.sql"),
        postgres: include_str!("../migrations/postgres/0020_identity_postcode.sql"),
    },
    Migration {
        version: 21,
        name: "restriction_family",
        sqlite: include_str!("../migrations/sqlite/0021_restriction_family.sql"),
        postgres: include_str!("../migrations/postgres/0021_restriction_family.sql"),
    },
    Migration {
        version: 22,
        name: "referral_resubmits",
        sqlite: include_str!("../migrations/sqlite/0022_referral_resubmits.sql"),
        postgres: include_str!("../migrations/postgres/0022_referral_resubmits.sql"),
    },
    Migration {
        version: 23,
        name: "referral_drafts",
        sqlite: include_str!("../migrations/sqlite/0023_referral_drafts.sql"),
        postgres: include_str!("../migrations/postgres/0023_referral_drafts.sql"),
    },
];

/// How many migrations this build has (versions may skip numbers).
pub const MIGRATION_COUNT: i64 = MIGRATIONS.len() as i64;

/// The schema version this build creates and understands.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_from_one() {
        // Numbers are handed out per piece of work, so a build may lack some (a store at a
        // later version than this build knows is refused on opening).
        assert_eq!(MIGRATIONS[0].version, 1);
        for w in MIGRATIONS.windows(2) {
            assert!(
                w[0].version < w[1].version,
                "{} then {}",
                w[0].name,
                w[1].name
            );
        }
    }
}
