// The UI's words, the language choice (the OS locale unless chosen in Settings) and the lookup
// `t`. The words themselves are in ui/i18n/{en,nb}.js, one file per language with the same keys;
// check messages come from Rust already worded. Dates and numbers are ui/format.js's.

import en from "./i18n/en.js";
import nb from "./i18n/nb.js";
// format.js asks this module for the language, and noticeText asks it for a date: both only
// when called, never while the modules load, so the two may import each other.
import { date } from "./format.js";

const WORDS = { en, nb };

/** The networks' names, as they write them (the same in every language), in the UI's order. */
export const NETWORK_NAMES = { x: "X", bluesky: "Bluesky", mastodon: "Mastodon", linkedin: "LinkedIn", threads: "Threads" };

const SETTING = "podium.language";

let system = null;

/** The OS's language as Rust read it from the environment (`nb`, `en`, …). */
export function setSystemLanguage(code) {
  system = code;
}

/** The UI language: the one chosen in Settings, else the OS's (bokmål for nb, no, nn). */
export function language() {
  const chosen = localStorage.getItem(SETTING);
  if (chosen === "en" || chosen === "nb") return chosen;
  const os = (system ?? navigator.languages?.[0] ?? navigator.language ?? "en").toLowerCase();
  return /^(nb|no|nn)\b/.test(os) ? "nb" : "en";
}

export function chosenLanguage() {
  return localStorage.getItem(SETTING) ?? "system";
}

export function setLanguage(choice) {
  if (choice === "system") localStorage.removeItem(SETTING);
  else localStorage.setItem(SETTING, choice);
}

/** The word for `key` in the UI language, `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const words = WORDS[language()] ?? WORDS.en;
  const template = words[key] ?? WORDS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** Whether the UI has words for `key`. */
export function hasWords(key) {
  return key in WORDS.en;
}

/** The UI language's words under the given prefixes, unfilled (`{name}` left as it is): the
 *  desktop notifications Rust shows are worded with these (see `api.useLanguage`). */
export function wordsUnder(...prefixes) {
  const words = WORDS[language()] ?? WORDS.en;
  const keys = Object.keys(WORDS.en).filter((k) => prefixes.some((p) => k.startsWith(p)));
  return Object.fromEntries(keys.map((k) => [k, words[k] ?? WORDS.en[k]]));
}

/** Why a post stopped or waits, or why an account needs the person — a code with data from Rust
 *  (crates/core/src/reason.rs) — in the UI language: `reason.<code>` (`reason.<code>_part` for a
 *  thread's part), with `{network}` named, dates in the UI language, a reason within a reason
 *  worded too, and a datum Rust gave in both languages (`note_en`, `note_nb`) in this one. What
 *  a network said (`detail`) is quoted as it came. `english` (what Podium stored beside the
 *  code) when there is no code — a row an older Podium wrote — or no words for it. */
export function reasonText(code, data, english = "") {
  if (!code) return english;
  data = data ?? {};
  // A post waiting for an image from the team's hub is not the person's to fix: its own words.
  if (code === "not_postable" && data.warning === "image_not_fetched") code = "image_not_fetched";
  const part = data.part != null && hasWords(`reason.${code}_part`);
  const key = part ? `reason.${code}_part` : `reason.${code}`;
  if (!hasWords(key)) return english;
  const lang = language();
  const vars = { ...data };
  for (const name of Object.keys(data)) {
    const both = /^(\w+)_en$/.exec(name);
    if (both) vars[both[1]] = data[`${both[1]}_${lang}`] ?? data[name];
  }
  if (data.network) vars.network = NETWORK_NAMES[data.network] ?? data.network;
  if (data.reason) vars.reason = reasonText(data.reason.code, data.reason.data);
  for (const name of ["at", "since"]) {
    if (data[name]) vars[name] = date(data[name], { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
  }
  if ("wait" in data) vars.wait = waitText(data.wait);
  return t(key, vars);
}

/** A wait of `secs` seconds (`null`: not known) as "in about 5 minutes", rounded as
 *  `podium_core::wait::words_key` rounds it (the notifications Rust shows use the same keys). */
export function waitText(secs) {
  if (secs == null) return t("wait.later");
  if (secs < 60) return t("wait.now");
  const minutes = Math.ceil(secs / 60);
  if (minutes < 60) return minutes === 1 ? t("wait.minute") : t("wait.minutes", { n: minutes });
  const hours = Math.floor((secs + 1800) / 3600);
  if (hours < 48) return hours === 1 ? t("wait.hour") : t("wait.hours", { n: hours });
  return t("wait.days", { n: Math.floor((secs + 43200) / 86400) });
}

/** Why an outbox entry stopped or waits (its `error_code`/`error_data`), else its English. */
export const entryReason = (e) => reasonText(e.error_code, e.error_data, e.error ?? "");

/** Why an account's sign-in does not work (`status_code`/`status_data`), else its English. */
export const accountReason = (a) => reasonText(a.status_code, a.status_data, a.status_reason ?? "");

/** An account's notice (`{kind, network, at, days, reason, why}` from Rust) in the UI language.
 *  A refused sign-in is worded from its `why`; one an older Podium kept only in English is quoted. */
export function noticeText(notice) {
  if (!notice) return "";
  if (notice.kind === "reconnect" && notice.why) return reasonText(notice.why.code, notice.why.data, notice.reason);
  return t(`notice.${notice.kind}`, {
    ...notice,
    network: NETWORK_NAMES[notice.network] ?? notice.network,
    date: notice.at ? date(notice.at, { dateStyle: "long" }) : "",
  });
}

/** Why a draft does not fit a network (`{network, part, reason, length, limit, note_en, note_nb}` from
 *  Rust's `podium_core::fit`), in the UI language. */
export function misfitText(misfit) {
  if (!misfit) return "";
  const vars = {
    ...misfit,
    network: NETWORK_NAMES[misfit.network] ?? misfit.network,
    over: (misfit.length ?? 0) - (misfit.limit ?? 0),
    note: misfit[`note_${language()}`] ?? misfit.note_en,
  };
  const words = t(`misfit.${misfit.reason}`, vars);
  return misfit.part ? t("misfit.inPart", { part: misfit.part, why: words }) : words;
}

/** Fills every `[data-i18n]` (text), `[data-i18n-placeholder]`, `[data-i18n-title]` and
 *  `[data-i18n-label]` (aria-label) under `root`. */
export function translate(root = document) {
  document.documentElement.lang = language() === "nb" ? "nb" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

/** A tag as the window shows it: the tag Podium gives imported article quotes (`article`) in the
 *  UI language, the user's own as written. */
export function tagName(tag) {
  return tag === "article" ? t("tag.article") : tag;
}

/** A goal's name: built-in goals in the UI language, the user's own as written. */
export function goalName(goal) {
  return ["visibility", "credibility", "culture", "reputation"].includes(goal) ? t(`goal.${goal}`) : goal;
}
