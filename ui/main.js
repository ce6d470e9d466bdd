// Wires the window together: the draft list, the editor, history and settings, keyboard
// shortcuts, and what to show when the database cannot be opened.

import * as api from "./api.js";
import { createAccounts, createScheduler } from "./accounts.js";
import { createApprovalBar, createThread, loadRole, role } from "./approval.js";
import { createEditor } from "./editor.js";
import { button, byId as $, hide, show } from "./dom.js";
import { dayTime } from "./format.js";
import { createHistory } from "./history.js";
import { goalName, setSystemLanguage, t, tagName, translate } from "./i18n.js";
import { createList } from "./list.js";
import { createPlan } from "./plan.js";
import { createResults } from "./results.js";
import { setPreviewAccounts } from "./preview.js";
import { applyTheme, createSettings, renderBackups } from "./settings.js";
import { createConflicts, createSync, createTeamPanel } from "./team.js";
import { relabelFields } from "./when.js";
let info = null;

applyTheme();
translate();
relabelFields();

// ----- messages -----

let toastTimer = 0;
function toast(message, { error = false, action = null } = {}) {
  const box = $("toast");
  box.replaceChildren(document.createTextNode(message));
  box.classList.toggle("error", error);
  if (action) {
    box.append(
      button(action.label, () => {
        hide(box);
        action.run();
      }),
    );
  }
  show(box);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => hide(box), error ? 12000 : 6000);
}
const showError = (message) => toast(message, { error: true });

// ----- publishing while the window is closed -----

const HINT_SEEN = "podium.startAtLoginHint";

/** After the first post is scheduled on a computer no other device of the team publishes for:
 *  offer to start Podium at login, once (Rust says whether to; the person may say not now). */
async function suggestStartAtLogin() {
  if (localStorage.getItem(HINT_SEEN)) return;
  let state;
  try {
    state = await api.startAtLogin();
  } catch (error) {
    console.warn("no start-at-login suggestion", error);
    return;
  }
  if (!state.suggest) return;
  localStorage.setItem(HINT_SEEN, "shown");
  show($("login-hint"));
}
$("login-hint-on").addEventListener("click", async () => {
  hide($("login-hint"));
  try {
    if (await api.setStartAtLogin(true)) toast(t("startAtLogin.done"));
  } catch (error) {
    showError(api.describe(error));
  }
});
$("login-hint-no").addEventListener("click", () => hide($("login-hint")));

// ----- list -----

const filters = { state: $("filter-state"), goal: $("filter-goal"), tag: $("filter-tag") };

const list = createList({
  container: $("draft-list"),
  spacer: $("list-spacer"),
  empty: $("list-empty"),
  count: $("list-count"),
  onOpen: open,
  onRestore: restoreFromBin,
  onBinned: (d) =>
    toast(t("bin.binnedDraft", { title: d.title || t("list.untitled") }), {
      action: { label: t("bin.restore"), run: () => restoreFromBin(d.id) },
    }),
});

// The state filter's last choice is the bin.
const BIN = "__bin";

function currentFilter() {
  const bin = filters.state.value === BIN;
  return {
    query: $("search").value.trim() || null,
    state: (!bin && filters.state.value) || null,
    goal: filters.goal.value || null,
    tag: filters.tag.value || null,
    bin,
  };
}

/** Whether the list shows only some drafts (a search, a filter or the bin): Rust then decides
 *  what belongs in it, also for a draft just written. */
function narrowed() {
  const f = currentFilter();
  return Boolean(f.query || f.state || f.goal || f.tag || f.bin);
}

let listTicket = 0;
async function refreshList() {
  const mine = ++listTicket;
  const filter = currentFilter();
  show($("bin-bar"), filter.bin);
  try {
    const items = await api.listDrafts(filter);
    if (mine === listTicket) {
      list.set(items, filter.query ?? "", filter.bin);
      $("empty-bin").disabled = filter.bin && items.length === 0 && !filter.query;
    }
  } catch (error) {
    showError(api.describe(error));
  }
}
let listTimer = 0;
const refreshListSoon = () => {
  clearTimeout(listTimer);
  listTimer = setTimeout(refreshList, 250);
};

async function restoreFromBin(id) {
  try {
    const back = await api.undeleteDraft(id);
    // Back to the ordinary list, where the restored draft is (a search hiding it is cleared).
    if (filters.state.value === BIN) filters.state.value = "";
    await refreshList();
    if (!list.has(back.id) && $("search").value) {
      $("search").value = "";
      await refreshList();
    }
    refreshFacetsSoon();
    await open(back.id);
    toast(t("bin.restored", { title: back.title || t("list.untitled") }));
  } catch (error) {
    showError(api.describe(error));
  }
}

