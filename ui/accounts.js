// Accounts (connect, status, slots, zone, pause, disconnect) and the schedule dialog. Secrets
// typed here go straight to Rust, which puts them in the system keyring; the window never
// gets one back.

import * as api from "./api.js";
import { el, hide, show } from "./dom.js";
import { date, dateOnly, dayTime, locale, localizeInputs, toLocalInput } from "./format.js";
import { NETWORK_NAMES, noticeText, t } from "./i18n.js";
import { stateLabel } from "./plan.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function dayName(i) {
  // A Monday in 2024, plus i days, in the UI's language.
  const d = new Date(2024, 0, 1 + i);
  return date(d, { weekday: "short" });
}

function slotLabel(slot) {
  const [day, time] = slot.split(" ");
  return `${dayName(DAYS.indexOf(day))} ${time}`;
}

/** `{weekday, minute}` → `tue 08:30`. */
function slotText(s) {
  const p = (n) => String(n).padStart(2, "0");
  return `${DAYS[s.weekday]} ${p(Math.floor(s.minute / 60))}:${p(s.minute % 60)}`;
}

export function createAccounts($, { onChanged, onError, onToast }) {
  const dialog = $("accounts-dialog");
  const list = $("accounts-list");
  const problem = $("accounts-error");
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = ["UTC", "Europe/Oslo"];
  }

  function showError(message) {
    show(problem, Boolean(message));
    problem.textContent = message ?? "";
  }

  async function busy(button, work) {
    button.disabled = true;
    showError(null);
    try {
      return await work();
    } catch (error) {
      showError(api.describe(error));
      return null;
    } finally {
      button.disabled = false;
    }
  }

  function statusBadge(a) {
    const status = a.paused ? "paused" : a.status;
    const badge = el("span", { className: "status-badge", textContent: t(`accounts.${status}`), title: a.status_reason || "" });
    badge.dataset.status = status;
    return badge;
  }

  function row(a) {
    const head = el(
      "div",
      { className: "account-head" },
      el("strong", { textContent: a.handle }),
      el("span", { className: "network", textContent: NETWORK_NAMES[a.network] ?? a.network }),
      statusBadge(a),
    );
    if (a.max_chars) head.append(el("span", { className: "help", textContent: t("accounts.limit", { n: a.max_chars }) }));
    if (a.token_expires_at) {
      const until = dateOnly(a.token_expires_at);
      head.append(el("span", { className: "help", textContent: t("accounts.until", { date: until }) }));
    }
    const reason = el("p", { className: "error-text", textContent: a.status_reason, hidden: !a.status_reason || a.status === "connected" });
    const notice = el("p", { className: "error-text", textContent: noticeText(a.notice), hidden: !a.notice || a.status === "reconnect" });

    const slots = el("div", { className: "slots" });
    const current = a.slots.map(slotText);
    for (const s of current) {
      const removeLabel = t("accounts.removeSlot", { slot: slotLabel(s) });
      const chip = el("button", { type: "button", className: "chip slot-chip", textContent: `${slotLabel(s)} ✕`, title: removeLabel, attrs: { "aria-label": removeLabel } });
      chip.addEventListener("click", () => update(a, { slots: current.filter((x) => x !== s) }, chip));
      slots.append(chip);
    }
    const day = el("select", { className: "slot-day" }, ...DAYS.map((d, i) => new Option(dayName(i), d)));
    day.setAttribute("aria-label", t("accounts.slots"));
    const time = el("input", { type: "time", className: "slot-time", value: "08:30", lang: locale() });
    time.setAttribute("aria-label", t("accounts.slots"));
    const add = el("button", { type: "button", textContent: t("accounts.addSlot") });
    add.addEventListener("click", () => {
      if (!time.value) return;
      update(a, { slots: [...current, `${day.value} ${time.value}`] }, add);
    });

    const zone = el("select", { className: "zone" }, ...zones.map((z) => new Option(z, z)));
    if (!zones.includes(a.zone)) zone.append(new Option(a.zone, a.zone));
    zone.value = a.zone;
    zone.setAttribute("aria-label", t("accounts.zone"));
    zone.addEventListener("change", () => update(a, { zone: zone.value }, zone));

    // Mastodon: who sees a post whose draft does not choose.
    const visibility = el(
      "select",
      { className: "visibility" },
      ...["public", "unlisted", "private"].map((v) => new Option(t(`mastodon.visibility.${v}`), v)),
    );
    visibility.value = a.visibility ?? "public";
    visibility.setAttribute("aria-label", t("mastodon.defaultVisibility"));
    visibility.addEventListener("change", () => update(a, { visibility: visibility.value }, visibility));

    const pause = el("button", { type: "button", textContent: a.paused ? t("accounts.resume") : t("accounts.pause") });
    pause.addEventListener("click", () => update(a, { paused: !a.paused }, pause));
    const remove = el("button", { type: "button", className: "danger", textContent: t("accounts.disconnect") });
    remove.addEventListener("click", async () => {
      if (!window.confirm(t("accounts.disconnectConfirm", { handle: a.handle }))) return;
      await busy(remove, () => api.disconnectAccount(a.id));
      await refresh();
      onChanged();
    });

    return el(
      "li",
      { className: "account" },
      head,
      reason,
      notice,
      el("div", { className: "account-row" }, el("span", { className: "label", textContent: t("accounts.slots") }), slots, day, time, add),
      el("div", { className: "account-row" }, el("span", { className: "label", textContent: t("accounts.zone") }), zone, el("span", { className: "spacer" }), pause, remove),
      ...(a.network === "mastodon"
        ? [el("div", { className: "account-row" }, el("span", { className: "label", textContent: t("mastodon.defaultVisibility") }), visibility)]
        : []),
    );
  }

  async function update(a, changes, control) {
    const done = await busy(control, () => api.updateAccount(a.id, changes));
    if (done) {
      await refresh();
      onChanged();
    }
  }

  async function refresh() {
    try {
      const [accounts, info] = await Promise.all([api.listAccounts(), api.publishingInfo()]);
      list.replaceChildren(...(accounts.length ? accounts.map(row) : [el("li", { className: "help", textContent: t("accounts.none") })]));
      show($("keyring-problem"), Boolean(info.keyring));
      $("keyring-problem").textContent = info.keyring ? api.describe(info.keyring) : "";
      if (document.activeElement !== $("grace-hours")) $("grace-hours").value = String(info.grace_hours);
    } catch (error) {
      showError(api.describe(error));
    }
  }

  async function connected(account) {
    if (!account) return;
    onToast(t("accounts.connectedAs", { handle: account.handle }));
    await refresh();
    onChanged();
  }

  $("bsky-connect").addEventListener("click", async () => {
    const account = await busy($("bsky-connect"), () =>
      api.connectBluesky($("bsky-service").value, $("bsky-handle").value, $("bsky-password").value),
    );
    if (account) {
      $("bsky-password").value = "";
      $("connect-bluesky").open = false;
    }
    await connected(account);
  });

  let signingIn = "masto";
  api.onSignInAddress(({ url }) => {
    const [box, line] = signingIn === "masto" ? ["masto-waiting", "masto-url"] : ["signin-waiting", "signin-url"];
    show($(box));
    $(line).textContent = url;
  }).catch(() => {});
  $("masto-browser").addEventListener("click", async () => {
    signingIn = "masto";
    const account = await busy($("masto-browser"), () => api.connectMastodon($("masto-instance").value));
    hide($("masto-waiting"));
    if (account) $("connect-mastodon").open = false;
    await connected(account);
  });
  $("masto-get-code").addEventListener("click", async () => {
    const url = await busy($("masto-get-code"), () => api.mastodonPasteBegin($("masto-instance").value));
    if (!url) return;
    show($("masto-code-step"));
    $("masto-code-url").textContent = url;
  });
  $("masto-code-connect").addEventListener("click", async () => {
    const account = await busy($("masto-code-connect"), () => api.mastodonPasteFinish($("masto-code").value));
    if (account) {
      $("masto-code").value = "";
      hide($("masto-code-step"));
    }
    await connected(account);
  });
  $("masto-token-connect").addEventListener("click", async () => {
    const account = await busy($("masto-token-connect"), () =>
      api.connectMastodonToken($("masto-instance").value, $("masto-token").value),
    );
    if (account) $("masto-token").value = "";
    await connected(account);
  });
  $("x-connect").addEventListener("click", async () => {
    signingIn = "other";
    const account = await busy($("x-connect"), () => api.connectX($("x-client-id").value));
    hide($("signin-waiting"));
    if (account) $("connect-x").open = false;
    await connected(account);
  });
  $("x-oauth1-connect").addEventListener("click", async () => {
    const keys = ["x-k1", "x-k2", "x-k3", "x-k4"].map((id) => $(id).value);
    const account = await busy($("x-oauth1-connect"), () => api.connectXOAuth1(keys));
    if (account) {
      ["x-k2", "x-k4"].forEach((id) => ($(id).value = ""));
      $("connect-x").open = false;
    }
    await connected(account);
  });
  $("li-connect").addEventListener("click", async () => {
    signingIn = "other";
    const account = await busy($("li-connect"), () =>
      api.connectLinkedin($("li-client-id").value, $("li-client-secret").value),
    );
    hide($("signin-waiting"));
    if (account) {
      $("li-client-secret").value = "";
      $("connect-linkedin").open = false;
    }
    await connected(account);
  });
  $("threads-connect").addEventListener("click", async () => {
    const account = await busy($("threads-connect"), () => api.connectThreads($("threads-token").value));
    if (account) {
      $("threads-token").value = "";
      $("connect-threads").open = false;
    }
    await connected(account);
  });
  $("grace-hours").addEventListener("change", async () => {
    const hours = Number($("grace-hours").value);
    await busy($("grace-hours"), () => api.setGraceHours(hours));
  });

  return {
    async open() {
      showError(null);
      await refresh();
      if (!dialog.open) dialog.showModal();
    },
    refresh,
  };
}

