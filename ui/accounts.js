// Accounts (connect, status, slots, zone, pause, disconnect) and the schedule dialog. Secrets
// typed here go straight to Rust, which puts them in the system keyring; the window never
// gets one back.

import * as api from "./api.js";
import { el, hide, show } from "./dom.js";
import { date, dateOnly, dayTime, hoursMinutes } from "./format.js";
import { NETWORK_NAMES, accountReason, misfitText, noticeText, t } from "./i18n.js";
import { stateLabel } from "./plan.js";
import { readField, setField, whenField } from "./when.js";

// The networks a post can be split into a thread on.
const THREADABLE = ["x", "bluesky", "mastodon"];
// The networks that connect in a minute, quickest first: "Connect an account" opens at one of
// these, never at X's or LinkedIn's developer-app steps (those are a tile's own choice).
const QUICK = ["bluesky", "mastodon"];

/** The quickest network to connect among `networks` (a name or a list), or null for the tiles. */
export function quickestNetwork(networks) {
  const wanted = [networks ?? []].flat();
  return QUICK.find((n) => wanted.includes(n)) ?? null;
}

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

  const sections = [...dialog.querySelectorAll("details.connect")];
  const tiles = [...dialog.querySelectorAll(".network-tiles .tile")];

  /** Shows an error where it happened: in the section of the control, under its fields, with
   *  the field it concerns marked (the address when a server cannot be reached, the secret when
   *  a sign-in is refused); elsewhere at the bottom. `null` clears it. */
  function showError(error, control = null) {
    const section = control?.closest("details.connect, li.account");
    const place = section?.querySelector(".section-error") ?? problem;
    for (const field of (section ?? dialog).querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    const message = error ? (typeof error === "string" ? error : api.describe(error)) : null;
    show(place, Boolean(message));
    place.textContent = message ?? "";
    if (!message || !section) return;
    const role = { sign_in: "secret", network: "address" }[error?.kind];
    const field = role && section.querySelector(`input[data-role="${role}"]`);
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", place.id);
    }
  }

  /** Clears the errors and waiting notes of a section (when it closes, or before a new try). */
  function clearSection(section) {
    const error = section.querySelector(".section-error");
    if (error) {
      error.hidden = true;
      error.textContent = "";
    }
    for (const field of section.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  }

  /** Opens one network's section (closing the others), as its tile or the schedule dialog asks. */
  function openSection(id) {
    for (const d of sections) d.open = d.id === id;
    const open = sections.find((d) => d.id === id);
    open?.querySelector("input:not([type=hidden])")?.focus();
  }

  for (const tile of tiles) {
    tile.addEventListener("click", () => {
      const section = $(tile.dataset.section);
      if (section?.open) section.open = false;
      else openSection(tile.dataset.section);
    });
  }
  for (const section of sections) {
    section.addEventListener("toggle", () => {
      for (const tile of tiles) {
        if (tile.dataset.section === section.id) tile.setAttribute("aria-expanded", String(section.open));
      }
      if (!section.open) {
        clearSection(section);
        if (section.id === "connect-mastodon") hide($("masto-waiting"));
        else hide($("signin-waiting"));
      }
    });
  }
  for (const copy of dialog.querySelectorAll("button.copy")) {
    copy.addEventListener("click", async () => {
      const text = $(copy.dataset.copy).textContent.trim();
      let done = false;
      try {
        await navigator.clipboard.writeText(text);
        done = true;
      } catch {
        // Without the clipboard API: select the address and copy the selection.
        const range = document.createRange();
        range.selectNodeContents($(copy.dataset.copy));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done = document.execCommand("copy");
      }
      if (done) {
        copy.textContent = t("accounts.copied");
        setTimeout(() => (copy.textContent = t("accounts.copy")), 2000);
      }
    });
  }

  async function busy(button, work) {
    button.disabled = true;
    showError(null, button);
    try {
      return await work();
    } catch (error) {
      showError(error, button);
      return null;
    } finally {
      button.disabled = false;
    }
  }

  function statusBadge(a) {
    // An account whose sign-in is on another device of the team is not "connected" here.
    const status = a.connected_here === false ? "elsewhere" : a.paused ? "paused" : a.status;
    const title = status === "elsewhere" ? t("accounts.elsewhereHelp") : a.status_reason ? accountReason(a) : "";
    const badge = el("span", { className: "status-badge", textContent: t(`accounts.${status}`), title });
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
    const reason = el("p", { className: "error-text", textContent: accountReason(a), hidden: !a.status_reason || a.status === "connected" });
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
    const time = el("input", { type: "text", className: "slot-time when" });
    time.setAttribute("aria-label", t("accounts.slots"));
    whenField(time, null, { time: true });
    setField(time, new Date(2026, 0, 1, 8, 30));
    const add = el("button", { type: "button", textContent: t("accounts.addSlot") });
    add.addEventListener("click", () => {
      const at = readField(time);
      if (!at) {
        time.focus();
        return;
      }
      update(a, { slots: [...current, `${day.value} ${hoursMinutes(at)}`] }, add);
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
      el("p", { className: "error-text section-error", id: `account-error-${a.id}`, hidden: true, attrs: { role: "alert" } }),
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
      showError(error);
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
    /** Opens Accounts; with networks (a draft's), at the quickest one's section (Bluesky, then
     *  Mastodon), else at the tile overview. */
    async open(networks = null) {
      const network = quickestNetwork(networks);
      showError(null);
      // Open at once: the list fills in when Rust answers (the keyring check can take a while).
      if (!dialog.open) dialog.showModal();
      if (network && $(`connect-${network}`)) openSection(`connect-${network}`);
      else for (const d of sections) d.open = false;
      await refresh();
    },
    refresh,
  };
}

/** The schedule dialog for the draft in the editor. Which accounts a draft fits is Rust's to
 *  say (`schedule_choices`): an account it does not fit is offered with the reason and a way
 *  to fix it (the network's own version, or thread mode), never ticked; with no account at
 *  all, the way out is a button to Accounts. */
export function createScheduler($, { current, beforeSchedule, onScheduled, onConnect, onVersion, onThread, onError }) {
  const dialog = $("schedule-dialog");
  const error = $("schedule-error");
  const submit = $("schedule-submit");

  function fail(message) {
    show(error, Boolean(message));
    error.textContent = message ?? "";
  }

  function leaveTo(run) {
    dialog.close();
    run();
  }

  /** What the dialog offers for an account the draft does not fit: why, and the way to fix it. */
  function misfitRow(a, misfit) {
    const name = NETWORK_NAMES[a.network] ?? a.network;
    const row = el("div", { className: "misfit", dataset: { network: a.network } }, el("p", { className: "error-text", textContent: misfitText(misfit) }));
    const fixes = el("div", { className: "misfit-fixes" });
    const draft = current();
    if (misfit.reason !== "empty") {
      fixes.append(button(t("schedule.ownVersion", { network: name }), () => leaveTo(() => onVersion(a.network)), "fix-version"));
    }
    if (misfit.reason === "too_long" && THREADABLE.includes(a.network) && !draft?.thread) {
      fixes.append(button(t("schedule.threadMode"), () => leaveTo(() => onThread()), "fix-thread"));
    }
    row.append(fixes);
    return row;
  }

  async function fill() {
    const draft = current();
    const [accounts, choices, entries] = await Promise.all([
      api.listAccounts(),
      api.scheduleChoices(draft?.id),
      draft ? api.draftSchedule(draft.id) : Promise.resolve([]),
    ]);
    const choiceOf = new Map(choices.map((c) => [c.account_id, c]));
    const box = $("schedule-accounts");
    const wanted = draft?.networks ?? [];
    submit.disabled = accounts.length === 0;
    for (const r of dialog.querySelectorAll("input[name=schedule-when], #schedule-at")) r.disabled = accounts.length === 0;
    if (accounts.length === 0) {
      box.replaceChildren(
        el("p", { className: "help", id: "schedule-none", textContent: t("schedule.noAccount") }),
        button(t("schedule.connect"), () => leaveTo(() => onConnect(wanted)), "primary connect-account"),
      );
    } else {
      box.replaceChildren(
        ...accounts.map((a) => {
          const choice = choiceOf.get(a.id) ?? {};
          const misfit = choice.misfit ?? null;
          // Only a device holding the sign-in can publish: one connected elsewhere is shown, not offered.
          const elsewhere = a.connected_here === false;
          const input = el("input", {
            type: "checkbox",
            value: a.id,
            disabled: Boolean(misfit) || elsewhere,
            checked: !misfit && !elsewhere && wanted.includes(a.network) && !entries.some((e) => e.account_id === a.id),
          });
          const hint = elsewhere
            ? t("schedule.elsewhere")
            : choice.next_at
              ? t("schedule.nextAt", { time: dayTime(new Date(choice.next_at)) })
              : t("schedule.noSlots");
          const label = el(
            "label",
            { className: "account-choice" },
            input,
            el("span", { textContent: ` ${a.handle} · ${NETWORK_NAMES[a.network] ?? a.network}` }),
            el("span", { className: "help", textContent: ` — ${hint}` }),
          );
          if (!misfit) return label;
          label.classList.add("unfit");
          return el("div", { className: "account-option" }, label, misfitRow(a, misfit));
        }),
      );
    }
    $("schedule-current").replaceChildren(
      ...entries.map((e) =>
        el("li", { textContent: `${dayTime(new Date(e.due_at))} · ${e.handle} · ${stateLabel(e.state)}` }),
      ),
    );
    show($("schedule-current").previousElementSibling, entries.length > 0);
    // No account has time slots yet: "add to queue" would go nowhere, so a time is the choice.
    if (accounts.length > 0 && !choices.some((c) => c.next_at)) $("schedule-at-choice").checked = true;
    if (!readField($("schedule-at"))) setField($("schedule-at"), new Date(Date.now() + 24 * 3600000));
    sayWhen();
  }

  $("schedule-at").addEventListener("focus", () => ($("schedule-at-choice").checked = true));
  const sayWhen = whenField($("schedule-at"), $("schedule-at-words"));
  submit.addEventListener("click", async () => {
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
      const chosen = readField($("schedule-at"));
      if (!chosen) {
        fail(t("schedule.pickTime"));
        return;
      }
      at = chosen.toISOString();
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
        // What is checked for fit is what is saved: the last keystrokes first.
        await beforeSchedule();
        await fill();
      } catch (e) {
        onError(api.describe(e));
        return;
      }
      if (!dialog.open) dialog.showModal();
    },
  };
}

/** A small button that runs `run` (with extra classes). */
function button(label, run, className = "") {
  const b = el("button", { type: "button", className, textContent: label });
  b.addEventListener("click", run);
  return b;
}
