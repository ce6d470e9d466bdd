// Approval in the window: who this device is in its team (an executive approves; an assistant
// schedules and comments), how a post's approval is worded, the editor's approval bar (a draft's
// posts that await approval or came back, with Approve / Request changes for whoever may decide),
// a draft's comments, and a post's audit trail. What may be done is Rust's to say (`may_approve`
// on each entry, the hub behind it); this module words it and asks.

import * as api from "./api.js";
import { el as make, hide, show } from "./dom.js";
import { dayTime, daysFromToday, longDate, time } from "./format.js";
import { NETWORK_NAMES, t } from "./i18n.js";

let me = { team: false, member: null, role: null };

/** Asks who this device is in its team; outside a team nothing about approval shows. */
export async function loadRole() {
  try {
    me = await api.teamRole();
  } catch (error) {
    console.warn("no team role", error);
    me = { team: false, member: null, role: null };
  }
  return me;
}

/** `{team, member, role}` as last asked. */
export const role = () => me;

export const isExecutive = () => me.team && me.role === "executive";

/** Whether a post's time came while it still awaited approval: held, never sent. */
export const heldForApproval = (e) => e.error_code === "awaiting_approval";

/** Whether the post still goes out (not sent, not being sent). */
const waiting = (e) => !["sent", "sending", "claimed"].includes(e.state);

/** A post's approval in words, when it is anything but plainly approved (or not in a team). */
export function approvalLabel(e) {
  if (!me.team || !waiting(e)) return null;
  if (heldForApproval(e)) return t("approval.late");
  if (e.approval === "awaiting") return t("approval.awaiting");
  if (e.approval === "changes_requested") return t("approval.changesRequested");
  return null;
}

/** Who decided, and when: "Approved by Kari, 1 Dec 09:30". */
export function decisionText(e) {
  if (!e.approved_by) return "";
  const vars = { name: e.approved_by, time: e.approval_at ? dayTime(e.approval_at) : "" };
  if (e.approval === "approved") return t("approval.approvedBy", vars);
  if (e.approval === "changes_requested") return t("approval.sentBackBy", vars);
  return "";
}

/** "Mastodon · @kari · Tue 1 Dec 09:30". */
function where(e) {
  return `${NETWORK_NAMES[e.network] ?? e.network} · ${e.handle} · ${dayTime(e.due_at)}`;
}

/** Entries oldest first by when they came to wait (then by their time). */
export function oldestFirst(list) {
  const key = (e) => new Date(e.approval_at ?? e.due_at).getTime();
  return [...list].sort((a, b) => key(a) - key(b) || new Date(a.due_at) - new Date(b.due_at));
}

/** "09:30" today, else the day and time. */
function when(value) {
  return daysFromToday(value) === 0 ? time(value) : dayTime(value);
}

// ----- comments -----

/** A comment's time: "09:30" today, else the day and time; the full date in its tip. */
function commentTime(value) {
  return make("time", { dateTime: value, textContent: when(value), title: longDate(value) });
}

/** Draws `comments` (oldest first) into `list`. */
export function renderComments(list, comments) {
  if (comments.length === 0) {
    list.replaceChildren(make("li", { className: "help", textContent: t("comments.none") }));
    return;
  }
  list.replaceChildren(
    ...comments.map((c) =>
      make(
        "li",
        { className: "comment", dataset: { mine: String(Boolean(c.mine)) } },
        make("div", { className: "comment-head" }, make("strong", { textContent: c.author ?? t("comments.you") }), commentTime(c.created_at)),
        make("p", { className: "comment-text", textContent: c.text }),
      ),
    ),
  );
  list.scrollTop = list.scrollHeight;
}

/** A comment thread with its form: `el` = `{list, text, add, error}`; `draftId()` names the
 *  draft it belongs to (null: none, and nothing can be added). Answers `load()` and `clear()`. */
export function createThread(el, { draftId, onCount, onAdded }) {
  let shownFor = null;
  let ticket = 0;

  const ready = () => Boolean(draftId()) && el.text.value.trim().length > 0 && el.text.value.length <= 2000;
  el.text.addEventListener("input", () => {
    el.add.disabled = !ready();
  });
  el.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && ready()) {
      event.preventDefault();
      add();
    }
  });

  async function add() {
    const id = draftId();
    if (!id) return;
    el.add.disabled = true;
    hide(el.error);
    try {
      await api.addComment(id, el.text.value.trim());
      el.text.value = "";
      await load();
      onAdded?.();
    } catch (error) {
      el.error.textContent = api.describe(error);
      show(el.error);
    }
    el.add.disabled = !ready();
  }
  el.add.addEventListener("click", add);

  /** Loads the thread of the current draft (a text being written for the same draft stays). */
  async function load() {
    const id = draftId();
    const mine = ++ticket;
    if (id !== shownFor) {
      el.text.value = "";
      hide(el.error);
    }
    if (!id) {
      shownFor = null;
      el.list.replaceChildren();
      el.add.disabled = true;
      onCount?.(0);
      return;
    }
    try {
      const comments = await api.listComments(id);
      if (mine !== ticket) return;
      shownFor = id;
      renderComments(el.list, comments);
      onCount?.(comments.length);
    } catch (error) {
      if (mine !== ticket) return;
      shownFor = id;
      el.list.replaceChildren(make("li", { className: "help", textContent: api.describe(error) }));
    }
    el.add.disabled = !ready();
  }

  return { load, shownFor: () => shownFor };
}

