//! A private desktop session for tests: our own Xvfb display, our own XDG folders, and a D-Bus
//! session with an unlocked gnome-keyring. Each run gets a fresh one, so nothing leaks between
//! runs and a developer's real desktop, keyring and Podium data are never touched.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::Result;

/// The password the test keyring is unlocked with. It guards nothing real.
const TEST_KEYRING_PASSWORD: &str = "podium-test-keyring";

#[derive(Debug)]
pub struct Session {
    xvfb: Child,
    pub display: String,
    pub home: PathBuf,
}

impl Session {
    /// Starts Xvfb on a free display and creates fresh XDG folders.
    pub fn start(name: &str) -> Result<Session> {
        let home = std::env::temp_dir().join(format!("podium-{name}-{}", std::process::id()));
        for sub in ["data", "config", "runtime", "state"] {
            std::fs::create_dir_all(home.join(sub))
                .map_err(|e| format!("cannot create {}: {e}", home.join(sub).display()))?;
        }
        set_private(&home.join("runtime"))?;
        let number = (90..400)
            .find(|n| {
                !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                    && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            })
            .ok_or("no free X display number between :90 and :399")?;
        let display = format!(":{number}");
        let xvfb = Command::new("Xvfb")
            .args([
                &display,
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb (is the xvfb package installed?): {e}"))?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(15) {
                return Err(format!("Xvfb did not open display {display} within 15 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        println!(
            "==> Xvfb on display {display}, test folders in {}",
            home.display()
        );
        Ok(Session {
            xvfb,
            display,
            home,
        })
    }

    /// Points `cmd` at this session's display and folders.
    pub fn apply(&self, cmd: &mut Command) {
        cmd.env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_STATE_HOME", self.home.join("state"))
            .env("XDG_RUNTIME_DIR", self.home.join("runtime"));
    }

    /// `program args…` run inside a fresh D-Bus session whose gnome-keyring is unlocked, on
    /// this session's display.
    pub fn with_keyring(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new("dbus-run-session");
        cmd.args([
            "--",
            "sh",
            "-c",
            "printf %s \"$PODIUM_TEST_KEYRING_PASSWORD\" \
             | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
             && exec \"$@\"",
            "sh",
            program,
        ])
        .args(args)
        .env("PODIUM_TEST_KEYRING_PASSWORD", TEST_KEYRING_PASSWORD);
        self.apply(&mut cmd);
        cmd
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn set_private(dir: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("cannot make {} private: {e}", dir.display()))
}
