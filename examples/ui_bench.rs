//! The editor's speed, measured in the real window (`cargo xtask bench` runs it under Xvfb
//! with the release build; it prints figures and asserts nothing about time):
//!
//! - start-up, with 10,000 drafts in the database: process start to the text area taking
//!   typing (the page's scripts running), and to the newest draft loaded in the editor;
//! - keystroke latency: a key typed into a 3,000-character post until the counters and
//!   highlights show the new check (timed in the page, from the input event's time stamp to
//!   the DOM updated; notes and preview follow in the next frame);
//! - scrolling the list of 10,000 drafts: frame times while it scrolls.
//!
//! Needs `PODIUM_APP` (the app binary), a display, and `tauri-driver` on the PATH or in
//! `$TAURI_DRIVER`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use podium_store::{NewDraft, Store};
use support::App;

const DRAFTS: usize = 10_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn summary(label: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "    {label:<34} n={:<4} p50 {:>6.2} ms   p95 {:>6.2} ms   max {:>6.2} ms",
        values.len(),
        percentile(&values, 0.5),
        percentile(&values, 0.95),
        values[values.len() - 1]
    );
}

fn main() {
    let home = tempfile::tempdir().unwrap();
    let db = support::app_data(home.path()).join("podium.sqlite3");
    let started = Instant::now();
    {
        let mut store = Store::open(&db).unwrap();
        let words = [
            "Ledelse",
            "handler",
            "om",
            "tillit",
            "og",
            "åpenhet",
            "i",
            "hele",
            "organisasjonen",
            "#ledelse",
            "vi",
            "ansetter",
            "ingeniører",
            "Bodø",
            "Tromsø",
            "kultur",
            "strategi",
        ];
        for i in 0..DRAFTS {
            let text: Vec<&str> = (0..(12 + i % 40))
                .map(|k| words[(i * 7 + k * 3) % words.len()])
                .collect();
            store
                .create_draft(NewDraft {
                    text: format!("Utkast {i}: {}", text.join(" ")),
                    tags: vec![["ledelse", "kultur", "Q4"][i % 3].to_owned()],
                    ..NewDraft::default()
                })
                .unwrap();
        }
    }
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!(
        "==> {DRAFTS} drafts written in {:.1} s ({:.1} MiB)",
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1048576.0
    );

    // Start-up, without WebDriver in the way: the app reports when its window is ready for
    // typing (the newest draft loaded into the editor) and quits.
    let app = support::app_binary();
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    let mut editable = Vec::new();
    for _ in 0..7 {
        let spawned = Instant::now();
        let mut child = Command::new(&app)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("PODIUM_BENCH_READY", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts");
        let stderr = BufReader::new(child.stderr.take().unwrap());
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(ms) = line.strip_prefix("podium-editable-ms ") {
                editable.push(ms.trim().parse::<f64>().unwrap());
            }
            if let Some(ms) = line.strip_prefix("podium-ready-ms ") {
                outside.push(spawned.elapsed().as_secs_f64() * 1e3);
                inside.push(ms.trim().parse::<f64>().unwrap());
                break;
            }
        }
        let _ = child.wait();
        // Let the last run's WebKit processes finish leaving before the next start.
        std::thread::sleep(Duration::from_millis(700));
    }
    println!("\n==> start-up with {DRAFTS} drafts (7 runs; the first is cold)");
    println!(
        "    each run, spawn → newest draft in the editor: {}",
        outside
            .iter()
            .map(|ms| format!("{ms:.0} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    summary("main() → text area takes typing", editable);
    summary("main() → newest draft in the editor", inside);
    summary("spawn → newest draft in the editor", outside);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::start(home.path()).await;
        app.until("the editor's scripts", async |app| {
            let ready = app
                .client
                .execute("return !!window.__podiumPerf", vec![])
                .await
                .ok()?;
            (ready == serde_json::json!(true)).then_some(())
        })
        .await;
        // Wait for the start to settle (the list loaded), then a new draft.
        app.until("the list of drafts", async |app| {
            let count = app.texts("#list-count").await.pop()?;
            (count.replace([',', ' ', '\u{a0}'], "").starts_with("10000")).then_some(())
        })
        .await;
        let idle = app
            .client
            .execute_async(
                "const [done] = arguments; const out = []; let last = performance.now(); let n = 0; \
                 const f = (now) => { out.push(now - last); last = now; if (++n < 60) requestAnimationFrame(f); else done(out.slice(1)); }; \
                 requestAnimationFrame(f);",
                vec![],
            )
            .await
            .unwrap();
        summary("idle frame interval, list loaded", serde_json::from_value(idle).unwrap());
        // A 3,000-character post with hashtags and links, then keys typed one by one at its end:
        // once as one long paragraph (the worst case for the text area's layout), once in ten
        // paragraphs (how long LinkedIn posts are written).
        let sentence = "Ledelse handler om tillit, åpenhet og mot #ledelse https://podium.no/les ";
        let mut post = sentence.repeat(3000 / sentence.chars().count() + 1);
        post.truncate(post.char_indices().nth(2990).map_or(post.len(), |(i, _)| i));
        let paragraphs: String = post
            .split_inclusive("/les ")
            .enumerate()
            .map(|(i, s)| if i % 4 == 3 { format!("{}\n\n", s.trim_end()) } else { s.to_owned() })
            .collect();
        for (label, text) in [("one paragraph", &post), ("ten paragraphs", &paragraphs)] {
            keystrokes(&app, label, text, &[]).await;
        }
        // The same with four phone photos attached (each 12 megapixels, through the file
        // picker): the editor stays as quick with images as without.
        let photos = tempfile::tempdir().unwrap();
        let jpeg = podium_media::sample::photo_jpeg(4000, 3000).unwrap();
        let paths: Vec<_> = (1..=4)
            .map(|k| {
                let path = photos.path().join(format!("photo-{k}.jpg"));
                std::fs::write(&path, podium_media::sample::with_gps_exif(&jpeg, 1)).unwrap();
                path
            })
            .collect();
        keystrokes(&app, "ten paragraphs, four 12-megapixel photos attached", &paragraphs, &paths)
            .await;

        // Where a keystroke's time goes: the IPC round trip and the check itself.
        let probe = app
            .client
            .execute_async(
                "const [text, done] = arguments; const { invoke } = window.__TAURI__.core; \
                 (async () => { const ipc = [], check = [], idle = []; \
                   for (let i = 0; i < 30; i++) { let t = performance.now(); await invoke('app_info'); ipc.push(performance.now() - t); \
                     t = performance.now(); await invoke('check_post', { text, lang: 'en' }); check.push(performance.now() - t); } \
                   let last = performance.now(); \
                   await new Promise((r) => { let n = 0; const f = (now) => { idle.push(now - last); last = now; if (++n < 60) requestAnimationFrame(f); else r(); }; requestAnimationFrame(f); }); \
                   done([ipc, check, idle.slice(1)]); })();",
                vec![serde_json::json!(post)],
            )
            .await
            .unwrap();
        let [ipc, check, idle]: [Vec<f64>; 3] = serde_json::from_value(probe).unwrap();
        summary("IPC round trip (app_info)", ipc);
        summary("check_post round trip", check);
        summary("idle frame interval", idle);

        // Scrolling the list: frame times while it scrolls 10,000 drafts, 3 rows per frame.
        let frames = app
            .client
            .execute_async(
                "const [done] = arguments; const list = document.getElementById('draft-list'); \
                 const out = []; let last = performance.now(); let n = 0; \
                 function step(now) { out.push(now - last); last = now; list.scrollTop += 186; \
                   if (++n < 300) requestAnimationFrame(step); else done(out.slice(1)); } \
                 requestAnimationFrame(step);",
                vec![],
            )
            .await
            .unwrap();
        let frames: Vec<f64> = serde_json::from_value(frames).unwrap();
        let slow = frames.iter().filter(|f| **f > 1000.0 / 60.0 * 1.5).count();
        let rows = app.texts(".draft-row").await.len();
        println!("\n==> scrolling the list of {DRAFTS} drafts ({rows} rows in the DOM at a time)");
        summary("frame interval", frames);
        println!("    frames slower than 25 ms: {slow} of 299");
        app.stop().await;
    });
}

/// Types keys at the end of `text` in a new draft and prints the keystroke latency.
async fn keystrokes(app: &App, label: &str, text: &str, images: &[std::path::PathBuf]) {
    app.click("#new-draft").await;
    app.until_editor_holds("").await;
    app.client
        .execute(
            "const t = document.getElementById('post-text'); t.value = arguments[0]; \
             t.dispatchEvent(new Event('input'));",
            vec![serde_json::json!(text)],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    for (k, image) in images.iter().enumerate() {
        let started = Instant::now();
        app.client
            .find(fantoccini::Locator::Css("#image-file"))
            .await
            .unwrap()
            .send_keys(&image.display().to_string())
            .await
            .unwrap();
        app.until("the photo in the editor", async |app| {
            (app.texts("#image-list .image").await.len() > k).then_some(())
        })
        .await;
        println!(
            "    photo {} attached and shown in {} ms",
            k + 1,
            started.elapsed().as_millis()
        );
    }
    if !images.is_empty() {
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    app.client
        .execute(
            "window.__podiumPerf.keystrokes = []; window.__podiumPerf.parts = []",
            vec![],
        )
        .await
        .unwrap();
    let editor = app.editor().await;
    for chunk in ["Vi", " ses", " på", " torsdag", " i", " Bodø", " #Nordland"].repeat(6) {
        for c in chunk.chars() {
            editor.send_keys(&c.to_string()).await.unwrap();
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let perf = app
        .client
        .execute("return window.__podiumPerf", vec![])
        .await
        .unwrap();
    let times: Vec<f64> = serde_json::from_value(perf["keystrokes"].clone()).unwrap();
    let parts: Vec<[f64; 3]> = serde_json::from_value(perf["parts"].clone()).unwrap();
    let length = app.editor_value().await.chars().count();
    println!("\n==> keystroke to counters and highlights updated: {length} characters, {label}");
    summary("keystroke → DOM updated", times);
    summary(
        "  of which: waiting to run",
        parts.iter().map(|p| p[0]).collect(),
    );
    summary(
        "  of which: check round trip",
        parts.iter().map(|p| p[1]).collect(),
    );
    summary("  of which: drawing", parts.iter().map(|p| p[2]).collect());
}
