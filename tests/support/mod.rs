//! What the end-to-end tests share: the real app under `tauri-driver`, each run in a home
//! folder of its own (its own database, settings and WebKit storage), and helpers that wait
//! for the UI the way a person would.

#![allow(dead_code)] // Each test file uses a different part of this.

pub mod hub;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub const NEEDS: &str = "needs a display and tauri-driver: run `cargo xtask test`";

/// One app at a time: two cores, and WebKit is heavy.
pub static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The `tauri-driver` process, stopped when dropped — also when starting the session fails
/// (a `Child` is not stopped by dropping it).
pub struct Driver(Child);

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
pub struct App {
    pub client: Client,
    // Declared after `client`, so it is dropped (stopped) last.
    _driver: Driver,
    /// The home folder the app runs in (kept while the app runs).
    pub home: PathBuf,
}

impl App {
    /// Starts the app under a fresh tauri-driver. The driver's ports are picked free and then
    /// handed over, so another process can rarely take one in between: one retry covers that.
    /// Starts the app with its home folder in `home` (`data/`, `config/`, `cache/` below it):
    /// a fresh folder gives a first start, the same folder again a restart.
    pub async fn start(home: &Path) -> App {
        App::start_env(home, &[]).await
    }

    /// Starts the app with extra environment variables (e.g. the OS locale).
    pub async fn start_env(home: &Path, env: &[(&str, &str)]) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: the end-to-end tests {NEEDS}"
        );
        // A busy machine (two apps starting at once on two cores) now and then has the driver
        // drop its first request: a pause and another try cover that.
        let mut failed = Vec::new();
        for _ in 0..3 {
            match App::try_start(home, env).await {
                Ok(app) => return app,
                Err(why) => {
                    eprintln!("starting the app failed ({why}); trying again");
                    failed.push(why);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        panic!("cannot start the app: {}", failed.join("; then: "))
    }

    pub async fn try_start(home: &Path, env: &[(&str, &str)]) -> Result<App, String> {
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
                // The driver passes its environment to WebKitWebDriver, which passes it to the app.
                .env("XDG_DATA_HOME", home.join("data"))
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_CACHE_HOME", home.join("cache"))
                .envs(env.iter().copied())
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
            serde_json::json!({ "application": app_binary() }),
        );
        // Plain http to tauri-driver on 127.0.0.1: no TLS in the test build.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| format!("no WebDriver session with the app: {e}"))?;
        Ok(App {
            client,
            _driver: driver,
            home: home.to_owned(),
        })
    }

    /// What the text area holds.
    pub async fn editor_value(&self) -> String {
        self.editor()
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn editor(&self) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#post-text"))
            .await
            .expect("the editor's text area")
    }

    /// The element's text, or `None` while it does not exist (the UI builds parts of itself
    /// after the page has loaded).
    pub async fn text_of(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    /// Waits until the element exists and its text is `expected` (the UI updates after Rust
    /// answers).
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
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
    pub async fn counter_state(&self, network: &str) -> Option<String> {
        self.client
            .find(Locator::Css(&format!("#counter-{network}")))
            .await
            .unwrap_or_else(|e| panic!("counter for {network}: {e}"))
            .attr("data-state")
            .await
            .unwrap_or_else(|e| panic!("counter for {network}: {e}"))
    }

    /// A screenshot of the app's window as the X server shows it (as a person sees it). Taken
    /// with `xdotool` and ImageMagick's `import`, not WebDriver: WebKitWebDriver's screenshot
    /// hangs when WebKit draws without compositing, which is how Podium runs on Linux.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Let the last change paint.
        tokio::time::sleep(Duration::from_millis(150)).await;
        let dir = output_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        // Now and then the X server hands out a frame not yet drawn (all black, a few KiB as
        // PNG): take it again.
        for _ in 0..5 {
            let window = self.window_id().unwrap_or_else(|| "root".to_owned());
            if window != "root" {
                // With two apps on one display, this one's window comes to the front first.
                let _ = Command::new("xdotool")
                    .args(["windowraise", &window])
                    .status();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let status = Command::new("import")
                .args(["-window", &window])
                .arg(&path)
                .status()
                .expect("ImageMagick's import (apt package imagemagick)");
            assert!(status.success(), "import could not capture the window");
            if std::fs::metadata(&path).map_or(0, |m| m.len()) > 10_000 {
                println!("screenshot: {}", path.display());
                return path;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        // Said, not failed: the picture is for people to look at, and the test's assertions
        // are about the window's content.
        println!(
            "screenshot: {} — still an undrawn frame after 5 tries; look again",
            path.display()
        );
        path
    }

    /// The X window of this app (found by its process when several apps run at once).
    fn window_id(&self) -> Option<String> {
        let by_pid = app_pid(&self.home).map(|pid| pid.to_string());
        let mut args = vec!["search", "--all", "--onlyvisible"];
        if let Some(pid) = by_pid.as_deref() {
            args.extend(["--pid", pid]);
        }
        // The pattern last: xdotool reads the options before it.
        args.extend(["--name", "^Podium$"]);
        let found = Command::new("xdotool")
            .args(&args)
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|ids| ids.lines().last().map(str::to_owned));
        found.or_else(|| {
            Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", "^Podium$"])
                .output()
                .ok()
                .and_then(|o| String::from_utf8(o.stdout).ok())
                .and_then(|ids| ids.lines().next().map(str::to_owned))
        })
    }

    /// Ends the WebDriver session, which closes the app; `Drop` then stops the driver.
    pub async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The package folder: cargo sets `CARGO_MANIFEST_DIR` when it runs tests; the compile-time value
/// can be stale when several checkouts share one build cache.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

pub fn output_dir() -> PathBuf {
    std::env::var_os("PODIUM_TEST_OUTPUT").map_or_else(
        || manifest_dir().join("target").join("test-output"),
        PathBuf::from,
    )
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs one end-to-end scenario with a fresh app in a home folder of its own; the app is
/// stopped even when it fails.
pub fn scenario(body: impl AsyncFnOnce(&App)) {
    let home = tempfile::tempdir().unwrap();
    let _one = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::start(home.path()).await;
        body(&app).await;
        app.stop().await;
    });
}

/// Runs a scenario with two apps at once, each in a home folder of its own (its own database,
/// settings, WebKit storage and data folders: two devices of one person, or two people, on one
/// machine; they share the session's keyring as such devices do). Both are stopped even when
/// it fails.
pub fn scenario_two(body: impl AsyncFnOnce(&App, &App)) {
    let (home_a, home_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let _one = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let a = App::start(home_a.path()).await;
        let b = App::start(home_b.path()).await;
        body(&a, &b).await;
        a.stop().await;
        b.stop().await;
    });
}

/// Runs a scenario that starts (and restarts) the app itself in `home`.
pub fn scenario_in(body: impl AsyncFnOnce(&Path)) {
    let home = tempfile::tempdir().unwrap();
    let _one = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        body(home.path()).await;
    });
}

