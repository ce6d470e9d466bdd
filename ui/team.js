// Team sync in the window: the sync chip in the app bar, the Team panel in Settings (join with
// the hub's address and an invite code; who you are; the members and their devices; leave) and
// the conflict view (both texts side by side: keep this, keep that, or an edit of both).
// Rust syncs in the background and tells the window its state (`sync-changed`); this module
// only draws it.

import * as api from "./api.js";
import { el as make, factRows, hide, show } from "./dom.js";
import { dayTime, longDate, shortDate, time } from "./format.js";
import { t } from "./i18n.js";

/** "today 14:05" for today, else the day and time. */
function since(value) {
  const at = new Date(value);
  return at.toDateString() === new Date().toDateString() ? time(at) : dayTime(at);
}

/** The chip's words for a sync state (`{state, conflicts, offline_since, …}` from Rust). */
export function chipText(view) {
  const parts = [];
  if (view.state === "synced") parts.push(t("sync.synced"));
  else if (view.state === "syncing") parts.push(t("sync.syncing"));
  else if (view.state === "offline") parts.push(t("sync.offline", { time: since(view.offline_since ?? new Date()) }));
  else if (view.state === "problem") parts.push(t("sync.problem"));
  if (view.conflicts === 1) parts.push(t("sync.conflict1"));
  else if (view.conflicts > 1) parts.push(t("sync.conflicts", { n: view.conflicts }));
  return parts.join(" · ");
}

/** The chip's tooltip: when it last synced, what waits, what went wrong. */
function chipTitle(view) {
  const lines = [];
  if (view.identity) lines.push(t("sync.hubLine", { hub: view.identity.hub }));
  if (view.last_synced_at) lines.push(t("sync.lastSynced", { time: longDate(view.last_synced_at) }));
  if (view.pending > 0) lines.push(t("sync.pending", { n: view.pending }));
  if (view.problem) lines.push(api.describe(view.problem));
  lines.push(view.conflicts > 0 ? t("sync.clickConflicts") : t("sync.clickSync"));
  return lines.join("\n");
}

export function createSync(el, { onConflicts, onError, onChanged }) {
  let view = { state: "off", conflicts: 0 };

  function draw() {
    show(el.chip, view.state !== "off");
    el.chip.dataset.state = view.state;
    el.chip.dataset.conflicts = String(view.conflicts ?? 0);
    el.chip.textContent = chipText(view);
    el.chip.title = chipTitle(view);
  }

  // A click shows the conflicts when there are some, else syncs now (rather than at the next
  // try while offline).
  el.chip.addEventListener("click", () => {
    if (view.conflicts > 0) onConflicts();
    else api.syncNow().catch(onError);
  });

  api.onSyncChanged((next) => {
    view = next;
    draw();
    onChanged?.(view);
  });

  return {
    async load() {
      view = await api.syncStatus();
      draw();
      return view;
    },
    view: () => view,
    set(next) {
      view = next;
      draw();
      onChanged?.(view);
    },
    /** Redraws in the UI language. */
    relabel: draw,
  };
}

/** Copies `text` to the clipboard (or, without the clipboard API, the selected `node`). */
async function copyText(text, node) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return document.execCommand("copy");
  }
}

/** The Team panel in Settings. An executive also invites people (a one-time code to pass on)
 *  and removes members and devices; an assistant sees the team and can remove only their own
 *  other devices. */
