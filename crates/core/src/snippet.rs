//! Why a search hit matched: a short stretch of the draft's text around the first word a
//! query word starts (as the search matches: by a word's start, in any letter case), with the
//! matching words marked. The list shows it under a hit's title.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// A stretch of the snippet; `hit` when it is a word the query matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// About this many characters of text around the first match.
pub const SNIPPET_CHARS: usize = 90;

/// The snippet of `text` for `query`: empty when no word of the text matches (a hit on a tag
/// or the goal, which the list shows anyway). `…` marks text left out at either end.
pub fn snippet(text: &str, query: &str) -> Vec<SnippetPart> {
    let text: String = text.nfc().collect();
    let queries: Vec<String> = query
        .nfc()
        .collect::<String>()
        .split_whitespace()
        .map(|q| q.trim_start_matches('#').to_lowercase())
        .filter(|q| !q.is_empty())
        .collect();
    // Words as (byte start, byte end), and whether a query word starts each.
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = text[s..i].to_lowercase();
                let hit = queries.iter().any(|q| word.starts_with(q.as_str()));
                words.push((s, i, hit));
                start = None;
            }
            _ => {}
        }
    }
    let Some(&(first, _, _)) = words.iter().find(|w| w.2) else {
        return Vec::new();
    };
    // A window of about SNIPPET_CHARS characters, a third of it before the first hit, cut at
    // word edges.
    let before = SNIPPET_CHARS / 3;
    let from = words
        .iter()
        .map(|w| w.0)
        .filter(|&s| s <= first && text[s..first].chars().count() <= before)
        .min()
        .unwrap_or(first);
    let to = words
        .iter()
        .map(|w| w.1)
        .filter(|&e| e >= first && text[from..e].chars().count() <= SNIPPET_CHARS)
        .max()
        .unwrap_or(text.len());
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |s: &str, hit: bool| {
        // Line breaks and runs of spaces read as one space on a list's single line.
        let mut one_line = String::with_capacity(s.len());
        for c in s.chars() {
            if !c.is_whitespace() {
                one_line.push(c);
            } else if !one_line.ends_with(' ') {
                one_line.push(' ');
            }
        }
        let s = one_line;
        match parts.last_mut() {
            Some(last) if last.hit == hit && !hit => last.text.push_str(&s),
            _ => parts.push(SnippetPart { text: s, hit }),
        }
    };
    if from > 0 {
        push("…", false);
    }
    let mut at = from;
    for &(s, e, hit) in words.iter().filter(|w| w.0 >= from && w.1 <= to) {
        if s > at {
            push(&text[at..s], false);
        }
        push(&text[s..e], hit);
        at = e;
    }
    if to < text.len() {
        push("…", false);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(parts: &[SnippetPart]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_snippet_marks_the_words_the_query_starts_around_the_first_one() {
        let text = format!(
            "{} Til slutt: god ledelse handler om tillit, og #Ledelse er å lytte. {}",
            "Innledning om noe helt annet. ".repeat(4),
            "Mer tekst etterpå. ".repeat(5)
        );
        let s = shown(&snippet(&text, "LEDEL"));
        assert!(s.starts_with('…'), "{s}");
        assert!(
            s.contains("god [ledelse] handler om tillit, og #[Ledelse] er"),
            "{s}"
        );
        assert!(s.ends_with('…'), "{s}");
        assert!(!s.contains("[Innledning]"), "{s}");
    }

    #[test]
    fn no_snippet_when_no_word_of_the_text_matches() {
        assert!(snippet("Tillit og åpenhet", "ledelse").is_empty());
        assert!(snippet("Tillit og åpenhet", "").is_empty());
    }
}
