// The one place the UI talks to Rust. Every rule (counting, checks) is computed there; this
// module only forwards calls to the commands the window is allowed to use.

const { invoke } = window.__TAURI__.core;

/** Counts `text` as X does: `{length, limit, valid}`. */
export function checkX(text) {
  return invoke("check_x", { text });
}
