// The plan: a week of scheduled posts and free slots, in this computer's time zone. Posts are
// dragged to another time (pointer events, so mouse, pen and touch all work, and the real
// window can be driven by WebDriver); a click opens a post's details and what can be done
// with it. Which times slots fall on, and what may be done with a post (its `movable`,
// `retryable`, `confirmable` and `removable`), is Rust's to say; here a state is only worded.

import * as api from "./api.js";
import { approvalLabel, createThread, decisionText, heldForApproval, oldestFirst, renderAudit, role } from "./approval.js";
import { el as make, factRows, hide, show } from "./dom.js";
import { date, dayMonth, dayTime, locale, time as timeOf } from "./format.js";
import { NETWORK_NAMES, entryReason, misfitText, noticeText, t } from "./i18n.js";
import { readField, setField, whenField } from "./when.js";

const HOUR_PX = 44;
const SNAP_MIN = 15;

// Words by state: what the retry button says, and the help a state has. `instead`: the help
// replaces the stored error (a late post's error is a generic line; an unclear post's error
// already says what to do, so its help shows only when there is none).
const RETRY_LABEL = { failed: "entry.retry", review: "entry.sendNow", unknown: "entry.sendAgain" };
const HELP = {
  review: { key: "entry.reviewHelp", instead: true },
  unknown: { key: "entry.unknownHelp", instead: false },
};

/** Monday 00:00 (local) of the week holding `date`. */
function mondayOf(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const back = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - back);
  return d;
}

function addDays(date, n) {
  const d = new Date(date);
  d.setDate(d.getDate() + n);
  return d;
}

export function stateLabel(state) {
  return t(`entry.${state}`);
}

/** The zone's name as a place, with its offset now: "Oslo (GMT+1)". */
function zoneName(zone) {
  if (!zone || /^(Etc\/)?(UTC|GMT|Universal|Zulu)$/.test(zone)) return "UTC";
  const place = zone.split("/").pop().replaceAll("_", " ");
  const offset = new Intl.DateTimeFormat(locale(), { timeZone: zone, timeZoneName: "shortOffset" })
    .formatToParts(new Date())
    .find((p) => p.type === "timeZoneName")?.value;
  return offset ? `${place} (${offset})` : place;
}

/** How many days ahead the queue's list view reaches. */
const QUEUE_DAYS = 90;

/** A post's state as the plan words it: a post held because it no longer fits says so, and one
 *  that waits for approval (or came back) says that. */
function entryLabel(e) {
  if (e.misfit) return t("entry.held");
  return approvalLabel(e) ?? stateLabel(e.state);
}

/** How far back and ahead the posts waiting for a decision are looked for (an assistant's
 *  posts sent back are found among these). */
const DECISION_DAYS_BACK = 14;

