// Lists the warnings of every network's report, each once, with its one-click fix.

import { button, el, show } from "./dom.js";
import { NETWORK_NAMES } from "./i18n.js";

const EVERY = { en: "any network", nb: "noe nettverk" };

/** `message` with the network's name (as a word of its own) replaced by `{network}`. */
function generic(message, name) {
  return message.replace(new RegExp(`(?<![\\p{L}\\p{N}#@])${name}(?![\\p{L}\\p{N}])`, "gu"), "{network}");
}

/** Renders the warnings of `reports` into `list`; `applyFix(text)` replaces the post's text.
 *  The same note on several networks is shown once, naming them. `actions(warning, networks)`
 *  may add buttons of the editor's own (a way forward that is not a text fix). */
export function renderNotes(list, reports, applyFix, lang = "en", actions = () => []) {
  const seen = new Map();
  for (const report of reports) {
    const name = NETWORK_NAMES[report.network];
    for (const w of report.warnings) {
      const text = generic(w.message, name);
      const key = `${w.code}|${text}|${w.fix?.text ?? ""}`;
      if (!seen.has(key)) seen.set(key, { warning: w, text, networks: [], ids: [] });
      seen.get(key).networks.push(name);
      seen.get(key).ids.push(report.network);
    }
  }
  const and = lang === "nb" ? " og " : " and ";
  const names = (list) => (list.length === 5 ? EVERY[lang] : list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")}${and}${list.at(-1)}`);
  const items = [...seen.values()].sort((a, b) => rank(a.warning) - rank(b.warning));
  list.replaceChildren(...items.map(({ warning, text, networks, ids }) => {
    const li = el(
      "li",
      { className: `note note-${warning.severity}`, dataset: { code: warning.code } },
      el("span", { className: "note-message", textContent: text.replaceAll("{network}", names(networks)) }),
    );
    if (warning.fix) li.append(button(warning.fix.label, () => applyFix(warning.fix.text), { className: "fix" }));
    li.append(...actions(warning, ids).map(([label, run, kind]) => button(label, run, { className: `fix ${kind}` })));
    return li;
  }));
  show(list, items.length > 0);
  const title = list.previousElementSibling;
  if (title?.classList.contains("notes-title")) show(title, items.length > 0);
}

function rank(w) {
  return { error: 0, warning: 1, info: 2 }[w.severity] ?? 3;
}
