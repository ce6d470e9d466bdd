//! The Podium desktop shell: window, logging and the thin commands the UI calls.
//!
//! Nothing here decides anything a user relies on: commands parse their arguments, call a
//! Tauri-free crate under `crates/`, and map the result. Rules live in `podium-core`, drafts in
//! `podium-store`.

mod approval_notify;
mod commands;
mod drafts;
mod logging;
mod publishing;
mod sync;
mod team;
mod tray;
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

/// The single-instance name: one Podium per database (another data folder — another person's
/// profile, a test's — is another instance).
fn instance_id(db: &std::path::Path) -> String {
    // FNV-1a: stable across runs and builds (the standard hasher is not).
    let hash = db
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("no.podium.desktop.db{hash:016x}")
}

/// Starts the desktop app and blocks until it quits.
pub fn run() {
    started();
    logging::install_panic_hook();
    choose_rendering();
    let db_path = match podium_store::Store::default_path() {
        Ok(path) => path,
        Err(error) => {
            eprintln!("Podium could not start: {error}");
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        // First: a second launch on the same database shows this window and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(&db_path))
                .callback(|app, _args, _cwd| {
                    tracing::info!("Podium was started again: showing the window");
                    if let Err(error) = window::open_main(app) {
                        tracing::warn!(%error, "cannot show the window");
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .manage(publishing::Publishing::default())
        .manage(sync::Syncing::default())
        .manage(commands::check::Limits::default())
        .manage(commands::accounts::PendingSignIn::default())
        .on_window_event(|window, event| {
            // Closing the window keeps Podium running in the tray, so scheduled posts go out.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == window::MAIN && tray::keeps_running() {
                    api.prevent_close();
                    let _ = window.hide();
                    tracing::info!("window closed; Podium keeps publishing from the tray");
                }
            }
        })
        // The editor's check on every keystroke, answered synchronously (see `commands::check::scheme`).
        .register_uri_scheme_protocol("podium", |ctx, request| {
            commands::check::scheme(
                &request,
                &ctx.app_handle().state::<commands::check::Limits>(),
            )
        })
        .invoke_handler(tauri::generate_handler![
            commands::check::check_post,
            commands::check::detect_language,
            commands::check::thread_parts,
            commands::check::app_info,
            commands::drafts::list_drafts,
            commands::drafts::get_draft,
            commands::drafts::create_draft,
            commands::drafts::update_draft,
            commands::drafts::delete_draft,
            commands::drafts::undelete_draft,
            commands::drafts::empty_bin,
            commands::drafts::draft_facets,
            commands::drafts::add_goal,
            commands::drafts::revisions,
            commands::drafts::revision_diff,
            commands::drafts::restore_revision,
            commands::drafts::name_revision,
            commands::images::draft_images,
            commands::images::attach_image_file,
            commands::images::attach_image_bytes,
            commands::images::detach_image,
            commands::images::set_image_alt,
            commands::images::order_images,
            commands::images::check_images,
            commands::images::link_card,
            commands::backups::list_backups,
            commands::backups::backup_now,
            commands::backups::restore_backup,
            commands::check::ui_ready,
            commands::accounts::list_accounts,
            commands::accounts::connect_bluesky,
            commands::accounts::connect_mastodon,
            commands::accounts::mastodon_paste_begin,
            commands::accounts::mastodon_paste_finish,
            commands::accounts::connect_mastodon_token,
            commands::accounts::connect_threads,
            commands::accounts::connect_x,
            commands::accounts::connect_x_oauth1,
            commands::accounts::connect_linkedin,
            commands::accounts::disconnect_account,
            commands::accounts::update_account,
            commands::schedule::schedule_choices,
            commands::schedule::schedule_draft,
            commands::schedule::draft_schedule,
            commands::schedule::reschedule_entry,
            commands::schedule::unschedule_entry,
            commands::schedule::retry_entry,
            commands::schedule::confirm_entry_sent,
            commands::schedule::week_plan,
            commands::results::results_view,
            commands::results::set_target,
            commands::results::set_x_reads,
            commands::results::export_results,
            commands::schedule::publishing_info,
            commands::schedule::set_grace_hours,
            commands::schedule::open_link,
            commands::schedule::use_language,
            commands::background::start_at_login,
            commands::background::set_start_at_login,
            commands::team::sync_status,
            commands::team::team_join,
            commands::team::team_members,
            commands::team::team_leave,
            commands::team::team_invite,
            commands::team::team_remove_member,
            commands::team::team_remove_device,
            commands::team::sync_now,
            commands::team::list_conflicts,
            commands::team::resolve_conflict,
            commands::approval::team_role,
            commands::approval::approve_entry,
            commands::approval::request_changes,
            commands::approval::list_awaiting,
            commands::approval::list_comments,
            commands::approval::add_comment,
            commands::approval::entry_audit,
            commands::approval::approval_news,
        ])
        .setup(move |app| {
            // The data folder (the database, backups, logs) is the user's alone: made 0700
            // before anything is written into it, and tightened if an older Podium made it.
            if let Some(folder) = db_path.parent() {
                if let Err(error) = podium_store::private::ensure_dir(folder) {
                    eprintln!("Podium: cannot make {} private: {error}", folder.display());
                }
            }
            logging::init(app.handle());
            let drafts = drafts::Drafts::open(db_path.clone());
            if let Ok(accounts) = drafts.with(|s| s.accounts()) {
                app.state::<commands::check::Limits>().learn(&accounts);
            }
            app.manage(drafts);
            tracing::debug!(
                ms = started().elapsed().as_secs_f64() * 1e3,
                "database open"
            );
            window::open_main(app.handle())?;
            tracing::debug!(ms = started().elapsed().as_secs_f64() * 1e3, "window built");
            tray::install(app.handle());
            publishing::start(app.handle(), db_path.clone())?;
            // The system's word lists (for #CamelCase fixes) load beside the editor; until
            // they are in, Podium's own small list serves.
            let words = app.handle().clone();
            if let Err(error) = std::thread::Builder::new()
                .name("word-lists".into())
                .spawn(move || words.state::<commands::check::Limits>().read_word_lists())
            {
                tracing::warn!(%error, "no thread to read the word lists: Podium's own list serves");
            }
            sync::start(app.handle(), db_path.clone())?;
            approval_notify::start(app.handle());
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
