//! Three-way merge of a text, for team sync (DESIGN.md §7): two devices edited the same draft
//! offline; each side's edits are found against the text both last had in common, and edits to
//! different places are combined into one text. Edits that overlap (or touch, within a sentence)
//! are a true conflict, which the store turns into a conflict copy — never a silent loss.
//!
//! The texts are compared in two steps. First sentence by sentence, by an edit distance that
//! pairs a sentence edited in place with the one it was: edits to different sentences merge,
//! even neighbouring ones. Then, only where both sides changed the same sentences, on tokens:
//! words, and the runs of spaces and punctuation between them, so a merged text keeps its exact
//! spacing and line breaks. The token diff is Myers' with no time limit, so the same inputs
//! always give the same answer (a merge that depended on the machine's speed could differ
//! between devices).

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

/// Merges `ours` and `theirs`, both edited from `base`.
///
/// The texts are first compared sentence by sentence (a sentence ends at `.`, `!`, `?` or `…`
/// followed by a space, or at a line break), so edits to different sentences always merge, even
/// next to each other: a word diff over the whole text could pair a word of one sentence with the
/// same word in its neighbour and make two separate edits look like one. Where both sides changed
/// the same sentences, those sentences are merged on words: identical edits are not a conflict,
/// edits separated by at least one unchanged token (e.g. the space between two words) merge, and
/// edits that overlap or touch are a [`Merge::Conflict`]. An edit on one side only is taken as
/// it is.
pub fn merge3(base: &str, ours: &str, theirs: &str) -> Merge {
    if ours == theirs || base == theirs {
        return Merge::Clean(ours.to_owned());
    }
    if base == ours {
        return Merge::Clean(theirs.to_owned());
    }
    let (b, o, t) = (sentences(base), sentences(ours), sentences(theirs));
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut pos = 0;
    for cluster in clusters(&sentence_hunks(&b, &o), &sentence_hunks(&b, &t)) {
        out.extend(b[pos..cluster.lo].iter().copied());
        let ours_part = region(&o, cluster.ours, cluster.lo, cluster.hi);
        let theirs_part = region(&t, cluster.theirs, cluster.lo, cluster.hi);
        match (ours_part, theirs_part) {
            (Some(x), None) | (None, Some(x)) => out.extend(x.iter().copied()),
            (Some(x), Some(y)) => {
                match merge_words(
                    &b[cluster.lo..cluster.hi].concat(),
                    &x.concat(),
                    &y.concat(),
                ) {
                    Merge::Clean(text) => out.push_str(&text),
                    Merge::Conflict => return Merge::Conflict,
                }
            }
            (None, None) => {}
        }
        pos = cluster.hi;
    }
    out.extend(b[pos..].iter().copied());
    Merge::Clean(out)
}

/// The word-level merge of the sentences both sides changed: hunks that overlap or touch are a
/// conflict unless both sides made the same change.
fn merge_words(base: &str, ours: &str, theirs: &str) -> Merge {
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

/// Sentence hunks of both sides that must be merged together: base sentences `lo..hi`, with the
/// hunks of each side inside them.
struct Cluster<'h> {
    lo: usize,
    hi: usize,
    ours: &'h [Hunk],
    theirs: &'h [Hunk],
}

/// Groups the two sides' sentence hunks. Hunks that share a base sentence, or that insert at the
/// same place, go together; hunks that only meet at a sentence boundary stay apart (one side's
/// sentence and the next, edited by the other side, merge), so an insertion before a sentence
/// the other side changed comes first, whichever side made it.
fn clusters<'h>(ho: &'h [Hunk], ht: &'h [Hunk]) -> Vec<Cluster<'h>> {
    // Hunks come in order of (start, end) on each side, and every hunk after the first of a
    // cluster starts at or after the cluster's start.
    let joins = |lo: usize, hi: usize, h: &Hunk| {
        if lo == hi {
            // The cluster so far inserts at `lo`: only another insertion there joins it.
            h.bs == lo && h.be == lo
        } else if h.bs == h.be {
            lo < h.bs && h.bs < hi
        } else {
            h.bs < hi
        }
    };
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        // The next hunk by where it starts; an insertion comes before a change at the same place.
        let key = |h: &Hunk| (h.bs, h.be);
        let start = match (ho.get(i), ht.get(j)) {
            (None, None) => break,
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (Some(a), Some(b)) => {
                if key(a) <= key(b) {
                    *a
                } else {
                    *b
                }
            }
        };
        let (first_o, first_t) = (i, j);
        let (lo, mut hi) = (start.bs, start.be);
        loop {
            if let Some(h) = ho.get(i).filter(|h| joins(lo, hi, h)) {
                hi = hi.max(h.be);
                i += 1;
            } else if let Some(h) = ht.get(j).filter(|h| joins(lo, hi, h)) {
                hi = hi.max(h.be);
                j += 1;
            } else {
                break;
            }
        }
        out.push(Cluster {
            lo,
            hi,
            ours: &ho[first_o..i],
            theirs: &ht[first_t..j],
        });
    }
    out
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

