//! Time and peak memory to take a 12-megapixel phone photo (with GPS EXIF) from the file a user
//! attaches to the copies each network gets: stored once (upright, metadata stripped), then
//! prepared for Bluesky, Mastodon, X and LinkedIn. `cargo xtask bench media` runs it in release.
//!
//! The photo is written by a first run of this program; a second run (a fresh process, so its
//! peak resident memory is the preparation's own) reads it, does the work five times and prints
//! each step's time and the process's peak resident set (`VmHWM`).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use podium_core::network::Network;
use podium_media::{ingest, prepare_for, sample};

const NETWORKS: [Network; 4] = [
    Network::Bluesky,
    Network::Mastodon,
    Network::X,
    Network::Linkedin,
];

/// The process's peak resident set and its current one, in MiB (Linux's /proc).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        // First run: write the photo, then measure in a fresh process.
        let dir = std::env::temp_dir().join(format!("podium-photo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("photo-12mp.jpg");
        let jpeg = sample::photo_jpeg(4000, 3000).unwrap();
        std::fs::write(&path, sample::with_gps_exif(&jpeg, 6)).unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .arg(&path)
            .status()
            .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        std::process::exit(status.code().unwrap_or(1));
    };
    let (_, before) = memory();
    let original = std::fs::read(&path).unwrap();
    println!(
        "==> a 4000×3000 JPEG with GPS EXIF, {:.2} MB, prepared 5 times",
        original.len() as f64 / 1e6
    );
    let mut totals = Vec::new();
    for run in 1..=5 {
        let start = Instant::now();
        let stored = ingest(&original).unwrap();
        let stored_ms = start.elapsed().as_secs_f64() * 1e3;
        let mut line = format!(
            "    run {run}: stored {}×{} {:.0} KB in {stored_ms:.0} ms",
            stored.width,
            stored.height,
            stored.bytes.len() as f64 / 1e3
        );
        for network in NETWORKS {
            let t = Instant::now();
            let prepared = prepare_for(&stored.bytes, network, None).unwrap();
            line.push_str(&format!(
                "; {} {}×{} {:.0} KB {:.0} ms",
                network.name(),
                prepared.width,
                prepared.height,
                prepared.bytes.len() as f64 / 1e3,
                t.elapsed().as_secs_f64() * 1e3
            ));
        }
        let total = start.elapsed().as_secs_f64() * 1e3;
        totals.push(total);
        println!("{line}; all {total:.0} ms");
    }
    totals.sort_by(f64::total_cmp);
    let (peak, _) = memory();
    println!(
        "    stored and prepared for four networks: median {:.0} ms, worst {:.0} ms",
        totals[totals.len() / 2],
        totals[totals.len() - 1]
    );
    println!(
        "    peak resident memory {peak:.0} MiB ({:.0} MiB above the {before:.0} MiB the process started with)",
        peak - before
    );
}