let facetsTimer = 0;
async function refreshFacets() {
  try {
    const facets = await api.draftFacets();
    const keep = { state: filters.state.value, goal: filters.goal.value, tag: filters.tag.value };
    const states = ["idea", "draft", "ready", "scheduled", "published", "archived"];
    filters.state.replaceChildren(
      new Option(t("list.allStates"), ""),
      ...states.map((s) => new Option(`${t(`state.${s}`)} (${facets.states[s] ?? 0})`, s)),
      new Option(t("bin.filter", { n: facets.bin ?? 0 }), BIN),
    );
    filters.goal.replaceChildren(new Option(t("list.allGoals"), ""), ...facets.goals.map((g) => new Option(goalName(g), g)));
    filters.tag.replaceChildren(new Option(t("list.allTags"), ""), ...facets.tags.map(([tag, n]) => new Option(`${tagName(tag)} (${n})`, tag)));
    Object.entries(keep).forEach(([k, v]) => (filters[k].value = v));
    editor.setGoals(facets.goals);
  } catch (error) {
    showError(api.describe(error));
  }
}
const refreshFacetsSoon = () => {
  clearTimeout(facetsTimer);
  facetsTimer = setTimeout(refreshFacets, 1500);
};

/** A saved draft as the list shows it (Rust computed its title and excerpt). */
function listItem(d) {
  const { id, title, excerpt, state, goal, tags, networks, updated_at, conflict_of } = d;
  return { id, title, excerpt, state, goal, tags, networks, updated_at, conflict_of };
}

// ----- editor -----

const editor = createEditor(
  {
    textarea: $("post-text"),
    backdrop: $("backdrop"),
    counters: $("counters"),
    notes: $("notes"),
    preview: $("preview"),
    previewTitle: document.querySelector(".preview-title"),
    noNetworks: $("no-networks"),
    toggles: $("network-toggles"),
    state: $("draft-state"),
    goal: $("draft-goal"),
    tags: $("draft-tags"),
    lang: $("draft-lang"),
    contentWarning: $("draft-cw"),
    visibility: $("draft-visibility"),
    mastodonOptions: $("mastodon-options"),
    threadMode: $("thread-mode"),
    thread: $("thread"),
    field: $("field"),
    threadNetwork: $("thread-network"),
    threadNone: $("thread-none"),
    threadNumbering: $("thread-numbering"),
    threadParts: $("thread-parts"),
    deleteButton: $("delete-button"),
    historyButton: $("history-button"),
    version: $("version"),
    dropVersion: $("drop-version"),
    imageList: $("image-list"),
    imageFile: $("image-file"),
  },
  {
    onSaved(draft) {
      // Under a search or filter, whether the draft belongs in the list is Rust's to say.
      if (narrowed()) refreshListSoon();
      else list.upsert(listItem(draft));
      list.select(draft.id);
      history.refresh();
      refreshFacetsSoon();
      // An edit can send an approved post back to awaiting approval.
      if (role().team) approvalBarSoon();
    },
    onStatus(text, bad = false) {
      const status = $("save-status");
      status.textContent = text;
      status.classList.toggle("error", bad);
    },
    onError: showError,
  },
);

// ----- approval and comments beside the editor -----

const approvalBar = createApprovalBar(
  {
    bar: $("approval-bar"),
    rows: $("approval-rows"),
    request: $("approval-request"),
    requestText: $("approval-request-text"),
    requestSend: $("approval-request-send"),
    requestCancel: $("approval-request-cancel"),
  },
  {
    current: () => editor.current(),
    onDecided: () => approvalChanged(),
    onError: showError,
  },
);

let approvalTimer = 0;
function approvalBarSoon() {
  clearTimeout(approvalTimer);
  approvalTimer = setTimeout(() => approvalBar.refresh(), 400);
}

/** The right column's tabs (Checks, Comments), shown in a team. */
function showSideTab(which) {
  const comments = which === "comments";
  $("tab-checks").setAttribute("aria-selected", String(!comments));
  $("tab-comments").setAttribute("aria-selected", String(comments));
  show($("checks-panel"), !comments);
  show($("comments-panel"), comments);
  if (comments) draftThread.load();
}
$("tab-checks").addEventListener("click", () => showSideTab("checks"));
$("tab-comments").addEventListener("click", () => showSideTab("comments"));

