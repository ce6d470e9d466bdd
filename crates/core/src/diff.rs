//! Word-level differences between two versions of a draft, for the history panel: what was
//! removed and what was added, in reading order, so a leader sees at a glance what changed.

use serde::Serialize;
use similar::utils::diff_unicode_words;
use similar::{Algorithm, ChangeTag};

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
/// emoji stay whole), adjacent runs of one kind merged.
pub fn words(old: &str, new: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    for (tag, text) in diff_unicode_words(Algorithm::Patience, old, new) {
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

    #[test]
    fn both_sides_can_be_rebuilt_from_the_parts() {
        let old = "Vi ansetter 🚀 #ingeniører i Bodø";
        let new = "Vi ansetter flere 🚀 #ingeniører i Tromsø og Bodø";
        let parts = words(old, new);
        let side = |skip: PartKind| -> String {
            parts
                .iter()
                .filter(|p| p.kind != skip)
                .map(|p| p.text.as_str())
                .collect()
        };
        assert_eq!(side(PartKind::Added), old);
        assert_eq!(side(PartKind::Removed), new);
    }
}
