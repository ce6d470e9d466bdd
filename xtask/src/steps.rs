//! The tasks themselves.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{self, cargo, run, Result};
use crate::session::Session;

/// The app's binary name (`[[bin]]` in the root `Cargo.toml`, `mainBinaryName` in the config).
const APP_BIN: &str = "podium-desktop";
/// The window title the checks look for.
const WINDOW_TITLE: &str = "^Podium$";

/// The debug build `cargo xtask run` opens. Cargo resolves a dependency's features from the
/// packages it builds and, when it builds a test or an example, their dev-dependencies too; the
/// app alone (`cargo build -p podium-desktop`) got tokio, syn, zerocopy… without the features
/// the tests add, so after `cargo xtask test` it compiled 97 crates again, Tauri, wry and the
/// GTK and WebKit bindings among them (3 min 42 s on 2 busy cores). Every binary and example of
/// the workspace resolves exactly as `cargo test --workspace` does: `run` after `test` compiles
/// nothing, and `test` after `run` only the tests.
const APP_BUILD: &[&str] = &["build", "--workspace", "--bins", "--examples"];

pub fn run_app() -> Result {
    env::ensure_packages(env::BUILD_PACKAGES)?;
    run("build (shared with the test build)", &mut cargo(APP_BUILD))?;
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). \
                    Run this from a desktop session, or under `xvfb-run -a cargo xtask run`."
                .into(),
        );
    }
    let app = env::target_dir().join("debug").join(APP_BIN);
    println!("==> starting {}", app.display());
    run("Podium", &mut Command::new(app))
}

#[derive(Debug)]
pub struct TestOptions {
    pub skip_bundle: bool,
}

pub fn test(options: &TestOptions) -> Result {
    let started = Instant::now();
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let mut timed = |name: &'static str, f: &mut dyn FnMut() -> Result| -> Result {
        let t = Instant::now();
        let result = f();
        timings.push((name, t.elapsed()));
        result
    };

    let mut packages = env::BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(env::TEST_PACKAGES);
    let mut driver = PathBuf::new();
    let mut pds = PathBuf::new();
    let mut mastodon_mock = PathBuf::new();
    timed("install tools", &mut || {
        env::ensure_packages(&packages)?;
        driver = env::ensure_tauri_driver()?;
        env::ensure_test_peers()?;
        pds = env::ensure_test_pds()?;
        mastodon_mock = env::ensure_mastodon_mock()?;
        Ok(())
    })?;
    timed("cargo fmt --check", &mut || {
        run(
            "cargo fmt --check",
            &mut cargo(&["fmt", "--all", "--", "--check"]),
        )
    })?;
    timed("cargo clippy", &mut || {
        run(
            "cargo clippy --all-targets -- -D warnings",
            &mut cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )
    })?;
    // One build for unit, integration and end-to-end tests: the E2E tests launch the very
    // binary this builds (cargo builds a package's binaries for its integration tests), and
    // `cargo xtask run` opens it without building again (see APP_BUILD).
    timed("build tests", &mut || {
        run(
            "build (tests and app)",
            &mut cargo(&["test", "--workspace", "--no-run"]),
        )
    })?;

    let output = env::test_output_dir();
    std::fs::create_dir_all(&output)
        .map_err(|e| format!("cannot create {}: {e}", output.display()))?;
    timed("cargo test", &mut || {
        let session = Session::start("test")?;
        check_keyring(&session)?;
        let mut cmd =
            session.with_keyring("cargo", &["test", "--workspace", "--", "--include-ignored"]);
        cmd.current_dir(env::repo_root())
            .env("CARGO_TARGET_DIR", env::target_dir())
            .env("TAURI_DRIVER", &driver)
            .env("PODIUM_PDS_DIR", &pds)
            .env("PODIUM_MASTODON_MOCK", &mastodon_mock)
            .env("PODIUM_TEST_OUTPUT", &output)
            .env("RUST_BACKTRACE", "1");
        run("cargo test (unit, integration, E2E in Xvfb)", &mut cmd)
    })?;
    if !options.skip_bundle {
        timed("installer check", &mut || bundle(true))?;
    }

    println!(
        "\n==> all checks passed in {}",
        format_duration(started.elapsed())
    );
    for (name, took) in &timings {
        println!("    {name:<22} {}", format_duration(*took));
    }
    println!("    test output (screenshots): {}", output.display());
    Ok(())
}