/// The app's data folder when it runs with `home` as its home folder (`podium.sqlite3`,
/// `logs/`, `backups/` are in it).
pub fn app_data(home: &Path) -> PathBuf {
    home.join("data").join("no.podium.desktop")
}

/// Everything the app running in `home` has logged so far (empty before its first line).
pub fn app_log(home: &Path) -> String {
    std::fs::read_dir(app_data(home).join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|f| std::fs::read_to_string(f.path()).ok())
        .collect()
}

/// The pid of the Podium process running with `home` as its home folder.
pub fn app_pid(home: &Path) -> Option<u32> {
    let wanted = format!("XDG_DATA_HOME={}", home.join("data").display());
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        // The installed name, or the binary under test (cargo's hashed copy is
        // `podium_desktop-…`).
        let under_test = Path::new(&app_binary()).file_name().map(|n| n.to_owned());
        if !exe.to_string_lossy().contains("podium-desktop")
            && exe.file_name() != under_test.as_deref()
        {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
            return Some(pid);
        }
    }
    None
}

impl App {
    /// Waits (up to 10 s) until `probe` answers `Some`, polling as a person would glance.
    pub async fn until<T>(&self, what: &str, mut probe: impl AsyncFnMut(&App) -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(found) = probe(self).await {
                return found;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let why = self.what_went_wrong(what).await;
                panic!("gave up waiting: {what}{why}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// What a person would look at when the app does not do what they expected: the errors the
    /// window shows, the warnings in the app's log, and a screenshot (named after the step).
    /// CI keeps only the output, so a failure has to tell its own story.
    pub async fn what_went_wrong(&self, step: &str) -> String {
        let shown = self
            .client
            .execute(
                "return [...document.querySelectorAll('.error-text, #toast, [role=alert]')]
                   .filter((e) => !e.hidden && e.textContent.trim())
                   .map((e) => `#${e.id}: ${e.textContent.trim()}`)",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
            .unwrap_or_default();
        let log = app_log(&self.home);
        let warnings: Vec<&str> = log
            .lines()
            .filter(|line| line.contains("WARN") || line.contains("ERROR"))
            .collect();
        let name: String = step
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let shot = self.screenshot(&format!("failed-{name}.png")).await;
        format!(
            "\n  the window shows: {shown:?}\n  the app log warns: {:?}\n  screenshot: {}",
            &warnings[warnings.len().saturating_sub(8)..],
            shot.display()
        )
    }

    /// Opens Settings (unless open) and picks `value` in its select `css`; Settings stays open.
    pub async fn choose_setting(&self, css: &str, value: &str) {
        let open = self
            .client
            .execute("return document.getElementById('settings').open", vec![])
            .await
            .unwrap();
        if open != serde_json::json!(true) {
            self.click("#settings-button").await;
        }
        let select = self.client.find(Locator::Css(css)).await.unwrap();
        select.select_by_value(value).await.unwrap();
    }

    /// Closes Settings.
    pub async fn close_settings(&self) {
        self.click("#settings form button[value='close']").await;
    }

    /// Waits until the autosave status says the draft is saved.
    pub async fn until_saved(&self) {
        self.until("the draft is saved", async |app| {
            let status = app.text_of("#save-status").await?;
            (status.starts_with("Saved") || status.starts_with("Lagret")).then_some(())
        })
        .await;
    }

    /// Waits until the text area holds `expected`.
    pub async fn until_editor_holds(&self, expected: &str) {
        let started = Instant::now();
        loop {
            let value = self.editor_value().await;
            if value == expected {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the editor holds {value:?}, expected {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Types `text` into the element `css` (a text field, or a file input given a path).
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| {
                panic!("no {css} to type into: {e}");
            });
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Clicks the element once it exists and takes the click.
    pub async fn click(&self, css: &str) {
        let mut last: String;
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => match element.click().await {
                    Ok(_) => return,
                    Err(e) => last = e.to_string(),
                },
                Err(e) => last = e.to_string(),
            }
            if started.elapsed() > Duration::from_secs(10) {
                let why = self.what_went_wrong(&format!("click {css}")).await;
                panic!("cannot click {css}: {last}{why}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// The text content of all elements matching `css`. (Read from the DOM: WebDriver's
    /// "visible text" drops text in the list's clipped, transformed rows.)
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let found = self
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap_or_default();
        serde_json::from_value(found).unwrap_or_default()
    }
}

/// The app under test: `$PODIUM_APP` (the benchmarks use the release build), else the binary
/// cargo built for these tests.
pub fn app_binary() -> String {
    std::env::var("PODIUM_APP")
        .ok()
        .or_else(|| option_env!("CARGO_BIN_EXE_podium-desktop").map(str::to_owned))
        .expect("set PODIUM_APP to the podium-desktop binary")
}
