//! A small backend-neutral layer for the result tables (linkage, identification): plain
//! values, statements written once with `$1, $2, …` placeholders (SQLite reads them as
//! numbered parameters too), and bulk inserts (prepared inserts on SQLite, `COPY` on
//! PostgreSQL). The import path keeps its own tuned code in `sqlite.rs` and `pg.rs`.

use crate::error::{Context, Result};
use std::io::Write;

/// A value in or out of a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Val {
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Val::Int(v) => Some(*v),
            Val::Real(v) => Some(*v as i64),
            Val::Text(s) => s.parse().ok(),
            Val::Null => None,
        }
    }
    pub(crate) fn real(&self) -> Option<f64> {
        match self {
            Val::Int(v) => Some(*v as f64),
            Val::Real(v) => Some(*v),
            Val::Text(s) => s.parse().ok(),
            Val::Null => None,
        }
    }
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Val::Text(s) => Some(s.clone()),
            Val::Int(v) => Some(v.to_string()),
            Val::Real(v) => Some(v.to_string()),
            Val::Null => None,
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::Real(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// One transaction on either backend.
pub(crate) trait Tx {
    /// Runs a statement; returns rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Runs a query; every row as values.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>>;
    /// Inserts many rows into `table (columns)`.
    fn bulk(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Val>>,
    ) -> Result<()>;
}

// ---- SQLite ----

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(ToSqlOutput::Owned(match self {
            Val::Null => Value::Null,
            Val::Int(v) => Value::Integer(*v),
            Val::Real(v) => Value::Real(*v),
            Val::Text(s) => Value::Text(s.clone()),
        }))
    }
}

pub(crate) struct SqliteTx<'a>(pub(crate) &'a rusqlite::Transaction<'a>);

fn sqlite_val(v: rusqlite::types::ValueRef<'_>) -> Val {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(r) => Val::Real(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

impl Tx for SqliteTx<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let op = || "writing results".to_string();
        let mut st = self.0.prepare_cached(sql).context(op)?;
        Ok(st
            .execute(rusqlite::params_from_iter(params.iter()))
            .context(op)? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        let op = || "reading results".to_string();
        let mut st = self.0.prepare_cached(sql).context(op)?;
        let n = st.column_count();
        let mut rows = st
            .query(rusqlite::params_from_iter(params.iter()))
            .context(op)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().context(op)? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(sqlite_val(r.get_ref(i).context(op)?));
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
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut st = self.0.prepare_cached(&sql).context(op)?;
        for row in rows {
            st.execute(rusqlite::params_from_iter(row.iter()))
                .context(op)?;
        }
        Ok(())
    }
}

// ---- PostgreSQL ----

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
                    Val::Text(s) => crate::pg::copy_escape(&mut buf, s),
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
