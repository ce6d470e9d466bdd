//! Three-way merge of a text on words, for team sync (DESIGN.md §7): two devices edited the same
//! draft offline; each side's edits are found against the text both last had in common, and
//! edits to different places are combined into one text. Edits that overlap (or touch) are a
//! true conflict, which the store turns into a conflict copy — never a silent loss.
//!
//! A text is cut into tokens: words, and the runs of spaces and punctuation between them, so a
//! merged text keeps its exact spacing and line breaks. The diff is Myers' on those tokens with
//! no time limit, so the same inputs always give the same answer (a merge that depended on the
//! machine's speed could differ between devices).

use std::collections::BTreeMap;

use similar::{capture_diff_slices, Algorithm, DiffTag};
use unicode_segmentation::UnicodeSegmentation;

/// The outcome of a three-way merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// Both sides' edits, combined (or the one side that changed anything).
    Clean(String),
    /// The two sides changed the same place differently.
    Conflict,
}

/// Merges `ours` and `theirs`, both edited from `base`, on words.
///
/// Identical edits on both sides are not a conflict; an edit on one side only is taken as it is;
/// edits in different places (separated by at least one unchanged token, e.g. the space between
/// two words) merge; edits that overlap or touch are a [`Merge::Conflict`].
pub fn merge3(base: &str, ours: &str, theirs: &str) -> Merge {
    if ours == theirs || base == theirs {
        return Merge::Clean(ours.to_owned());
    }
    if base == ours {
        return Merge::Clean(theirs.to_owned());
    }
    let (b, o, t) = (tokens(base), tokens(ours), tokens(theirs));
    let (ho, ht) = (hunks(&b, &o), hunks(&b, &t));
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let (mut i, mut j, mut pos) = (0, 0, 0);
    loop {
        let next_o = ho.get(i).map(|h| h.bs);
        let next_t = ht.get(j).map(|h| h.bs);
        let lo = match (next_o, next_t) {
            (None, None) => break,
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (Some(a), Some(b)) => a.min(b),
        };
        // The cluster: hunks of either side that overlap or touch, transitively.
        let (first_o, first_t) = (i, j);
        let mut hi = lo;
        loop {
            if let Some(h) = ho.get(i).filter(|h| h.bs <= hi) {
                hi = hi.max(h.be);
                i += 1;
            } else if let Some(h) = ht.get(j).filter(|h| h.bs <= hi) {
                hi = hi.max(h.be);
                j += 1;
            } else {
                break;
            }
        }
        out.extend(b[pos..lo].iter().copied());
        let ours_part = region(&o, &ho[first_o..i], lo, hi);
        let theirs_part = region(&t, &ht[first_t..j], lo, hi);
        match (ours_part, theirs_part) {
            (Some(x), None) | (None, Some(x)) => out.extend(x.iter().copied()),
            (Some(x), Some(y)) if x == y => out.extend(x.iter().copied()),
            (Some(_), Some(_)) => return Merge::Conflict,
            (None, None) => {}
        }
        pos = hi;
    }
    out.extend(b[pos..].iter().copied());
    Merge::Clean(out)
}

/// Merges per-key texts (a draft's network versions): each key three-way on words; a key added
/// on one side is taken; a key removed on one side and changed on the other, or added on both
/// with different texts that do not merge, is a conflict (`None`).
pub fn merge3_map<K: Ord + Clone>(
    base: &BTreeMap<K, String>,
    ours: &BTreeMap<K, String>,
    theirs: &BTreeMap<K, String>,
) -> Option<BTreeMap<K, String>> {
    let mut keys: Vec<&K> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    for key in keys {
        let (b, o, t) = (base.get(key), ours.get(key), theirs.get(key));
        let merged = if o == t || b == t {
            o.cloned()
        } else if b == o {
            t.cloned()
        } else {
            match (o, t) {
                (Some(o), Some(t)) => match merge3(b.map_or("", String::as_str), o, t) {
                    Merge::Clean(text) => Some(text),
                    Merge::Conflict => return None,
                },
                _ => return None,
            }
        };
        if let Some(text) = merged {
            out.insert(key.clone(), text);
        }
    }
    Some(out)
}

/// One changed region: base tokens `bs..be` became new tokens `ns..ne`.
#[derive(Debug, Clone, Copy)]
struct Hunk {
    bs: usize,
    be: usize,
    ns: usize,
    ne: usize,
}

/// Words, and the runs of everything else between them.
fn tokens(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut run_start: Option<usize> = None;
    let mut offset = 0;
    for segment in text.split_word_bounds() {
        let is_word = segment.chars().any(char::is_alphanumeric);
        if is_word {
            if let Some(start) = run_start.take() {
                out.push(&text[start..offset]);
            }
            out.push(segment);
        } else if run_start.is_none() {
            run_start = Some(offset);
        }
        offset += segment.len();
    }
    if let Some(start) = run_start {
        out.push(&text[start..]);
    }
    out
}

/// The changed regions from `base` to `new`, in order; adjacent changes joined into one.
fn hunks(base: &[&str], new: &[&str]) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, new) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.be == old.start && last.ne == new.start => {
                last.be = old.end;
                last.ne = new.end;
            }
            _ => out.push(Hunk {
                bs: old.start,
                be: old.end,
                ns: new.start,
                ne: new.end,
            }),
        }
    }
    out
}

