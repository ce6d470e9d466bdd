//! The commands the editor window calls. Each is glue: arguments in, a crate call, a result out.

use podium_core::text::x;

/// The live X count shown beside the editor.
#[tauri::command]
pub fn check_x(text: String) -> x::Count {
    x::count(&text)
}
