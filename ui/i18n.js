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

/** An account's notice (`{kind, network, at, days, reason}` from Rust) in the UI language. The
 *  reason of a refused sign-in is quoted as it was kept. */
export function noticeText(notice) {
  if (!notice) return "";
  return t(`notice.${notice.kind}`, {
    ...notice,
    network: NETWORK_NAMES[notice.network] ?? notice.network,
    date: notice.at ? date(notice.at, { dateStyle: "long" }) : "",
  });
}

/** Why a draft does not fit a network (`{network, part, reason, length, limit, message}` from
 *  Rust's `podium_core::fit`), in the UI language. */
export function misfitText(misfit) {
  if (!misfit) return "";
  const vars = {
    ...misfit,
    network: NETWORK_NAMES[misfit.network] ?? misfit.network,
    over: (misfit.length ?? 0) - (misfit.limit ?? 0),
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
