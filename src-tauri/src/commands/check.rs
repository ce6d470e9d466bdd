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

use super::{Answer, CommandError};
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
/// A text (or version) over the cap (`podium_core::text::MAX_TEXT_CHARS`) is refused, saying so.
#[tauri::command(async)]
pub fn check_post(
    text: String,
    lang: Option<String>,
    variants: Option<BTreeMap<Network, String>>,
    content_warning: Option<String>,
    limits: State<'_, Limits>,
) -> Answer<Vec<Report>> {
    within_cap(&text, variants.as_ref())?;
    Ok(check_texts(
        text,
        lang,
        variants,
        content_warning.unwrap_or_default(),
        &limits,
    ))
}

/// Refuses a text or a network's version longer than the cap, with the reason.
fn within_cap(text: &str, variants: Option<&BTreeMap<Network, String>>) -> Answer<()> {
    let versions = variants.into_iter().flat_map(|v| v.values());
    std::iter::once(text)
        .chain(versions.map(String::as_str))
        .try_for_each(podium_core::text::within_cap)
        .map_err(|e| {
            CommandError::new(
                "text_too_long",
                serde_json::json!({ "n": e.chars, "max": e.max }),
                e.to_string(),
            )
        })
}

/// What [`check_post`] and the `podium:` scheme answer. The networks are checked side by
/// side: this runs on every keystroke. A network with its own version of the draft is checked
/// on that version; Mastodon counts the draft's content warning with the text.
pub fn check_texts(
    text: String,
    lang: Option<String>,
    variants: Option<BTreeMap<Network, String>>,
    content_warning: String,
    limits: &Limits,
) -> Vec<Report> {
    let options = options(lang.as_deref());
    let mastodon = Options {
        content_warning,
        ..limits.mastodon_options(&options)
    };
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
    /// The draft's content warning (Mastodon counts it with the text).
    #[serde(default)]
    content_warning: String,
}

