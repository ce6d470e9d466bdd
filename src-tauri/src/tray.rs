//! The tray icon: Podium keeps publishing with its window closed, and the tray brings the
//! window back or quits.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::AppHandle;

use crate::window;

/// Whether closing the window keeps Podium running: yes once a tray icon is up (there is a
/// way back besides starting Podium again, which also shows the window). Debug builds also
/// keep running with `PODIUM_KEEP_RUNNING` set (a desktop without a tray, while developing);
/// the release app has no such switch.
static TRAY: AtomicBool = AtomicBool::new(false);

pub fn keeps_running() -> bool {
    TRAY.load(Ordering::Relaxed)
        || (cfg!(debug_assertions) && std::env::var_os("PODIUM_KEEP_RUNNING").is_some())
}

/// Puts Podium's icon in the tray (if the desktop has one; without, Podium still runs and a
/// second launch shows its window).
pub fn install(app: &AppHandle) {
    if let Err(error) = try_install(app) {
        tracing::info!(%error, "no tray icon");
    }
}

fn try_install(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Podium", true, None::<&str>)?;
    let quit = MenuItem::with_id(
        app,
        "quit",
        "Quit Podium (scheduled posts wait)",
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id("podium")
        .tooltip("Podium — publishing scheduled posts")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => {
                let _ = window::open_main(app);
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    TRAY.store(true, Ordering::Relaxed);
    Ok(())
}
