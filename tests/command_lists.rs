//! The four places that name the window's commands agree: the handler list
//! (`tauri::generate_handler!` in `src-tauri/src/lib.rs`), the command list the build step turns
//! into permissions (`src-tauri/build.rs`), the permissions the main window is granted
//! (`src-tauri/capabilities/main.json`) and the commands `ui/api.js` invokes.
//!
//! Forget one and the app still builds, then fails at run time: a command missing from
//! `build.rs` or the capability is refused with "not allowed", one missing from the handler
//! list answers "command not found", and a permission left over from a removed command grants
//! more than the window uses. This test reads the files as text — it does not start the app —
//! and names what is missing where.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The text after `open` (which ends in `[`) up to its matching `]`.
fn bracketed<'a>(text: &'a str, open: &str, file: &str) -> &'a str {
    let start = text
        .find(open)
        .unwrap_or_else(|| panic!("{file}: no `{open}` found"))
        + open.len();
    let mut depth = 1;
    for (i, c) in text[start..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return &text[start..start + i];
        }
    }
    panic!("{file}: `{open}` is never closed");
}

/// Line comments removed, so a commented-out command does not count.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `commands::check_post, plan::week_plan, …` → the functions' names (the last path segment);
/// attributes such as `#[cfg(debug_assertions)]` before an entry are skipped.
fn handler_list() -> BTreeSet<String> {
    let lib = without_comments(&read("src-tauri/src/lib.rs"));
    handler_names(bracketed(
        &lib,
        "generate_handler![",
        "src-tauri/src/lib.rs",
    ))
}

fn handler_names(inside: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = inside;
    while let Some(start) = rest.find("#[") {
        let end = rest[start..]
            .find(']')
            .map_or(rest.len(), |e| start + e + 1);
        names.extend(paths(&rest[..start]));
        rest = &rest[end..];
    }
    names.extend(paths(rest));
    names
}

fn paths(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.rsplit("::").next().unwrap_or(p).trim().to_owned())
}

/// The string literals of `.commands(&[ … ])`.
fn build_list() -> BTreeSet<String> {
    let build = without_comments(&read("src-tauri/build.rs"));
    let inside = bracketed(&build, ".commands(&[", "src-tauri/build.rs");
    inside
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// `allow-week-plan` → `week_plan`; the core plugins' permissions (`core:…`) are not commands
/// of ours and are left out.
fn capability_list() -> BTreeSet<String> {
    let text = read("src-tauri/capabilities/main.json");
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("src-tauri/capabilities/main.json is not JSON: {e}"));
    let permissions = json["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("src-tauri/capabilities/main.json has no permissions list"));
    permissions
        .iter()
        .filter_map(|p| p.as_str().or_else(|| p["identifier"].as_str()))
        .filter(|p| !p.contains(':'))
        .map(|p| {
            let name = p.strip_prefix("allow-").unwrap_or_else(|| {
                panic!("capability {p:?}: the window is granted only allow- permissions of ours")
            });
            name.replace('-', "_")
        })
        .collect()
}

/// The names in `invoke("…"` calls.
fn api_list() -> BTreeSet<String> {
    let api = without_comments(&read("ui/api.js"));
    api.split("invoke(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn handler_list_build_list_capability_and_api_name_the_same_commands() {
    let lists = [
        (
            "tauri::generate_handler! in src-tauri/src/lib.rs",
            handler_list(),
        ),
        ("the command list in src-tauri/build.rs", build_list()),
        (
            "the permissions in src-tauri/capabilities/main.json",
            capability_list(),
        ),
        ("the invoke calls in ui/api.js", api_list()),
    ];
    for (place, names) in &lists {
        assert!(
            names.len() > 10,
            "found only {} commands in {place}: the reader is broken",
            names.len()
        );
    }
    let every: BTreeSet<&String> = lists.iter().flat_map(|(_, names)| names).collect();
    let mut problems = Vec::new();
    for command in every {
        let (there, missing): (Vec<_>, Vec<_>) =
            lists.iter().partition(|(_, names)| names.contains(command));
        if !missing.is_empty() {
            let there: Vec<_> = there.iter().map(|(place, _)| *place).collect();
            let missing: Vec<_> = missing.iter().map(|(place, _)| *place).collect();
            problems.push(format!(
                "`{command}` is in {} but missing from {}",
                there.join(", "),
                missing.join(", ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the command lists disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn no_permission_file_is_left_from_a_removed_command() {
    let commands = build_list();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("permissions/autogenerated");
    let entries = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
    let stale: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".toml").map(str::to_owned))
        .filter(|name| !commands.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "permissions/autogenerated holds files for commands build.rs no longer lists (delete them): {stale:?}"
    );
}

#[test]
fn the_readers_see_paths_attributes_and_comments() {
    assert_eq!(without_comments("x, // y\nz"), "x, \nz");
    assert_eq!(
        bracketed("f![a, #[cfg(x)] b] c]", "f![", "test"),
        "a, #[cfg(x)] b"
    );
    assert_eq!(
        handler_names("a::one, #[cfg(debug_assertions)]\n b::two, three,"),
        BTreeSet::from(["one".to_owned(), "two".to_owned(), "three".to_owned()])
    );
}
