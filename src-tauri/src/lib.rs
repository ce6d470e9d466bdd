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

/// Starts the desktop app and blocks until it quits.
pub fn run() {
    started();
    logging::install_panic_hook();
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
            window::open_main(app.handle())?;
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