/// Builds the release `.deb` into `target/bundle/`; with `check`, installs it and starts it.
pub fn bundle(check: bool) -> Result {
    env::ensure_packages(env::BUILD_PACKAGES)?;
    let tauri = env::ensure_tauri_cli()?;
    // AppImage is not attempted: its tooling downloads helpers at bundle time, and this
    // project's machines reach package registries only.
    run(
        "tauri build --bundles deb (release)",
        Command::new(&tauri)
            .args(["build", "--bundles", "deb", "--ci"])
            .current_dir(env::repo_root())
            .env("CARGO_TARGET_DIR", env::target_dir()),
    )?;
    let deb = copy_deb()?;
    println!(
        "==> installer: {} ({})",
        deb.display(),
        format_size(file_size(&deb))
    );
    if check {
        check_installer(&deb)?;
    }
    Ok(())
}

/// Copies the bundler's `.deb` to `target/bundle/podium_<version>_<arch>.deb`.
fn copy_deb() -> Result<PathBuf> {
    let dir = env::target_dir().join("release").join("bundle").join("deb");
    let built = std::fs::read_dir(&dir)
        .map_err(|e| format!("no bundle folder {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("the bundler made no .deb in {}", dir.display()))?;
    let name = built
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.to_lowercase())
        .ok_or("the .deb has no file name")?;
    let out = env::repo_root().join("target").join("bundle");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let dest = out.join(name);
    std::fs::copy(&built, &dest).map_err(|e| format!("cannot copy the .deb: {e}"))?;
    Ok(dest)
}

/// Installs the `.deb` with apt (as root; otherwise unpacks it) and checks that the installed
/// app opens its window under Xvfb.
fn check_installer(deb: &Path) -> Result {
    let session = Session::start("bundle")?;
    let binary = if env::is_root() {
        run(
            "apt-get install ./podium_*.deb",
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--reinstall"])
                .arg(deb)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        PathBuf::from("/usr/bin").join(APP_BIN)
    } else {
        let root = session.home.join("unpacked");
        run(
            "dpkg-deb -x (not root: unpacking instead of installing)",
            Command::new("dpkg-deb").arg("-x").arg(deb).arg(&root),
        )?;
        root.join("usr/bin").join(APP_BIN)
    };
    let mut cmd = Command::new(&binary);
    session.apply(&mut cmd);
    let mut app = spawn_quiet(&mut cmd)?;
    let waited = wait_for_window(&session, &mut app, Duration::from_secs(30));
    let shot = env::test_output_dir().join("installed-app.png");
    if waited.is_ok() {
        std::thread::sleep(Duration::from_millis(800)); // let it paint
        screenshot(&session, &shot);
    }
    let _ = app.kill();
    let _ = app.wait();
    let took = waited?;
    println!(
        "==> the installed app ({}) opened its window in {} ms; screenshot {}",
        binary.display(),
        took.as_millis(),
        shot.display()
    );
    Ok(())
}

/// Runs the benchmarks and prints their figures: the text engine (criterion), search over
/// 100,000 drafts, and the editor in the real window (start-up with 10,000 drafts, keystroke
/// latency, list scrolling) with the release build, and publishing (due → sent latency against
/// the real test servers), and images (a 12-megapixel photo prepared for four networks: time and
/// peak memory). `which` picks one: `text`, `search`, `results`, `media`, `ui`, `publish`, `hub`.
pub fn bench(which: Option<&str>) -> Result {
    let all = which.is_none();
    let wants = |name: &str| all || which == Some(name);
    if let Some(other) = which
        .filter(|w| !["text", "search", "results", "media", "ui", "publish", "hub"].contains(w))
    {
        return Err(format!(
            "unknown benchmark `{other}` (text, search, results, media, ui, publish or hub)"
        ));
    }
    if wants("text") {
        run(
            "text engine (criterion)",
            &mut cargo(&["bench", "-p", "podium-core", "--bench", "text"]),
        )?;
    }
    if wants("search") {
        run(
            "search over 100,000 drafts",
            &mut cargo(&["bench", "-p", "podium-store", "--bench", "search"]),
        )?;
    }
    if wants("results") {
        run(
            "the Results view's data over 1,000 posts × 3 readings; the reads' cost",
            &mut cargo(&["bench", "-p", "podium-store", "--bench", "results"]),
        )?;
    }
    if wants("media") {
        run(
            "a 12-megapixel photo stored and prepared for four networks: time, peak memory",
            &mut cargo(&[
                "run",
                "--release",
                "-p",
                "podium-media",
                "--example",
                "prepare_photo",
            ]),
        )?;
    }
    if wants("hub") {
        // PostgreSQL for the hub's second backend: a throw-away cluster from pg_virtualenv.
        env::ensure_packages(&["postgresql"])?;
        run(
            "release build of the hub and its load generator",
            &mut cargo(&["build", "--release", "-p", "podium-hub"]),
        )?;
        let load = env::target_dir().join("release").join("hub-load");
        run(
            "hub push latency, 50 devices for 30 s (SQLite, PostgreSQL)",
            &mut Command::new(load),
        )?;
    }
    if wants("publish") {
        let mut packages = env::BUILD_PACKAGES.to_vec();
        packages.extend_from_slice(env::TEST_PACKAGES);
        env::ensure_packages(&packages)?;
        let pds = env::ensure_test_pds()?;
        let mastodon_mock = env::ensure_mastodon_mock()?;
        run(
            "build the publishing benchmark",
            &mut cargo(&[
                "bench",
                "-p",
                "podium-cli",
                "--bench",
                "publish",
                "--no-run",
            ]),
        )?;
        let session = Session::start("bench-publish")?;
        let mut cmd = session.with_keyring(
            "cargo",
            &["bench", "-p", "podium-cli", "--bench", "publish"],
        );
        cmd.current_dir(env::repo_root())
            .env("CARGO_TARGET_DIR", env::target_dir())
            .env("PODIUM_PDS_DIR", &pds)
            .env("PODIUM_MASTODON_MOCK", &mastodon_mock);
        run(
            "due → sent latency against the real PDS and mastodon-mock",
            &mut cmd,
        )?;
    }
    if wants("ui") {
        let mut packages = env::BUILD_PACKAGES.to_vec();
        packages.extend_from_slice(env::TEST_PACKAGES);
        env::ensure_packages(&packages)?;
        let driver = env::ensure_tauri_driver()?;
        // The release app with the `bench` feature: it reports when its window is ready for
        // typing and quits (`PODIUM_BENCH_READY`), a switch the shipped app does not have. The
        // feature is the app crate's own, so only that crate is rebuilt for it.
        run(
            "release build of the app (with the bench switch)",
            &mut cargo(&[
                "build",
                "--release",
                "-p",
                "podium-desktop",
                "--features",
                "bench",
            ]),
        )?;
        run(
            "build the window benchmark",
            &mut cargo(&["build", "--example", "ui_bench"]),
        )?;
        let session = Session::start("bench")?;
        let bench = env::target_dir()
            .join("debug")
            .join("examples")
            .join("ui_bench");
        // Inside a D-Bus session, as on a desktop: without one, GTK's start-up waits for
        // D-Bus timeouts in about half the runs (400 ms → 900 ms).
        let bench = bench.to_string_lossy().into_owned();
        let mut cmd = session.with_keyring(&bench, &[]);
        cmd.env(
            "PODIUM_APP",
            env::target_dir().join("release").join(APP_BIN),
        )
        .env("TAURI_DRIVER", &driver);
        run(
            "the editor in the real window (release build, Xvfb)",
            &mut cmd,
        )?;
    }
    Ok(())
}

/// Prints the baselines: binary and installer sizes, cold start to a visible window, idle memory.
pub fn measure() -> Result {
    let app = env::target_dir().join("release").join(APP_BIN);
    let deb_dir = env::repo_root().join("target").join("bundle");
    // Always through the bundler: it rebuilds what changed (the window benchmark leaves an app
    // with its bench switch in the same place), so the figures are the shipped app's.
    bundle(false)?;
    println!("\n==> sizes");
    println!("    release binary   {}", format_size(file_size(&app)));
    if let Ok(entries) = std::fs::read_dir(&deb_dir) {
        for deb in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            println!(
                "    {:<16} {}",
                file_name(&deb),
                format_size(file_size(&deb))
            );
        }
    }

    let session = Session::start("measure")?;
    let mut starts = Vec::new();
    let mut memory = None;
    for attempt in 0..5 {
        let mut cmd = Command::new(&app);
        session.apply(&mut cmd);
        let mut child = spawn_quiet(&mut cmd)?;
        let took = wait_for_window(&session, &mut child, Duration::from_secs(30));
        if attempt == 0 && took.is_ok() {
            // Idle memory: the app plus its WebKit web and network processes, settled.
            std::thread::sleep(Duration::from_secs(5));
            memory = Some(process_tree_memory(child.id()));
        }
        let _ = child.kill();
        let _ = child.wait();
        starts.push(took?);
        std::thread::sleep(Duration::from_millis(300));
    }
    let first = starts[0];
    starts.sort();
    println!("\n==> start to visible window (release, Xvfb, 5 runs)");
    println!("    first run  {} ms", first.as_millis());
    println!("    median     {} ms", starts[starts.len() / 2].as_millis());
    println!("    max        {} ms", starts[starts.len() - 1].as_millis());
    if let Some(processes) = memory {
        println!("\n==> idle memory, 5 s after the window appeared");
        let (mut rss, mut pss) = (0, 0);
        for p in &processes {
            println!(
                "    {:<24} RSS {:>6} MiB   PSS {:>6} MiB",
                p.name,
                p.rss_kib / 1024,
                p.pss_kib / 1024
            );
            rss += p.rss_kib;
            pss += p.pss_kib;
        }
        println!(
            "    {:<24} RSS {:>6} MiB   PSS {:>6} MiB",
            "total",
            rss / 1024,
            pss / 1024
        );
    }
    Ok(())
}

/// Fuzzes every text-engine entry point for `seconds` with cargo-fuzz (libFuzzer). The stable
/// toolchain builds it with `RUSTC_BOOTSTRAP=1`, as no nightly toolchain can be fetched here.
pub fn fuzz(seconds: u64) -> Result {
    if !env::has_program("cargo-fuzz") {
        run(
            "installing cargo-fuzz",
            Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]),
        )?;
    }
    let corpus = env::repo_root().join("fuzz").join("corpus").join("text");
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let seeds = [
        "Gode ledere deler læring. #ledelse https://www.nrk.no/ledelse 🇳🇴",
        "[Tweet «Ledelse handler om mennesker #ledelse»] [ctt]x[/ctt]",
        "@ola.bsky.social $NOK #2014 www.example.com/(a) café1@x ñu@example.com",
    ];
    for (i, seed) in seeds.iter().enumerate() {
        let _ = std::fs::write(corpus.join(format!("seed-{i}")), seed);
    }
    run(
        &format!("cargo fuzz run text for {seconds} s"),
        Command::new("cargo")
            .args([
                "fuzz",
                "run",
                "text",
                "--",
                &format!("-max_total_time={seconds}"),
                "-max_len=4096",
            ])
            .arg(&corpus)
            .current_dir(env::repo_root())
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", env::target_dir().join("fuzz")),
    )
}

