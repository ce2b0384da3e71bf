//! Searching names without regard to case or accents: "Zoe" finds "Zoë", "sinead" finds
//! "SINÉAD", and "Zoë" finds "Zoe". One folding of letters ([`fold_text`]: ASCII in lower
//! case, each accented Latin letter to its plain letters as `hearth_model`'s name folding
//! does, anything else lower-cased and kept) is applied to what was typed here and to the
//! stored names in SQL ([`fold_sql`]): on SQLite through the `hearth_fold` function the
//! store registers on each connection, on PostgreSQL through `translate` and `replace`
//! built from the same table, so both backends find the same people.

use crate::backend::Backend;
use std::sync::OnceLock;

/// The accented Latin letters (both cases) with what they fold to: `é` → `e`, `ß` → `ss`.
fn table() -> &'static [(char, String)] {
    static TABLE: OnceLock<Vec<(char, String)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        ('\u{c0}'..='\u{24f}')
            .filter_map(|c| {
                let f = hearth_model::standardise::names::fold(&c.to_string());
                (!f.is_empty() && f.chars().all(|x| x.is_ascii_lowercase())).then_some((c, f))
            })
            .collect()
    })
}

/// `text` folded as a search compares it (see the module's documentation).
pub fn fold_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some((_, f)) = table().iter().find(|(x, _)| *x == c) {
            out.push_str(f);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// PostgreSQL's folding: `translate`'s from and to letters, and the letters folding to two
/// (`ß` → `ss`), each replaced.
type PgFolding = (String, String, Vec<(char, String)>);

/// The SQL for `expr` (text) folded as [`fold_text`] folds it, on `backend`.
pub(crate) fn fold_sql(backend: Backend, expr: &str) -> String {
    match backend {
        Backend::Sqlite => format!("hearth_fold({expr})"),
        Backend::Postgres => {
            static PG: OnceLock<PgFolding> = OnceLock::new();
            let (from, to, longer) = PG.get_or_init(|| {
                let (mut from, mut to, mut longer) = (String::new(), String::new(), Vec::new());
                for (c, f) in table() {
                    if f.len() == 1 {
                        from.push(*c);
                        to.push_str(f);
                    } else {
                        longer.push((*c, f.clone()));
                    }
                }
                (from, to, longer)
            });
            let mut sql = format!("translate(lower({expr}), '{from}', '{to}')");
            for (c, f) in longer {
                sql = format!("replace({sql}, '{c}', '{f}')");
            }
            sql
        }
    }
}

/// Registers `hearth_fold` on a SQLite connection.
pub(crate) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "hearth_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| fold_text(&t)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away_and_other_text_is_kept() {
        assert_eq!(fold_text("Zoë"), "zoe");
        assert_eq!(fold_text("SINÉAD O'Brien"), "sinead o'brien");
        assert_eq!(fold_text("Łukasz Straße"), "lukasz strasse");
        assert_eq!(fold_text("Ωmega 100%"), "ωmega 100%");
        let pg = fold_sql(Backend::Postgres, "x");
        assert!(
            pg.contains("translate(lower(x)") && pg.contains("'ß', 'ss'"),
            "{pg}"
        );
    }
}
