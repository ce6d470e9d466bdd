//! The main window, and the rule that it never leaves the app's own pages.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

/// The label the capabilities in `src-tauri/capabilities/main.json` refer to.
pub const MAIN: &str = "main";

/// Opens (or focuses) the editor window.
pub fn open_main(app: &AppHandle) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN) {
        window.show()?;
        window.unminimize()?;
        window.set_focus()?;
        return Ok(());
    }
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("Podium")
        .inner_size(1220.0, 760.0)
        .min_inner_size(720.0, 480.0)
        // Shown once the page has loaded. Drawn before that, WebKitGTK (drawing without GPU
        // compositing) holds the main loop up to 500 ms waiting for the page's first picture —
        // while the page waits for that same loop to hand it its files: a third of starts
        // took half a second longer.
        .visible(false)
        .on_page_load(|window, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                show_first_time(&window, "page loaded, window shown");
            }
        })
        .on_navigation(|url| {
            // The webview shows only the embedded UI. Links to the outside world will be opened
            // in the system browser by a command, never inside the app window.
            let allowed = is_app_url(url);
            if !allowed {
                tracing::warn!(%url, "blocked navigation away from the app");
            }
            allowed
        })
        .build()?;
    // Should the page never say it has loaded, the window still appears.
    let handle = app.clone();
    std::thread::Builder::new()
        .name("show-window".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(2));
            if let Some(window) = handle.get_webview_window(MAIN) {
                show_first_time(&window, "the page did not load in 2 s: window shown anyway");
            }
        })?;
    Ok(())
}

/// Shows the window the first time it is ready, once: a later page load (a reload after
/// restoring a backup, say) leaves a window closed to the tray where it is.
fn show_first_time(window: &tauri::WebviewWindow, why: &str) {
    static SHOWN: AtomicBool = AtomicBool::new(false);
    if SHOWN.swap(true, Ordering::Relaxed) {
        return;
    }
    // Started at login (the autostart entry): straight to the tray, where it publishes; the
    // tray or a second launch shows the window. Without a tray, the window shows as always.
    let at_login = std::env::args().any(|a| a == podium_publish::background::AT_LOGIN_ARG);
    if at_login && crate::tray::keeps_running() {
        tracing::info!("started at login: Podium publishes from the tray");
        return;
    }
    if let Err(error) = window.show() {
        tracing::warn!(%error, "cannot show the window");
    }
    tracing::debug!(ms = crate::started().elapsed().as_secs_f64() * 1e3, "{why}");
}

fn is_app_url(url: &tauri::Url) -> bool {
    matches!(
        (url.scheme(), url.host_str()),
        ("tauri", Some("localhost")) | ("http" | "https", Some("tauri.localhost"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> tauri::Url {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn app_pages_are_allowed() {
        assert!(is_app_url(&url("tauri://localhost/index.html")));
        assert!(is_app_url(&url("http://tauri.localhost/index.html")));
    }

    #[test]
    fn remote_pages_are_blocked() {
        assert!(!is_app_url(&url("https://example.com/")));
        assert!(!is_app_url(&url("http://localhost:1430/")));
        assert!(!is_app_url(&url("https://tauri.localhost.evil.example/")));
    }
}
