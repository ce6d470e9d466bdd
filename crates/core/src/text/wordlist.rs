//! Word lists for splitting a run-together hashtag into its words (`#godtlederskap` →
//! `#GodtLederskap`), and for telling that a long hashtag is one ordinary word (`#arbeidsliv`)
//! that needs no capitals.
//!
//! Podium ships only a small list of its own (`words.txt`, the words leaders' hashtags are made
//! of most often). The real lists — Debian's `wnorwegian` and `wamerican`, or hunspell
//! dictionaries — are the system's: the app reads them at run time (from
//! [`SYSTEM_WORD_LISTS`]) and hands their text to [`WordList::parse`]. So the package stays
//! small and carries no dictionary under another licence. This module reads no file itself.

use std::sync::LazyLock;

/// Where Debian and Ubuntu keep plain word lists (`wnorwegian`: bokmål and nynorsk,
/// `wamerican`, `wbritish`) and hunspell dictionaries (`hunspell-no`, `hunspell-en-us`):
/// whichever exist are read.
pub const SYSTEM_WORD_LISTS: &[&str] = &[
    "/usr/share/dict/bokmaal",
    "/usr/share/dict/nynorsk",
    "/usr/share/dict/american-english",
    "/usr/share/dict/british-english",
    "/usr/share/hunspell/nb_NO.dic",
    "/usr/share/hunspell/nn_NO.dic",
    "/usr/share/hunspell/en_US.dic",
    "/usr/share/hunspell/en_GB.dic",
];

/// Words of two letters or more, all in lower case: a sorted, de-duplicated list kept as one
/// string (a million words of the Norwegian list take about its file size, not a hash set's
/// several times that), looked up by binary search.
#[derive(Clone, Default)]
pub struct WordList {
    /// The words, each followed by `\n`, in byte order.
    text: String,
    /// Where each word starts in `text`.
    starts: Vec<u32>,
}

impl std::fmt::Debug for WordList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordList({} words)", self.len())
    }
}

impl WordList {
    /// The words of word lists given as their text: one word a line (`/usr/share/dict`), or a
    /// hunspell `.dic` (a count on the first line, then `word/FLAGS`). Only words written all
    /// in lower-case letters are taken (names and abbreviations are not what a hashtag splits
    /// into); the affix rules of hunspell are not applied (its stems are enough to split on).
    pub fn parse<'a>(lists: impl IntoIterator<Item = &'a str>) -> WordList {
        let mut words: Vec<&str> = lists
            .into_iter()
            .flat_map(str::lines)
            .map(|line| line.split('/').next().unwrap_or_default().trim())
            .filter(|w| w.chars().nth(1).is_some() && w.chars().all(char::is_lowercase))
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut text = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
        let mut starts = Vec::with_capacity(words.len());
        for w in words {
            // Lists past 4 GiB are not real word lists: the rest is left out.
            let Ok(at) = u32::try_from(text.len()) else {
                break;
            };
            starts.push(at);
            text.push_str(w);
            text.push('\n');
        }
        WordList { text, starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn word(&self, i: usize) -> &str {
        let start = self.starts[i] as usize;
        let rest = &self.text[start..];
        rest.split('\n').next().unwrap_or_default()
    }

    pub fn contains(&self, word: &str) -> bool {
        self.starts
            .binary_search_by(|&at| {
                let start = at as usize;
                let end = self.text[start..]
                    .find('\n')
                    .map_or(self.text.len(), |n| start + n);
                self.text[start..end].cmp(word)
            })
            .is_ok()
    }

    /// Every word, in byte order (for tests and tools).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.word(i))
    }
}

/// Podium's own small list: used alone when the system has none, and always beside it.
pub(crate) static BUILT_IN: LazyLock<WordList> = LazyLock::new(|| {
    let own = include_str!("words.txt");
    let lines: String = own
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(|w| format!("{w}\n")))
        .collect();
    WordList::parse([lines.as_str()])
});

/// Whether `word` is in Podium's own list or in `system`.
pub(crate) fn known(word: &str, system: Option<&WordList>) -> bool {
    BUILT_IN.contains(word) || system.is_some_and(|s| s.contains(word))
}

/// Splits an all-lowercase tag into known words (fewest words, at least two) and capitalises
/// each: `sosialemedier` → `SosialeMedier`. `None` when it is one word, or cannot be split into
/// known words.
pub fn camel_case_in(tag: &str, system: Option<&WordList>) -> Option<String> {
    let chars: Vec<(usize, char)> = tag.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map_or(tag.len(), |(b, _)| *b);
    // best[i]: fewest words covering chars[..i], with the split point.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in 0..end {
            let Some((words, _)) = best[start] else {
                continue;
            };
            if end - start < 2 || !known(&tag[at(start)..at(end)], system) {
                continue;
            }
            if best[end].is_none_or(|(w, _)| words + 1 < w) {
                best[end] = Some((words + 1, start));
            }
        }
    }
    let (count, _) = best[n]?;
    if count < 2 {
        return None;
    }
    let mut parts = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(&tag[at(start)..at(end)]);
        end = start;
    }
    parts.reverse();
    Some(
        parts
            .iter()
            .map(|p| {
                let mut cs = p.chars();
                cs.next()
                    .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_list_reads_plain_lists_and_hunspell_stems_and_keeps_lower_case_words_only() {
        let dict = "arbeidsliv\nOslo\nlederskap\nI\nABC\ngodt\n";
        let hunspell = "3\nleadership/MS\nDigital/M\ndigital\n";
        let list = WordList::parse([dict, hunspell]);
        let words: Vec<&str> = list.words().collect();
        assert_eq!(
            words,
            ["arbeidsliv", "digital", "godt", "leadership", "lederskap"]
        );
        assert!(list.contains("godt"));
        assert!(!list.contains("oslo"));
        assert!(!list.contains("god"));
    }

    #[test]
    fn a_tag_splits_on_the_system_list_where_podiums_own_is_too_small() {
        assert_eq!(camel_case_in("godtlederskap", None), None);
        let system = WordList::parse(["godt\nlederskap\n"]);
        assert_eq!(
            camel_case_in("godtlederskap", Some(&system)).as_deref(),
            Some("GodtLederskap")
        );
    }

    #[test]
    fn one_known_word_is_not_split() {
        let system = WordList::parse(["arbeid\nliv\narbeidsliv\ns\n"]);
        assert_eq!(camel_case_in("arbeidsliv", Some(&system)), None);
        assert!(known("arbeidsliv", None));
    }
}
