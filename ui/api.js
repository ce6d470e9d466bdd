// The one place the UI talks to Rust. Every rule (counting, links, checks, search, history)
// is computed there; this module only forwards calls to the commands the window may use.

import { NETWORK_NAMES, hasWords, language, misfitText, reasonText, t, wordsUnder } from "./i18n.js";

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

/** The reasons of a server that could not be reached (crates/core/src/reason.rs). */
const UNREACHABLE = ["no_such_host", "nothing_listens", "no_secure_connection"];

/** An error from a call, in the UI language: worded from its `kind` and `data` when the UI has
 *  words for the kind, else the English it came with. */
export function describe(error) {
  if (error?.kind && hasWords(`error.${error.kind}`)) {
    const data = { ...(error.data ?? {}) };
    const why = data.reason;
    // A server that could not be reached says which and why in its own words, whatever asked.
    if (UNREACHABLE.includes(why?.code)) return reasonText(why.code, why.data, data.detail);
    // A reason with a code (the keyring's, say) is worded too; `detail` stays its English.
    if (why?.code) data.detail = reasonText(why.code, why.data, data.detail);
    if (typeof data.network === "string") data.network = NETWORK_NAMES[data.network] ?? data.network;
    if (error.kind === "does_not_fit") data.why = misfitText(error.data);
    return t(`error.${error.kind}`, data);
  }
  return error?.message || String(error);
}

/** Calls a command; its error arrives as a `CommandError`. */
async function invoke(command, args, options) {
  try {
    return await window.__TAURI__.core.invoke(command, args, options);
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
/** `patch`: the fields that change (`text`, `networks`, `lang`, `goal`, `tags`, `state`, `thread`);
 *  `base`: the text the edit started from (Rust merges the edit onto a text synced in since). */
export const updateDraft = (id, patch, base = null) => invoke("update_draft", { id, patch, base });
export const deleteDraft = (id) => invoke("delete_draft", { id });
export const undeleteDraft = (id) => invoke("undelete_draft", { id });
/** Empties the bin for good; answers how many drafts were in it. */
export const emptyBin = () => invoke("empty_bin");
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
export const scheduleChoices = (draftId) => invoke("schedule_choices", { draftId: draftId ?? null });
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
  invoke("use_language", { lang: language(), words: wordsUnder("notify.", "notice.", "reason.", "wait.") });

/** Whether Podium starts at login, and whether to suggest it: `{on, suggest}`. */
export const startAtLogin = () => invoke("start_at_login");
/** Turns starting at login on or off; answers whether it is on. */
export const setStartAtLogin = (on) => invoke("set_start_at_login", { on });
/** Calls `handler` whenever the outbox changed (a post went out, failed, was moved). */
export const onOutboxChanged = (handler) => window.__TAURI__.event.listen("outbox-changed", handler);
/** The address of a browser sign-in in progress: `{url, opened}`. */
export const onSignInAddress = (handler) =>
  window.__TAURI__.event.listen("sign-in-address", (e) => handler(e.payload));

// ----- team sync -----

/** The sync state: `{state: off|synced|syncing|offline|problem, identity, pending, conflicts,
 *  last_synced_at, offline_since, problem}`. */
export const syncStatus = () => invoke("sync_status");
/** Joins the team at `hub` with a one-time invite `code`; answers the new sync state. */
export const teamJoin = (hub, code) => invoke("team_join", { hub, code });
/** The members and their devices: `[{id, name, role, devices: [{id, name, joined_at, last_seen}]}]`. */
export const teamMembers = () => invoke("team_members");
export const teamLeave = () => invoke("team_leave");
export const syncNow = () => invoke("sync_now");
/** `[{original, copy, reason}]`, each draft as `get_draft` answers it. */
export const listConflicts = () => invoke("list_conflicts");
/** `keep`: `original`, `copy`, or `text` with the edit of both in `text`. */
export const resolveConflict = (copyId, keep, text = null) => invoke("resolve_conflict", { copyId, keep, text });
/** Calls `handler` with the sync state whenever it changes. */
export const onSyncChanged = (handler) => window.__TAURI__.event.listen("sync-changed", (e) => handler(e.payload));
/** Calls `handler` when a round brought other devices' changes (`{pulled, conflicts}`). */
export const onDraftsChanged = (handler) => window.__TAURI__.event.listen("drafts-changed", (e) => handler(e.payload));

/** A one-time invite code for a new member (`role`: assistant or executive): `{code, expires_at}`. */
export const teamInvite = (name, role) => invoke("team_invite", { name, role });
/** Removes a member's access (every device of theirs). */
export const teamRemoveMember = (memberId) => invoke("team_remove_member", { memberId });
export const teamRemoveDevice = (deviceId) => invoke("team_remove_device", { deviceId });

// ----- goals and results
export const resultsView = () => invoke("results_view");
export const setTarget = (goal, network, perWeek) => invoke("set_target", { goal, network, perWeek });
export const setXReads = (on) => invoke("set_x_reads", { on });
export const exportResults = () => invoke("export_results");
// ----- approval (backend: issue 12; contract in the approval helper's APPROVAL-API.md) -----

/** `{team, member, role: "executive"|"assistant"|null}`: who this device's member is. */
export const teamRole = () => invoke("team_role");
/** Approves a queued post (an executive's, on an account they own); answers the entry. A refusal
 *  is a `not_allowed` CommandError whose `data.reason` says why. */
export const approveEntry = (id) => invoke("approve_entry", { id });
/** Sends a queued post back with a comment (also added to its draft's comments). */
export const requestChanges = (id, comment) => invoke("request_changes", { id, comment });
/** Posts not yet sent that await approval, oldest first (`may_approve` marks what this member may decide). */
export const listAwaiting = () => invoke("list_awaiting");
/** A draft's comments, oldest first: `[{id, draft_id, author, text, created_at, mine}]`. */
export const listComments = (draftId) => invoke("list_comments", { draftId });
export const addComment = (draftId, text) => invoke("add_comment", { draftId, text });
/** `{team, reachable, events: [{cursor, at, member, device, action, draft_id, entry_id}]}` from the hub. */
export const entryAudit = (id) => invoke("entry_audit", { id });
/** `{awaiting: [entry], decided: [entry]}`: what changed since the last call (for notifications). */
export const approvalNews = () => invoke("approval_news");
/** Calls `handler` when an approval or a comment changed, here or on another device. */
export const onApprovalChanged = (handler) => window.__TAURI__.event.listen("approval-changed", (e) => handler(e.payload));

// ----- a draft's images -----

export const draftImages = (id) => invoke("draft_images", { id });
export const attachImageFile = (id, path) => invoke("attach_image_file", { id, path });
/** Attaches image bytes (a pasted or dropped image), sent as the raw body, not as JSON. */
export const attachImageBytes = (id, bytes) =>
  invoke("attach_image_bytes", bytes, { headers: { "podium-draft": id } });
/** The card of the page at `url` (title, description, site, image as a `data:` address), read
 *  by Rust within its limits; null when the page gives none. */
export const linkCard = (url) => invoke("link_card", { url });
export const detachImage = (id, image) => invoke("detach_image", { id, image });
export const setImageAlt = (id, image, alt) => invoke("set_image_alt", { id, image, alt });
export const orderImages = (id, images) => invoke("order_images", { id, images });
export const checkImages = (id, lang) => invoke("check_images", { id, lang });
