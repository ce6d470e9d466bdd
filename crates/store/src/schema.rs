//! Whether a database file holds Podium's schema and nothing else.
//!
//! A database is more than its rows: a trigger runs SQL on every write, a view or an expression
//! index runs SQL when it is read. A file that carries Podium's `application_id` and a
//! `user_version` it knows, but objects the migrations never made (someone edited it, or a
//! crafted file is handed to `--db` or restored as a backup), is refused before anything writes
//! to it. The expected schema is not written down a second time: it is what the migrations make
//! of an empty database in memory, compared object by object (type, name, table and the SQL,
//! with comments, spacing and letter case outside quotes set aside).
//!
//! SQLite's own objects are expected where SQLite makes them: `sqlite_autoindex_*` and
//! `sqlite_sequence` come with the tables and so are in the expected schema; `sqlite_stat1` and
//! `sqlite_stat4` (from an `ANALYZE` someone ran) only steer the query planner and are allowed
//! in the form SQLite gives them. The full-text index's shadow tables are expected by name; their
//! SQL is written by SQLite's FTS5 (not by Podium) and is not compared, so a database made with
//! an older SQLite still opens; defensive mode keeps them out of reach of ordinary SQL.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use rusqlite::Connection;

use crate::migrate::migrate_to;
use crate::Result;

/// One row of `sqlite_schema`, as compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Object {
    kind: String,
    name: String,
    table: String,
    /// Normalised; `None` for SQLite's automatic indexes and for FTS5 shadow tables.
    sql: Option<String>,
}

impl Object {
    fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind, self.name)
    }
}

/// Tables SQLite's `ANALYZE` makes, in the form it makes them.
const STAT_TABLES: &[(&str, &str)] = &[
    ("sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
    (
        "sqlite_stat4",
        "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
    ),
];

/// What differs from the schema the migrations make at `version`: objects Podium did not make
/// (`trigger "x"`), changed (`table "drafts" (changed)`) or missing (`index "y" (missing)`).
/// Empty when the file holds exactly Podium's schema.
pub(crate) fn differences(conn: &Connection, version: i64) -> Result<Vec<String>> {
    let expected = expected(version)?;
    let shadows = shadow_tables(&expected);
    let found: BTreeSet<Object> = objects(conn)?
        .into_iter()
        .map(|mut o| {
            if shadows.contains(&o.name) && o.kind == "table" {
                o.sql = None;
            }
            o
        })
        .filter(|o| {
            !(o.kind == "table"
                && STAT_TABLES.iter().any(|(name, sql)| {
                    o.name == *name && o.sql.as_deref() == Some(normalise(sql).as_str())
                }))
        })
        .collect();
    let expected: BTreeSet<Object> = expected
        .into_iter()
        .map(|mut o| {
            if shadows.contains(&o.name) && o.kind == "table" {
                o.sql = None;
            }
            o
        })
        .collect();
    let same_name = |a: &Object, b: &Object| a.kind == b.kind && a.name == b.name;
    let mut out = Vec::new();
    for o in found.difference(&expected) {
        if expected.iter().any(|e| same_name(e, o)) {
            out.push(format!("{} (changed)", o.describe()));
        } else {
            out.push(o.describe());
        }
    }
    for e in expected.difference(&found) {
        if !found.iter().any(|o| same_name(o, e)) {
            out.push(format!("{} (missing)", e.describe()));
        }
    }
    Ok(out)
}

/// The schema the migrations make at `version`, built in memory once per run (the app opens a
/// connection per command).
fn expected(version: i64) -> Result<Vec<Object>> {
    static BUILT: Mutex<BTreeMap<i64, Vec<Object>>> = Mutex::new(BTreeMap::new());
    if let Some(known) = BUILT.lock().ok().and_then(|b| b.get(&version).cloned()) {
        return Ok(known);
    }
    let mut conn = Connection::open_in_memory()?;
    crate::open::secure(&conn)?;
    migrate_to(&mut conn, version)?;
    let schema = objects(&conn)?;
    if let Ok(mut built) = BUILT.lock() {
        built.insert(version, schema.clone());
    }
    Ok(schema)
}

fn objects(conn: &Connection) -> Result<Vec<Object>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema")?;
    let rows = stmt.query_map([], |r| {
        Ok(Object {
            kind: r.get(0)?,
            name: r.get(1)?,
            table: r.get(2)?,
            sql: r.get::<_, Option<String>>(3)?.map(|s| normalise(&s)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The names of the shadow tables of the expected virtual tables (`drafts_search_data`, …).
fn shadow_tables(expected: &[Object]) -> BTreeSet<String> {
    let virtual_tables: Vec<&str> = expected
        .iter()
        .filter(|o| {
            o.kind == "table"
                && o.sql
                    .as_deref()
                    .is_some_and(|s| s.starts_with("create virtual table"))
        })
        .map(|o| o.name.as_str())
        .collect();
    expected
        .iter()
        .filter(|o| {
            o.kind == "table"
                && virtual_tables
                    .iter()
                    .any(|v| o.name.len() > v.len() + 1 && o.name.starts_with(&format!("{v}_")))
        })
        .map(|o| o.name.clone())
        .collect()
}

/// SQL text with comments dropped, spacing reduced to what separates words, and letters outside
/// quotes in lower case: the same statement however it was laid out.
fn normalise(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut space = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            '\'' | '"' | '`' | '[' => {
                push_space(&mut out, &mut space, c);
                let close = if c == '[' { ']' } else { c };
                out.push(c);
                for c in chars.by_ref() {
                    out.push(c);
                    // A doubled quote inside is an escaped one: closing and reopening gives
                    // the same text.
                    if c == close {
                        break;
                    }
                }
            }
            c => {
                push_space(&mut out, &mut space, c);
                out.push(c.to_ascii_lowercase());
            }
        }
    }
    out
}

/// Writes the pending space before `next`, unless punctuation makes it meaningless.
fn push_space(out: &mut String, space: &mut bool, next: char) {
    if std::mem::take(space)
        && !out.is_empty()
        && !out.ends_with(['(', ',', ';'])
        && !matches!(next, '(' | ')' | ',' | ';')
    {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_comments_and_keyword_case_do_not_count_but_quoted_text_does() {
        assert_eq!(
            normalise("CREATE TABLE t (\n  a TEXT, -- why\n  b /* note */ INT\n)"),
            normalise("create table t(a text,b int)")
        );
        assert_ne!(
            normalise("CHECK (state IN ('Idea'))"),
            normalise("CHECK (state IN ('idea'))")
        );
        assert_eq!(normalise("x = 'a  --b'"), "x = 'a  --b'");
    }

    #[test]
    fn every_schema_version_matches_itself_and_finds_its_shadow_tables() {
        for version in 0..=crate::SCHEMA_VERSION {
            let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
            let mut conn = conn;
            migrate_to(&mut conn, version).unwrap_or_else(|e| panic!("{e}"));
            let found = differences(&conn, version).unwrap_or_else(|e| panic!("{e}"));
            assert!(found.is_empty(), "version {version}: {found:?}");
        }
        let shadows = shadow_tables(&expected(1).unwrap_or_else(|e| panic!("{e}")));
        assert!(shadows.contains("drafts_search_data"), "{shadows:?}");
        assert!(!shadows.contains("drafts"), "{shadows:?}");
    }
}
