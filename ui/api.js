// The one place the UI talks to Rust. Every rule (counting, links, checks, search, history)
// is computed there; this module only forwards calls to the commands the window may use.

const { invoke } = window.__TAURI__.core;

/** Checks `text` for every network (a network with its own version in `variants` is checked on
 *  that): an array of reports (see crates/core/src/text/check.rs). */
export const checkPost = (text, lang, variants = {}) => invoke("check_post", { text, lang, variants });
/** The posts of a thread for `network`: `[{text, numbered, report}]`. */
export const threadParts = (text, network, numbering, lang) =>
  invoke("thread_parts", { text, network, numbering, lang });

export const appInfo = () => invoke("app_info");
export const uiReady = () => invoke("ui_ready");

/** `filter`: `{query, state, goal, tag, limit}`, all optional. */
export const listDrafts = (filter) => invoke("list_drafts", { filter });
export const getDraft = (id) => invoke("get_draft", { id });
export const createDraft = (draft) => invoke("create_draft", { draft });
/** `patch`: the fields that change (`text`, `networks`, `lang`, `goal`, `tags`, `state`, `thread`). */
export const updateDraft = (id, patch) => invoke("update_draft", { id, patch });
export const deleteDraft = (id) => invoke("delete_draft", { id });
export const undeleteDraft = (id) => invoke("undelete_draft", { id });
export const draftFacets = () => invoke("draft_facets");
export const addGoal = (name) => invoke("add_goal", { name });

export const revisions = (id) => invoke("revisions", { id });
export const revisionDiff = (id) => invoke("revision_diff", { id });
export const restoreRevision = (id) => invoke("restore_revision", { id });
export const nameRevision = (id, name) => invoke("name_revision", { id, name });

export const listBackups = () => invoke("list_backups");
export const backupNow = () => invoke("backup_now");
export const restoreBackup = (path) => invoke("restore_backup", { path });
