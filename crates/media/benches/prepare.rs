//! How long preparing a 12-megapixel phone photo takes: stored once (upright, metadata
//! stripped), then one copy per network (`cargo bench -p podium-media`; peak memory: run it under
//! `/usr/bin/time -v`).

use criterion::{criterion_group, criterion_main, Criterion};
use podium_core::network::Network;
use podium_media::{ingest, prepare_for, sample};

fn prepare(c: &mut Criterion) {
    let jpeg = sample::photo_jpeg(4000, 3000).unwrap_or_default();
    let photo = sample::with_gps_exif(&jpeg, 1);
    let mut group = c.benchmark_group("media");
    group.sample_size(10);
    group.bench_function("12 MP JPEG stored and prepared for four networks", |b| {
        b.iter(|| {
            let Ok(stored) = ingest(&photo) else { return };
            for network in [
                Network::Bluesky,
                Network::Mastodon,
                Network::X,
                Network::Linkedin,
            ] {
                let _ = prepare_for(&stored.bytes, network, None);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, prepare);
criterion_main!(benches);
