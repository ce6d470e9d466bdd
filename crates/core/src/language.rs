//! Which language a post is written in, guessed from its text, as the two-letter code the
//! networks take (`nb`, `nn`, `en`, `da`, `sv`, `de`, `fr`, `es`: Bluesky's `langs`,
//! Mastodon's status `language`).
//!
//! A new draft's language follows its text until the user picks one; the editor and
//! `podium drafts add` ask [`detect`] and use the answer only when the user has not chosen.
//! Detection is `whatlang`'s trigram model, narrowed to the languages the editor offers, and
//! then corrected where it is known to be weak on short posts:
//!
//! - **Bokmål read as Danish.** On one-sentence leadership posts whatlang says Danish for
//!   about half of the bokmål ones ("Gode ledere deler læring. #ledelse" → Danish). The two
//!   share most words; what tells them apart is a handful of common words each spells its own
//!   way (Danish *af, hvad, meget, nogen, mig, lidt, efter*; Norwegian *av, hva, mye, noen,
//!   meg, litt, etter*). Whenever whatlang says bokmål or Danish, those words decide, and a
//!   text with none of them is bokmål: Podium is made for Norwegian leaders, and a Danish
//!   post almost always holds one of the Danish words.
//! - **Nynorsk.** whatlang has no nynorsk at all; it reads it as bokmål or Danish. Two or more
//!   nynorsk-only words (*eg, ikkje, kva, meir, frå, berre, leiar*), more than the bokmål-only
//!   ones, make it `nn`.
//! - **Short Norwegian read as something else.** "Hvordan gir du tilbakemelding til sjefen
//!   din?" comes out German at zero confidence. When whatlang is unsure and at least a third
//!   of the words (two or more) are Scandinavian ones, the Scandinavian rule above decides.
//!
//! Below [`MIN_WORDS`] words there is no guess: "Takk!" could be anything. A text that whatlang
//! fairly surely places in a language the editor does not offer (Finnish, Polish) gets no
//! guess either: the draft keeps the language it has.
//!
//! This module is pure: no I/O, the same answer in the app and the CLI.

use whatlang::{Detector, Lang};

/// Fewer words than this, and the text says too little to tell its language.
pub const MIN_WORDS: usize = 4;

/// How much of a long text is read.
const READ_CHARS: usize = 2_000;

/// The language codes a guess can be: the languages the editor offers.
pub const LANGUAGES: [&str; 8] = ["nb", "nn", "en", "sv", "da", "de", "fr", "es"];

/// whatlang's languages that Podium offers, and the code the networks take for each.
/// (whatlang knows no nynorsk; `nn` comes from the word rule.)
const OFFERED: [(Lang, &str); 7] = [
    (Lang::Nob, "nb"),
    (Lang::Dan, "da"),
    (Lang::Swe, "sv"),
    (Lang::Eng, "en"),
    (Lang::Deu, "de"),
    (Lang::Fra, "fr"),
    (Lang::Spa, "es"),
];

/// Written in both Norwegian forms, never in Danish.
const NORWEGIAN: &str = "\
    av enn ennå takk hei nei nå ut opp gjennom tilbake litt alltid aldri meg deg seg vår vårt \
    våre fått blitt veldig spørsmål arbeid tilbakemelding tilbakemeldinger gir sjef sjefen \
    etter sånn kanskje lese hadde";

/// Bokmål, neither nynorsk nor Danish.
const BOKMAL: &str = "\
    hva noe noen mye uke uka uken gjør gjøre viktigste hvilken";

/// Bokmål (and Danish), not nynorsk: with [`BOKMAL`], what speaks against nynorsk.
const NOT_NYNORSK: &str = "\
    jeg ikke hvem hvor hvordan hvorfor fra selv hun leder ledere ledelse tror bare en et være \
    vært";

/// Nynorsk only.
const NYNORSK: &str = "\
    eg ikkje kva kvar kven korleis kvifor kvarandre meir ein eit frå berre noko nokon nokre \
    dei deira vere vore vert verte òg heile mykje medan eigen eigne sjølv leiar leiarar leiing \
    trur gjer gjere veke veka viktigaste heim kjem fekk seie seier snakkar handlar";

/// Danish, never Norwegian.
const DANISH: &str = "\
    af hvad meget nogen noget nogle efter uge ugen bliver blive blevet gør gøre sige siger mig \
    dig sig nu ud op igennem tilbage måske lidt altid aldrig sådan endnu havde nej hej tak \
    tænke tænker vores jeres medarbejdere medarbejderne arbejde virksomhed spørgsmål viden \
    vigtigste vigtigt søger giver end";