const draftThread = createThread(
  { list: $("draft-comments"), text: $("draft-comment-text"), add: $("draft-comment-add"), error: $("draft-comment-error") },
  {
    draftId: () => editor.current()?.id ?? null,
    onCount(n) {
      $("comments-count").textContent = n > 0 ? String(n) : "";
    },
  },
);

/** Shows or hides what approval adds to the window, as this device's role in a team says. */
async function followRole() {
  const me = await loadRole();
  const team = me.team;
  show($("side-tabs"), team);
  document.querySelector(".checks").classList.toggle("tabbed", team);
  if (!team) showSideTab("checks");
  await showApprovalOf();
}

/** The open draft's approval bar and comments. */
async function showApprovalOf() {
  if (!role().team) {
    await approvalBar.refresh();
    return;
  }
  await Promise.all([approvalBar.refresh(), draftThread.load()]);
}

/** A post's approval or a comment changed, here or on another device. */
function approvalChanged() {
  showApprovalOf();
  plan.refresh();
}

/** The "Compare versions" button shows while the open draft is a conflict copy. */
function showConflictButton(draft) {
  show($("conflict-button"), Boolean(draft?.conflict_of));
}

async function open(id) {
  if (!id || editor.current()?.id === id) return;
  try {
    const draft = await api.getDraft(id);
    await editor.load(draft);
    showConflictButton(draft);
    list.select(id);
    history.refresh();
    showApprovalOf();
  } catch (error) {
    showError(api.describe(error));
  }
}

async function newDraft() {
  await editor.blank();
  showConflictButton(null);
  showApprovalOf();
  list.select(null);
  history.close();
}

const history = createHistory(
  {
    panel: $("history"),
    list: $("revisions"),
    diffView: $("diff-view"),
    diff: $("diff"),
    restore: $("restore-revision"),
    name: $("name-revision"),
    close: $("history-close"),
  },
  {
    current: () => editor.current(),
    async onRestored(draft) {
      await editor.load(draft);
      list.upsert(listItem(draft));
      list.select(draft.id);
      toast(t("history.restored"));
    },
    onError: showError,
  },
);

const settings = createSettings(
  {
    dialog: $("settings"),
    language: $("setting-language"),
    theme: $("setting-theme"),
    backups: $("backups"),
    backupNow: $("backup-now"),
    startAtLogin: $("setting-start-at-login"),
    paths: $("paths"),
  },
  {
    info: () => info,
    onLanguage() {
      translate();
      relabelFields();
      $("save-status").textContent = "";
      editor.relabel();
      sync.relabel();
      team.refresh();
      conflicts.relabel();
      approvalBar.relabel();
      draftThread.load();
      refreshFacets();
      refreshList();
    },
    async onRestored(message) {
      toast(message);
      await refreshFacets();
      await refreshList();
      const first = list.first();
      if (first) {
        await editor.load(await api.getDraft(first));
        list.select(first);
      } else {
        await newDraft();
      }
    },
    onError: showError,
  },
);

// ----- team sync -----

const sync = createSync(
  { chip: $("sync-chip") },
  {
    onConflicts: () => conflicts.open(editor.current()?.id),
    onError: (error) => showError(api.describe(error)),
    onChanged(view) {
      // Joined, left, or another member now: what approval shows follows.
      const key = view.identity ? `${view.identity.device_id}|${view.identity.role}` : "";
      if (key !== identityKey) {
        identityKey = key;
        followRole();
      }
    },
  },
);
let identityKey = null;

const team = createTeamPanel(
  {
    join: $("team-join"),
    hub: $("team-hub"),
    code: $("team-code"),
    joinButton: $("team-join-button"),
    joined: $("team-joined"),
    facts: $("team-facts"),
    members: $("team-members"),
    syncNow: $("team-sync-now"),
    leave: $("team-leave"),
    error: $("team-error"),
    invite: $("team-invite"),
    inviteName: $("invite-name"),
    inviteRole: $("invite-role"),
    inviteButton: $("invite-button"),
    inviteResult: $("invite-result"),
    inviteResultHelp: $("invite-result-help"),
    inviteCode: $("invite-code"),
    inviteCopy: $("invite-copy"),
  },
  { sync, onError: showError },
);