/** The schedule dialog for the draft in the editor. */
export function createScheduler($, { current, beforeSchedule, onScheduled, onError }) {
  const dialog = $("schedule-dialog");
  const error = $("schedule-error");

  function fail(message) {
    show(error, Boolean(message));
    error.textContent = message ?? "";
  }

  async function fill() {
    const draft = current();
    const [accounts, next, entries] = await Promise.all([
      api.listAccounts(),
      api.nextSlots(),
      draft ? api.draftSchedule(draft.id) : Promise.resolve([]),
    ]);
    const nextOf = new Map(next);
    const box = $("schedule-accounts");
    if (accounts.length === 0) {
      box.replaceChildren(el("p", { className: "help", textContent: t("schedule.none") }));
    } else {
      const wanted = new Set(draft?.networks ?? []);
      box.replaceChildren(
        ...accounts.map((a) => {
          const input = el("input", { type: "checkbox", value: a.id, checked: wanted.has(a.network) && !entries.some((e) => e.account_id === a.id) });
          const at = nextOf.get(a.id);
          const hint = at ? t("schedule.nextAt", { time: dayTime(new Date(at)) }) : t("schedule.noSlots");
          return el(
            "label",
            { className: "account-choice" },
            input,
            el("span", { textContent: ` ${a.handle} · ${NETWORK_NAMES[a.network] ?? a.network}` }),
            el("span", { className: "help", textContent: ` — ${hint}` }),
          );
        }),
      );
    }
    $("schedule-current").replaceChildren(
      ...entries.map((e) =>
        el("li", { textContent: `${dayTime(new Date(e.due_at))} · ${e.handle} · ${stateLabel(e.state)}` }),
      ),
    );
    show($("schedule-current").previousElementSibling, entries.length > 0);
    localizeInputs(dialog);
    if (!$("schedule-at").value) $("schedule-at").value = toLocalInput(new Date(Date.now() + 24 * 3600000));
  }

  $("schedule-at").addEventListener("focus", () => ($("schedule-at-choice").checked = true));
  $("schedule-submit").addEventListener("click", async () => {
    fail(null);
    const draft = await beforeSchedule();
    if (!draft) {
      fail(t("schedule.saveFirst"));
      return;
    }
    const ids = [...$("schedule-accounts").querySelectorAll("input:checked")].map((i) => i.value);
    if (ids.length === 0) {
      fail(t("schedule.pickAccount"));
      return;
    }
    let at = null;
    if ($("schedule-at-choice").checked) {
      if (!$("schedule-at").value) {
        fail(t("schedule.pickTime"));
        return;
      }
      at = new Date($("schedule-at").value).toISOString();
    }
    try {
      const entries = await api.scheduleDraft(draft.id, ids, at);
      dialog.close();
      onScheduled(draft.id, entries);
    } catch (e) {
      fail(api.describe(e));
    }
  });

  return {
    async open() {
      fail(null);
      try {
        await fill();
      } catch (e) {
        onError(api.describe(e));
        return;
      }
      dialog.showModal();
    },
  };
}
