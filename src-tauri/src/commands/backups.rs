//! The database's backups: list, take one, restore one.

use std::path::PathBuf;

use podium_store::{Backup, Store};
use tauri::State;

use crate::drafts::Drafts;

use super::Answer;

#[tauri::command]
pub fn list_backups(drafts: State<'_, Drafts>) -> Answer<Vec<Backup>> {
    // From the folder, so a database that cannot be opened still offers its backups.
    Ok(Store::backups_for(drafts.path())?)
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
