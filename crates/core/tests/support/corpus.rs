//! A deterministic corpus of realistic drafts for differential tests and benchmarks: Norwegian
//! and English prose, emoji of every kind, URLs with and without scheme, e-mail addresses,
//! hashtags touching punctuation, mentions, cashtags, decomposed letters and other traps.

/// splitmix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const NORWEGIAN: &[&str] = &[
    "ledelse",
    "Ledere",
    "må",
    "være",
    "til",
    "stede",
    "i",
    "sosiale",
    "medier",
    "og",
    "det",
    "handler",
    "om",
    "tillit",
    "Åpenhet",
    "skaper",
    "kultur",
    "på",
    "tvers",
    "av",
    "organisasjonen",
    "Vi",
    "deler",
    "læring",
    "fra",
    "Tromsø",
    "Ålesund",
    "Bodø",
    "Østfold",
    "blåbærsyltetøy",
    "ærlig",
    "øyeblikk",
    "strategi",
    "mål",
    "synlighet",
    "troverdighet",
    "omdømme",
    "stolthet",
    "hverdagen",
    "gründer",
    "styret",
    "møte",
    "kvartal",
    "«Ledelse",
    "handler",
    "om",
    "mennesker»",
    "næringsliv",
    "fremtid",
    "dialog",
    "medarbeidere",
    "kunder",
];

const ENGLISH: &[&str] = &[
    "Leaders",
    "who",
    "show",
    "up",
    "build",
    "trust",
    "with",
    "their",
    "teams",
    "and",
    "customers",
    "Today",
    "we",
    "launched",
    "a",
    "new",
    "plan",
    "for",
    "culture",
    "reputation",
    "visibility",
    "credibility",
    "It's",
    "not",
    "about",
    "likes",
    "it's",
    "about",
    "impact",
    "Thanks",
    "everyone",
    "who",
    "joined",
    "the",
    "town-hall",
    "Q3",
    "results",
    "are",
    "in",
];

const EMOJI: &[&str] = &[
    "😀",
    "🚀",
    "👍",
    "👍🏽",
    "👩‍💻",
    "👨‍👩‍👧‍👦",
    "🧑🏿‍🤝‍🧑🏻",
    "🇳🇴",
    "🇸🇪",
    "🇪🇺",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "1️⃣",
    "#️⃣",
    "❤️",
    "❤",
    "❤︎",
    "☀︎",
    "☀️",
    "✌🏽",
    "✌",
    "©",
    "©️",
    "®",
    "™️",
    "‼️",
    "🏳️‍🌈",
    "🏳️‍⚧️",
    "🫠",
    "🥹",
    "🫶🏼",
    "😶‍🌫️",
    "❤️‍🔥",
    "🧔‍♀️",
    "🙋🏽‍♂️",
    "🤌",
    "💯",
    "🎉",
    "📈",
    "🗳️",
    "⚽",
    "🇺🇦",
    "👋🏻",
];

const URLS: &[&str] = &[
    "https://podium.no",
    "https://www.nrk.no/nyheter/ledelse-1.2345",
    "http://example.com/path?a=1&b=2",
    "example.com",
    "www.regjeringen.no",
    "nrk.no/sport",
    "https://en.wikipedia.org/wiki/Oslo_(by)",
    "https://t.co/abc123XYZ",
    "HTTPS://EXAMPLE.COM/Big",
    "https://example.com/søk?q=æøå",
    "bit.ly/3xYz",
    "https://例子.测试",
    "https://xn--bcher-kva.example",
    "foo.bar.co.uk/x-y_z",
    "https://sub.domain.io:8080/p",
    "https://github.com/org/repo/pull/12#issuecomment-3",
    "www.example.com.",
    "https://example.com/(a)b",
    "https://ex-ample.no/",
    "test.invalidtld",
    "https://en.wikipedia.org/wiki/Ærø",
    "podium.app",
    "a.b.c.no",
    "https://www.linkedin.com/in/ola-nordmann/",
];

const EMAILS: &[&str] = &[
    "ola@example.com",
    "kari.nordmann@firma.no",
    "ñu@example.com",
    "café1@x",
    "post@nrk.no",
];

const TAG_WORDS: &[&str] = &[
    "ledelse",
    "sosialemedier",
    "Ledelse",
    "lederskap",
    "æøå",
    "Tromsø2025",
    "2014",
    "AI",
    "hr",
    "innovasjon",
    "øl",
    "ÅpenHet",
    "bærekraft",
    "digital_transformasjon",
    "KI",
    "oslo",
    "x",
    "7",
];

