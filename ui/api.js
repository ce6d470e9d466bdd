// The one place the UI talks to Rust. Every rule (counting, links, checks) is computed there;
// this module only forwards calls to the commands the window is allowed to use.

const { invoke } = window.__TAURI__.core;

/** Checks `text` for every network: an array of reports (see crates/core/src/text/check.rs). */
export function checkPost(text, lang) {
  return invoke("check_post", { text, lang });
}
