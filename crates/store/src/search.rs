//! Full-text search over drafts (SQLite FTS5).
//!
//! Each word of the query matches words that start with it (`ledel` finds `Ledelse` and
//! `#ledelse`); all words must match; case does not matter, and æ, ø and å are letters of
//! their own (`får` does not find `far`). Text and query are compared in NFC, so a draft typed
//! with combining accents is found by a query typed with precomposed ones. Results are ranked
//! by BM25 — a hit in the text weighs more than one in the tags, more than one in the goal —
//! and ties go to the newest draft. A query that matches more than [`RANK_WINDOW`] drafts
//! ranks the newest of them (it is too common a word to tell old drafts apart by anyway).

use unicode_normalization::UnicodeNormalization;

use crate::drafts::{filter_sql, query_summaries, to_sql, DraftSummary, Filter};
use crate::{Result, Store};

/// How many matching drafts are ranked at most, for a one-word query: the newest this many.
/// Ranking costs per match and per query word, so a word found in 50,000 drafts would take
/// tens of milliseconds to rank in full; the window keeps every query to a few. Queries of
/// more words rank a window shrunk in proportion.
pub const RANK_WINDOW: usize = 500;

impl Store {
    pub(crate) fn search(&self, query: &str, filter: &Filter) -> Result<Vec<DraftSummary>> {
        let Some((fts, words)) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let window = (RANK_WINDOW / words).max(100);
        let (conditions, mut values) = filter_sql(filter);
        values.push(serde_json::Value::String(fts));
        let q = values.len();
        let narrowed = filter.state.is_some() || filter.goal.is_some() || filter.tag.is_some();
        let sql = if narrowed {
            // Filters can leave out most matches: find the oldest draft of the window among
            // the matches that pass them (walked newest first, no ranking), then rank those.
            let floor: i64 = {
                let sql = format!(
                    "SELECT s.rowid FROM drafts_search s JOIN drafts d ON d.seq = s.rowid
                     WHERE drafts_search MATCH ?{q} AND {conditions}
                     ORDER BY s.rowid DESC LIMIT 1 OFFSET {}",
                    window - 1
                );
                let mut stmt = self.conn.prepare_cached(&sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(to_sql(&values)))?;
                match rows.next()? {
                    Some(row) => row.get(0)?,
                    None => 0,
                }
            };
            values.push(serde_json::json!(floor));
            format!(
                "SELECT d.id, d.text, d.state, d.goal, d.tags, d.networks, d.updated_at, d.conflict_of
                 FROM drafts_search s JOIN drafts d ON d.seq = s.rowid
                 WHERE drafts_search MATCH ?{q} AND s.rowid >= ?{} AND {conditions}
                 ORDER BY bm25(drafts_search, 10.0, 5.0, 2.0), d.updated_at DESC
                 LIMIT ?{}",
                q + 1,
                q + 2
            )
        } else {
            // One pass: the newest matches, scored as they are walked. (CROSS JOIN keeps
            // SQLite from scanning drafts by its own index first.)
            format!(
                "SELECT d.id, d.text, d.state, d.goal, d.tags, d.networks, d.updated_at, d.conflict_of
                 FROM (SELECT rowid AS seq, bm25(drafts_search, 10.0, 5.0, 2.0) AS score
                       FROM drafts_search WHERE drafts_search MATCH ?{q}
                       ORDER BY rowid DESC LIMIT {window}) s
                 CROSS JOIN drafts d ON d.seq = s.seq
                 WHERE {conditions}
                 ORDER BY s.score, d.updated_at DESC
                 LIMIT ?{}",
                q + 1
            )
        };
        query_summaries(&self.conn, &sql, values, filter.limit)
    }
}

/// The FTS5 query for what the user typed: each whitespace-separated word as a quoted string
/// (so `"`, `*`, `OR` and the like are just text) with a prefix star. `None` when nothing in
/// it can match a word.
pub(crate) fn fts_query(query: &str) -> Option<(String, usize)> {
    let words: Vec<String> = query
        .nfc()
        .collect::<String>()
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| (words.join(" "), words.len()))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn query_words_become_quoted_prefix_terms() {
        assert_eq!(
            fts_query("ledel  OR \"x"),
            Some((r#""ledel"* "OR"* """x"*"#.to_owned(), 3))
        );
        assert_eq!(fts_query(" # - "), None);
    }
}
