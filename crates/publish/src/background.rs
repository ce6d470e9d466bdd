//! Posts go out only while a publisher runs (issue 12, item 8): starting Podium at login (an
//! XDG autostart entry, off until the person turns it on) and, for an always-on machine without
//! a desktop, a systemd user unit that starts an unlocked Secret Service and `podium
//! scheduler`. Both faces (the app's Settings, `podium scheduler --install-service`) call this.
//!
//! Only files in the person's own configuration folder are written; nothing is started here
//! (the person runs `systemctl --user enable --now`, which the CLI prints).

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The autostart entry's file name.
pub const AUTOSTART_FILE: &str = "podium.desktop";

/// The scheduler's systemd user unit.
pub const SERVICE_FILE: &str = "podium-scheduler.service";

/// The argument the app is started with at login: straight to the tray, no window.
pub const AT_LOGIN_ARG: &str = "--at-login";

/// The person's configuration folder (`$XDG_CONFIG_HOME`, else `~/.config`).
fn config_dir() -> Result<PathBuf> {
    dirs::config_dir().ok_or_else(|| {
        Error::Invalid("this system has no configuration folder (set XDG_CONFIG_HOME)".into())
    })
}

/// Where the autostart entry lives: `~/.config/autostart/podium.desktop`.
pub fn autostart_path() -> Result<PathBuf> {
    Ok(config_dir()?.join("autostart").join(AUTOSTART_FILE))
}

/// Whether Podium starts at login (its entry is there and not switched off).
pub fn starts_at_login() -> Result<bool> {
    let path = autostart_path()?;
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(false);
    };
    Ok(!text
        .lines()
        .any(|l| matches!(l.trim(), "Hidden=true" | "X-GNOME-Autostart-enabled=false")))
}

/// The autostart entry that starts `app` at login.
pub fn autostart_entry(app: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=Podium\n\
         Comment=Publishes your scheduled posts while you are signed in\n\
         Exec={} {AT_LOGIN_ARG}\n\
         Icon=podium-desktop\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n",
        desktop_quote(&app.to_string_lossy())
    )
}

/// Turns starting at login on (writes the entry for `app`) or off (removes it).
pub fn set_start_at_login(on: bool, app: &Path) -> Result<()> {
    let path = autostart_path()?;
    let io = |source| Error::Io {
        action: "cannot change the autostart entry",
        path: path.display().to_string(),
        source,
    };
    if on {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(&path, autostart_entry(app)).map_err(io)?;
    } else {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(())
}

/// A desktop entry's `Exec` argument, quoted when it must be.
fn desktop_quote(arg: &str) -> String {
    if arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        return arg.to_owned();
    }
    let mut out = String::from("\"");
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            out.push('\\');
        }
        if c == '%' {
            out.push('%');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// One argument of a systemd `ExecStart=` line: in double quotes, with `\`, `"`, `%` and `$`
/// escaped as systemd reads them.
fn systemd_quote(arg: &str) -> String {
    let mut out = String::from("\"");
    for c in arg.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The user unit that runs `podium --db DB scheduler` inside a D-Bus session of its own, with
/// GNOME Keyring started there and unlocked by the password in `password_file` (a file only
/// the user can read; the keyring is made with it on the first start).
pub fn service_unit(podium: &Path, db: &Path, password_file: &Path) -> String {
    // The shell gets the paths as arguments ($0, $1, $2), never pasted into its script.
    let script = "gnome-keyring-daemon --unlock --components=secrets <\"$2\" >/dev/null \
                  && exec \"$0\" --db \"$1\" scheduler";
    format!(
        "# Written by `podium scheduler --install-service`. Start it with:\n\
         #   systemctl --user daemon-reload && systemctl --user enable --now {SERVICE_FILE}\n\
         # and keep it running while you are logged out with: loginctl enable-linger $USER\n\
         [Unit]\n\
         Description=Podium scheduler: publishes each post when it falls due\n\
         Wants=network-online.target\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         Type=simple\n\
         ExecStart=/usr/bin/dbus-run-session -- /bin/sh -c {} {} {} {}\n\
         Restart=on-failure\n\
         RestartSec=10\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n",
        systemd_quote(script),
        systemd_quote(&podium.to_string_lossy()),
        systemd_quote(&db.to_string_lossy()),
        systemd_quote(&password_file.to_string_lossy()),
    )
}

/// Where the unit goes: `~/.config/systemd/user/podium-scheduler.service`.
pub fn service_path() -> Result<PathBuf> {
    Ok(config_dir()?
        .join("systemd")
        .join("user")
        .join(SERVICE_FILE))
}

/// The keyring password file the unit reads by default: `~/.config/podium/keyring-password`.
pub fn default_password_file() -> Result<PathBuf> {
    Ok(config_dir()?.join("podium").join("keyring-password"))
}

/// Writes the scheduler's user unit; answers where.
pub fn install_service(podium: &Path, db: &Path, password_file: &Path) -> Result<PathBuf> {
    let path = service_path()?;
    let io = |source| Error::Io {
        action: "cannot write the scheduler's systemd unit",
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, service_unit(podium, db, password_file)).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_passes_paths_with_spaces_and_dollars_as_arguments_not_as_script() {
        let unit = service_unit(
            Path::new("/opt/po dium/podium"),
            Path::new("/home/kari/$data/podium.sqlite3"),
            Path::new("/home/kari/.config/podium/keyring-password"),
        );
        let exec = unit
            .lines()
            .find(|l| l.starts_with("ExecStart="))
            .unwrap_or_default();
        assert!(exec.contains("\"/opt/po dium/podium\""), "{exec}");
        assert!(
            exec.contains("\"/home/kari/$$data/podium.sqlite3\""),
            "{exec}"
        );
        assert!(exec.contains("scheduler"), "{exec}");
        assert!(unit.contains("WantedBy=default.target"));
    }

    #[test]
    fn the_autostart_entry_starts_the_app_in_the_tray() {
        let entry = autostart_entry(Path::new("/usr/bin/podium-desktop"));
        assert!(
            entry.contains("Exec=/usr/bin/podium-desktop --at-login\n"),
            "{entry}"
        );
        assert!(entry.starts_with("[Desktop Entry]\n"));
        let spaced = autostart_entry(Path::new("/opt/my apps/podium"));
        assert!(
            spaced.contains("Exec=\"/opt/my apps/podium\" --at-login"),
            "{spaced}"
        );
    }
}
