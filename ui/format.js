// Dates, times and numbers as the window shows them, in the UI language — not in the
// webview's own locale, which follows the process environment (a Norwegian window once showed
// "11/30/2026, 10:44 AM"). Every module formats through here; none calls toLocaleString.
//
// Norwegian is nb-NO. English is the system's English when it has one (en-US, en-GB, …), else
// British English: day before month and a 24-hour clock, like Norway.

import { language } from "./i18n.js";

/** The locale of the UI language, for Intl and for the `lang` of date inputs. */
export function locale() {
  if (language() === "nb") return "nb-NO";
  const system = globalThis.navigator?.language ?? "";
  return /^en(-|$)/i.test(system) ? system : "en-GB";
}

// Making an Intl formatter is slow (it loads locale data); a list of dates reuses them.
const formatters = new Map();
function formatter(Kind, options) {
  const where = locale();
  const key = `${Kind.name}|${where}|${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Kind(where, options);
    formatters.set(key, made);
  }
  return made;
}

/** `date` (a Date or an ISO string) with Intl.DateTimeFormat `options`, in the UI language. */
export function date(value, options) {
  return formatter(Intl.DateTimeFormat, options).format(value instanceof Date ? value : new Date(value));
}

/** A number with the UI language's digit grouping ("12 345" in Norwegian, "12,345" in English). */
export function number(n, options = {}) {
  return formatter(Intl.NumberFormat, options).format(n);
}

/** A time of day as hours and minutes, on a 24-hour clock (the plan's grid is one). */
export const time = (value) => date(value, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** A weekday, day, month and time: when a post is due ("tir. 1. des., 09:30"). */
export const dayTime = (value) =>
  date(value, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** A day and month, with the year when asked ("1. des." / "1 Dec"). */
export const dayMonth = (value, withYear = false) =>
  date(value, withYear ? { day: "numeric", month: "short", year: "numeric" } : { day: "numeric", month: "short" });

/** A full date and time. */
export const longDate = (value) => date(value, { dateStyle: "medium", timeStyle: "short" });

/** A date without the time. */
export const dateOnly = (value) => date(value, { dateStyle: "medium" });

/** A time of day with seconds (when a draft was saved). */
export const clock = (value = new Date()) => date(value, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Whole calendar days from today to `value` in local time: 0 today, 1 tomorrow, -1 yesterday. */
export function daysFromToday(value, now = new Date()) {
  const d = value instanceof Date ? value : new Date(value);
  const midnight = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  return Math.round((midnight(d) - midnight(now)) / 86400000);
}

/** A day relative to today in words: "today", "yesterday", "in 3 days" ("i dag", "i går", "om 3 dager"). */
export function relativeDay(value, now = new Date()) {
  return formatter(Intl.RelativeTimeFormat, { numeric: "auto" }).format(daysFromToday(value, now), "day");
}

/** A date as the draft list shows it: the time today, "yesterday", the weekday this past week,
 *  the day and month this year, else the date. */
export function shortDate(value, now = new Date()) {
  const d = value instanceof Date ? value : new Date(value);
  const days = daysFromToday(d, now);
  if (days === 0) return date(d, { hour: "2-digit", minute: "2-digit" });
  if (days === -1) return relativeDay(d, now);
  if (days < 0 && days > -6) return date(d, { weekday: "short" });
  return d.getFullYear() === now.getFullYear() ? dayMonth(d) : dateOnly(d);
}

/** `YYYY-MM-DDTHH:MM` in local time, the value of an `<input type="datetime-local">`. */
export function toLocalInput(value) {
  const d = value instanceof Date ? value : new Date(value);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Gives date and time inputs the UI language: WebKit lays their fields out by the element's
 *  language, and falls back to the process locale (month first, AM/PM) without one. */
export function localizeInputs(root = document) {
  const where = locale();
  for (const input of root.querySelectorAll('input[type="datetime-local"], input[type="date"], input[type="time"]')) {
    input.lang = where;
  }
}

/** Says a date input's value in the UI language beside it (`output`): WebKitGTK lays out
 *  date fields by the process locale whatever their `lang`, so a Norwegian window could show
 *  "11/30/2026, 02:47 PM" in them; the words beside it are the window's own. */
export function echoDate(input, output) {
  const say = () => {
    output.textContent = input.value ? dayTime(new Date(input.value)) : "";
  };
  input.addEventListener("input", say);
  input.addEventListener("change", say);
  say();
  return say;
}
