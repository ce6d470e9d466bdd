//! Podium's task runner: the README's commands.
//!
//! - `cargo xtask run`    installs what is missing, builds, and opens the app window.
//! - `cargo xtask test`   installs what the tests need, then runs fmt, clippy, every test and
//!   the end-to-end tests in the real window under Xvfb, and the installer check.
//! - `cargo xtask bundle` builds the `.deb` (`--check` installs it and starts it under Xvfb).
//! - `cargo xtask measure` prints the baseline figures (sizes, cold start, idle memory).
//! - `cargo xtask bench [text|search|results|media|ui|publish|hub]` runs the benchmarks and prints their figures.
//! - `cargo xtask icons`  regenerates every platform icon from `icons/source.svg`.
//! - `cargo xtask fuzz [SECONDS]` fuzzes the text engine.
//!
//! Builds go to a cache outside the checkout (`$CARGO_TARGET_DIR`, else
//! `~/.cache/podium/target`) so repeated runs and fresh clones on the same machine reuse them.
//! Nothing here needs a cached anything: on a bare machine it installs and builds from scratch.

// A task runner talks to its user on stdout.
#![allow(clippy::print_stdout)]

mod env;
mod session;
mod steps;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, flags) = match args.split_first() {
        Some((task, flags)) => (task.as_str(), flags),
        None => ("help", &[][..]),
    };
    let has = |flag: &str| flags.iter().any(|f| f == flag);
    let result = match task {
        "run" => steps::run_app(),
        "test" => steps::test(&steps::TestOptions {
            skip_bundle: has("--no-bundle"),
        }),
        "bundle" => steps::bundle(has("--check")),
        "measure" => steps::measure(),
        "bench" => steps::bench(flags.first().map(String::as_str)),
        "icons" => steps::icons(),
        "fuzz" => steps::fuzz(flags.first().and_then(|s| s.parse().ok()).unwrap_or(300)),
        "help" | "-h" | "--help" => {
            println!("{}", HELP);
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const HELP: &str = "\
usage: cargo xtask <task>

  run                 install what is missing, build, and open Podium
  test [--no-bundle]  install test tools; fmt, clippy, all tests, E2E in Xvfb, installer check
  bundle [--check]    build the .deb into target/bundle/ (--check: install it and start it)
  measure             print sizes, cold start to visible window, idle memory
  bench [text|search|results|media|ui|publish|hub]
                      benchmarks: text engine, search over 100,000 drafts, the Results
                      view's data (1,000 posts × 3 readings) and the reads' cost, a 12-MP
                      photo prepared for four networks (time, peak memory), the editor in
                      the real window (start-up with 10,000 drafts, keystrokes, scrolling),
                      publishing (due → sent against the real test servers), the team hub
                      (50 devices pushing for 30 s, on SQLite and PostgreSQL)
  icons               regenerate icons/ from icons/source.svg
  fuzz [SECONDS]      fuzz the text engine (cargo-fuzz, default 300 s)";