const conflicts = createConflicts(
  {
    dialog: $("conflict-dialog"),
    why: $("conflict-why"),
    count: $("conflict-count"),
    prev: $("conflict-prev"),
    next: $("conflict-next"),
    thisTitle: $("conflict-this-title"),
    thatTitle: $("conflict-that-title"),
    thisMeta: $("conflict-this-meta"),
    thatMeta: $("conflict-that-meta"),
    thisText: $("conflict-this"),
    thatText: $("conflict-that"),
    keepThis: $("conflict-keep-this"),
    keepThat: $("conflict-keep-that"),
    merge: $("conflict-merge"),
    edit: $("conflict-edit"),
    keepEdit: $("conflict-keep-edit"),
    error: $("conflict-error"),
  },
  {
    async onResolved(kept, copyId) {
      list.remove(copyId);
      list.upsert(listItem(kept));
      const open = editor.current()?.id;
      if (open === kept.id || open === copyId) {
        await editor.load(kept);
        showConflictButton(kept);
        list.select(kept.id);
      }
      refreshFacetsSoon();
      toast(t("conflict.resolved"));
    },
    onError: showError,
  },
);

function openSettings() {
  team.refresh();
  settings.open();
}

// Changes from other devices: the list refreshes, and the open draft too unless the person is
// typing in it (then their text wins here, and the next round merges it).
let reloadTimer = 0;
/** Shows the open draft as it is now in the database when another device changed it; while
 *  the person is typing, waits until they pause. */
async function refreshOpenDraft() {
  clearTimeout(reloadTimer);
  const current = editor.current();
  if (!current) return;
  if (editor.isTyping()) {
    reloadTimer = setTimeout(refreshOpenDraft, 700);
    return;
  }
  const fresh = await api.getDraft(current.id).catch(() => null);
  const changed = fresh && (fresh.rev !== current.rev || fresh.hlc !== current.hlc);
  if (!changed) return editor.refreshImages();
  if (editor.current()?.id !== fresh.id) return;
  if (editor.isTyping()) {
    reloadTimer = setTimeout(refreshOpenDraft, 700);
    return;
  }
  await editor.load(fresh, { keepCaret: true });
  showConflictButton(fresh);
}

api.onDraftsChanged(async () => {
  refreshFacetsSoon();
  await refreshList();
  await refreshOpenDraft();
});
api.onApprovalChanged(() => approvalChanged()).catch(() => {});
// The queue changed (scheduled, moved, sent): the open draft's approval bar follows.
api.onOutboxChanged(() => approvalBar.refresh()).catch(() => {});

// ----- plan, accounts, scheduling -----

const plan = createPlan(
  {
    section: $("plan"),
    week: $("week"),
    title: $("plan-title"),
    status: $("plan-status"),
    empty: $("plan-empty"),
    prev: $("plan-prev"),
    next: $("plan-next"),
    today: $("plan-today"),
    attention: $("attention"),
    attentionList: $("attention-list"),
    entryDialog: $("entry-dialog"),
    entryTitle: $("entry-title"),
    entryState: $("entry-state"),
    entryFacts: $("entry-facts"),
    entryHelp: $("entry-help"),
    entryError: $("entry-error"),
    entryMove: $("entry-move"),
    entryAt: $("entry-at"),
    entryMoveButton: $("entry-move-button"),
    entryActions: $("entry-actions"),
    approval: $("entry-approval"),
    approvalLine: $("entry-approval-line"),
    approvalNote: $("entry-approval-note"),
    approvalActions: $("entry-approval-actions"),
    approvalError: $("entry-approval-error"),
    approve: $("entry-approve"),
    request: $("entry-request"),
    requestForm: $("entry-request-form"),
    requestText: $("entry-request-text"),
    requestSend: $("entry-request-send"),
    requestCancel: $("entry-request-cancel"),
    side: $("entry-side"),
    comments: $("entry-comments"),
    commentText: $("entry-comment-text"),
    commentAdd: $("entry-comment-add"),
    commentError: $("entry-comment-error"),
    audit: $("entry-audit"),
    readyList: $("ready-list"),
    readyHelp: $("ready-help"),
    queue: $("queue"),
    weekView: $("plan-week-view"),
    listView: $("plan-list-view"),
    slotDialog: $("slot-dialog"),
    slotTitle: $("slot-title"),
    slotHelp: $("slot-help"),
    slotDrafts: $("slot-drafts"),
  },
  {
    async onScheduled(draftId) {
      editor.adoptState(draftId, "scheduled");
      suggestStartAtLogin();
      const back = await api.getDraft(draftId).catch(() => null);
      if (back) list.upsert(listItem(back));
      refreshFacetsSoon();
    },
    async onOpenDraft(id) {
      showWrite();
      await open(id);
    },
    onAccounts: (networks) => accounts.open(networks),
    onDecided: () => showApprovalOf(),
    onError: showError,
    onToast: toast,
  },
);

