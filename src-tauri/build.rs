//! Generates the Tauri context and the permissions for Podium's own commands.

fn main() {
    // Every command the window may call is listed here; `capabilities/main.json` then grants
    // the main window exactly these (and nothing from the core plugins it does not use).
    let manifest = tauri_build::AppManifest::new().commands(&[
        "check_post",
        "detect_language",
        "thread_parts",
        "app_info",
        "list_drafts",
        "get_draft",
        "create_draft",
        "update_draft",
        "delete_draft",
        "undelete_draft",
        "empty_bin",
        "draft_facets",
        "add_goal",
        "revisions",
        "revision_diff",
        "restore_revision",
        "name_revision",
        "list_backups",
        "backup_now",
        "restore_backup",
        "ui_ready",
        "list_accounts",
        "connect_bluesky",
        "connect_mastodon",
        "mastodon_paste_begin",
        "mastodon_paste_finish",
        "connect_mastodon_token",
        "connect_x",
        "connect_x_oauth1",
        "connect_linkedin",
        "connect_threads",
        "disconnect_account",
        "update_account",
        "schedule_choices",
        "schedule_draft",
        "draft_schedule",
        "reschedule_entry",
        "unschedule_entry",
        "retry_entry",
        "confirm_entry_sent",
        "week_plan",
        "publishing_info",
        "set_grace_hours",
        "open_link",
        "use_language",
        "sync_status",
        "team_join",
        "team_members",
        "team_leave",
        "sync_now",
        "list_conflicts",
        "resolve_conflict",
        "results_view",
        "set_target",
        "set_x_reads",
        "export_results",
    ]);
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