pub fn icons() -> Result {
    let tauri = env::ensure_tauri_cli()?;
    let icons = env::repo_root().join("icons");
    run(
        "tauri icon icons/source.svg",
        Command::new(&tauri)
            .arg("icon")
            .arg(icons.join("source.svg"))
            .arg("-o")
            .arg(&icons)
            .current_dir(env::repo_root()),
    )?;
    // Mobile icons are generated too; Podium is a desktop app.
    for mobile in ["android", "ios"] {
        let _ = std::fs::remove_dir_all(icons.join(mobile));
    }
    std::fs::copy(
        icons.join("source.svg"),
        env::repo_root().join("ui").join("podium.svg"),
    )
    .map_err(|e| format!("cannot copy the logo into ui/: {e}"))?;
    Ok(())
}

/// Checks that the test session's keyring stores and returns a secret, so that keyring test
/// failures point at Podium and not at the session.
fn check_keyring(session: &Session) -> Result {
    let script = "printf probe | secret-tool store --label='Podium test probe' podium-test probe \
                  && [ \"$(secret-tool lookup podium-test probe)\" = probe ]";
    run(
        "test keyring (gnome-keyring in a D-Bus session)",
        &mut session.with_keyring("sh", &["-c", script]),
    )
}

fn spawn_quiet(cmd: &mut Command) -> Result<Child> {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))
}

