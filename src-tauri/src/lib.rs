//! The Podium desktop shell: window, logging and the thin commands the UI calls.
//!
//! Nothing here decides anything a user relies on: commands parse their arguments, call a
//! Tauri-free crate under `crates/`, and map the result. Rules live in `podium-core`.

mod commands;
mod logging;
mod window;

/// Starts the desktop app and blocks until it quits.
pub fn run() {
    logging::install_panic_hook();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::check_post])
        .setup(|app| {
            logging::init(app.handle());
            window::open_main(app.handle())?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Podium could not start");
        eprintln!("Podium could not start: {error}");
        std::process::exit(1);
    }
}
