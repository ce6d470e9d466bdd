//! The commands the editor window calls. Each is glue: arguments in, a crate call, a result out.

use podium_core::text::check::{self, Lang, Network, Options, Report};

/// Checks the editor's text for every network, in the UI's language (`"en"` or `"nb"`).
#[tauri::command]
pub fn check_post(text: String, lang: Option<String>) -> Vec<Report> {
    let options = Options {
        lang: if lang.as_deref() == Some("nb") {
            Lang::Nb
        } else {
            Lang::En
        },
        ..Options::default()
    };
    Network::ALL
        .iter()
        .map(|&n| check::check(&text, n, &options))
        .collect()
}