/// Common to the Scandinavian languages (and rare in English, German, French and Spanish):
/// with the lists above, what makes an unsure guess Scandinavian.
const SCANDINAVIAN: &str = "\
    jeg ikke og det er hvordan hvorfor hvis også til med på din ditt dit mitt min dere som har \
    kan skal vil må fra hver ledelse leder ledere godt gode mange å";

/// The first [`READ_CHARS`] characters of `text`: enough to tell its language, and a pasted
/// book costs no more than a post.
fn head(text: &str) -> &str {
    text.char_indices()
        .nth(READ_CHARS)
        .map_or(text, |(at, _)| &text[..at])
}

/// The words of a post: hashtags count as the word they hold, links and @mentions do not.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !w.starts_with('@') && !w.contains("://") && !w.starts_with("www."))
        .map(|w| w.trim_start_matches('#'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect()
}

/// How many of `words` are in `list` (words separated by spaces).
fn count(words: &[String], list: &str) -> usize {
    words
        .iter()
        .filter(|w| list.split_whitespace().any(|l| l == w.as_str()))
        .count()
}

/// Bokmål, nynorsk or Danish, for a text already taken to be one of the three.
fn scandinavian(words: &[String]) -> &'static str {
    let nynorsk = count(words, NYNORSK);
    let bokmal = count(words, BOKMAL) + count(words, NOT_NYNORSK);
    let norwegian = count(words, NORWEGIAN) + count(words, BOKMAL) + nynorsk;
    if count(words, DANISH) > norwegian {
        "da"
    } else if nynorsk >= 2 && nynorsk > bokmal {
        "nn"
    } else {
        "nb"
    }
}

fn looks_scandinavian(words: &[String]) -> bool {
    let marked = [NORWEGIAN, BOKMAL, NYNORSK, DANISH, SCANDINAVIAN]
        .iter()
        .map(|list| count(words, list))
        .sum::<usize>();
    marked >= 2 && marked * 3 >= words.len()
}