export function createTeamPanel(el, { sync, onError }) {
  function showError(error) {
    el.error.textContent = error ? api.describe(error) : "";
    show(el.error, Boolean(error));
  }

  async function refresh() {
    const view = sync.view();
    const joined = Boolean(view.identity);
    show(el.join, !joined);
    show(el.joined, joined);
    if (!joined) return;
    const who = view.identity;
    const executive = who.role === "executive";
    show(el.invite, executive);
    if (!executive) hide(el.inviteResult);
    el.facts.replaceChildren(
      ...factRows([
        [t("team.hub"), who.hub],
        [t("team.you"), `${who.member_name} · ${t(`team.role.${who.role}`)}`],
        [t("team.device"), who.device_id.slice(-12)],
        [t("team.state"), chipText(view) || t("sync.synced")],
      ]),
    );
    el.members.replaceChildren(make("li", { className: "help", textContent: t("team.loading") }));
    try {
      const members = await api.teamMembers();
      renderMembers(members, who);
      const device = members.flatMap((m) => m.devices).find((d) => d.id === who.device_id);
      const shown = el.facts.querySelectorAll("dd")[2];
      if (device && shown) shown.textContent = device.name;
    } catch (error) {
      el.members.replaceChildren(make("li", { className: "help", textContent: api.describe(error) }));
    }
  }

  /** A button that asks once more in its own words (a second click within a few seconds)
   *  before it runs `work`: removing someone cannot be undone from here. */
  function removeButton(label, confirmLabel, work) {
    const b = make("button", { type: "button", className: "remove", textContent: label });
    let armed = 0;
    b.addEventListener("click", async () => {
      if (!armed) {
        b.textContent = confirmLabel;
        b.classList.add("danger");
        armed = setTimeout(() => {
          armed = 0;
          b.textContent = label;
          b.classList.remove("danger");
        }, 5000);
        return;
      }
      clearTimeout(armed);
      armed = 0;
      b.disabled = true;
      showError(null);
      try {
        await work();
        await refresh();
      } catch (error) {
        showError(error);
        b.disabled = false;
        b.textContent = label;
        b.classList.remove("danger");
      }
    });
    return b;
  }

  function renderMembers(members, who) {
    if (members.length === 0) {
      el.members.replaceChildren(make("li", { className: "help", textContent: t("team.noMembers") }));
      return;
    }
    const executive = who.role === "executive";
    const mine = members.find((m) => m.devices.some((d) => d.id === who.device_id));
    el.members.replaceChildren(
      ...members.map((m) => {
        const head = make("div", { className: "member-head" }, make("strong", { textContent: m.name }), make("span", { className: "role", textContent: t(`team.role.${m.role}`) }));
        // An executive removes anyone but themselves (leaving is "Leave the team").
        if (executive && m !== mine && m.devices.length > 0) {
          head.append(
            make("span", { className: "spacer" }),
            removeButton(t("team.removeMember"), t("team.removeMemberConfirm", { name: m.name }), () => api.teamRemoveMember(m.id)),
          );
        }
        return make(
          "li",
          { className: "member", dataset: { id: m.id } },
          head,
          make(
            "ul",
            { className: "devices" },
            ...(m.devices.length === 0 ? [make("li", { className: "no-device", textContent: t("team.noDevice") })] : []),
            ...m.devices.map((d) => {
              const li = make(
                "li",
                { dataset: { id: d.id } },
                make("span", {
                  textContent: [
                    d.name,
                    d.id === who.device_id ? t("team.thisDevice") : "",
                    d.last_seen ? t("team.lastSeen", { time: shortDate(d.last_seen) }) : "",
                  ]
                    .filter(Boolean)
                    .join(" · "),
                }),
              );
              // A device other than this one: an executive's to remove, or its own member's.
              if (d.id !== who.device_id && (executive || m === mine)) {
                li.append(removeButton(t("team.removeDevice"), t("team.removeDeviceConfirm"), () => api.teamRemoveDevice(d.id)));
              }
              return li;
            }),
          ),
        );
      }),
    );
  }

  // ----- inviting (executives) -----

  const inviteReady = () => el.inviteName.value.trim().length > 0;
  el.inviteName.addEventListener("input", () => {
    el.inviteButton.disabled = !inviteReady();
  });
  el.inviteButton.addEventListener("click", async () => {
    if (!inviteReady()) return;
    showError(null);
    el.inviteButton.disabled = true;
    const name = el.inviteName.value.trim();
    try {
      const invite = await api.teamInvite(name, el.inviteRole.value);
      el.inviteCode.textContent = invite.code;
      el.inviteResultHelp.textContent = t("invite.passOn", {
        name,
        hub: sync.view().identity?.hub ?? "",
        time: invite.expires_at ? longDate(invite.expires_at) : "",
      });
      show(el.inviteResult);
      el.inviteName.value = "";
      el.inviteCopy.textContent = t("accounts.copy");
      el.inviteCopy.focus();
      // The new member is in the team's list from now on.
      refresh();
    } catch (error) {
      showError(error);
    }
    el.inviteButton.disabled = !inviteReady();
  });
  el.inviteCopy.addEventListener("click", async () => {
    if (await copyText(el.inviteCode.textContent.trim(), el.inviteCode)) {
      el.inviteCopy.textContent = t("accounts.copied");
      setTimeout(() => (el.inviteCopy.textContent = t("accounts.copy")), 2000);
    }
  });

  el.joinButton.addEventListener("click", async () => {
    showError(null);
    el.joinButton.disabled = true;
    try {
      sync.set(await api.teamJoin(el.hub.value, el.code.value));
      el.code.value = "";
      await refresh();
    } catch (error) {
      showError(error);
    } finally {
      el.joinButton.disabled = false;
    }
  });
  el.syncNow.addEventListener("click", () => api.syncNow().catch(onError));
  el.leave.addEventListener("click", async () => {
    if (!window.confirm(t("team.leaveConfirm"))) return;
    try {
      sync.set(await api.teamLeave());
      await refresh();
    } catch (error) {
      showError(error);
    }
  });

  return { refresh, showError };
}