/// Sentences, each with the spaces and punctuation after it: a sentence ends at a run of
/// non-word characters that holds a line break, or a sentence mark followed by a space. What
/// looks like a sentence mark inside a word or a link (`v1.2`, `x.com/a`) does not end one.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for token in tokens(text) {
        offset += token.len();
        let is_word = token.chars().any(char::is_alphanumeric);
        let ends = !is_word
            && (token.contains('\n')
                || (token.contains(['.', '!', '?', '…', '。', '！', '？'])
                    && token.ends_with(char::is_whitespace)));
        if ends {
            out.push(&text[start..offset]);
            start = offset;
        }
    }
    if start < text.len() {
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

/// The changed sentences from `base` to `new`, by an edit distance in which replacing one
/// sentence costs one, as deleting or inserting one does, and ties go to the replacement: a
/// sentence edited in place is paired with the one it was, even where the same sentence appears
/// elsewhere in the text (a shortest diff would as soon delete it here and insert it there).
/// Texts too long for the table (over 500 changed sentences on each side) use the word diff's
/// algorithm instead.
fn sentence_hunks(base: &[&str], new: &[&str]) -> Vec<Hunk> {
    let prefix = base.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = base[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (b, n) = (
        &base[prefix..base.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    if b.len().saturating_mul(n.len()) > 250_000 {
        return hunks(base, new);
    }
    // d[i * w + j]: the cost of turning b[..i] into n[..j].
    let w = n.len() + 1;
    let mut d = vec![0_u32; (b.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = u32::try_from(i).unwrap_or(u32::MAX);
    }
    for (j, cell) in d[..w].iter_mut().enumerate() {
        *cell = u32::try_from(j).unwrap_or(u32::MAX);
    }
    for i in 1..=b.len() {
        for j in 1..=n.len() {
            let replace = d[(i - 1) * w + j - 1] + u32::from(b[i - 1] != n[j - 1]);
            let delete = d[(i - 1) * w + j] + 1;
            let insert = d[i * w + j - 1] + 1;
            d[i * w + j] = replace.min(delete).min(insert);
        }
    }
    // Walk back from the end; each step keeps, replaces, deletes or inserts a sentence, in that
    // order of preference among equally cheap ones.
    let mut steps = Vec::new();
    let (mut i, mut j) = (b.len(), n.len());
    while i > 0 || j > 0 {
        let here = d[i * w + j];
        let diagonal = (i > 0 && j > 0).then(|| d[(i - 1) * w + j - 1]);
        if diagonal == Some(here) && b[i - 1] == n[j - 1] {
            (i, j) = (i - 1, j - 1);
            continue;
        }
        let (pi, pj) = if diagonal.is_some_and(|c| c + 1 == here) {
            (i - 1, j - 1)
        } else if i > 0 && d[(i - 1) * w + j] + 1 == here {
            (i - 1, j)
        } else {
            (i, j - 1)
        };
        steps.push(Hunk {
            bs: prefix + pi,
            be: prefix + i,
            ns: prefix + pj,
            ne: prefix + j,
        });
        (i, j) = (pi, pj);
    }
    // Each replaced sentence is a hunk of its own, so that an edit to the sentence before or
    // after it on the other side only meets it at a boundary; runs of deleted sentences, and of
    // sentences inserted at one place, are one hunk each.
    let mut out: Vec<Hunk> = Vec::new();
    for step in steps.into_iter().rev() {
        let inserts = |h: &Hunk| h.bs == h.be;
        let deletes = |h: &Hunk| h.ns == h.ne;
        match out.last_mut() {
            Some(last)
                if last.be == step.bs
                    && last.ne == step.ns
                    && ((inserts(last) && inserts(&step)) || (deletes(last) && deletes(&step))) =>
            {
                (last.be, last.ne) = (step.be, step.ne);
            }
            _ => out.push(step),
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
    fn edits_to_neighbouring_sentences_merge_even_when_they_share_words() {
        // Found by the property below in CI: a word diff over the whole text paired "å" and
        // "æ" of the first sentence with the same words in the second, so theirs looked as if
        // it had touched the sentence ours edited.
        let base = "k vææmåæ å åæv æ. n onø køw. v plæåpæ øænøh føæåæø. ø bø ym æfgædø. åg eæø.";
        let ours = "k vææmåæ å åæv æ. n onø køw. a. ø bø ym æfgædø. åg eæø.";
        let theirs = "å. a å æ. v plæåpæ øænøh føæåæø. a. åg eæø.";
        assert_eq!(clean(merge3(base, ours, theirs)), "å. a å æ. a. a. åg eæø.");
    }

    #[test]
    fn a_sentence_edited_into_one_that_appears_elsewhere_stays_where_it_was_edited() {
        // A shortest diff could read ours as "delete the first sentence, add one before the
        // last", and the merge would then lose both edits.
        let base = "Takk. Vi ses. Vi ses.";
        assert_eq!(
            clean(merge3(
                base,
                "Vi ses. Vi ses. Vi ses.",
                "Takk. Takk. Vi ses."
            )),
            "Vi ses. Takk. Vi ses."
        );
    }

    #[test]
    fn a_sentence_added_next_to_one_the_other_side_edited_merges() {
        let base = "Søk innen fredag.\nHilsen Kari.";
        let ours = "Søk innen fredag.\nLes mer på nettsiden.\nHilsen Kari.";
        let theirs = "Søk innen torsdag.\nHilsen Kari og Ola.";
        assert_eq!(
            clean(merge3(base, ours, theirs)),
            "Søk innen torsdag.\nLes mer på nettsiden.\nHilsen Kari og Ola."
        );
        // Two sentences added at the same place are a conflict: which comes first is a choice.
        assert_eq!(
            merge3(
                base,
                "Søk innen fredag.\nA.\nHilsen Kari.",
                "Søk innen fredag.\nB.\nHilsen Kari."
            ),
            Merge::Conflict
        );
    }

    #[test]
    fn edits_to_different_words_of_one_sentence_still_merge() {
        let base = "Vi ansetter i Bodø nå.";
        assert_eq!(
            clean(merge3(
                base,
                "Vi ansetter to i Bodø nå.",
                "Vi ansetter i Bodø i dag."
            )),
            "Vi ansetter to i Bodø i dag."
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