/// The language `text` is written in, as one of [`LANGUAGES`]; `None` when it is too short
/// to tell (fewer than [`MIN_WORDS`] words) or clearly in a language the editor does not offer.
pub fn detect(text: &str) -> Option<&'static str> {
    let words = words(head(text));
    if words.len() < MIN_WORDS {
        return None;
    }
    let plain = words.join(" ");
    // Another language, and whatlang fairly sure of it (a short Finnish post scores ≈ 0.56; an
    // English one it misreads as Dutch ≈ 0.01): no guess rather than a wrong one.
    if let Some(info) = whatlang::detect(&plain) {
        let sure = info.is_reliable() || info.confidence() >= 0.5;
        if sure && !OFFERED.iter().any(|(lang, _)| *lang == info.lang()) {
            return None;
        }
    }
    let offered = Detector::with_allowlist(OFFERED.iter().map(|(lang, _)| *lang).collect());
    let info = offered.detect(&plain)?;
    match info.lang() {
        Lang::Nob | Lang::Dan => Some(scandinavian(&words)),
        Lang::Swe => Some("sv"),
        _ if !info.is_reliable() && looks_scandinavian(&words) => Some(scandinavian(&words)),
        lang => OFFERED
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, code)| *code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(want: Option<&str>, texts: &[&str]) {
        let wrong: Vec<String> = texts
            .iter()
            .filter(|t| detect(t) != want)
            .map(|t| format!("{t:?} → {:?}", detect(t)))
            .collect();
        assert!(
            wrong.is_empty(),
            "expected {want:?}:\n  {}",
            wrong.join("\n  ")
        );
    }

    #[test]
    fn bokmal_posts_are_bokmal_even_where_whatlang_says_danish() {
        check(
            Some("nb"),
            &[
                // whatlang alone: Danish.
                "Gode ledere deler læring. #ledelse",
                "Jeg tror at god ledelse handler om å lytte mer enn man snakker.",
                "Takk for i dag!",
                "Hvorfor er det så vanskelig å gi ærlige tilbakemeldinger?",
                "Ledelse er ikke en tittel, det er en handling.",
                "Tre ting jeg har lært som leder i år:",
                // whatlang alone: German, at zero confidence.
                "Hvordan gir du tilbakemelding til sjefen din?",
                // whatlang alone: bokmål.
                "Gode ledere deler læring med teamet sitt hver uke. #ledelse",
                "Hva har du lært av teamet ditt denne uken?",
                "Vi ansetter! Bli med på laget vårt i Oslo. #jobb",
                "Møtet i dag var det beste vi har hatt på lenge.",
                "Tillit bygges i små øyeblikk, hver eneste dag.",
                "Stolt av teamet mitt i dag. Dere er best!",
                "God ledelse starter med å stille gode spørsmål.",
                "Psykologisk trygghet er grunnlaget for gode team.",
                "Kultur spiser strategi til frokost, sa Drucker. Han hadde rett.",
                "Det viktigste jeg gjør som leder er å gi folk tid.",
                "Flott møte med ledergruppen i Bergen i dag. #leadership",
            ],
        );
    }

    #[test]
    fn danish_posts_stay_danish() {
        check(
            Some("da"),
            &[
                "Jeg tror at god ledelse handler om at lytte mere end man taler.",
                "Hvad har du lært af dit team i denne uge?",
                "Gode ledere deler deres viden med medarbejderne. #ledelse",
                "Det vigtigste jeg gør som leder er at give folk tid.",
                "Tak for i dag!",
                // whatlang alone: bokmål.
                "Vi søger en ny kollega til vores team i København.",
            ],
        );
    }

    #[test]
    fn nynorsk_posts_are_nynorsk_though_whatlang_knows_no_nynorsk() {
        check(
            Some("nn"),
            &[
                "Eg trur at god leiing handlar om å lytte meir enn ein snakkar.",
                "Kva har du lært av teamet ditt denne veka?",
                "Gode leiarar deler læring med kvarandre. #leiing",
                "Det viktigaste eg gjer som leiar er å gi folk tid.",
            ],
        );
    }

    #[test]
    fn swedish_english_german_french_and_spanish_posts_are_told_apart() {
        check(
            Some("sv"),
            &[
                "Jag tror att bra ledarskap handlar om att lyssna mer än man pratar.",
                "Vad har du lärt dig av ditt team den här veckan?",
                "Det viktigaste jag gör som ledare är att ge folk tid.",
            ],
        );
        check(
            Some("en"),
            &[
                // whatlang alone, among all its languages: Dutch.
                "I believe good leadership is about listening more than talking.",
                "Good leaders share what they learn. #leadership",
                "Three things I learned as a leader this year:",
                "Culture eats strategy for breakfast.",
                "We are hiring! Join our team in Oslo. #jobs",
                "At the end of the day, trust is what matters most in a team.",
                "Great meeting with the leadership team in Bergen today. #ledelse",
            ],
        );
        check(
            Some("de"),
            &["Wir suchen neue Kolleginnen und Kollegen für unser Team."],
        );
        check(
            Some("fr"),
            &["Nous recrutons de nouveaux collègues pour notre équipe."],
        );
        check(
            Some("es"),
            &["Buscamos nuevos compañeros para nuestro equipo."],
        );
    }

    #[test]
    fn fewer_than_four_words_give_no_guess() {
        check(
            None,
            &[
                "",
                "   ",
                "Takk!",
                "Thanks for today!",
                "Tack för idag!",
                "#ledelse #leiing #leadership",
            ],
        );
    }

    #[test]
    fn links_and_mentions_are_not_words() {
        check(
            None,
            &["@ola @kari https://example.no/a-long-english-path Takk!"],
        );
        check(
            Some("nb"),
            &["@ola Takk for en flott dag! https://example.no"],
        );
    }

    #[test]
    fn a_language_the_editor_does_not_offer_gives_no_guess() {
        check(
            None,
            &[
                "Hyvä johtaja kuuntelee enemmän kuin puhuu.",
                "Dobry lider słucha więcej niż mówi.",
            ],
        );
    }

    #[test]
    fn a_long_text_is_read_only_as_far_as_it_takes() {
        let long = "Gode ledere deler læring med teamet sitt hver uke. ".repeat(2_000);
        assert_eq!(detect(&long), Some("nb"));
        assert_eq!(head("æøå"), "æøå");
        assert_eq!(
            head(&"å".repeat(READ_CHARS + 5)).chars().count(),
            READ_CHARS
        );
    }

    proptest::proptest! {
        #[test]
        fn every_guess_is_a_language_the_editor_offers(text in "\\PC{0,200}") {
            if let Some(code) = detect(&text) {
                proptest::prop_assert!(LANGUAGES.contains(&code));
            }
        }
    }
}
