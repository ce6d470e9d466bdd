//! The database's backups: list, take one, restore one.

use std::path::PathBuf;

use podium_store::{Backup, Store};
use tauri::State;

use crate::drafts::Drafts;

type Answer<T> = Result<T, String>;

#[tauri::command]
pub fn list_backups(drafts: State<'_, Drafts>) -> Answer<Vec<Backup>> {
    // From the folder, so a database that cannot be opened still offers its backups.
    Store::backups_for(drafts.path()).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn backup_now(drafts: State<'_, Drafts>) -> Answer<Backup> {
    drafts.with(|s| s.backup_now())
}

/// Restores a backup; answers where the replaced content was kept.
#[tauri::command]
pub fn restore_backup(path: PathBuf, drafts: State<'_, Drafts>) -> Answer<String> {
    drafts.restore(&path)
}