export function createPlan(el, { onOpenDraft, onAccounts, onError, onToast, onScheduled, onDecided }) {
  let weekStart = mondayOf(new Date());
  let plan = null;
  let view = "week"; // or "list": the queue as a list
  let ready = []; // drafts marked ready, to drag into the week
  let visible = false;
  let shown = null; // the entry in the dialog
  let awaiting = []; // posts this member may approve, oldest first
  let returned = []; // this member's posts an executive sent back
  let nowTimer = 0;
  const sayMoveTo = whenField(el.entryAt, document.getElementById("entry-at-words"));

  function grid() {
    const days = [...Array(7)].map((_, i) => addDays(weekStart, i));
    const today = new Date().toDateString();
    const head = document.createElement("div");
    head.className = "week-head";
    head.append(document.createElement("span"));
    for (const d of days) {
      const h = document.createElement("div");
      h.className = "day-head";
      if (d.toDateString() === today) h.classList.add("today");
      h.textContent = date(d, { weekday: "short", day: "numeric", month: "short" });
      head.append(h);
    }
    const body = document.createElement("div");
    body.className = "week-body";
    body.id = "week-body";
    const hours = document.createElement("div");
    hours.className = "hours";
    for (let h = 0; h < 24; h++) {
      const label = document.createElement("div");
      label.className = "hour";
      label.textContent = `${String(h).padStart(2, "0")}:00`;
      hours.append(label);
    }
    body.append(hours);
    days.forEach((d, i) => {
      const col = document.createElement("div");
      col.className = "day";
      col.dataset.day = String(i);
      if (d.toDateString() === today) col.classList.add("today");
      body.append(col);
    });
    el.week.replaceChildren(head, body);
    return body;
  }

  function minutesIntoDay(date) {
    return date.getHours() * 60 + date.getMinutes();
  }

  function dayIndex(date) {
    const start = new Date(date.getFullYear(), date.getMonth(), date.getDate());
    return Math.round((start - weekStart) / 86400000);
  }

  function render() {
    const scroll = document.getElementById("week-body")?.scrollTop;
    const body = grid();
    const columns = [...body.querySelectorAll(".day")];
    const accounts = new Map(plan.accounts.map((a) => [a.id, a]));
    const taken = new Set(plan.entries.map((e) => `${e.account_id}|${e.due_at}`));

    const now = new Date();
    for (const s of plan.slots) {
      if (taken.has(`${s.account_id}|${s.at}`)) continue;
      const at = new Date(s.at);
      if (at < now) continue;
      const col = columns[dayIndex(at)];
      if (!col) continue;
      const slot = document.createElement("div");
      slot.className = "slot";
      slot.style.top = `${(minutesIntoDay(at) / 60) * HOUR_PX}px`;
      const a = accounts.get(s.account_id);
      slot.textContent = `${timeOf(at)} ${t("plan.slot")} · ${a?.handle ?? ""}`;
      slot.dataset.network = a?.network ?? "";
      slot.dataset.account = s.account_id;
      slot.tabIndex = 0;
      slot.setAttribute("role", "button");
      slot.title = t("ready.slotTip");
      const pick = () => pickForSlot(s, at, a);
      slot.addEventListener("click", pick);
      slot.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          pick();
        }
      });
      col.append(slot);
    }

    // Posts whose cards would overlap (less than an hour apart in one day) sit side by side.
    const byDay = new Map();
    for (const e of plan.entries) {
      const i = dayIndex(new Date(e.due_at));
      if (!columns[i]) continue;
      if (!byDay.has(i)) byDay.set(i, []);
      byDay.get(i).push(e);
    }
    for (const [i, list] of byDay) {
      list.sort((a, b) => new Date(a.due_at) - new Date(b.due_at));
      let cluster = [];
      let end = -Infinity;
      const flush = () => cluster.forEach((e, k) => columns[i].append(card(e, k, cluster.length)));
      for (const e of list) {
        const start = minutesIntoDay(new Date(e.due_at));
        if (start >= end && cluster.length) {
          flush();
          cluster = [];
        }
        cluster.push(e);
        end = Math.max(end, start + 65);
      }
      flush();
    }
    el.empty.hidden = plan.entries.length > 0 || plan.slots.length > 0;
    if (plan.accounts.length === 0) {
      // The way out is where the user is stuck: a real button, not words naming one.
      const connect = make("button", { type: "button", className: "link connect-account", textContent: t("plan.accounts") });
      connect.addEventListener("click", () => onAccounts());
      el.empty.replaceChildren(`${t("plan.noAccounts")} `, connect);
      // With no account there are no slots: a click on a time says how to get some.
      for (const col of columns) {
        col.addEventListener("click", (event) => {
          const target = dropTarget(event.clientX, event.clientY);
          offerConnect(ready.flatMap((d) => d.networks), target?.at ?? null);
        });
      }
    } else {
      el.empty.textContent = t("plan.empty");
    }
    renderAttention();
    drawNow(body);
    body.scrollTop = scroll ?? 7 * HOUR_PX;
    const end = addDays(weekStart, 6);
    el.title.textContent = `${dayMonth(weekStart)} – ${dayMonth(end, true)}`;
  }

  function drawNow(body) {
    body.querySelector(".now")?.remove();
    const now = new Date();
    const col = body.querySelectorAll(".day")[dayIndex(now)];
    if (!col) return;
    const line = document.createElement("div");
    line.className = "now";
    line.style.top = `${(minutesIntoDay(now) / 60) * HOUR_PX}px`;
    col.append(line);
  }

  function card(e, k, n) {
    const at = new Date(e.due_at);
    const div = document.createElement("div");
    div.className = "plan-post";
    div.tabIndex = 0;
    div.dataset.id = e.id;
    div.dataset.state = e.state;
    div.dataset.network = e.network;
    div.dataset.approval = e.approval ?? "approved";
    div.dataset.late = String(heldForApproval(e));
    div.style.top = `${(minutesIntoDay(at) / 60) * HOUR_PX}px`;
    div.style.left = `calc(${(100 / n) * k}% + 2px)`;
    div.style.width = `calc(${100 / n}% - 4px)`;
    const top = document.createElement("div");
    top.className = "post-top";
    const time = document.createElement("span");
    time.className = "post-time";
    time.textContent = timeOf(at);
    const badge = document.createElement("span");
    badge.className = "post-state";
    badge.textContent = entryLabel(e);
    top.append(time, badge);
    const title = document.createElement("div");
    title.className = "post-title";
    title.textContent = e.title || "…";
    const who = document.createElement("div");
    who.className = "post-account";
    who.textContent = `${NETWORK_NAMES[e.network] ?? e.network} · ${e.handle}`;
    div.append(top, title, who);
    div.title = `${dayTime(at)} · ${entryLabel(e)}${e.error && !heldForApproval(e) ? `\n${entryReason(e)}` : ""}`;
    div.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        openEntry(e);
      }
    });
    if (e.movable) {
      div.classList.add("draggable");
      dragSource(div, e);
    } else {
      div.addEventListener("click", () => openEntry(e));
    }
    return div;
  }

  // ----- dragging -----

  function dragSource(div, entry) {
    div.addEventListener("pointerdown", (down) => {
      if (down.button !== 0) return;
      down.preventDefault();
      const start = { x: down.clientX, y: down.clientY };
      const rect = div.getBoundingClientRect();
      const grab = down.clientY - rect.top;
      let dragging = false;
      let target = null;
      const marker = document.createElement("div");
      marker.className = "drop-marker";
      const move = (ev) => {
        if (!dragging && Math.hypot(ev.clientX - start.x, ev.clientY - start.y) < 4) return;
        dragging = true;
        div.classList.add("dragging");
        div.style.transform = `translate(${ev.clientX - start.x}px, ${ev.clientY - start.y}px)`;
        target = dropTarget(ev.clientX, ev.clientY - grab);
        if (target) {
          target.col.append(marker);
          marker.style.top = `${(target.minutes / 60) * HOUR_PX}px`;
          marker.textContent = timeOf(target.at);
          marker.dataset.past = String(target.at < new Date());
        } else {
          marker.remove();
        }
      };
      const up = async () => {
        document.removeEventListener("pointermove", move);
        document.removeEventListener("pointerup", up);
        marker.remove();
        if (!dragging) {
          openEntry(entry);
          return;
        }
        div.classList.remove("dragging");
        div.style.transform = "";
        if (!target || target.at.getTime() === new Date(entry.due_at).getTime()) return;
        if (target.at < new Date()) {
          onError(t("plan.past"));
          return;
        }
        await reschedule(entry, target.at);
      };
      document.addEventListener("pointermove", move);
      document.addEventListener("pointerup", up);
    });
  }

  /** The column and snapped time under a point (the top of the dragged card). */
  function dropTarget(x, y) {
    const body = document.getElementById("week-body");
    for (const col of body.querySelectorAll(".day")) {
      const r = col.getBoundingClientRect();
      if (x < r.left || x >= r.right) continue;
      const raw = ((y - r.top) / HOUR_PX) * 60;
      const minutes = Math.max(0, Math.min(24 * 60 - SNAP_MIN, Math.round(raw / SNAP_MIN) * SNAP_MIN));
      const at = addDays(weekStart, Number(col.dataset.day));
      at.setHours(0, minutes, 0, 0);
      return { col, minutes, at };
    }
    return null;
  }

  async function reschedule(entry, at) {
    try {
      await api.rescheduleEntry(entry.id, at.toISOString());
      onToast(t("plan.moved", { time: dayTime(at) }));
    } catch (error) {
      onError(api.describe(error));
    }
    await refresh();
  }

  // ----- ready drafts: drag one in, or click a free slot -----

  async function refreshReady() {
    try {
      ready = await api.listDrafts({ state: "ready" });
    } catch (error) {
      onError(api.describe(error));
      ready = [];
    }
    el.readyHelp.textContent = ready.length ? t("ready.help") : t("ready.none");
    // Dragging and slots belong to the week: the list view has neither.
    el.readyHelp.hidden = ready.length > 0 && view !== "week";
    el.readyList.replaceChildren(
      ...ready.map((d) => {
        const li = make(
          "li",
          { className: "ready-item", tabIndex: 0, dataset: { id: d.id }, title: t("ready.dragTip") },
          make("span", { className: "title", textContent: d.title || t("list.untitled") }),
          make("span", { className: "nets", textContent: d.networks.map((n) => NETWORK_NAMES[n] ?? n).join(" · ") }),
        );
        readySource(li, d);
        return li;
      }),
    );
  }

  /** A ready draft dragged by the pointer onto a time of the week. */
  function readySource(li, draft) {
    li.addEventListener("pointerdown", (down) => {
      if (down.button !== 0 || view !== "week") return;
      down.preventDefault();
      const start = { x: down.clientX, y: down.clientY };
      let dragging = false;
      let target = null;
      const marker = make("div", { className: "drop-marker" });
      const move = (ev) => {
        if (!dragging && Math.hypot(ev.clientX - start.x, ev.clientY - start.y) < 4) return;
        if (!dragging) {
          dragging = true;
          li.classList.add("dragging");
        }
        li.style.left = `${ev.clientX - 20}px`;
        li.style.top = `${ev.clientY - 12}px`;
        target = dropTarget(ev.clientX, ev.clientY);
        if (target) {
          target.col.append(marker);
          marker.style.top = `${(target.minutes / 60) * HOUR_PX}px`;
          marker.textContent = timeOf(target.at);
          marker.dataset.past = String(target.at < new Date());
        } else {
          marker.remove();
        }
      };
      const up = async () => {
        document.removeEventListener("pointermove", move);
        document.removeEventListener("pointerup", up);
        marker.remove();
        li.classList.remove("dragging");
        li.style.left = li.style.top = "";
        if (dragging && target) await scheduleAt(draft, target.at);
      };
      document.addEventListener("pointermove", move);
      document.addEventListener("pointerup", up);
    });
  }

  /** The accounts a draft goes to at `at`: of its networks, those with a free slot then, else
   *  all of them. */
  function accountsFor(draft, at) {
    const mine = plan.accounts.filter((a) => draft.networks.includes(a.network));
    const inSlot = mine.filter((a) => plan.slots.some((s) => s.account_id === a.id && new Date(s.at).getTime() === at.getTime()));
    return (inSlot.length ? inSlot : mine).map((a) => a.id);
  }

  async function scheduleAt(draft, at, accountId = null) {
    const accounts = accountId ? [accountId] : accountsFor(draft, at);
    if (accounts.length === 0) {
      offerConnect(draft.networks, at, true);
      return;
    }
    if (at < new Date()) {
      onError(t("plan.past"));
      return;
    }
    try {
      await api.scheduleDraft(draft.id, accounts, at.toISOString());
      onToast(t("ready.scheduled", { title: draft.title || t("list.untitled"), time: dayTime(at) }));
      onScheduled?.(draft.id);
    } catch (error) {
      onError(api.describe(error));
    }
    await refresh();
  }

  /** No account posts to `networks` (the dragged draft's, or the ready drafts' on a click): the
   *  slot dialog says so and offers the way out, Accounts at the quickest of those networks. */
  function offerConnect(networks, at, dragged = false) {
    const names = [...new Set(networks)].map((n) => NETWORK_NAMES[n] ?? n).join(", ");
    el.slotTitle.textContent = at ? dayTime(at) : t("schedule.connect");
    el.slotHelp.textContent = dragged && names ? t("ready.noAccount", { networks: names }) : t("ready.connectFirst");
    const connect = make("button", { type: "button", className: "primary connect-account", textContent: t("schedule.connect") });
    connect.addEventListener("click", () => {
      el.slotDialog.close();
      onAccounts(networks);
    });
    el.slotDrafts.replaceChildren(make("li", {}, connect));
    el.slotDialog.showModal();
  }

  /** A free slot clicked: which ready draft goes there. */
  function pickForSlot(slot, at, account) {
    const fits = ready.filter((d) => !account || d.networks.includes(account.network));
    el.slotTitle.textContent = t("ready.slotTitle", { time: dayTime(at), handle: account?.handle ?? "" });
    el.slotHelp.textContent = fits.length ? t("ready.slotHelp") : t("ready.slotNone", { network: NETWORK_NAMES[account?.network] ?? "" });
    el.slotDrafts.replaceChildren(
      ...fits.map((d) => {
        const b = make("button", { type: "button", textContent: d.title || t("list.untitled") });
        b.addEventListener("click", async () => {
          el.slotDialog.close();
          await scheduleAt(d, at, slot.account_id);
        });
        return make("li", {}, b);
      }),
    );
    el.slotDialog.showModal();
  }

  // ----- the queue as a list -----

  async function renderQueue() {
    const now = new Date();
    let upcoming;
    try {
      upcoming = await api.weekPlan(now.toISOString(), addDays(now, QUEUE_DAYS).toISOString());
    } catch (error) {
      onError(api.describe(error));
      return;
    }
    const entries = [...upcoming.entries].sort((a, b) => new Date(a.due_at) - new Date(b.due_at));
    const days = new Map();
    for (const e of entries) {
      const key = new Date(e.due_at).toDateString();
      if (!days.has(key)) days.set(key, []);
      days.get(key).push(e);
    }
    const parts = [];
    for (const list of days.values()) {
      parts.push(make("h3", { textContent: date(new Date(list[0].due_at), { weekday: "long", day: "numeric", month: "long" }) }));
      parts.push(
        make(
          "ul",
          {},
          ...list.map((e) => {
            const row = make(
              "button",
              { type: "button", className: "queue-row", dataset: { id: e.id, state: e.state, approval: e.approval ?? "approved", late: String(heldForApproval(e)) } },
              make("span", { className: "time", textContent: timeOf(new Date(e.due_at)) }),
              make("span", { className: "title", textContent: e.title || "…" }),
              make("span", { className: "who", textContent: `${NETWORK_NAMES[e.network] ?? e.network} · ${e.handle} · ${entryLabel(e)}` }),
            );
            row.addEventListener("click", () => openEntry(e));
            return make("li", {}, row);
          }),
        ),
      );
    }
    if (parts.length === 0) parts.push(make("p", { className: "help", textContent: t("queue.empty", { days: QUEUE_DAYS }) }));
    el.queue.replaceChildren(...parts);
  }

  function setView(next) {
    view = next;
    el.weekView.setAttribute("aria-pressed", String(view === "week"));
    el.listView.setAttribute("aria-pressed", String(view === "list"));
    el.week.hidden = view !== "week";
    el.queue.hidden = view !== "list";
    for (const b of [el.prev, el.next, el.today]) b.disabled = view !== "week";
    el.title.hidden = view !== "week";
    refresh();
  }
  el.weekView.addEventListener("click", () => setView("week"));
  el.listView.addEventListener("click", () => setView("list"));

  // ----- needs you -----

  /** A post waiting for a decision, as Needs you lists it: for an executive what awaits their
   *  approval; for the member who scheduled it, what came back with its comment. */
  function decisionRow(e) {
    const li = make("li", { className: "decision", dataset: { state: e.approval, late: String(heldForApproval(e)), id: e.id } });
    const parts = [dayTime(new Date(e.due_at)), `${NETWORK_NAMES[e.network] ?? e.network} ${e.handle}`];
    if (e.approval === "awaiting" && e.scheduled_by) parts.push(t("approval.scheduledBy", { name: e.scheduled_by }));
    if (e.approval === "changes_requested" && e.approved_by) parts.push(t("approval.sentBackShort", { name: e.approved_by }));
    const label = make(
      "button",
      { type: "button", className: "link" },
      make("strong", { className: "decision-state", textContent: entryLabel(e) }),
      " ",
      make("span", { className: "decision-title", textContent: e.title || "…" }),
      " ",
      make("span", { className: "decision-where", textContent: parts.join(" · ") }),
    );
    // The week's own copy, when the post is in it, carries what may be done with it (move, remove).
    label.addEventListener("click", () => openEntry(plan.entries.find((x) => x.id === e.id) ?? e));
    li.append(label);
    if (e.approval === "changes_requested" && e.approval_note) {
      li.append(make("span", { className: "attention-note", textContent: `“${e.approval_note}”` }));
    }
    return li;
  }

  function renderAttention() {
    const decisions = [...awaiting, ...returned];
    const ids = new Set(decisions.map((e) => e.id));
    const attention = plan.attention.filter((e) => !ids.has(e.id));
    el.attention.hidden = attention.length === 0 && plan.notices.length === 0 && decisions.length === 0;
    const notices = plan.notices.map(([handle, notice]) => {
      const text = noticeText(notice);
      const li = document.createElement("li");
      li.dataset.state = "account";
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = `${handle} · ${text}`;
      b.addEventListener("click", () => onAccounts());
      li.append(b);
      return li;
    });
    el.attentionList.replaceChildren(
      ...decisions.map(decisionRow),
      ...notices,
      ...attention.map((e) => {
        const li = document.createElement("li");
        li.dataset.state = e.state;
        const label = document.createElement("button");
        label.type = "button";
        label.className = "link";
        label.textContent = `${entryLabel(e)} · ${dayTime(new Date(e.due_at))} · ${e.handle} · ${e.title}`;
        label.addEventListener("click", () => openEntry(e));
        li.append(label);
        return li;
      }),
    );
  }

  // ----- one post -----

  function action(label, run, primary = false) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (primary) b.className = "primary";
    b.addEventListener("click", async () => {
      try {
        await run();
      } catch (error) {
        onError(api.describe(error));
      }
      await refresh();
    });
    return b;
  }

  function openEntry(e) {
    const again = el.entryDialog.open && shown?.id === e.id;
    shown = e;
    const at = new Date(e.due_at);
    el.entryTitle.textContent = e.title || "…";
    el.entryState.textContent = entryLabel(e);
    el.entryState.dataset.state = e.state;
    el.entryState.dataset.approval = !approvalLabel(e) ? "" : heldForApproval(e) ? "late" : e.approval;
    const facts = [
      [t("entry.account"), `${NETWORK_NAMES[e.network] ?? e.network} · ${e.handle}`],
      [t("entry.due"), dayTime(at)],
    ];
    if (e.sent_at) facts.push([t("entry.postedAt"), dayTime(new Date(e.sent_at))]);
    if (role().team && e.scheduled_by) facts.push([t("approval.scheduledByLabel"), e.scheduled_by]);
    // In a team: which devices can publish it (those holding its account's sign-in), and after,
    // which one did.
    if (e.published_by) facts.push([t("entry.publishedBy"), e.published_by]);
    else if (e.can_publish?.length && !e.sent_at) facts.push([t("entry.canPublish"), e.can_publish.join(", ")]);
    if (e.parts.length > 1) {
      facts.push(["", t("entry.parts", { sent: e.parts_sent, n: e.parts.length })]);
    }
    el.entryFacts.replaceChildren(...factRows(facts));
    // A post held because an edit made it unfit: why, and that fixing the draft is the way.
    const help = e.misfit ? { key: "entry.heldHelp", instead: true } : HELP[e.state];
    el.entryHelp.hidden = !help || (!help.instead && Boolean(e.error));
    el.entryHelp.textContent = help ? t(help.key, { why: misfitText(e.misfit) }) : "";
    // A post held for approval says so in its approval box, not as an error.
    el.entryError.hidden = !e.error || Boolean(help?.instead) || heldForApproval(e);
    el.entryError.textContent = e.error ? entryReason(e) : "";
    el.entryMove.hidden = !e.movable;
    setField(el.entryAt, at > new Date() ? at : new Date(Date.now() + 3600000));
    sayMoveTo();
    const actions = [];
    if (e.remote_url) actions.push(action(t("entry.link"), () => api.openLink(e.remote_url), true));
    if (e.confirmable) actions.push(action(t("entry.confirm"), () => api.confirmEntrySent(e.id), true));
    // Sending a post that does not fit would only fail: the draft is fixed first.
    if (e.retryable && !e.misfit) {
      const label = t(RETRY_LABEL[e.state] ?? "entry.retry");
      actions.push(action(label, () => api.retryEntry(e.id), !e.confirmable));
    }
    if (e.removable) {
      actions.push(
        action(t("entry.remove"), async () => {
          await api.unscheduleEntry(e.id);
          onToast(t("entry.removed"));
        }),
      );
    }
    actions.push(
      action(t("entry.openDraft"), async () => {
        el.entryDialog.close();
        await onOpenDraft(e.draft_id);
      }),
    );
    const close = document.createElement("button");
    close.value = "close";
    close.autofocus = true; // Enter never answers "it was posted" by accident
    close.textContent = t("entry.close");
    actions.push(close);
    el.entryActions.replaceChildren(...actions);
    drawApproval(e, again);
    drawSide(e, again);
    if (!el.entryDialog.open) el.entryDialog.showModal();
  }

  // ----- approval, comments and the audit trail in the post's dialog -----

  const stillGoing = (e) => !["sent", "sending", "claimed"].includes(e.state);

  /** The post's approval: where it stands, and Approve / Request changes for who may decide.
   *  `again`: the same post redrawn (a comment being written stays). */
  function drawApproval(e, again) {
    const team = role().team;
    show(el.approval, team && stillGoing(e));
    if (!again) {
      el.requestText.value = "";
      el.requestSend.disabled = true;
      hide(el.requestForm);
      hide(el.approvalError);
    }
    if (!team) return;
    let line;
    if (heldForApproval(e)) line = e.may_approve ? t("approval.lateYouHelp") : t("approval.lateHelp");
    else if (e.approval === "awaiting") line = e.may_approve ? t("approval.awaitingYouHelp") : t("approval.awaitingHelp");
    else if (e.approval === "changes_requested") line = decisionText(e) || t("approval.changesRequested");
    else line = decisionText(e) || t("approval.approved");
    el.approvalLine.textContent = line;
    el.approvalLine.dataset.approval = heldForApproval(e) ? "late" : e.approval;
    const note = e.approval === "changes_requested" ? e.approval_note : null;
    el.approvalNote.textContent = note ?? "";
    show(el.approvalNote, Boolean(note));
    const approve = e.may_approve && e.approval !== "approved";
    const request = e.may_approve && e.approval !== "changes_requested";
    show(el.approve, approve);
    show(el.request, request);
    show(el.approvalActions, approve || request);
    if (!request) hide(el.requestForm);
    el.request.setAttribute("aria-expanded", String(!el.requestForm.hidden));
  }

  function approvalFailed(error) {
    el.approvalError.textContent = api.describe(error);
    show(el.approvalError);
  }

  /** Shows the post as a decision left it (the answer has the entry's new approval). */
  async function decided(answer, toast) {
    onToast(toast);
    onDecided?.();
    if (shown && answer?.id === shown.id) openEntry({ ...shown, ...answer });
    await refresh();
  }

  el.approve.addEventListener("click", async () => {
    if (!shown) return;
    el.approve.disabled = true;
    hide(el.approvalError);
    try {
      await decided(await api.approveEntry(shown.id), t("approval.approvedToast"));
    } catch (error) {
      approvalFailed(error);
    }
    el.approve.disabled = false;
  });
  el.request.addEventListener("click", () => {
    show(el.requestForm, el.requestForm.hidden);
    el.request.setAttribute("aria-expanded", String(!el.requestForm.hidden));
    if (!el.requestForm.hidden) el.requestText.focus();
  });
  el.requestText.addEventListener("input", () => {
    el.requestSend.disabled = el.requestText.value.trim().length === 0;
  });
  el.requestCancel.addEventListener("click", () => {
    el.requestText.value = "";
    el.requestSend.disabled = true;
    hide(el.requestForm);
    el.request.setAttribute("aria-expanded", "false");
  });
  el.requestSend.addEventListener("click", async () => {
    const comment = el.requestText.value.trim();
    if (!shown || !comment) return;
    el.requestSend.disabled = true;
    hide(el.approvalError);
    try {
      const answer = await api.requestChanges(shown.id, comment);
      el.requestText.value = "";
      hide(el.requestForm);
      await decided(answer, t("approval.sentBackToast"));
      await thread.load();
    } catch (error) {
      approvalFailed(error);
      el.requestSend.disabled = false;
    }
  });

  const thread = createThread(
    { list: el.comments, text: el.commentText, add: el.commentAdd, error: el.commentError },
    { draftId: () => shown?.draft_id ?? null, onAdded: () => onDecided?.() },
  );
  let auditTicket = 0;

  /** Beside the post: its draft's comments and its audit trail (in a team only). */
  function drawSide(e, again) {
    const team = role().team;
    show(el.side, team);
    el.entryDialog.classList.toggle("with-side", team);
    if (!team) return;
    thread.load();
    if (!again) el.audit.replaceChildren(make("li", { className: "help", textContent: t("audit.loading") }));
    const mine = ++auditTicket;
    api
      .entryAudit(e.id)
      .then((audit) => {
        if (mine === auditTicket && shown?.id === e.id) renderAudit(el.audit, audit);
      })
      .catch((error) => {
        if (mine === auditTicket) el.audit.replaceChildren(make("li", { className: "help", textContent: api.describe(error) }));
      });
  }

  el.entryMoveButton.addEventListener("click", async () => {
    const at = readField(el.entryAt);
    if (!shown) return;
    if (!at) {
      el.entryAt.focus();
      return;
    }
    if (at < new Date()) {
      onError(t("plan.past"));
      return;
    }
    el.entryDialog.close();
    await reschedule(shown, at);
  });

  // ----- loading -----

  /** The posts waiting for a decision: for an executive those they may approve; for the
   *  member who scheduled them, those an executive sent back. */
  async function loadDecisions() {
    const me = role();
    if (!me.team) {
      awaiting = [];
      returned = [];
      return;
    }
    try {
      awaiting = oldestFirst((await api.listAwaiting()).filter((e) => e.may_approve));
    } catch (error) {
      console.warn("Needs you lists no approvals", error);
      awaiting = [];
    }
    try {
      const now = new Date();
      const around = await api.weekPlan(addDays(now, -DECISION_DAYS_BACK).toISOString(), addDays(now, QUEUE_DAYS).toISOString());
      returned = oldestFirst(
        around.entries.filter((e) => e.approval === "changes_requested" && stillGoing(e) && me.member && e.scheduled_by === me.member),
      );
    } catch (error) {
      console.warn("Needs you lists no posts sent back", error);
      returned = [];
    }
  }

  async function refresh() {
    if (!visible) return;
    try {
      plan = await api.weekPlan(weekStart.toISOString(), addDays(weekStart, 7).toISOString());
      await loadDecisions();
      render();
      if (view === "list") await renderQueue();
      await refreshReady();
      if (shown && el.entryDialog.open) {
        const fresh = [...plan.entries, ...plan.attention, ...awaiting, ...returned].find((e) => e.id === shown.id);
        if (fresh) openEntry(fresh);
      }
    } catch (error) {
      onError(api.describe(error));
    }
    refreshStatus();
  }

  async function refreshStatus() {
    try {
      const info = await api.publishingInfo();
      // The zone as a place, and the accounts' own zones when they post by another clock.
      const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const theirs = [...new Set((plan?.accounts ?? []).map((a) => a.zone))].filter((z) => z && z !== here);
      const zone = theirs.length
        ? t("plan.zoneAccounts", { zone: zoneName(here), theirs: theirs.map(zoneName).join(", ") })
        : zoneName(here);
      let status = info.status === "running" ? t("plan.running")
        : info.status === "busy" ? t("plan.busy")
        : info.status === "starting" ? t("plan.starting")
        : t("plan.off", { why: info.problem ? api.describe(info.problem) : "" });
      if (info.keyring) status = api.describe(info.keyring);
      el.status.textContent = `${status} · ${t("plan.zone", { zone })}`;
      el.status.dataset.problem = String(Boolean(info.keyring) || !["running", "busy"].includes(info.status));
    } catch {
      // The status line is a courtesy; the plan itself is shown either way.
    }
  }

  el.prev.addEventListener("click", () => {
    weekStart = addDays(weekStart, -7);
    refresh();
  });
  el.next.addEventListener("click", () => {
    weekStart = addDays(weekStart, 7);
    refresh();
  });
  el.today.addEventListener("click", () => {
    weekStart = mondayOf(new Date());
    refresh();
  });
  api.onOutboxChanged(() => refresh()).catch(() => {});

  return {
    async show() {
      visible = true;
      el.section.hidden = false;
      await refresh();
      clearInterval(nowTimer);
      nowTimer = setInterval(() => {
        const body = document.getElementById("week-body");
        if (body) drawNow(body);
      }, 60000);
    },
    hide() {
      visible = false;
      el.section.hidden = true;
      clearInterval(nowTimer);
    },
    refresh,
    isVisible: () => visible,
    /** Shows the week holding `date`. */
    async showWeekOf(date) {
      weekStart = mondayOf(date);
      await refresh();
    },
  };
}
