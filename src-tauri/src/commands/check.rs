//! The editor's checks: the post for every network (by command and through the `podium:`
//! scheme, on every keystroke) and the parts of a thread; and what the window asks of the app
//! itself (where things are, the system's language, ready for typing).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use podium_core::text::check::{self, Lang, Network, Options, Report};
use podium_core::text::thread;
use podium_store::Store;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::drafts::{Drafts, Problem};

fn options(lang: Option<&str>) -> Options {
    Options {
        lang: Lang::from_code(lang.unwrap_or_default()),
        ..Options::default()
    }
}

/// The post limits the checks learn from the connected accounts, held by the app (managed
/// state): the Mastodon instances' limit (the smallest, when there are several); 0 until one
/// is connected (then Mastodon's default, 500, applies).
#[derive(Debug, Default)]
pub struct Limits {
    mastodon: AtomicUsize,
}

impl Limits {
    /// Takes the limits from the connected accounts (when the app starts and accounts change).
    pub fn learn(&self, accounts: &[podium_store::Account]) {
        let limit = accounts
            .iter()
            .filter(|a| a.network == Network::Mastodon)
            .filter_map(|a| a.max_chars)
            .min()
            .unwrap_or(0);
        self.mastodon.store(limit, Ordering::Relaxed);
    }

    fn mastodon_options(&self, options: &Options) -> Options {
        let limit = self.mastodon.load(Ordering::Relaxed);
        Options {
            limit: (limit > 0).then_some(limit),
            ..options.clone()
        }
    }
}

/// Checks the editor's text for every network, in the UI's language (`"en"` or `"nb"`).
#[tauri::command(async)]
pub fn check_post(
    text: String,
    lang: Option<String>,
    variants: Option<BTreeMap<Network, String>>,
    limits: State<'_, Limits>,
) -> Vec<Report> {
    check_texts(text, lang, variants, &limits)
}

/// What [`check_post`] and the `podium:` scheme answer. The networks are checked side by
/// side: this runs on every keystroke. A network with its own version of the draft is checked
/// on that version.
pub fn check_texts(
    text: String,
    lang: Option<String>,
    variants: Option<BTreeMap<Network, String>>,
    limits: &Limits,
) -> Vec<Report> {
    let options = options(lang.as_deref());
    let mastodon = limits.mastodon_options(&options);
    let options_for = |n: Network| {
        if n == Network::Mastodon {
            &mastodon
        } else {
            &options
        }
    };
    let variants = variants.unwrap_or_default();
    let text_for = |n: Network| podium_core::draft::text_for(&text, &variants, n);
    // A post of up to a few thousand characters is checked (≈ 0.4 ms for all five networks at
    // 3,000) faster than threads start on a machine busy drawing the window.
    if Network::ALL.iter().all(|&n| text_for(n).len() < 8_000) {
        return Network::ALL
            .iter()
            .map(|&n| check::check(text_for(n), n, options_for(n)))
            .collect();
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = Network::ALL
            .iter()
            .map(|&n| {
                let (text, options) = (text_for(n), options_for(n));
                scope.spawn(move || check::check(text, n, options))
            })
            .collect();
        Network::ALL
            .iter()
            .zip(running)
            .map(|(&n, handle)| {
                handle
                    .join()
                    .unwrap_or_else(|_| check::check(text_for(n), n, options_for(n)))
            })
            .collect()
    })
}

/// What the editor sends to check: the text, the UI's language and the networks' versions.
#[derive(Debug, serde::Deserialize)]
struct CheckRequest {
    text: String,
    lang: Option<String>,
    #[serde(default)]
    variants: Option<BTreeMap<Network, String>>,
}

/// The `podium:` scheme: `POST podium://localhost/check` with a [`CheckRequest`] answers what
/// [`check_post`] answers. The editor calls it synchronously on every keystroke, so the
/// counters and highlights are drawn in the same frame as the character typed (an `invoke`
/// answers only after WebKit has laid out and painted the text once more, ≈ 7 ms later for a
/// 3,000-character post). The check is pure and bounded (linear in the text), so the wait is
/// short: ≈ 1 ms.
pub fn scheme(
    request: &tauri::http::Request<Vec<u8>>,
    limits: &Limits,
) -> tauri::http::Response<Vec<u8>> {
    let response = tauri::http::Response::builder()
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Headers", "Content-Type");
    let answer = match (request.method().as_str(), request.uri().path()) {
        ("OPTIONS", _) => Ok(Vec::new()),
        ("POST", "/check") => serde_json::from_slice::<CheckRequest>(request.body())
            .map_err(|e| format!("a check needs {{text, lang, variants}}: {e}"))
            .and_then(|r| {
                serde_json::to_vec(&check_texts(r.text, r.lang, r.variants, limits))
                    .map_err(|e| e.to_string())
            }),
        (method, path) => Err(format!("no {method} {path} here")),
    };
    let built = match answer {
        Ok(body) => response
            .status(200)
            .header("Content-Type", "application/json")
            .body(body),
        Err(message) => response
            .status(400)
            .header("Content-Type", "text/plain")
            .body(message.into_bytes()),
    };
    built.unwrap_or_default()
}

/// One post of a thread: its text as the user edits it, the text as published (with ` k/n`),
/// and the check of the latter.
#[derive(Debug, Serialize)]
pub struct ThreadPart {
    text: String,
    numbered: String,
    report: Report,
}

