//! The window's words: `ui/i18n/en.js` and `ui/i18n/nb.js` hold the same keys, each message
//! with the same `{placeholders}`, and every key the UI asks for by name exists.
//!
//! A missing Norwegian key shows the English words in a Norwegian window (or the bare key when
//! English lacks it too); a placeholder spelled differently shows `{name}` to the user. This
//! test reads the files as text — it does not start the app — so it runs in a second.
//!
//! The word files are plain ES modules of one shape, written by hand: `export default {`, then
//! one `"key": "message",` a line, then `};`. The small scanner below reads exactly that shape
//! and fails loudly on anything else, rather than guessing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads one JSON-style string literal at the start of `s`: its value and the rest after it.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &rest[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// The messages of one word file, key → message, in file order checked for duplicates.
fn words(name: &str) -> BTreeMap<String, String> {
    let path = ui_dir().join("i18n").join(name);
    let text = read(&path);
    let mut lines = text.lines().map(str::trim).enumerate();
    // Comments before the object are allowed; the object itself must open as expected.
    for (_, line) in lines.by_ref() {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        assert_eq!(
            line, "export default {",
            "{name}: expected `export default {{`"
        );
        break;
    }
    let mut words = BTreeMap::new();
    for (n, line) in lines.by_ref() {
        if line == "};" {
            assert!(!words.is_empty(), "{name}: no words at all");
            return words;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let parsed = string_literal(line).and_then(|(key, rest)| {
            let rest = rest.trim_start().strip_prefix(':')?.trim_start();
            let (message, rest) = string_literal(rest)?;
            (rest.trim() == ",").then_some((key, message))
        });
        let Some((key, message)) = parsed else {
            panic!(
                "{name}:{}: not a `\"key\": \"message\",` line: {line}",
                n + 1
            );
        };
        if words.insert(key.clone(), message).is_some() {
            panic!("{name}:{}: the key {key:?} is there twice", n + 1);
        }
    }
    panic!("{name}: the object is never closed with `}};`");
}

/// The `{name}` placeholders of a message.
fn placeholders(message: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                found.insert(name.to_owned());
            }
        }
    }
    found
}

#[test]
fn english_and_norwegian_have_the_same_keys_and_placeholders() {
    let en = words("en.js");
    let nb = words("nb.js");
    let mut problems = Vec::new();
    for key in en.keys().filter(|k| !nb.contains_key(*k)) {
        problems.push(format!("{key:?} is in en.js but missing in nb.js"));
    }
    for key in nb.keys().filter(|k| !en.contains_key(*k)) {
        problems.push(format!("{key:?} is in nb.js but missing in en.js"));
    }
    for (key, english) in &en {
        if let Some(norwegian) = nb.get(key) {
            let (a, b) = (placeholders(english), placeholders(norwegian));
            if a != b {
                problems.push(format!("{key:?}: en.js fills {a:?}, nb.js fills {b:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the two languages disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_key_the_window_names_has_english_words() {
    let en = words("en.js");
    let mut named = BTreeSet::new();
    // `t("key"` in the modules, `data-i18n…="key"` in the page.
    for entry in std::fs::read_dir(ui_dir()).unwrap_or_else(|e| panic!("cannot list ui/: {e}")) {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list ui/: {e}"))
            .path();
        let Some(path) = path_if_text(&path) else {
            continue;
        };
        let text = read(&path);
        for marker in [
            "t(\"",
            "data-i18n=\"",
            "-i18n-placeholder=\"",
            "-i18n-title=\"",
            "-i18n-label=\"",
        ] {
            for (at, _) in text.match_indices(marker) {
                // `t("` only as the call itself, not the end of `document.createElement("`.
                let before = text[..at].chars().next_back();
                if marker == "t(\""
                    && before.is_some_and(|c| c.is_alphanumeric() || "_.$".contains(c))
                {
                    continue;
                }
                let key = text[at + marker.len()..]
                    .split('"')
                    .next()
                    .unwrap_or_default();
                if !key.is_empty() && !key.contains(['$', ' ']) {
                    let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
                    named.insert((key.to_owned(), file));
                }
            }
        }
    }
    assert!(
        named.len() > 50,
        "found only {} keys named in ui/: the scanner is broken",
        named.len()
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|(key, _)| !en.contains_key(key))
        .map(|(key, file)| format!("{key:?} (named in {})", file.as_deref().unwrap_or("?")))
        .collect();
    assert!(
        missing.is_empty(),
        "keys with no words in ui/i18n/en.js:\n  {}",
        missing.join("\n  ")
    );
}

/// `path` when it is a UI source the scan should read (the modules and the page).
fn path_if_text(path: &Path) -> Option<PathBuf> {
    let ext = path.extension()?.to_str()?;
    (ext == "js" || ext == "html").then(|| path.to_owned())
}

#[test]
fn the_scanner_reads_escapes_and_placeholders() {
    assert_eq!(
        string_literal(r#""a \"b\" \u00e5 {n}", rest"#),
        Some(("a \"b\" å {n}".to_owned(), ", rest"))
    );
    assert_eq!(
        placeholders("{sent} of {n} posts {}, {not a name}"),
        BTreeSet::from(["sent".to_owned(), "n".to_owned()])
    );
}

/// Every reason Podium keeps for a post or an account (`podium_core::reason::Reason`: why a post
/// failed, waits or is unclear, why an account needs reconnecting) has words in both languages —
/// `reason.<code>`, and `reason.<code>_part` for a thread's part — with the same placeholders,
/// each one a datum the reason carries (or one Rust gives in both languages, `note_en`/`note_nb`
/// for `{note}`). A new code without words fails here.
#[test]
fn every_reason_a_post_or_an_account_can_carry_has_words_in_english_and_norwegian() {
    use podium_core::reason::{Reason, ReasonCode};
    let en = words("en.js");
    let nb = words("nb.js");
    let mut problems = Vec::new();
    for code in ReasonCode::ALL {
        for (file, words) in [("en.js", &en), ("nb.js", &nb)] {
            if !words.contains_key(&format!("reason.{code}")) {
                problems.push(format!("reason.{code} is missing in {file}"));
            }
        }
    }
    for reason in Reason::examples() {
        let json = serde_json::to_value(&reason).unwrap_or_default();
        let Some(data) = json["data"].as_object() else {
            panic!("{reason:?} has no data object: {json}");
        };
        let code = reason.code();
        let key = if data.contains_key("part") {
            format!("reason.{code}_part")
        } else {
            format!("reason.{code}")
        };
        let (Some(english), Some(norwegian)) = (en.get(&key), nb.get(&key)) else {
            problems.push(format!("{key} is missing in en.js or nb.js"));
            continue;
        };
        let (a, b) = (placeholders(english), placeholders(norwegian));
        if a != b {
            problems.push(format!("{key}: en.js fills {a:?}, nb.js fills {b:?}"));
        }
        for name in a {
            if !data.contains_key(&name) && !data.contains_key(&format!("{name}_en")) {
                problems.push(format!("{key}: {{{name}}} is not in its data {json}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "reasons without the right words:\n  {}",
        problems.join("\n  ")
    );
}