/** The preview shows the connected accounts: told at start and whenever Accounts change. */
async function refreshPreviewAccounts() {
  try {
    setPreviewAccounts(await api.listAccounts());
    editor.relabel();
  } catch (error) {
    console.warn("the preview keeps its placeholder account", error);
  }
}

const accounts = createAccounts($, {
  onChanged: () => {
    plan.refresh();
    refreshPreviewAccounts();
  },
  onError: showError,
  onToast: toast,
});

const scheduler = createScheduler($, {
  current: () => editor.current(),
  async beforeSchedule() {
    await editor.flush();
    return editor.current();
  },
  async onScheduled(draftId, entries) {
    editor.adoptState(draftId, "scheduled");
    approvalBar.refresh();
    suggestStartAtLogin();
    const first = entries.map((e) => new Date(e.due_at)).sort((a, b) => a - b)[0];
    toast(t("schedule.done", { time: dayTime(first) }), {
      action: {
        label: t("plan.button"),
        async run() {
          await showPlan();
          await plan.showWeekOf(first);
        },
      },
    });
    const back = await api.getDraft(draftId).catch(() => null);
    if (back) list.upsert(listItem(back));
  },
  onConnect: (network) => accounts.open(network),
  onVersion: (network) => editor.showVersion(network),
  onThread: () => editor.threadOn(),
  onError: showError,
});

const results = createResults(
  { section: $("results"), body: $("results-body"), count: $("results-count"), export: $("results-export") },
  {
    async onOpenDraft(id) {
      showWrite();
      await open(id);
    },
    onError: showError,
    onToast: toast,
  },
);

async function showResults() {
  await editor.flush();
  history.close();
  plan.hide();
  setView(true);
  $("plan-button").setAttribute("aria-pressed", "false");
  $("results-button").setAttribute("aria-pressed", "true");
  await results.show();
}

function setView(planView) {
  results.hide();
  $("results-button").setAttribute("aria-pressed", "false");
  show($("workspace"), !planView);
  $("write-button").setAttribute("aria-pressed", String(!planView));
  $("plan-button").setAttribute("aria-pressed", String(planView));
  for (const id of ["history-button", "delete-button", "schedule-button"]) show($(id), !planView);
  show($("conflict-button"), !planView && Boolean(editor.current()?.conflict_of));
}
async function showPlan() {
  await editor.flush();
  history.close();
  setView(true);
  await plan.show();
}
function showWrite() {
  plan.hide();
  setView(false);
  $("post-text").focus();
}

$("plan-button").addEventListener("click", showPlan);
$("results-button").addEventListener("click", showResults);
$("write-button").addEventListener("click", showWrite);
$("plan-accounts").addEventListener("click", () => accounts.open());
$("schedule-button").addEventListener("click", () => scheduler.open());

// ----- buttons and shortcuts -----

let searchTimer = 0;
$("search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(refreshList, 80);
});
$("search").addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    $("search").value = "";
    refreshList();
    $("post-text").focus();
  } else if (event.key === "ArrowDown" || event.key === "Enter") {
    event.preventDefault();
    const first = list.first();
    if (first) open(first).then(() => (event.key === "Enter" ? $("post-text") : $("draft-list")).focus());
  }
});
Object.values(filters).forEach((f) => f.addEventListener("change", refreshList));
// Emptying the bin cannot be undone: the button asks once more, in its own words, before it
// does it (a second click within a few seconds).
let emptyArmed = 0;
$("empty-bin").addEventListener("click", async () => {
  const button = $("empty-bin");
  if (!emptyArmed) {
    button.textContent = t("bin.emptyConfirm");
    button.classList.add("danger");
    emptyArmed = setTimeout(() => {
      emptyArmed = 0;
      button.textContent = t("bin.emptyButton");
      button.classList.remove("danger");
    }, 5000);
    return;
  }
  clearTimeout(emptyArmed);
  emptyArmed = 0;
  button.textContent = t("bin.emptyButton");
  button.classList.remove("danger");
  try {
    const n = await api.emptyBin();
    await refreshList();
    refreshFacets();
    toast(t("bin.emptied", { n }));
  } catch (error) {
    showError(api.describe(error));
  }
});
$("new-draft").addEventListener("click", () => {
  if (plan.isVisible()) showWrite();
  newDraft();
});
$("history-button").addEventListener("click", () => history.toggle());
$("conflict-button").addEventListener("click", () => conflicts.open(editor.current()?.id));
$("settings-button").addEventListener("click", openSettings);
$("shortcuts-button").addEventListener("click", () => $("shortcuts").showModal());
$("delete-button").addEventListener("click", async () => {
  const draft = editor.current();
  if (!draft) return;
  await editor.flush();
  try {
    await api.deleteDraft(draft.id);
    editor.discard();
    list.remove(draft.id);
    const next = list.first();
    if (next) await open(next);
    else await newDraft();
    if (narrowed()) refreshListSoon();
    toast(t("editor.deleted"), {
      action: {
        label: t("editor.undo"),
        async run() {
          const back = await api.undeleteDraft(draft.id);
          list.upsert(listItem(back));
          await open(back.id);
        },
      },
    });
    refreshFacetsSoon();
  } catch (error) {
    showError(api.describe(error));
  }
});

