//! The portable layer's [`Tx`] on PostgreSQL: values bound through prepared statements
//! (cached per connection), bulk inserts through `COPY … FROM STDIN` (text format).
//!
//! PostgreSQL only; the statements themselves are written in the areas.

use crate::error::{Context, Result};
use crate::sql::{Tx, Val};
use std::io::Write;

impl postgres::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Val::Null => Ok(postgres::types::IsNull::Yes),
            Val::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Val::Int(v) if *ty == Type::FLOAT8 => (*v as f64).to_sql(ty, out),
            Val::Int(v) => v.to_sql(ty, out),
            Val::Real(v) => v.to_sql(ty, out),
            Val::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        use postgres::types::Type;
        [
            Type::INT8,
            Type::INT4,
            Type::FLOAT8,
            Type::TEXT,
            Type::VARCHAR,
        ]
        .contains(ty)
    }

    postgres::types::to_sql_checked!();
}

/// Prepared statements of one PostgreSQL connection, by their SQL: a statement prepared once
/// runs in one round trip instead of two (parse, then bind and execute). Bounded: emptied
/// when full (the result tables build some statements with a placeholder per value), and
/// after any error, so that a statement the server has forgotten is prepared afresh.
#[derive(Default)]
pub(crate) struct StatementCache(std::collections::HashMap<String, postgres::Statement>);

impl StatementCache {
    const MAX: usize = 256;

    fn get<C: postgres::GenericClient>(
        &mut self,
        client: &mut C,
        sql: &str,
    ) -> std::result::Result<postgres::Statement, postgres::Error> {
        if let Some(st) = self.0.get(sql) {
            return Ok(st.clone());
        }
        let st = client.prepare(sql)?;
        if self.0.len() >= Self::MAX {
            self.0.clear();
        }
        self.0.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

/// A transaction (or, for reads, the connection itself) with the connection's statements.
pub(crate) struct PgTx<'a, C: postgres::GenericClient> {
    pub(crate) client: &'a mut C,
    pub(crate) statements: &'a mut StatementCache,
}

impl<C: postgres::GenericClient> PgTx<'_, C> {
    fn run<T>(
        &mut self,
        sql: &str,
        op: impl Fn() -> String,
        f: impl FnOnce(&mut C, &postgres::Statement) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        let out = self
            .statements
            .get(self.client, sql)
            .and_then(|st| f(self.client, &st));
        if out.is_err() {
            self.statements.0.clear();
        }
        out.context(op)
    }
}

impl<C: postgres::GenericClient> Tx for PgTx<'_, C> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p as _).collect();
        self.run(
            sql,
            || "writing results".to_string(),
            |c, st| c.execute(st, &refs),
        )
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        use postgres::types::Type;
        let op = || "reading results".to_string();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p as _).collect();
        let rows = self.run(sql, op, |c, st| c.query(st, &refs))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut row = Vec::with_capacity(r.len());
            for (i, c) in r.columns().iter().enumerate() {
                let t = c.type_();
                let v = if *t == Type::INT8 {
                    r.try_get::<_, Option<i64>>(i).context(op)?.into()
                } else if *t == Type::INT4 {
                    r.try_get::<_, Option<i32>>(i)
                        .context(op)?
                        .map(i64::from)
                        .into()
                } else if *t == Type::FLOAT8 {
                    r.try_get::<_, Option<f64>>(i).context(op)?.into()
                } else {
                    r.try_get::<_, Option<String>>(i).context(op)?.into()
                };
                row.push(v);
            }
            out.push(row);
        }
        Ok(out)
    }

    fn bulk(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Val>>,
    ) -> Result<()> {
        let op = || format!("writing {table}");
        let mut copy = self
            .client
            .copy_in(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")))
            .context(op)?;
        let mut buf = Vec::with_capacity(256);
        for row in rows {
            buf.clear();
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    buf.push(b'\t');
                }
                match v {
                    Val::Null => buf.extend_from_slice(b"\\N"),
                    Val::Int(n) => {
                        let _ = write!(buf, "{n}");
                    }
                    Val::Real(r) => {
                        let _ = write!(buf, "{r}");
                    }
                    Val::Text(s) => copy_escape(&mut buf, s),
                }
            }
            buf.push(b'\n');
            copy.write_all(&buf)
                .map_err(|e| crate::error::StoreError::Io {
                    operation: op(),
                    source: e,
                })?;
        }
        copy.finish().context(op)?;
        Ok(())
    }
}

/// Appends `s` escaped for COPY's text format (backslash, tab, newline, carriage return).
pub(crate) fn copy_escape(buf: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
}
