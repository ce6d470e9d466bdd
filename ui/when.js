// Fields the user types a date and time (or a time of day) into, in the UI language: the text
// is made and read by format.js ("12.02.2026, 09:30" in Norwegian), never by WebKit's own date
// fields, which follow the process locale. Keyboard first: type the date and time in any
// separators; ↑/↓ step the number under the cursor (a day, an hour, a minute …), PageUp/
// PageDown by a larger step; the words beside the field say what was read, or how to write it.

import { dayTime, fieldOrder, fieldText, parseField } from "./format.js";
import { t } from "./i18n.js";

const withDate = (input) => input.dataset.when !== "time";
const sayers = new WeakMap();

/** The Date a field holds, or null when empty or not a whole date and time. */
export function readField(input) {
  return input.value.trim() ? parseField(input.value, withDate(input)) : null;
}

/** Puts `value` (a Date) in a field, in the UI language's format. */
export function setField(input, value) {
  input.value = fieldText(value, withDate(input));
  input.dispatchEvent(new Event("input"));
}

/** How a field is written, in the UI language's letters ("dd.mm.åååå, tt:mm"). */
export function fieldPattern(dated = true) {
  const order = fieldOrder(dated);
  let i = 0;
  return fieldText(new Date(2026, 10, 30, 21, 45), dated).replace(/\d+/g, () => t(`when.${order[i++]}`));
}

// One step of each number, and the larger step of PageUp/PageDown.
const STEPS = {
  day: [(d, k) => d.setDate(d.getDate() + k), 7],
  month: [(d, k) => d.setMonth(d.getMonth() + k), 3],
  year: [(d, k) => d.setFullYear(d.getFullYear() + k), 10],
  hour: [(d, k) => d.setHours(d.getHours() + k), 6],
  minute: [(d, k) => d.setMinutes(d.getMinutes() + k), 15],
};

/** The number the cursor is in (or just after), as an index into the field's numbers. */
function numberAt(text, caret) {
  let index = 0;
  let i = 0;
  for (const m of text.matchAll(/\d+/g)) {
    if (m.index <= caret) index = i;
    i += 1;
  }
  return index;
}

/** Makes `input` (a text field) a date-and-time field, or a time-of-day field with
 *  `{ time: true }`; `output` (optional) says beside it what was read. Returns `say`, which
 *  brings the words up to date. */
export function whenField(input, output = null, { time = false } = {}) {
  input.dataset.when = time ? "time" : "date-time";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.placeholder = fieldPattern(!time);
  const say = () => {
    const typed = input.value.trim();
    const read = readField(input);
    const wrong = typed !== "" && !read;
    // Kept to write it again in another language's order (see relabelFields).
    input.dataset.read = read ? read.toISOString() : "";
    input.setAttribute("aria-invalid", String(wrong));
    if (!output) {
      input.title = wrong ? t("when.invalid", { pattern: input.placeholder }) : "";
      return;
    }
    output.classList.toggle("invalid", wrong);
    output.textContent = wrong ? t("when.invalid", { pattern: input.placeholder }) : read && !time ? dayTime(read) : "";
  };
  input.addEventListener("input", say);
  sayers.set(input, say);
  input.addEventListener("keydown", (event) => {
    const big = event.key === "PageUp" || event.key === "PageDown";
    const up = event.key === "ArrowUp" || event.key === "PageUp";
    if (!big && !up && event.key !== "ArrowDown") return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const read = readField(input);
    if (!read) return;
    event.preventDefault();
    const order = fieldOrder(!time);
    const index = Math.min(numberAt(input.value, input.selectionStart ?? 0), order.length - 1);
    const [step, large] = STEPS[order[index]];
    const next = new Date(read);
    step(next, (up ? 1 : -1) * (big ? large : 1));
    input.value = fieldText(next, !time);
    const m = [...input.value.matchAll(/\d+/g)][index];
    if (m) input.setSelectionRange(m.index, m.index + m[0].length);
    input.dispatchEvent(new Event("input"));
  });
  // Tidied to the usual form when left ("1.12.2026 9.30" → "01.12.2026, 09:30").
  input.addEventListener("change", () => {
    const read = readField(input);
    if (read) input.value = fieldText(read, !time);
    say();
  });
  say();
  return say;
}

/** After the UI language changed: every field's pattern, its date written in the new order,
 *  and its words. */
export function relabelFields(root = document) {
  for (const input of root.querySelectorAll("input[data-when]")) {
    const dated = withDate(input);
    input.placeholder = fieldPattern(dated);
    if (input.dataset.read) input.value = fieldText(new Date(input.dataset.read), dated);
    sayers.get(input)?.();
  }
}
