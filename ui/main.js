// Wires the window together: the draft list, the editor, history and settings, keyboard
// shortcuts, and what to show when the database cannot be opened.

import * as api from "./api.js";
import { createAccounts, createScheduler } from "./accounts.js";
import { createEditor } from "./editor.js";
import { button, byId as $, hide, show } from "./dom.js";
import { dayTime, localizeInputs } from "./format.js";
import { createHistory } from "./history.js";
import { goalName, setSystemLanguage, t, translate } from "./i18n.js";
import { createList } from "./list.js";
import { createPlan } from "./plan.js";
import { applyTheme, createSettings, renderBackups } from "./settings.js";
let info = null;

applyTheme();
translate();
localizeInputs();

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

// ----- list -----

const filters = { state: $("filter-state"), goal: $("filter-goal"), tag: $("filter-tag") };

const list = createList({
  container: $("draft-list"),
  spacer: $("list-spacer"),
  empty: $("list-empty"),
  count: $("list-count"),
  onOpen: open,
});

function currentFilter() {
  return {
    query: $("search").value.trim() || null,
    state: filters.state.value || null,
    goal: filters.goal.value || null,
    tag: filters.tag.value || null,
  };
}

let listTicket = 0;
async function refreshList() {
  const mine = ++listTicket;
  const filter = currentFilter();
  try {
    const items = await api.listDrafts(filter);
    if (mine === listTicket) list.set(items, filter.query ?? "");
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
    );
    filters.goal.replaceChildren(new Option(t("list.allGoals"), ""), ...facets.goals.map((g) => new Option(goalName(g), g)));
    filters.tag.replaceChildren(new Option(t("list.allTags"), ""), ...facets.tags.map(([tag, n]) => new Option(`#${tag} (${n})`, tag)));
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
  const { id, title, excerpt, state, goal, tags, networks, updated_at } = d;
  return { id, title, excerpt, state, goal, tags, networks, updated_at };
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
    threadNumbering: $("thread-numbering"),
    threadParts: $("thread-parts"),
    deleteButton: $("delete-button"),
    historyButton: $("history-button"),
    version: $("version"),
    dropVersion: $("drop-version"),
  },
  {
    onSaved(draft) {
      list.upsert(listItem(draft));
      list.select(draft.id);
      history.refresh();
      refreshFacetsSoon();
    },
    onStatus(text, bad = false) {
      const status = $("save-status");
      status.textContent = text;
      status.classList.toggle("error", bad);
    },
    onError: showError,
  },
);

async function open(id) {
  if (!id || editor.current()?.id === id) return;
  try {
    const draft = await api.getDraft(id);
    await editor.load(draft);
    list.select(id);
    history.refresh();
  } catch (error) {
    showError(api.describe(error));
  }
}

async function newDraft() {
  await editor.blank();
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
    paths: $("paths"),
  },
  {
    info: () => info,
    onLanguage() {
      translate();
      localizeInputs();
      $("save-status").textContent = "";
      editor.relabel();
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
  },
  {
    async onOpenDraft(id) {
      showWrite();
      await open(id);
    },
    onAccounts: () => accounts.open(),
    onError: showError,
    onToast: toast,
  },
);

const accounts = createAccounts($, {
  onChanged: () => plan.refresh(),
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
  onError: showError,
});

function setView(planView) {
  show($("workspace"), !planView);
  $("write-button").setAttribute("aria-pressed", String(!planView));
  $("plan-button").setAttribute("aria-pressed", String(planView));
  for (const id of ["history-button", "delete-button", "schedule-button"]) show($(id), !planView);
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
$("new-draft").addEventListener("click", () => {
  if (plan.isVisible()) showWrite();
  newDraft();
});
$("history-button").addEventListener("click", () => history.toggle());
$("settings-button").addEventListener("click", () => settings.open());
$("shortcuts-button").addEventListener("click", () => $("shortcuts").showModal());
$("delete-button").addEventListener("click", async () => {
  const draft = editor.current();
  if (!draft) return;
  await editor.flush();
  try {
    await api.deleteDraft(draft.id);
    list.remove(draft.id);
    const next = list.first();
    if (next) await open(next);
    else await newDraft();
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
  localizeInputs();
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
  await Promise.all([refreshFacets(), refreshList()]);
  if (editor.current()) list.select(editor.current().id);
  // Problems the background backup found are worth a word.
  setTimeout(async () => {
    const later = await api.appInfo().catch(() => null);
    if (later?.maintenance) showError(later.maintenance);
  }, 8000);
}

start().catch((error) => showError(api.describe(error)));
