//! What the machine has and where things go: the repository, the build cache, system
//! packages and the tools the tests drive.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Debian packages needed to build and run the app.
pub const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libssl-dev",
    "libxdo-dev",
];

/// Debian packages the tests add: a virtual display, the WebKit WebDriver, a keyring in a
/// D-Bus session, tools to find and photograph windows, and PostgreSQL for the team hub's
/// storage tests and the Bluesky AppView (they start a throw-away cluster on 127.0.0.1 with
/// `pg_virtualenv`, from `postgresql-common`, which the `postgresql` package brings).
pub const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "x11-utils",
    "xdotool",
    "imagemagick",
    "python3-venv",
    "postgresql",
    // A Redis for the Bluesky test network with an AppView (@atproto/dev-env's TestNetwork),
    // started by the results test on a free 127.0.0.1 port.
    "redis-server",
    // The word lists the app reads at run time to suggest #CamelCase (the .deb recommends them).
    "wnorwegian",
    "wamerican",
];

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the folder holding the workspace `Cargo.toml`). From the
/// `CARGO_MANIFEST_DIR` that `cargo run` sets, not the compile-time one: with a shared
/// `CARGO_TARGET_DIR`, this binary may have been built in another checkout.
pub fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest
        .parent()
        .map_or_else(|| manifest.clone(), Path::to_path_buf)
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
}

/// Where builds go: `$CARGO_TARGET_DIR`, else a cache shared by every checkout on this machine.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let cache =
        std::env::var_os("XDG_CACHE_HOME").map_or_else(|| home().join(".cache"), PathBuf::from);
    cache.join("podium").join("target")
}

/// Test output (screenshots, logs) inside the checkout, where a person looks for it.
pub fn test_output_dir() -> PathBuf {
    repo_root().join("target").join("test-output")
}

/// A `cargo` command in the repository with the shared target folder.
pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args)
        .current_dir(repo_root())
        .env("CARGO_TARGET_DIR", target_dir());
    cmd
}

/// Runs `cmd`, echoing it; an unsuccessful exit is an error naming the step.
pub fn run(step: &str, cmd: &mut Command) -> Result {
    println!("\n==> {step}");
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: could not start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

/// Whether `program` runs (found on PATH and answers `--version`).
pub fn has_program(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Installs the missing Debian packages (as root), or says exactly what to run (otherwise).
pub fn ensure_packages(packages: &[&str]) -> Result {
    if !Path::new("/usr/bin/dpkg-query").exists() {
        println!(
            "==> not a Debian-based system: make sure these are installed: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        return Err(format!(
            "these system packages are missing; install them and run the command again:\n\n    \
             sudo apt-get update && sudo apt-get install -y --no-install-recommends {list}\n"
        ));
    }
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-qq"]),
    )?;
    run(
        &format!("installing {list}"),
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// The `tauri-driver` binary, installed with `cargo install` when missing.
pub fn ensure_tauri_driver() -> Result<PathBuf> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map_or_else(|| home().join(".cargo"), PathBuf::from)
        .join("bin")
        .join("tauri-driver");
    if cargo_bin.exists() {
        return Ok(cargo_bin);
    }
    if has_program("tauri-driver") {
        return Ok(PathBuf::from("tauri-driver"));
    }
    // Installed into the ordinary cargo home, not our target cache, so it survives `cargo clean`.
    run(
        "installing tauri-driver 2.x",
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).args([
            "install",
            "tauri-driver",
            "--locked",
            "--version",
            "^2",
        ]),
    )?;
    Ok(cargo_bin)
}

/// The reference implementations the differential tests compare against (`tests/peers`,
/// pinned in its `package-lock.json`).
pub fn ensure_test_peers() -> Result {
    npm_ci(
        &repo_root().join("tests").join("peers"),
        "the reference implementations",
    )
}

/// The reference Bluesky PDS (`tests/pds`, `@atproto/dev-env` pinned in its lock file).
pub fn ensure_test_pds() -> Result<PathBuf> {
    let dir = repo_root().join("tests").join("pds");
    npm_ci(&dir, "the reference Bluesky PDS")?;
    Ok(dir)
}

/// `npm ci` in `dir` unless what is installed there is newer than its lock file.
fn npm_ci(dir: &Path, what: &str) -> Result {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => matches!((l.modified(), i.modified()), (Ok(l), Ok(i)) if i >= l),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    if !has_program("node") {
        return Err(format!(
            "Node.js is needed for {what} the tests use: install Node 20 (`node --version`)"
        ));
    }
    let folder = dir
        .strip_prefix(repo_root())
        .unwrap_or(dir)
        .display()
        .to_string();
    run(
        &format!("installing {what} (npm ci in {folder})"),
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir),
    )
}

/// `mastodon-mock` from PyPI, in a virtual environment in the build cache (pinned in
/// `tests/mastodon/requirements.txt`). Returns the path of its `mastodon_mock` command.
pub fn ensure_mastodon_mock() -> Result<PathBuf> {
    let requirements = repo_root()
        .join("tests")
        .join("mastodon")
        .join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let venv = target_dir().join("peers").join("mastodon-venv");
    let program = venv.join("bin").join("mastodon_mock");
    let stamp = venv.join("podium-requirements.txt");
    if program.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(program);
    }
    let python = if has_program("python3") {
        "python3"
    } else {
        "python"
    };
    run(
        "creating a Python environment for mastodon-mock",
        Command::new(python)
            .arg("-m")
            .arg("venv")
            .arg("--clear")
            .arg(&venv),
    )?;
    run(
        "installing mastodon-mock (pip)",
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(program)
}

/// The pinned Tauri CLI from the npm registry (a prebuilt binary inside the npm package).
///
/// `npm install`, not `npm ci`: npm 11 leaves the other platforms' optional binaries out of the
/// lock file, and `npm ci` then refuses it. The versions are pinned exactly in `package.json`
/// (and the CLI pins its platform binary exactly), so the install is just as reproducible.
pub fn ensure_tauri_cli() -> Result<PathBuf> {
    let dir = repo_root().join("xtask").join("tauri-cli");
    let bin = dir.join("node_modules").join(".bin").join("tauri");
    if !bin.exists() {
        run(
            "installing the Tauri CLI (npm install)",
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir),
        )?;
    }
    Ok(bin)
}
