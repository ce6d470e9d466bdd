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

// ----- fields the user types a date and time into -----
//
// WebKitGTK lays out its own date and time fields by the process locale whatever their `lang`
// (a Norwegian window showed "12/02/2026, 09:30 AM"), so Podium's are text fields in the UI
// language's own numeric format, made and read here: "12.02.2026, 09:30" in Norwegian,
// "12/02/2026, 09:30" in British English, month first in American English; always a 24-hour
// clock, as the plan's grid.

const FIELD_DATE = { day: "2-digit", month: "2-digit", year: "numeric" };
const FIELD_TIME = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const fieldOptions = (withDate) => (withDate ? { ...FIELD_DATE, ...FIELD_TIME } : FIELD_TIME);

/** The order of the numbers in a field: `["day", "month", "year", "hour", "minute"]` in
 *  Norwegian, month first in American English. */
export function fieldOrder(withDate = true) {
  const sample = new Date(2026, 10, 30, 21, 45);
  return formatter(Intl.DateTimeFormat, fieldOptions(withDate))
    .formatToParts(sample)
    .map((p) => p.type)
    .filter((type) => ["day", "month", "year", "hour", "minute"].includes(type));
}

/** A date (and time) as a field shows it: "30.11.2026, 21:45" / "21:45". */
export function fieldText(value, withDate = true) {
  return date(value, fieldOptions(withDate));
}

/** What a person typed in a field, read in the UI language's order: a Date (with `withDate`;
 *  for a time alone, today at that time), or null when it is not a whole, real date and time.
 *  Any separators will do ("1.12.2026 9.30", "01.12.2026, 09:30"); a time without minutes is
 *  on the hour; "pm" after a time adds 12 hours. `YYYY-MM-DDTHH:MM` is read too (pasted). */
export function parseField(text, withDate = true) {
  const s = String(text ?? "").trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?$/.exec(s);
  let n = {};
  if (iso && withDate) {
    n = { year: +iso[1], month: +iso[2], day: +iso[3], hour: +(iso[4] ?? 0), minute: +(iso[5] ?? 0) };
  } else {
    const numbers = s.match(/\d+/g) ?? [];
    const order = fieldOrder(withDate);
    // A time typed without minutes ("9"): on the hour.
    if (numbers.length === order.length - 1 && order.at(-1) === "minute") numbers.push("0");
    if (numbers.length !== order.length) return null;
    order.forEach((type, i) => (n[type] = Number(numbers[i])));
    if (/p\.?\s*m\.?$/i.test(s) && n.hour < 12) n.hour += 12;
    else if (/a\.?\s*m\.?$/i.test(s) && n.hour === 12) n.hour = 0;
  }
  if (!withDate) {
    const today = new Date();
    Object.assign(n, { year: today.getFullYear(), month: today.getMonth() + 1, day: today.getDate() });
  }
  if (n.year < 100) n.year += 2000;
  if (n.hour > 23 || n.minute > 59) return null;
  const d = new Date(n.year, n.month - 1, n.day, n.hour, n.minute);
  // 31.02 would roll over into March: not a real date.
  if (d.getFullYear() !== n.year || d.getMonth() !== n.month - 1 || d.getDate() !== n.day) return null;
  return d;
}

/** `HH:MM` on a 24-hour clock, as Rust's slots take a time of day. */
export function hoursMinutes(d) {
  const p = (x) => String(x).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
}
