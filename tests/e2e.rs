//! End-to-end tests: the real Podium binary in a real window, driven through `tauri-driver`
//! and WebKitWebDriver.
//!
//! They need a display and the drivers, so plain `cargo test` skips them (`#[ignore]`);
//! `cargo xtask test` provides a private Xvfb display, D-Bus session and XDG folders and runs
//! them with `--include-ignored`. Screenshots go to `$PODIUM_TEST_OUTPUT`
//! (default `target/test-output/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use support::scenario;

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn window_is_titled_podium_and_shows_the_editor() {
    scenario(async |app| {
        assert_eq!(app.client.title().await.unwrap(), "Podium");
        let editor = app.editor().await;
        assert!(
            editor.is_displayed().await.unwrap(),
            "the text area is visible"
        );
        app.wait_for_text("#count-x", "0").await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn typing_norwegian_text_with_a_hashtag_shows_the_x_count_computed_in_rust() {
    const POST: &str = "Gode ledere deler det de lærer – på tvers av Østlandet og Tromsø. #ledelse";
    // 74 characters, each weighing 1 on X (æ, ø, Ø and the en dash are in X's light ranges).
    let expected = podium_core::text::x::weighted_length(POST);
    assert_eq!(expected, 74, "the Rust engine's own count of the post");
    scenario(async |app| {
        app.editor().await.send_keys(POST).await.unwrap();
        app.wait_for_text("#count-x", &expected.to_string()).await;
        app.wait_for_text("#remaining-x", &format!("{} left", 280 - expected))
            .await;
        let typed = app.editor_value().await;
        assert_eq!(typed, POST, "the text area holds exactly what was typed");
        app.screenshot("editor-norwegian.png").await;
    });
}

/// The counters and highlights change with the character typed, not a frame later: when the
/// text area's input event has been handled, the count already includes the new character.
#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_count_changes_in_the_same_frame_as_the_character_typed() {
    scenario(async |app| {
        app.editor().await.send_keys("Hei").await.unwrap();
        app.wait_for_text("#count-x", "3").await;
        let seen = app
            .client
            .execute(
                "const t = document.getElementById('post-text');
                 t.value += ' #ledelse';
                 t.dispatchEvent(new Event('input'));
                 return [document.getElementById('count-x').textContent,
                         document.querySelector('.backdrop .hl-hashtag')?.textContent ?? null];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(seen, serde_json::json!(["12", "#ledelse"]));
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_post_over_the_limit_is_flagged_and_a_screenshot_is_saved() {
    scenario(async |app| {
        let long = "Ærlig talt: ".repeat(25); // 12 × 25 = 300
        app.editor().await.send_keys(&long).await.unwrap();
        app.wait_for_text("#count-x", "300").await;
        app.wait_for_text("#remaining-x", "20 over").await;
        let state = app.counter_state("x").await;
        assert_eq!(state.as_deref(), Some("over"));
        let path = app.screenshot("editor-over-limit.png").await;
        let mut header = [0u8; 8];
        std::fs::File::open(&path)
            .unwrap()
            .read_exact(&mut header)
            .unwrap();
        assert_eq!(&header, b"\x89PNG\r\n\x1a\n", "the screenshot is a PNG");
        assert!(
            std::fs::metadata(&path).unwrap().len() > 10_000,
            "the screenshot has content"
        );
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_webview_cannot_reach_the_network() {
    scenario(async |app| {
        // A listener on loopback that the page tries to reach; the CSP must stop the request
        // before it leaves the webview. Bound here, after the app's own ports are taken.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!(
            "http://127.0.0.1:{}/",
            listener.local_addr().unwrap().port()
        );
        let script = "const [url, done] = arguments; \
                      fetch(url).then(() => done('reached'), (e) => done('blocked: ' + e));";
        let outcome = app
            .client
            .execute_async(script, vec![serde_json::json!(url)])
            .await
            .unwrap();
        let outcome = outcome.as_str().unwrap_or_default().to_string();
        assert!(outcome.starts_with("blocked"), "fetch outcome: {outcome}");
        assert!(
            listener.accept().is_err(),
            "no connection reached the listener"
        );
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_part_over_the_limit_is_highlighted_in_the_text() {
    scenario(async |app| {
        let text = format!(
            "{} Dette får ikke plass.",
            "Ærlig talt: ".repeat(23).trim_end()
        );
        app.editor().await.send_keys(&text).await.unwrap();
        // 275 + 22 = 297 characters: the last 17 do not fit on X…
        app.wait_for_text("#remaining-x", "17 over").await;
        app.wait_for_text(".backdrop .hl-over", "e får ikke plass.")
            .await;
        // …but Bluesky allows 300 graphemes.
        app.wait_for_text("#remaining-bluesky", "3 left").await;
        app.screenshot("editor-over-limit-highlight.png").await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_camel_case_fix_is_applied_with_one_click() {
    scenario(async |app| {
        app.editor()
            .await
            .send_keys("Ledere og #sosialemedier")
            .await
            .unwrap();
        // The notes are redrawn as each keystroke's check returns: find the button for the
        // whole tag, and click it once the list has settled.
        let css = Locator::Css("[data-code='hashtag_camel_case'] .fix");
        let started = Instant::now();
        loop {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "no fix button for #sosialemedier"
            );
            let Ok(fix) = app.client.find(css).await else {
                tokio::time::sleep(Duration::from_millis(25)).await;
                continue;
            };
            if fix.text().await.ok().as_deref() != Some("Change to #SosialeMedier") {
                tokio::time::sleep(Duration::from_millis(25)).await;
                continue;
            }
            app.screenshot("editor-notes.png").await;
            match app.client.find(css).await {
                Ok(fix) if fix.click().await.is_ok() => break,
                _ => continue,
            }
        }
        let started = Instant::now();
        loop {
            let value = app.editor_value().await;
            if value == "Ledere og #SosialeMedier" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "text after the fix: {value:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        app.wait_for_text(".backdrop .hl-hashtag", "#SosialeMedier")
            .await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn an_empty_editor_is_calm_until_something_is_typed() {
    scenario(async |app| {
        app.editor().await;
        app.wait_for_text("#remaining-x", "280 left").await;
        for network in ["x", "bluesky", "mastodon", "linkedin", "threads"] {
            let state = app.counter_state(network).await;
            assert_eq!(state.as_deref(), Some("ok"), "{network} on an empty editor");
        }
        let notes = app
            .client
            .find_all(Locator::Css("#notes li"))
            .await
            .unwrap();
        assert!(notes.is_empty(), "no notes before anything is typed");
        app.screenshot("editor-empty.png").await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_trailing_space_while_typing_is_not_flagged_but_leading_space_is() {
    scenario(async |app| {
        let editor = app.editor().await;
        editor.send_keys("Ledere deler ").await.unwrap();
        app.wait_for_text("#count-x", "13").await;
        let notes = app
            .client
            .find_all(Locator::Css("[data-code='whitespace_edges']"))
            .await
            .unwrap();
        assert!(notes.is_empty(), "no whitespace note mid-sentence");
        let home = char::from(fantoccini::key::Key::Home).to_string();
        editor.send_keys(&home).await.unwrap();
        editor.send_keys("  ").await.unwrap();
        app.wait_for_text("#count-x", "15").await;
        let started = Instant::now();
        while app
            .client
            .find(Locator::Css("[data-code='whitespace_edges']"))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "leading spaces are flagged"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    });
}
