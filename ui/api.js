// The one place the UI talks to Rust. Every rule (counting, links, checks, search, history)
// is computed there; this module only forwards calls to the commands the window may use.

import { hasWords, language, t, wordsUnder } from "./i18n.js";

/** A command's error as Rust sent it: `kind` (e.g. `no_draft`, `network`) and `data` (what the
 *  words need; the network's own words in `data.detail`), with `message`, Rust's English. */
export class CommandError extends Error {
  constructor({ kind = "other", data = null, message = "" } = {}) {
    super(message);
    this.name = "CommandError";
    this.kind = kind;
    this.data = data ?? {};
  }
}

/** An error from a call, in the UI language: worded from its `kind` and `data` when the UI has
 *  words for the kind, else the English it came with. */
export function describe(error) {
  if (error?.kind && hasWords(`error.${error.kind}`)) return t(`error.${error.kind}`, error.data ?? {});
  return error?.message || String(error);
}

/** Calls a command; its error arrives as a `CommandError`. */
async function invoke(command, args) {
  try {
    return await window.__TAURI__.core.invoke(command, args);
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new CommandError(typeof error === "object" && error ? error : { message: String(error) });
  }
}

/** Checks `text` for every network (a network with its own version in `variants` is checked on
 *  that): an array of reports (see crates/core/src/text/check.rs). */
export const checkPost = (text, lang, variants = {}, contentWarning = "") =>
  invoke("check_post", { text, lang, variants, contentWarning });

let checkNowWorks = true;
/** The same check, answered before this function returns (a synchronous request to the
 *  `podium:` scheme, ≈ 1 ms): the editor draws the counters and highlights in the frame that
 *  shows the character typed. `null` when the webview refuses such a request; the caller then
 *  uses `checkPost`. */
export function checkPostNow(text, lang, variants = {}, contentWarning = "") {
  if (!checkNowWorks) return null;
  try {
    const request = new XMLHttpRequest();
    request.open("POST", window.__TAURI__.core.convertFileSrc("check", "podium"), false);
    // text/plain keeps it a simple request: no CORS preflight before each keystroke.
    request.setRequestHeader("Content-Type", "text/plain");
    request.send(JSON.stringify({ text, lang, variants, content_warning: contentWarning }));
    if (request.status === 200) return JSON.parse(request.responseText);
    console.error("check refused", request.status, request.responseText);
    // A refusal of this one text (too long: 413; unreadable: 400) says nothing about the next
    // keystroke's: the same-frame check stays on. Anything else means the scheme is not there.
    if (request.status === 400 || request.status === 413) return null;
  } catch (error) {
    console.warn("no same-frame check here; checking asynchronously", error);
  }
  checkNowWorks = false;
  return null;
}
/** The language `text` is written in (`"nb"`, `"nn"`, `"en"`, …), or null when it is too short
 *  to tell (crates/core/src/language.rs). */
export const detectLanguage = (text) => invoke("detect_language", { text });
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

// ----- accounts, scheduling, the plan -----

export const listAccounts = () => invoke("list_accounts");
export const connectBluesky = (service, handle, password) =>
  invoke("connect_bluesky", { service, handle, password });
/** The browser sign-in; the address comes as a `sign-in-address` event too. */
export const connectMastodon = (instance) => invoke("connect_mastodon", { instance });
export const mastodonPasteBegin = (instance) => invoke("mastodon_paste_begin", { instance });
export const mastodonPasteFinish = (code) => invoke("mastodon_paste_finish", { code });
export const connectMastodonToken = (instance, token) => invoke("connect_mastodon_token", { instance, token });
/** X through the browser with the person's X app (OAuth 2.0 + PKCE). */
export const connectX = (clientId) => invoke("connect_x", { clientId });
/** X with OAuth 1.0a keys: `[apiKey, apiSecret, accessToken, accessTokenSecret]`. */
export const connectXOAuth1 = (keys) => invoke("connect_x_oauth1", { keys });
export const connectLinkedin = (clientId, clientSecret) => invoke("connect_linkedin", { clientId, clientSecret });
export const connectThreads = (token) => invoke("connect_threads", { token });
export const disconnectAccount = (id) => invoke("disconnect_account", { id });
/** `changes`: `{slots: ["tue 08:30"], zone, paused, visibility}`, each optional. */
export const updateAccount = (id, changes) => invoke("update_account", { id, ...changes });
export const nextSlots = () => invoke("next_slots");
/** `at`: an ISO time, or null for each account's next free slot. */
export const scheduleDraft = (draftId, accountIds, at) =>
  invoke("schedule_draft", { draftId, accountIds, at });
export const draftSchedule = (draftId) => invoke("draft_schedule", { draftId });
export const rescheduleEntry = (id, at) => invoke("reschedule_entry", { id, at });
export const unscheduleEntry = (id) => invoke("unschedule_entry", { id });
export const retryEntry = (id) => invoke("retry_entry", { id });
export const confirmEntrySent = (id) => invoke("confirm_entry_sent", { id });
export const weekPlan = (from, to) => invoke("week_plan", { from, to });
export const publishingInfo = () => invoke("publishing_info");
export const setGraceHours = (hours) => invoke("set_grace_hours", { hours });
export const openLink = (url) => invoke("open_link", { url });
/** Tells the app the UI language and its words for desktop notifications (at start and when the
 *  language changes), so a post that goes out with the window closed is told in it. */
export const useLanguage = () =>
  invoke("use_language", { lang: language(), words: wordsUnder("notify.", "notice.") });

/** Calls `handler` whenever the outbox changed (a post went out, failed, was moved). */
export const onOutboxChanged = (handler) => window.__TAURI__.event.listen("outbox-changed", handler);
/** The address of a browser sign-in in progress: `{url, opened}`. */
export const onSignInAddress = (handler) =>
  window.__TAURI__.event.listen("sign-in-address", (e) => handler(e.payload));
