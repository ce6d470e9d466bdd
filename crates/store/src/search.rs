//! Full-text search over drafts (SQLite FTS5).
//!
//! Each word of the query matches words that start with it (`ledel` finds `Ledelse` and
//! `#ledelse`); all words must match; case does not matter, and æ, ø and å are letters of
//! their own (`får` does not find `far`). Text and query are compared in NFC, so a draft typed
//! with combining accents is found by a query typed with precomposed ones. Results are ranked
//! by BM25 — a hit in the text weighs more than one in the tags, more than one in the goal —
//! and ties go to the newest draft.

use unicode_normalization::UnicodeNormalization;

use crate::drafts::{filter_sql, query_summaries, DraftSummary, Filter};
use crate::{Result, Store};

impl Store {
    pub(crate) fn search(&self, query: &str, filter: &Filter) -> Result<Vec<DraftSummary>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let (conditions, mut values) = filter_sql(filter);
        values.push(serde_json::Value::String(fts));
        let sql = format!(
            "SELECT d.id, substr(d.text, 1, 280), d.state, d.goal, d.tags, d.networks, d.updated_at
             FROM drafts_search s JOIN drafts d ON d.seq = s.rowid
             WHERE drafts_search MATCH ?{} AND {conditions}
             ORDER BY bm25(drafts_search, 10.0, 5.0, 2.0), d.updated_at DESC
             LIMIT ?{}",
            values.len(),
            values.len() + 1
        );
        query_summaries(&self.conn, &sql, values, filter.limit)
    }
}

/// The FTS5 query for what the user typed: each whitespace-separated word as a quoted string
/// (so `"`, `*`, `OR` and the like are just text) with a prefix star. `None` when nothing in
/// it can match a word.
pub(crate) fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .nfc()
        .collect::<String>()
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn query_words_become_quoted_prefix_terms() {
        assert_eq!(
            fts_query("ledel  OR \"x"),
            Some(r#""ledel"* "OR"* """x"*"#.to_owned())
        );
        assert_eq!(fts_query(" # - "), None);
    }
}
