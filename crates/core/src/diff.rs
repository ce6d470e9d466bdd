//! Word-level differences between two versions of a draft, for the history panel: what was
//! removed and what was added, in reading order, so a leader sees at a glance what changed.
//!
//! A diff has a time budget ([`BUDGET`]): two long texts with little in common can take the
//! word diff seconds, and the history panel waits for it. Past the budget the diff algorithm
//! gives up looking for the smallest diff and returns a coarser one (larger removed and added
//! runs) that is still exact: the parts always rebuild both versions.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::utils::TextDiffRemapper;
use similar::{Algorithm, ChangeTag, TextDiff};

/// How long a diff may look for the smallest set of changes before it settles for a coarser
/// one. Drafts of a few thousand characters take well under a millisecond.
pub const BUDGET: Duration = Duration::from_millis(200);

/// One run of text in a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub kind: PartKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    Same,
    Removed,
    Added,
}

/// The differences from `old` to `new`, word by word (Unicode word boundaries, so `ø` and
/// emoji stay whole), adjacent runs of one kind merged; coarser past [`BUDGET`].
pub fn words(old: &str, new: &str) -> Vec<Part> {
    words_within(old, new, BUDGET)
}

/// [`words`] with a time budget of `budget`.
pub fn words_within(old: &str, new: &str, budget: Duration) -> Vec<Part> {
    let deadline = Instant::now() + budget;
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .deadline(deadline)
        .diff_unicode_words(old, new);
    let remapper = TextDiffRemapper::from_text_diff(&diff, old, new);
    let changes = diff.ops().iter().flat_map(|op| remapper.iter_slices(op));
    let mut parts: Vec<Part> = Vec::new();
    for (tag, text) in changes {
        let kind = match tag {
            ChangeTag::Equal => PartKind::Same,
            ChangeTag::Delete => PartKind::Removed,
            ChangeTag::Insert => PartKind::Added,
        };
        match parts.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ => parts.push(Part {
                kind,
                text: text.to_owned(),
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p.kind {
                PartKind::Same => p.text.clone(),
                PartKind::Removed => format!("[-{}-]", p.text),
                PartKind::Added => format!("{{+{}+}}", p.text),
            })
            .collect()
    }

    #[test]
    fn a_changed_word_shows_as_removed_then_added() {
        let parts = words("God ledelse er tillit", "God ledelse er åpenhet");
        assert_eq!(render(&parts), "God ledelse er [-tillit-]{+åpenhet+}");
    }

    /// The text the parts rebuild when the `skip` kind is left out.
    fn side(parts: &[Part], skip: PartKind) -> String {
        parts
            .iter()
            .filter(|p| p.kind != skip)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn both_sides_can_be_rebuilt_from_the_parts() {
        let old = "Vi ansetter 🚀 #ingeniører i Bodø";
        let new = "Vi ansetter flere 🚀 #ingeniører i Tromsø og Bodø";
        let parts = words(old, new);
        assert_eq!(side(&parts, PartKind::Added), old);
        assert_eq!(side(&parts, PartKind::Removed), new);
    }

    /// Two long texts of the same words in unrelated orders: the hardest kind of diff.
    fn unrelated(seed: u64, words: usize) -> String {
        let vocabulary = [
            "ledelse", "tillit", "åpenhet", "mot", "Bodø", "🚀", "#team", "lytte", "kultur",
            "strategi", "frokost", "læring", "ansatte", "mål", "år",
        ];
        let mut state = seed;
        (0..words)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                vocabulary[(state >> 33) as usize % vocabulary.len()]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_diff_out_of_time_is_coarser_but_still_rebuilds_both_versions() {
        let (old, new) = (unrelated(1, 4_000), unrelated(2, 4_000));
        let exact = words_within(&old, &new, Duration::from_secs(600));
        let hurried = words_within(&old, &new, Duration::ZERO);
        for parts in [&exact, &hurried] {
            assert_eq!(side(parts, PartKind::Added), old);
            assert_eq!(side(parts, PartKind::Removed), new);
        }
        assert!(
            hurried.len() < exact.len(),
            "no time left: fewer, larger runs ({} against {})",
            hurried.len(),
            exact.len()
        );
    }

    #[test]
    fn huge_unrelated_versions_still_diff_exactly_within_the_budget() {
        let (old, new) = (unrelated(3, 60_000), unrelated(4, 60_000));
        let parts = words(&old, &new);
        assert_eq!(side(&parts, PartKind::Added), old);
        assert_eq!(side(&parts, PartKind::Removed), new);
    }
}