/** The conflict view: one conflict at a time, both texts side by side. */
export function createConflicts(el, { onResolved, onError }) {
  let conflicts = [];
  let at = 0;

  function draw() {
    const c = conflicts[at];
    if (!c) {
      el.dialog.close();
      return;
    }
    el.count.textContent = conflicts.length > 1 ? t("conflict.count", { i: at + 1, n: conflicts.length }) : "";
    show(el.prev, conflicts.length > 1);
    show(el.next, conflicts.length > 1);
    const deleted = c.reason === "deleted";
    el.why.textContent = deleted ? t("conflict.whyDeleted") : t("conflict.why");
    el.thisTitle.textContent = deleted ? t("conflict.deletedHere") : t("conflict.original");
    el.thatTitle.textContent = t("conflict.copy");
    el.thisMeta.textContent = t("conflict.changed", { time: longDate(c.original.updated_at) });
    el.thatMeta.textContent = t("conflict.changed", { time: longDate(c.copy.updated_at) });
    el.thisText.textContent = c.original.text;
    el.thatText.textContent = c.copy.text;
    el.keepThis.textContent = deleted ? t("conflict.keepDeleted") : t("conflict.keepThis");
    el.keepThat.textContent = t("conflict.keepThat");
    el.edit.value = `${c.original.text}\n\n${c.copy.text}`;
    el.merge.open = false;
    hide(el.error);
  }

  async function resolve(keep, text = null) {
    const c = conflicts[at];
    if (!c) return;
    try {
      const kept = await api.resolveConflict(c.copy.id, keep, text);
      conflicts.splice(at, 1);
      at = Math.min(at, Math.max(0, conflicts.length - 1));
      await onResolved(kept, c.copy.id);
      draw();
    } catch (error) {
      el.error.textContent = api.describe(error);
      show(el.error);
    }
  }

  el.keepThis.addEventListener("click", () => resolve("original"));
  el.keepThat.addEventListener("click", () => resolve("copy"));
  el.keepEdit.addEventListener("click", () => resolve("text", el.edit.value));
  el.prev.addEventListener("click", () => {
    at = (at - 1 + conflicts.length) % conflicts.length;
    draw();
  });
  el.next.addEventListener("click", () => {
    at = (at + 1) % conflicts.length;
    draw();
  });

  return {
    /** Opens the view, on the conflict of draft `id` when given (the original or its copy). */
    async open(id = null) {
      try {
        conflicts = await api.listConflicts();
      } catch (error) {
        onError(api.describe(error));
        return;
      }
      if (conflicts.length === 0) return;
      at = Math.max(0, conflicts.findIndex((c) => c.original.id === id || c.copy.id === id));
      draw();
      if (!el.dialog.open) el.dialog.showModal();
    },
    relabel() {
      if (el.dialog.open) draw();
    },
  };
}