/// Splits the text into the posts of a thread for `network`.
#[tauri::command]
pub fn thread_parts(
    text: String,
    network: Network,
    numbering: bool,
    lang: Option<String>,
    limits: State<'_, Limits>,
) -> Vec<ThreadPart> {
    let options = options(lang.as_deref());
    let options = if network == Network::Mastodon {
        limits.mastodon_options(&options)
    } else {
        options
    };
    let parts = thread::split(&text, network, &options, numbering);
    let total = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(k, numbered)| {
            let suffix = format!(" {}/{total}", k + 1);
            let text = match numbered.strip_suffix(&suffix) {
                Some(t) if numbering && total > 1 => t.to_owned(),
                _ => numbered.clone(),
            };
            let report = check::check(&numbered, network, &options);
            ThreadPart {
                text,
                numbered,
                report,
            }
        })
        .collect()
}

/// Where things are, and whether the database is open.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    version: &'static str,
    database: PathBuf,
    backups: PathBuf,
    logs: Option<PathBuf>,
    problem: Option<Problem>,
    maintenance: Option<String>,
    /// The OS's language for messages (`nb`, `en`, …), for a UI that follows the system.
    language: String,
}

#[tauri::command]
pub fn app_info(app: AppHandle, drafts: State<'_, Drafts>) -> AppInfo {
    // The page's scripts run: the text area takes typing from here on.
    let elapsed = crate::started().elapsed().as_secs_f64() * 1e3;
    tracing::debug!(ms = elapsed, "the page asked for app_info");
    if std::env::var_os("PODIUM_BENCH_READY").is_some() {
        eprintln!("podium-editable-ms {elapsed:.1}");
    }
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        database: drafts.path().to_owned(),
        backups: Store::backup_dir_for(drafts.path()),
        logs: app.path().app_log_dir().ok(),
        problem: drafts.problem(),
        maintenance: drafts.maintenance_problem(),
        language: system_language(|name| std::env::var(name).ok()),
    }
}

/// The language the OS asks programs to speak, as gettext reads it: the first entry of
/// `LANGUAGE`, else `LC_ALL`, `LC_MESSAGES`, `LANG` (`nb_NO.UTF-8` → `nb`). Norwegian `no` and
/// `nn` get bokmål, the Norwegian the UI has.
fn system_language(var: impl Fn(&str) -> Option<String>) -> String {
    let raw = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| var(name))
        .map(|v| v.split(':').next().unwrap_or("").to_owned())
        .find(|v| !v.is_empty() && v != "C" && v != "POSIX")
        .unwrap_or_default();
    let code: String = raw
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_lowercase();
    match code.as_str() {
        "nb" | "no" | "nn" => "nb".to_owned(),
        "" => "en".to_owned(),
        other => other.to_owned(),
    }
}

/// The window says it is ready for typing. With `PODIUM_BENCH_READY` set (the start-up
/// benchmark), the app reports how long that took and quits.
#[tauri::command]
pub fn ui_ready(app: AppHandle) {
    let elapsed = crate::started().elapsed();
    tracing::info!(ms = elapsed.as_secs_f64() * 1e3, "window ready for typing");
    if std::env::var_os("PODIUM_BENCH_READY").is_some() {
        eprintln!("podium-ready-ms {:.1}", elapsed.as_secs_f64() * 1e3);
        app.exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> String {
        system_language(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_system_language_is_read_as_gettext_reads_it() {
        assert_eq!(with(&[("LANG", "nb_NO.UTF-8")]), "nb");
        assert_eq!(
            with(&[("LANG", "en_US.UTF-8"), ("LANGUAGE", "nn:en")]),
            "nb"
        );
        assert_eq!(with(&[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")]), "de");
        assert_eq!(with(&[]), "en");
    }

    fn request(method: &str, path: &str, body: &str) -> tauri::http::Request<Vec<u8>> {
        tauri::http::Request::builder()
            .method(method)
            .uri(format!("podium://localhost{path}"))
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn the_scheme_checks_a_post_for_every_network() {
        let answer = scheme(
            &request(
                "POST",
                "/check",
                r#"{"text":"Hei #ledelse https://podium.no","lang":"nb","variants":{}}"#,
            ),
            &Limits::default(),
        );
        assert_eq!(answer.status(), 200);
        let reports: serde_json::Value = serde_json::from_slice(answer.body()).unwrap();
        let reports = reports.as_array().unwrap();
        assert_eq!(reports.len(), Network::ALL.len());
        let x = &reports[0];
        assert_eq!(x["network"], "x");
        assert_eq!(x["length"], 4 + 8 + 1 + 23);
        assert_eq!(x["hashtags"], serde_json::json!(["ledelse"]));
        assert_eq!(
            answer.headers()["Access-Control-Allow-Origin"],
            "*",
            "the page's origin is tauri://localhost"
        );
    }

    #[test]
    fn the_scheme_says_what_is_wrong_with_a_bad_request() {
        let answer = scheme(&request("POST", "/check", "not json"), &Limits::default());
        assert_eq!(answer.status(), 400);
        let message = String::from_utf8(answer.body().clone()).unwrap();
        assert!(message.contains("a check needs"), "{message}");
        assert_eq!(
            scheme(&request("GET", "/drafts", ""), &Limits::default()).status(),
            400
        );
        assert_eq!(
            scheme(&request("OPTIONS", "/check", ""), &Limits::default()).status(),
            200
        );
    }
}
