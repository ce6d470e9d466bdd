//! Search benchmark: 100,000 drafts of Zipf-distributed words (as in real text) in a real
//! database file, then the kinds of query a user types, timed one by one. Prints p50, p95, p99 and the worst time per kind of
//! query (the target: p95 under 5 ms).
//!
//! Run: `cargo bench -p podium-store --bench search` (or `cargo xtask bench`).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use podium_core::draft::DraftState;
use podium_core::text::check::Network;
use podium_store::{Filter, NewDraft, Store};

const DRAFTS: usize = 100_000;

/// The most common words of Norwegian and English posts, most common first; the rest of the
/// vocabulary is made of syllables. Words are drawn Zipf-distributed (rank r with probability
/// ∝ 1/r), as in real text: a handful of words are in most drafts, topic words in a few
/// percent, most words in very few.
const COMMON: &[&str] = &[
    "og",
    "i",
    "er",
    "det",
    "vi",
    "på",
    "for",
    "med",
    "som",
    "til",
    "the",
    "and",
    "to",
    "of",
    "en",
    "av",
    "har",
    "om",
    "a",
    "in",
    "is",
    "we",
    "our",
    "at",
    "ikke",
    "kan",
    "skal",
    "nå",
    "alle",
    "mer",
    "mange",
    "nye",
    "godt",
    "dag",
    "år",
    "team",
    "kunder",
    "people",
    "today",
    "ledelse",
    "kultur",
    "strategi",
    "tillit",
    "mennesker",
    "medarbeidere",
    "vekst",
    "bærekraft",
    "innovasjon",
    "leadership",
    "culture",
    "strategy",
    "trust",
    "growth",
    "Tromsø",
    "Bodø",
    "Oslo",
    "Bergen",
    "fremtiden",
    "økonomi",
    "ansvar",
    "åpenhet",
    "samarbeid",
    "resultater",
    "kvartal",
    "rekruttering",
    "ingeniører",
    "sikkerhet",
    "digitalisering",
    "energi",
    "styret",
    "møtet",
    "lærte",
    "board",
    "quarter",
    "hiring",
    "engineers",
    "security",
    "energy",
    "future",
    "learned",
    "meeting",
    "customers",
];
const SYLLABLES: &[&str] = &[
    "ba", "ke", "lo", "ri", "sta", "ner", "ting", "gå", "hus", "vel", "dri", "for", "mø", "sk",
    "al", "pro", "sj", "ek", "tek", "ni", "kk", "ord", "lan", "de", "bu", "ærl", "ig",
];
const TAGS: &[&str] = &[
    "ledelse",
    "kultur",
    "Q4",
    "rekruttering",
    "styret",
    "energi",
];
const VOCABULARY: usize = 30_000;

/// A small deterministic generator (xorshift), so every run searches the same drafts.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