/// What one side made of base tokens `lo..hi`, given that side's hunks inside it (`None` when
/// it changed nothing there).
fn region<'a, 't>(
    side: &'a [&'t str],
    hunks: &[Hunk],
    lo: usize,
    hi: usize,
) -> Option<&'a [&'t str]> {
    let (first, last) = (hunks.first()?, hunks.last()?);
    let start = first.ns - (first.bs - lo);
    let end = last.ne + (hi - last.be);
    Some(&side[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clean(m: Merge) -> String {
        match m {
            Merge::Clean(s) => s,
            Merge::Conflict => panic!("expected a clean merge"),
        }
    }

    #[test]
    fn edits_to_different_sentences_merge_into_one_text() {
        let base = "Vi ansetter i Bodø. Søk innen fredag. Hilsen Kari.";
        let ours = "Vi ansetter tre ingeniører i Bodø. Søk innen fredag. Hilsen Kari.";
        let theirs = "Vi ansetter i Bodø. Søk innen fredag. Hilsen Kari og Ola.";
        assert_eq!(
            clean(merge3(base, ours, theirs)),
            "Vi ansetter tre ingeniører i Bodø. Søk innen fredag. Hilsen Kari og Ola."
        );
    }

    #[test]
    fn edits_to_the_same_words_are_a_conflict() {
        let base = "Møtet er på tirsdag.";
        assert_eq!(
            merge3(base, "Møtet er på onsdag.", "Møtet er på torsdag."),
            Merge::Conflict
        );
    }

    #[test]
    fn the_same_edit_on_both_sides_is_not_a_conflict() {
        let base = "Alpha beta gamma. Delta epsilon.";
        let both = "Alpha BETA gamma. Delta epsilon.";
        let ours = "Alpha BETA gamma. Delta epsilon!";
        assert_eq!(clean(merge3(base, both, both)), both);
        assert_eq!(
            clean(merge3(base, ours, both)),
            "Alpha BETA gamma. Delta epsilon!"
        );
    }

    #[test]
    fn spacing_and_line_breaks_are_kept_exactly() {
        let base = "Første  linje.\n\nAndre linje,  her.";
        let ours = "Første  linje!\n\nAndre linje,  her.";
        let theirs = "Første  linje.\n\nAndre linje,  der.";
        assert_eq!(
            clean(merge3(base, ours, theirs)),
            "Første  linje!\n\nAndre linje,  der."
        );
    }

    #[test]
    fn a_removed_network_version_against_a_changed_one_is_a_conflict() {
        let base = BTreeMap::from([(1, "a b".to_owned()), (2, "x".to_owned())]);
        let ours = BTreeMap::from([(1, "a c".to_owned())]);
        let theirs = BTreeMap::from([
            (1, "z b".to_owned()),
            (2, "x".to_owned()),
            (3, "n".to_owned()),
        ]);
        assert_eq!(
            merge3_map(&base, &ours, &theirs),
            Some(BTreeMap::from([(1, "z c".to_owned()), (3, "n".to_owned())]))
        );
        let changed = BTreeMap::from([(1, "a b".to_owned()), (2, "y".to_owned())]);
        assert_eq!(merge3_map(&base, &ours, &changed), None);
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("ord"),
                Just("ål"),
                Just("Bodø"),
                Just(" "),
                Just(", "),
                Just(". "),
                Just("\n"),
                Just("🚀"),
                Just("tillit"),
                Just("#team"),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Sentences, each edited (or not) on one side only.
    fn sentences_and_edits() -> impl Strategy<Value = (Vec<String>, Vec<(usize, bool, String)>)> {
        (proptest::collection::vec("[a-zæøå]{1,6}( [a-zæøå]{1,6}){0,4}", 1..8)).prop_flat_map(
            |sentences| {
                let n = sentences.len();
                (
                    Just(sentences),
                    proptest::collection::vec(
                        (0..n, any::<bool>(), "[a-zæøå]{1,6}( [a-zæøå]{1,6}){0,3}"),
                        0..6,
                    ),
                )
            },
        )
    }

    proptest! {
        #[test]
        fn one_sided_and_identical_edits_come_through_unchanged(b in text(), x in text(), y in text()) {
            prop_assert_eq!(merge3(&b, &x, &b), Merge::Clean(x.clone()));
            prop_assert_eq!(merge3(&b, &b, &y), Merge::Clean(y.clone()));
            prop_assert_eq!(merge3(&b, &x, &x), Merge::Clean(x.clone()));
        }

        #[test]
        fn a_merge_does_not_depend_on_which_side_is_ours(b in text(), x in text(), y in text()) {
            prop_assert_eq!(merge3(&b, &x, &y), merge3(&b, &y, &x));
        }

        #[test]
        fn edits_to_different_sentences_always_merge_and_keep_every_edit(
            (sentences, edits) in sentences_and_edits()
        ) {
            let join = |s: &[String]| s.join(". ") + ".";
            let (mut ours, mut theirs) = (sentences.clone(), sentences.clone());
            let mut expected = sentences.clone();
            for (at, mine, words) in edits {
                // A sentence is edited by one side only (the first side to claim it).
                if ours[at] != sentences[at] || theirs[at] != sentences[at] || words == sentences[at] {
                    continue;
                }
                if mine { ours[at].clone_from(&words) } else { theirs[at].clone_from(&words) }
                expected[at] = words;
            }
            prop_assert_eq!(
                merge3(&join(&sentences), &join(&ours), &join(&theirs)),
                Merge::Clean(join(&expected))
            );
        }
    }
}