document.addEventListener("keydown", (event) => {
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  // Writing shortcuts bring the editor back from the plan.
  if (plan.isVisible() && ctrl && !event.shiftKey && ["n", "f", "k", "h", "t", "1", "2", "3", "4", "5"].includes(key)) {
    showWrite();
  }
  if (ctrl && key === "n") {
    event.preventDefault();
    newDraft();
  } else if (ctrl && (key === "f" || key === "k")) {
    event.preventDefault();
    $("search").focus();
    $("search").select();
  } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    open(list.neighbour(event.key === "ArrowDown" ? 1 : -1));
  } else if (ctrl && /^[1-5]$/.test(event.key)) {
    event.preventDefault();
    editor.toggleNetwork(Number(event.key) - 1);
  } else if (ctrl && key === "h") {
    event.preventDefault();
    history.toggle();
  } else if (ctrl && key === "p") {
    event.preventDefault();
    if (plan.isVisible()) showWrite();
    else showPlan();
  } else if (ctrl && event.shiftKey && key === "s") {
    event.preventDefault();
    if (!plan.isVisible()) scheduler.open();
  } else if (ctrl && key === "t") {
    event.preventDefault();
    editor.toggleThread();
  } else if (event.key === "F1" || (ctrl && event.key === "/")) {
    event.preventDefault();
    $("shortcuts").showModal();
  } else if (event.key === "Escape" && !$("history").hidden) {
    history.close();
  }
});

// ----- start -----

async function showProblem(problem) {
  hide($("workspace"));
  show($("problem"));
  $("problem-message").textContent = problem.error ? api.describe(problem.error) : problem.message;
  const backups = await api.listBackups().catch(() => []);
  renderBackups($("problem-backups"), backups, async (backup) => {
    try {
      const kept = await api.restoreBackup(backup.path);
      hide($("problem"));
      show($("workspace"));
      await start();
      if (kept) toast(t("settings.restored", { path: kept }));
    } catch (error) {
      showError(api.describe(error));
    }
  });
}

async function start() {
  // The newest draft is asked for at once, beside the app's details.
  const newestDraft = api.listDrafts({ limit: 1 }).catch(() => []);
  info = await api.appInfo();
  editor.setMaxChars(info.max_text_chars);
  setSystemLanguage(info.language);
  translate();
  relabelFields();
  api.useLanguage().catch((error) => console.warn("notifications stay in English", error));
  editor.relabel(false);
  if (info.problem) {
    await showProblem(info.problem);
    api.uiReady();
    return;
  }
  // Ready for typing first: the newest draft in the editor. The list (which can hold tens of
  // thousands of drafts) and the filters load right after.
  const [newest] = await newestDraft;
  // Someone who starts typing before that is writing a new draft: keep it.
  const typing = editor.current() || $("post-text").value !== "";
  if (!typing) {
    if (newest) await open(newest.id);
    else await editor.blank();
  }
  $("post-text").focus();
  api.uiReady();
  await Promise.all([refreshFacets(), refreshList(), refreshPreviewAccounts(), sync.load().catch((error) => console.warn("no sync state", error))]);
  await followRole();
  if (editor.current()) list.select(editor.current().id);
  // Problems the background backup found are worth a word.
  setTimeout(async () => {
    const later = await api.appInfo().catch(() => null);
    if (later?.maintenance) showError(later.maintenance);
  }, 8000);
}

start().catch((error) => showError(api.describe(error)));
