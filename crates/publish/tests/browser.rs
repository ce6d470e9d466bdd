//! Opening the sign-in page in the browser: the `xdg-open` it starts is waited for, so none is
//! left behind as a zombie process. This test binary has its own `xdg-open` (one that exits at
//! once) first on its PATH, and a display.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

/// The children of this process that have exited and not been waited for.
fn zombies() -> Vec<String> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            // `pid (comm) state ppid …`: the fields after the last `)`.
            let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
            let mut fields = rest.split_whitespace();
            let state = fields.next();
            let ppid = fields.next();
            state == Some("Z") && ppid == Some(me.as_str())
        })
        .collect()
}

#[test]
fn the_browser_opener_is_waited_for_and_leaves_no_zombie() {
    let dir = tempfile::tempdir().unwrap();
    let opener = dir.path().join("xdg-open");
    std::fs::write(&opener, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::set_var("PATH", format!("{}:{path}", dir.path().display()));
    std::env::set_var("DISPLAY", ":99");

    for _ in 0..3 {
        assert!(podium_publish::loopback::open_browser(
            "http://127.0.0.1:1/callback"
        ));
    }
    // Each opener exits at once; give the waiting threads a moment.
    let started = Instant::now();
    while !zombies().is_empty() && started.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(zombies(), Vec::<String>::new(), "openers left as zombies");
}
