//! End-to-end tests: the real Podium binary in a real window, driven through `tauri-driver`
//! and WebKitWebDriver.
//!
//! They need a display and the drivers, so plain `cargo test` skips them (`#[ignore]`);
//! `cargo xtask test` provides a private Xvfb display, D-Bus session and XDG folders and runs
//! them with `--include-ignored`. Screenshots go to `$PODIUM_TEST_OUTPUT`
//! (default `target/test-output/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const NEEDS: &str = "needs a display and tauri-driver: run `cargo xtask test`";

/// One app at a time: two cores, and WebKit is heavy.
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The `tauri-driver` process, stopped when dropped — also when starting the session fails
/// (a `Child` is not stopped by dropping it).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver (and with it the app) on its way out.
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let started = Instant::now();
        while matches!(self.0.try_wait(), Ok(None)) && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running app and the WebDriver session that controls it.
struct App {
    client: Client,
    // Declared after `client`, so it is dropped (stopped) last.
    _driver: Driver,
}

impl App {
    /// Starts the app under a fresh tauri-driver. The driver's ports are picked free and then
    /// handed over, so another process can rarely take one in between: one retry covers that.
    async fn start() -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: the end-to-end tests {NEEDS}"
        );
        match App::try_start().await {
            Ok(app) => app,
            Err(first) => {
                eprintln!("starting the app failed ({first}); trying once more");
                App::try_start()
                    .await
                    .unwrap_or_else(|again| panic!("cannot start the app: {first}; then: {again}"))
            }
        }
    }

    async fn try_start() -> Result<App, String> {
        let port = free_port();
        let native_port = free_port();
        let driver_bin = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let driver = Driver(
            Command::new(&driver_bin)
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot start {driver_bin:?} ({e}); the E2E tests {NEEDS}")
                }),
        );
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err(format!("tauri-driver did not listen on {port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_podium-desktop") }),
        );
        let client = ClientBuilder::rustls()
            .map_err(|e| format!("TLS setup for the WebDriver client: {e}"))?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| format!("no WebDriver session with the app: {e}"))?;
        Ok(App {
            client,
            _driver: driver,
        })
    }

    /// What the text area holds.
    async fn editor_value(&self) -> String {
        self.editor()
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    async fn editor(&self) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#post-text"))
            .await
            .expect("the editor's text area")
    }

    /// The element's text, or `None` while it does not exist (the UI builds parts of itself
    /// after the page has loaded).
    async fn text_of(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    /// Waits until the element exists and its text is `expected` (the UI updates after Rust
    /// answers).
    async fn wait_for_text(&self, css: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let text = self.text_of(css).await;
            if text.as_deref() == Some(expected) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{css} shows {text:?}, expected {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The `data-state` of a network's counter (`ok`, `near` or `over`).
    async fn counter_state(&self, network: &str) -> Option<String> {
        self.client
            .find(Locator::Css(&format!("#counter-{network}")))
            .await
            .unwrap_or_else(|e| panic!("counter for {network}: {e}"))
            .attr("data-state")
            .await
            .unwrap_or_else(|e| panic!("counter for {network}: {e}"))
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .expect("a screenshot of the window");
        let dir = output_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, &png).unwrap();
        println!("screenshot: {}", path.display());
        path
    }

    /// Ends the WebDriver session, which closes the app; `Drop` then stops the driver.
    async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The package folder: cargo sets `CARGO_MANIFEST_DIR` when it runs tests; the compile-time value
/// can be stale when several checkouts share one build cache.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn output_dir() -> PathBuf {
    std::env::var_os("PODIUM_TEST_OUTPUT").map_or_else(
        || manifest_dir().join("target").join("test-output"),
        PathBuf::from,
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs one end-to-end scenario with a fresh app; the app is stopped even when it fails.
fn scenario(body: impl AsyncFnOnce(&App)) {
    let _one = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::start().await;
        body(&app).await;
        app.stop().await;
    });
}

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
