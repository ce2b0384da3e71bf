//! Whether the PostgreSQL role may write the store's tables: checked by `hearth serve` at
//! start, so that a read-only role is refused with what it lacks rather than failing on the
//! first sign-in.

use super::PgStore;
use crate::error::{Context, Result, StoreError};

/// The rights `hearth serve` and the scheduled jobs need on every table of the store (see
/// docs/operations.md, "PostgreSQL roles").
const NEEDED: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

impl PgStore {
    /// `Ok` when the connection's role holds every right in [`NEEDED`] on every table of the
    /// store's schema (the one holding `schema_migrations`, which only the owner writes);
    /// else [`StoreError::CannotWrite`] naming the role and, per right, a table it lacks it
    /// on (the audit log first) and how many.
    pub(crate) fn check_write_access(&mut self) -> Result<()> {
        let op = || "checking the role's rights on the store's tables".to_string();
        let rows = self
            .client
            .query(
                "SELECT p.privilege, count(*), \
                        (array_agg(c.relname::text ORDER BY c.relname <> 'audit_log', c.relname))[1] \
                 FROM pg_class c \
                 CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS p(privilege, n) \
                 WHERE c.relnamespace = (SELECT relnamespace FROM pg_class \
                                         WHERE oid = to_regclass('schema_migrations')) \
                   AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' \
                   AND NOT has_table_privilege(c.oid, p.privilege) \
                 GROUP BY p.privilege, p.n ORDER BY p.n",
                &[&NEEDED.to_vec()],
            )
            .context(op)?;
        if rows.is_empty() {
            return Ok(());
        }
        let role: String = self
            .client
            .query_one("SELECT current_user::text", &[])
            .context(op)?
            .get(0);
        let lacks = rows
            .iter()
            .map(|r| {
                let (privilege, count, table): (String, i64, String) =
                    (r.get(0), r.get(1), r.get(2));
                match count {
                    1 => format!("{privilege} on {table}"),
                    n => format!("{privilege} on {table} and {} other tables", n - 1),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        Err(StoreError::CannotWrite { role, lacks })
    }
}