const PUNCT_BEFORE: &[&str] = &[
    "", "", "", "(", "«", "\"", "5", "a", "#", "@", ".", "-", "“", "'", "/",
];
const PUNCT_AFTER: &[&str] = &[
    "", "", "", ".", ",", "!", "?", ")", "»", ":", "…", "\"", "#", "://", "’s", "-",
];

const TRAPS: &[&str] = &[
    "a\u{030A}",
    "e\u{0301}",
    "o\u{0308}",
    "\u{200F}",
    "\u{202A}",
    "\u{2066}",
    "\u{FEFF}",
    "\u{00A0}",
    "日本語",
    "한국어",
    "ру́сский",
    "العربية",
    "ＡＢＣ",
    "＃タグ",
    "$NOK",
    "$AAPL",
    "$nhy.ol",
    "RT @ola:",
    "@ola_nordmann",
    "@Kari/ledere",
    "@x",
    "@ola.bsky.social",
    "@kari.test",
    "(@bob.example.com)",
    "@Ola.Bsky.Social.",
    "$nok",
    "($EQNR)",
    "$A1B2C3",
    "#️⃣",
    "#\u{FE0F}x",
    "＃",
    "# tag",
    "\u{1F1F3}",
    "\u{E0067}",
    "\n",
    "\n\n",
    "\t",
    "  ",
];

/// One realistic draft; `i` picks the mix so the corpus covers every kind of content.
pub fn draft(rng: &mut Rng) -> String {
    let words: &[&str] = if rng.chance(65) { NORWEGIAN } else { ENGLISH };
    let tokens = 3 + rng.below(45);
    let mut out = String::new();
    for t in 0..tokens {
        if t > 0 {
            out.push_str(if rng.chance(6) {
                ". "
            } else if rng.chance(4) {
                ", "
            } else {
                " "
            });
        }
        match rng.below(100) {
            0..=54 => out.push_str(rng.pick(words)),
            55..=64 => {
                out.push_str(rng.pick(PUNCT_BEFORE));
                out.push_str(if rng.chance(90) { "#" } else { "＃" });
                out.push_str(rng.pick(TAG_WORDS));
                out.push_str(rng.pick(PUNCT_AFTER));
            }
            65..=74 => {
                out.push_str(rng.pick(PUNCT_BEFORE));
                out.push_str(rng.pick(URLS));
                out.push_str(rng.pick(PUNCT_AFTER));
            }
            75..=84 => {
                out.push_str(rng.pick(EMOJI));
                if rng.chance(30) {
                    out.push_str(rng.pick(EMOJI));
                }
            }
            85..=88 => out.push_str(rng.pick(EMAILS)),
            _ => out.push_str(rng.pick(TRAPS)),
        }
    }
    if rng.chance(10) {
        // Long posts, to exercise the limit and the range that does not fit.
        let again = out.clone();
        out.push(' ');
        out.push_str(&again);
        out.push_str(&again);
    }
    out
}

/// Whole texts every differential run includes as they are: the characters X refuses (the
/// byte-order mark a text copied out of a file often starts with, and the two noncharacters)
/// in every place, and texts of only whitespace (or nothing), where the verdicts differ.
pub const EDGE_TEXTS: &[&str] = &[
    "\u{FEFF}Ledelse handler om tillit #ledelse",
    "\u{FEFF}",
    "\u{FEFF}\u{FEFF}Hei",
    "Hei\u{FEFF}",
    "Åpenhet\u{FFFE} bygger tillit",
    "\u{FFFF}",
    "Les https://podium.no/rapport\u{FEFF} nå",
    "\u{FEFF}https://podium.no/rapport",
    "#ledelse\u{FFFF} og @ola\u{FFFE}",
    "🚀\u{FEFF}👩‍💻\u{FFFF}🇳🇴",
    "Blåbær \u{FEFF}#ledelse",
    "\u{FFFE}\u{FFFF}\u{FEFF}",
    "",
    " ",
    "   ",
    "\n",
    "\t\n \n",
    "\u{3000}",
    "\u{00A0}",
    "\u{200B}",
    " \u{FEFF} ",
];

/// `n` drafts from `seed`, then [`EDGE_TEXTS`] and each of them made too long for X.
pub fn drafts(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut all: Vec<String> = (0..n).map(|_| draft(&mut rng)).collect();
    all.extend(EDGE_TEXTS.iter().map(|t| (*t).to_owned()));
    all.extend(
        EDGE_TEXTS
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| format!("{t} {}", "Ledelse er å lytte. ".repeat(14))),
    );
    all
}
