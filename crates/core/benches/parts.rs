#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
use criterion::{criterion_group, criterion_main, Criterion};
use podium_core::text::x;
use std::hint::black_box;
use unicode_normalization::UnicodeNormalization;
fn parts(c: &mut Criterion) {
    let mut text = String::from("Gode ledere deler det de lærer – på tvers av Østlandet, Trøndelag og Nord-Norge. Vi har brukt våren på å lytte til medarbeiderne 🙌 og resultatet er klart: åpenhet bygger tillit. Les hele rapporten på https://www.podium.no/rapport/2026 👩‍💻🇳🇴 #ledelse #SosialeMedier");
    while text.chars().count() < 280 {
        text.push('!');
    }
    c.bench_function("nfc", |b| {
        b.iter(|| black_box(&text).nfc().collect::<String>().len())
    });
    c.bench_function("urls", |b| {
        b.iter(|| x::extract_urls(black_box(&text)).len())
    });
    c.bench_function("emoji", |b| {
        b.iter(|| x::emoji_spans(black_box(&text)).len())
    });
    c.bench_function("hashtags", |b| {
        b.iter(|| x::extract_hashtags(black_box(&text)).len())
    });
    c.bench_function("parse", |b| {
        b.iter(|| x::parse_tweet(black_box(&text), &x::CONFIG_V3).weighted_length)
    });
}
criterion_group!(benches, parts);
criterion_main!(benches);
