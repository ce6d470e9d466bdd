//! Commands for publishing while the window is closed (issue 12, item 8): starting Podium at
//! login, and whether to suggest it. Glue only: the autostart entry is
//! `podium_publish::background`, who else publishes is the store's.

use serde::Serialize;
use tauri::State;

use crate::drafts::Drafts;

use super::{Answer, CommandError};

/// Whether Podium starts at login, and whether to suggest it: it is off, and no other device of
/// the team holds the sign-in of an account connected here (so posts go out only while this
/// computer runs Podium).
#[derive(Debug, Serialize)]
pub struct StartAtLogin {
    pub on: bool,
    pub suggest: bool,
}

#[tauri::command]
pub fn start_at_login(drafts: State<'_, Drafts>) -> Answer<StartAtLogin> {
    let on = podium_publish::background::starts_at_login()?;
    let others = drafts.with(|s| s.other_publishers())?;
    Ok(StartAtLogin {
        on,
        suggest: !on && !others,
    })
}

/// Turns starting at login on or off; answers whether it is on now.
#[tauri::command]
pub fn set_start_at_login(on: bool) -> Answer<bool> {
    let app = std::env::current_exe().map_err(|e| {
        CommandError::internal(format!("cannot tell where Podium is installed: {e}"))
    })?;
    podium_publish::background::set_start_at_login(on, &app)?;
    Ok(podium_publish::background::starts_at_login()?)
}