/// Waits until a visible window titled "Podium" exists, returning how long that took.
fn wait_for_window(session: &Session, app: &mut Child, limit: Duration) -> Result<Duration> {
    let started = Instant::now();
    loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", WINDOW_TITLE])
            .env("DISPLAY", &session.display)
            .stderr(Stdio::null())
            .output()
            .map(|o| o.status.success() && !o.stdout.is_empty())
            .unwrap_or(false);
        if found {
            return Ok(started.elapsed());
        }
        if let Ok(Some(status)) = app.try_wait() {
            return Err(format!(
                "the app exited ({status}) before showing its window"
            ));
        }
        if started.elapsed() > limit {
            return Err(format!(
                "no window titled Podium within {} s",
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn screenshot(session: &Session, path: &Path) {
    let _ = Command::new("/usr/bin/import")
        .args(["-window", "root"])
        .arg(path)
        .env("DISPLAY", &session.display)
        .status();
}

#[derive(Debug)]
struct ProcessMemory {
    name: String,
    rss_kib: u64,
    pss_kib: u64,
}

/// `pid` and all its descendants (WebKit runs the page and the network in child processes).
fn process_tree_memory(pid: u32) -> Vec<ProcessMemory> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // The parent pid is the second field after the parenthesised command name.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|s| s.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((child, ppid));
            }
        }
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    tree.into_iter()
        .map(|p| {
            let dir = PathBuf::from(format!("/proc/{p}"));
            let name = std::fs::read_to_string(dir.join("comm"))
                .unwrap_or_default()
                .trim()
                .to_string();
            let field = |file: &str, key: &str| {
                std::fs::read_to_string(dir.join(file))
                    .unwrap_or_default()
                    .lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            ProcessMemory {
                name,
                rss_kib: field("status", "VmRSS:"),
                pss_kib: field("smaps_rollup", "Pss:"),
            }
        })
        .collect()
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn format_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