struct Words {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Words {
    fn new(rng: &mut Rng) -> Words {
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < VOCABULARY {
            let n = 2 + (rng.next() % 3) as usize;
            let w: String = (0..n).map(|_| rng.pick(SYLLABLES)).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cdf = Vec::with_capacity(words.len());
        let mut total = 0.0;
        for rank in 1..=words.len() {
            total += 1.0 / rank as f64;
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Words { words, cdf }
    }

    fn draw(&self, rng: &mut Rng) -> &str {
        let u = rng.unit();
        let i = self
            .cdf
            .partition_point(|&c| c < u)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

fn draft(rng: &mut Rng, words: &Words) -> NewDraft {
    let len = 8 + (rng.next() % 50) as usize;
    let mut text = String::new();
    for i in 0..len {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(words.draw(rng));
        if rng.next().is_multiple_of(11) {
            text.push('.');
        }
    }
    if rng.next().is_multiple_of(4) {
        text.push_str(&format!(" #{}", rng.pick(TAGS)));
    }
    if rng.next().is_multiple_of(5) {
        text.push_str(&format!(" https://podium.example/{}", rng.next() % 10_000));
    }
    NewDraft {
        text,
        networks: vec![Network::X, Network::Linkedin],
        tags: vec![rng.pick(TAGS).to_owned()],
        goal: Some(
            rng.pick(&["visibility", "credibility", "culture", "reputation"])
                .to_owned(),
        ),
        state: Some(
            [DraftState::Idea, DraftState::Draft, DraftState::Ready][(rng.next() % 3) as usize],
        ),
        ..NewDraft::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // PODIUM_BENCH_KEEP=FILE keeps the database for a closer look.
    let path = match std::env::var_os("PODIUM_BENCH_KEEP") {
        Some(keep) => {
            let _ = std::fs::remove_file(&keep);
            std::path::PathBuf::from(keep)
        }
        None => dir.path().join("podium.sqlite3"),
    };
    let mut store = Store::open(&path).unwrap();
    let mut rng = Rng(0x5EED_CAFE);
    let words = Words::new(&mut rng);
    let started = Instant::now();
    for _ in 0..DRAFTS {
        store.create_draft(draft(&mut rng, &words)).unwrap();
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "{DRAFTS} drafts written in {:.1} s ({:.0} µs per draft, one transaction each); database {:.0} MiB",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1e6 / DRAFTS as f64,
        size as f64 / 1048576.0
    );
    drop(store);
    let store = Store::open(&path).unwrap();

    let kinds: &[(&str, &[&str])] = &[
        (
            "topic word",
            &[
                "ledelse",
                "Tromsø",
                "strategy",
                "bærekraft",
                "åpenhet",
                "møtet",
            ],
        ),
        (
            "prefix, 3+ letters",
            &[
                "led", "ledel", "kul", "strat", "bære", "åpe", "rekr", "ingen",
            ],
        ),
        ("prefix, 2 letters", &["le", "ku", "st", "øk", "tr", "ma"]),
        (
            "two words",
            &[
                "ledelse tillit",
                "kultur strategi",
                "trust leadership",
                "tromsø bodø",
            ],
        ),
        ("three words", &["ledelse tillit kultur", "vi er team"]),
        ("rare word", &["balotek", "stanerting", "kvantefysikk"]),
        ("stop word", &["og", "det", "the"]),
        (
            "filtered: ready",
            &["ledelse", "strat", "ledelse tillit", "og"],
        ),
    ];
    println!(
        "\n{:<20} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "query", "p50", "p95", "p99", "max", "hits"
    );
    let mut all = Vec::new();
    for (kind, queries) in kinds {
        let mut times = Vec::new();
        let mut hits = 0;
        for round in 0..30 {
            for q in *queries {
                let filter = Filter {
                    query: Some((*q).to_owned()),
                    limit: Some(50),
                    state: kind.starts_with("filtered").then_some(DraftState::Ready),
                    ..Filter::default()
                };
                let t = Instant::now();
                let found = store.list_drafts(&filter).unwrap();
                let elapsed = t.elapsed();
                if round > 0 {
                    times.push(elapsed);
                }
                hits = hits.max(found.len());
            }
        }
        times.sort();
        all.extend_from_slice(&times);
        println!(
            "{kind:<20} {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms {hits:>7}",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.95).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3,
        );
    }
    all.sort();
    println!(
        "{:<20} {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms",
        "all queries",
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.95).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3,
    );

    let mut list_times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let n = store
            .list_drafts(&Filter {
                limit: Some(10_000),
                ..Filter::default()
            })
            .unwrap()
            .len();
        list_times.push(t.elapsed());
        assert_eq!(n, 10_000);
    }
    list_times.sort();
    println!(
        "\nlist of the newest 10,000 drafts: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&list_times, 0.5).as_secs_f64() * 1e3,
        percentile(&list_times, 0.95).as_secs_f64() * 1e3
    );
    let t = Instant::now();
    drop(store);
    let reopened = Store::open(&path).unwrap();
    println!(
        "open (probe, quick_check, migrate): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    drop(reopened);
}
