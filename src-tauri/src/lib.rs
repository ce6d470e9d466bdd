//! The Podium desktop shell: window, logging and the thin commands the UI calls.
//!
//! Nothing here decides anything a user relies on: commands parse their arguments, call a
//! Tauri-free crate under `crates/`, and map the result. Rules live in `podium-core`, drafts in
//! `podium-store`.

mod commands;
mod drafts;
mod logging;
mod window;

use std::sync::OnceLock;
use std::time::Instant;

use tauri::Manager;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When this process started Podium (for the start-up figure in the log).
pub(crate) fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// Picks how WebKitGTK draws the window, before it starts. Podium's window is text and forms
/// with no animation; WebKitGTK's GPU compositing bought nothing for it and, where the GL is
/// software (virtual machines, remote desktops, Xvfb), made every frame of a long post take
/// 90–100 ms (measured with `cargo xtask bench ui`: 16 ms frames and half the keystroke
/// latency without it). It also sidesteps WebKitGTK's known blank windows on some GPU drivers.
/// `WEBKIT_DISABLE_COMPOSITING_MODE=0` in the environment keeps compositing on.
fn choose_rendering() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // Set before any thread starts: nothing else reads the environment concurrently.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Starts the desktop app and blocks until it quits.
pub fn run() {
    started();
    logging::install_panic_hook();
    choose_rendering();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::check_post,
            commands::thread_parts,
            commands::app_info,
            commands::list_drafts,
            commands::get_draft,
            commands::create_draft,
            commands::update_draft,
            commands::delete_draft,
            commands::undelete_draft,
            commands::draft_facets,
            commands::add_goal,
            commands::revisions,
            commands::revision_diff,
            commands::restore_revision,
            commands::name_revision,
            commands::list_backups,
            commands::backup_now,
            commands::restore_backup,
            commands::ui_ready,
        ])
        .setup(|app| {
            logging::init(app.handle());
            let path = podium_store::Store::default_path()?;
            app.manage(drafts::Drafts::open(path));
            tracing::debug!(
                ms = started().elapsed().as_secs_f64() * 1e3,
                "database open"
            );
            window::open_main(app.handle())?;
            tracing::debug!(ms = started().elapsed().as_secs_f64() * 1e3, "window built");
            // Backups and the page check run beside the editor, never in its way.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("maintenance".into())
                .spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(3));
                    handle.state::<drafts::Drafts>().maintain();
                })?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Podium could not start");
        eprintln!("Podium could not start: {error}");
        std::process::exit(1);
    }
}