// ----- the audit trail -----

const ACTIONS = ["created", "edited", "scheduled", "rescheduled", "approved", "changes_requested", "awaiting", "published", "unscheduled", "commented"];

/** Draws a post's audit trail (`{team, reachable, events}` from `entryAudit`) into `list`. */
export function renderAudit(list, audit) {
  if (!audit.reachable) {
    list.replaceChildren(make("li", { className: "help", textContent: t("audit.offline") }));
    return;
  }
  if (audit.events.length === 0) {
    list.replaceChildren(make("li", { className: "help", textContent: t("audit.none") }));
    return;
  }
  list.replaceChildren(
    ...audit.events.map((ev) => {
      const action = ACTIONS.includes(ev.action) ? ev.action : "edited";
      return make(
        "li",
        { className: "audit-event", dataset: { action } },
        make("time", { dateTime: ev.at, textContent: when(ev.at), title: longDate(ev.at) }),
        make("span", { className: "audit-what", textContent: t(`audit.${action}`, { member: ev.member }) }),
        make("span", { className: "audit-device", textContent: ev.device }),
      );
    }),
  );
}

// ----- the editor's approval bar -----

/** The bar above the editor: the open draft's posts that await approval or came back.
 *  `el` = `{bar, rows, request, requestText, requestSend, requestCancel}`. */
export function createApprovalBar(el, { current, onDecided, onError }) {
  let entries = [];
  let asking = null; // the entry "Request changes" is being written for
  let ticket = 0;

  const sendable = () => el.requestText.value.trim().length > 0;
  el.requestText.addEventListener("input", () => {
    el.requestSend.disabled = !sendable();
  });
  el.requestCancel.addEventListener("click", () => closeRequest());
  el.requestSend.addEventListener("click", async () => {
    if (!asking || !sendable()) return;
    el.requestSend.disabled = true;
    try {
      await api.requestChanges(asking.id, el.requestText.value.trim());
      closeRequest();
      onDecided?.();
    } catch (error) {
      onError(api.describe(error));
      el.requestSend.disabled = !sendable();
    }
  });

  function closeRequest() {
    asking = null;
    el.requestText.value = "";
    el.requestSend.disabled = true;
    hide(el.request);
    draw();
  }

  function openRequest(e) {
    asking = e;
    show(el.request);
    draw();
    el.requestText.focus();
  }

  async function approve(e, b) {
    b.disabled = true;
    try {
      await api.approveEntry(e.id);
      onDecided?.();
    } catch (error) {
      onError(api.describe(error));
      b.disabled = false;
    }
  }

  function row(e) {
    const label = approvalLabel(e);
    const li = make("li", { className: "approval-row", dataset: { approval: e.approval, id: e.id, late: String(heldForApproval(e)) } });
    const words = make(
      "div",
      { className: "approval-words" },
      make("strong", { className: "approval-state", textContent: e.approval === "awaiting" && e.may_approve && !heldForApproval(e) ? t("approval.awaitingYou") : label }),
      make("span", { className: "approval-where", textContent: where(e) }),
    );
    if (e.scheduled_by && e.scheduled_by !== me.member) words.append(make("span", { className: "approval-who", textContent: t("approval.scheduledBy", { name: e.scheduled_by }) }));
    li.append(words);
    if (e.approval === "changes_requested") {
      const who = decisionText(e);
      if (who) words.append(make("span", { className: "approval-who", textContent: who }));
      if (e.approval_note) li.append(make("blockquote", { className: "approval-note", textContent: e.approval_note }));
    }
    if (e.may_approve) {
      const actions = make("div", { className: "approval-actions" });
      const yes = make("button", { type: "button", className: "primary approve", textContent: t("approval.approve") });
      yes.addEventListener("click", () => approve(e, yes));
      actions.append(yes);
      if (e.approval !== "changes_requested") {
        const back = make("button", { type: "button", className: "request", textContent: t("approval.requestChanges") });
        back.setAttribute("aria-expanded", String(asking?.id === e.id));
        back.addEventListener("click", () => (asking?.id === e.id ? closeRequest() : openRequest(e)));
        actions.append(back);
      }
      li.append(actions);
    }
    return li;
  }

  function draw() {
    const shown = entries.filter((e) => waiting(e) && approvalLabel(e));
    show(el.bar, shown.length > 0);
    el.rows.replaceChildren(...shown.map(row));
    if (asking && !shown.some((e) => e.id === asking.id)) {
      asking = null;
      el.requestText.value = "";
      hide(el.request);
    }
  }

  async function refresh() {
    const draft = current();
    const mine = ++ticket;
    if (!me.team || !draft) {
      entries = [];
      draw();
      return;
    }
    try {
      const found = await api.draftSchedule(draft.id);
      if (mine !== ticket) return;
      if (asking && current()?.id !== asking.draft_id) closeRequest();
      entries = found;
      draw();
    } catch (error) {
      console.warn("the approval bar keeps what it showed", error);
    }
  }

  return { refresh, relabel: draw };
}