/// The origins of the app's own page: `tauri://localhost` (Linux, macOS), and
/// `http(s)://tauri.localhost` (Windows, where the page is served under that name).
const APP_ORIGINS: [&str; 3] = [
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

/// The most bytes a check request may carry: the text and five versions at the cap, each
/// escaped in JSON at its worst (`\uXXXX\uXXXX`, 12 bytes a character), and room to spare.
const MAX_CHECK_BODY: usize = 8 << 20;

/// Whether a request with this `Origin` may be answered.
///
/// Only the app's own page: any other origin (a page that is not the app's) and `null` (the
/// origin of sandboxed frames, `data:` and `file:` pages) are refused before any work is done,
/// so no content but the app's can make the app check texts (and spend its time) for it.
/// A request with no `Origin` at all is taken: browsers attach one to every cross-origin
/// request and every `POST`, so none comes from another page, and WebKitGTK has left it out
/// for requests from the app's page to a custom scheme (wry issue 366); only webviews of this
/// app can reach the `podium:` scheme at all.
fn origin_allowed(origin: Option<&[u8]>) -> bool {
    origin.is_none_or(|o| APP_ORIGINS.iter().any(|app| app.as_bytes() == o))
}

/// The `podium:` scheme: `POST podium://localhost/check` with a [`CheckRequest`] answers what
/// [`check_post`] answers. The editor calls it synchronously on every keystroke, so the
/// counters and highlights are drawn in the same frame as the character typed (an `invoke`
/// answers only after WebKit has laid out and painted the text once more, ≈ 7 ms later for a
/// 3,000-character post). The check is pure and bounded (linear in the text, and the text is
/// capped), so the wait is short: ≈ 1 ms.
///
/// Only the app's own page is answered ([`origin_allowed`]: 403 otherwise), and every answer
/// says `X-Content-Type-Options: nosniff`, so an answer is never read as another type than
/// it says (a script, a page).
pub fn scheme(
    request: &tauri::http::Request<Vec<u8>>,
    limits: &Limits,
) -> tauri::http::Response<Vec<u8>> {
    let origin = request
        .headers()
        .get(tauri::http::header::ORIGIN)
        .map(|o| o.as_bytes());
    let response = tauri::http::Response::builder()
        .header("X-Content-Type-Options", "nosniff")
        .header("Vary", "Origin");
    if !origin_allowed(origin) {
        let seen = String::from_utf8_lossy(origin.unwrap_or_default());
        tracing::warn!(origin = %seen, "the podium: scheme refused a request from another origin");
        return response
            .status(403)
            .header("Content-Type", "text/plain")
            .body(
                format!("the podium: scheme answers only the app's own page, not {seen}")
                    .into_bytes(),
            )
            .unwrap_or_default();
    }
    // The page's own origin, echoed (or any, when the webview sent none: see origin_allowed).
    let allow = origin.map_or("*".into(), String::from_utf8_lossy);
    let response = response
        .header("Access-Control-Allow-Origin", allow.as_ref())
        .header("Access-Control-Allow-Headers", "Content-Type");
    let answer = match (request.method().as_str(), request.uri().path()) {
        ("OPTIONS", _) => Ok(Vec::new()),
        ("POST", "/check") if request.body().len() > MAX_CHECK_BODY => Err((
            413,
            format!(
                "a check request may carry at most {MAX_CHECK_BODY} bytes; this one has {}",
                request.body().len()
            ),
        )),
        ("POST", "/check") => serde_json::from_slice::<CheckRequest>(request.body())
            .map_err(|e| (400, format!("a check needs {{text, lang, variants}}: {e}")))
            .and_then(|r| {
                within_cap(&r.text, r.variants.as_ref()).map_err(|e| (413, e.message))?;
                serde_json::to_vec(&check_texts(
                    r.text,
                    r.lang,
                    r.variants,
                    r.content_warning,
                    limits,
                ))
                .map_err(|e| (500, e.to_string()))
            }),
        (method, path) => Err((400, format!("no {method} {path} here"))),
    };
    let built = match answer {
        Ok(body) => response
            .status(200)
            .header("Content-Type", "application/json")
            .body(body),
        Err((status, message)) => response
            .status(status)
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

/// The language `text` is written in (`nb`, `nn`, `en`, `da`, …), or `null` when it is too
/// short to tell; the editor follows it for a new draft until the user picks a language.
#[tauri::command(async)]
pub fn detect_language(text: String) -> Option<&'static str> {
    podium_core::language::detect(&text)
}

/// Splits the text into the posts of a thread for `network`.
#[tauri::command]
pub fn thread_parts(
    text: String,
    network: Network,
    numbering: bool,
    lang: Option<String>,
    limits: State<'_, Limits>,
) -> Answer<Vec<ThreadPart>> {
    within_cap(&text, None)?;
    let options = options(lang.as_deref());
    let options = if network == Network::Mastodon {
        limits.mastodon_options(&options)
    } else {
        options
    };
    let parts = thread::split(&text, network, &options, numbering);
    let total = parts.len();
    Ok(parts
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
        .collect())
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
    /// The most characters a text may have (the editor refuses more, saying so).
    max_text_chars: usize,
}

#[tauri::command]
pub fn app_info(app: AppHandle, drafts: State<'_, Drafts>) -> AppInfo {
    // The page's scripts run: the text area takes typing from here on.
    let elapsed = crate::started().elapsed().as_secs_f64() * 1e3;
    tracing::debug!(ms = elapsed, "the page asked for app_info");
    if bench_ready() {
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
        max_text_chars: podium_core::text::MAX_TEXT_CHARS,
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

/// Whether the start-up benchmark runs this app: `PODIUM_BENCH_READY` is read only in a build
/// with the `bench` feature (`cargo xtask bench ui`) or a debug build; the shipped app has no
/// such switch.
fn bench_ready() -> bool {
    (cfg!(feature = "bench") || cfg!(debug_assertions))
        && std::env::var_os("PODIUM_BENCH_READY").is_some()
}

/// The window says it is ready for typing. With `PODIUM_BENCH_READY` set (the start-up
/// benchmark), the app reports how long that took and quits.
#[tauri::command]
pub fn ui_ready(app: AppHandle) {
    let elapsed = crate::started().elapsed();
    tracing::info!(ms = elapsed.as_secs_f64() * 1e3, "window ready for typing");
    if bench_ready() {
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

    /// A request as the app's page sends it on Linux (origin `tauri://localhost`).
    fn request(method: &str, path: &str, body: &str) -> tauri::http::Request<Vec<u8>> {
        request_from(Some("tauri://localhost"), method, path, body)
    }

    fn request_from(
        origin: Option<&str>,
        method: &str,
        path: &str,
        body: &str,
    ) -> tauri::http::Request<Vec<u8>> {
        let mut builder = tauri::http::Request::builder()
            .method(method)
            .uri(format!("podium://localhost{path}"));
        if let Some(origin) = origin {
            builder = builder.header("Origin", origin);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    const CHECK: &str = r#"{"text":"Hei #ledelse","lang":"en","variants":{}}"#;

    #[test]
    fn the_scheme_refuses_pages_that_are_not_the_apps_before_checking() {
        for origin in [
            "https://evil.example",
            "null",
            "",
            "http://localhost",
            "tauri://localhost.evil.example",
            "http://tauri.localhost:8080",
        ] {
            for method in ["POST", "OPTIONS"] {
                let answer = scheme(
                    &request_from(Some(origin), method, "/check", CHECK),
                    &Limits::default(),
                );
                assert_eq!(answer.status(), 403, "{method} from {origin:?}");
                assert!(
                    !answer.headers().contains_key("Access-Control-Allow-Origin"),
                    "{origin:?}"
                );
                let body = String::from_utf8_lossy(answer.body()).into_owned();
                assert!(body.contains("only the app's own page"), "{body}");
            }
        }
    }

    #[test]
    fn the_scheme_answers_the_apps_page_on_every_platform_and_without_an_origin() {
        for origin in [
            Some("tauri://localhost"),
            Some("http://tauri.localhost"),
            Some("https://tauri.localhost"),
            None,
        ] {
            let answer = scheme(
                &request_from(origin, "POST", "/check", CHECK),
                &Limits::default(),
            );
            assert_eq!(answer.status(), 200, "{origin:?}");
            assert_eq!(
                answer.headers()["Access-Control-Allow-Origin"],
                origin.unwrap_or("*"),
                "{origin:?}"
            );
        }
    }

    #[test]
    fn every_answer_of_the_scheme_says_nosniff() {
        for (origin, method, path, body) in [
            (Some("tauri://localhost"), "POST", "/check", CHECK),
            (Some("tauri://localhost"), "POST", "/check", "not json"),
            (Some("tauri://localhost"), "GET", "/drafts", ""),
            (Some("https://evil.example"), "POST", "/check", CHECK),
        ] {
            let answer = scheme(
                &request_from(origin, method, path, body),
                &Limits::default(),
            );
            assert_eq!(
                answer.headers()["X-Content-Type-Options"],
                "nosniff",
                "{method} {path} from {origin:?}: {}",
                answer.status()
            );
        }
    }

    #[test]
    fn a_text_over_the_cap_is_refused_with_the_reason() {
        let max = podium_core::text::MAX_TEXT_CHARS;
        let long = "ø".repeat(max + 1);
        let body = serde_json::json!({ "text": long, "lang": "en" }).to_string();
        let answer = scheme(&request("POST", "/check", &body), &Limits::default());
        assert_eq!(answer.status(), 413);
        let message = String::from_utf8_lossy(answer.body()).into_owned();
        assert!(message.contains("at most 100000"), "{message}");
        // A network's own version is capped too, and the command says the same.
        let variants = BTreeMap::from([(Network::Linkedin, long.clone())]);
        let err = within_cap("Kort", Some(&variants)).unwrap_err();
        assert_eq!(err.kind, "text_too_long");
        assert_eq!(err.data["max"], max);
        assert!(err.message.contains("at most 100000"), "{}", err.message);
        // At the cap the text is still checked.
        assert!(within_cap(&"ø".repeat(max), None).is_ok());
        let huge = vec![b' '; MAX_CHECK_BODY + 1];
        let answer = scheme(
            &request("POST", "/check", std::str::from_utf8(&huge).unwrap()),
            &Limits::default(),
        );
        assert_eq!(answer.status(), 413);
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
            "tauri://localhost",
            "the page's own origin, echoed"
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
