// The text area: sends every change to Rust for checking and shows the answer. Answers that
// arrive out of order (a slow check overtaken by a newer keystroke) are dropped.

import { checkPost } from "./api.js";
import { createCounters, renderCount } from "./counters.js";
import { renderHighlights } from "./highlights.js";
import { renderNotes } from "./notes.js";

export function startEditor({ textarea, backdrop, counters, notes }) {
  let latest = 0;
  let selected = "x";
  let reports = [];
  const lang = navigator.language?.startsWith("nb") || navigator.language?.startsWith("no") ? "nb" : "en";

  const showHighlights = () =>
    renderHighlights(backdrop, textarea.value, reports.find((r) => r.network === selected));

  const update = async () => {
    const ticket = ++latest;
    try {
      const answer = await checkPost(textarea.value, lang);
      if (ticket !== latest) return;
      reports = answer;
      for (const report of reports) renderCount(report);
      showHighlights();
      // Not news while writing: "the post is empty" before anything is typed, and a single
      // trailing space that only means the next word is coming.
      const text = textarea.value;
      const midSentence = /\S $/.test(text) && !/^\s/.test(text);
      const quiet = (w) => (w.code === "empty" && text === "") || (w.code === "whitespace_edges" && midSentence);
      const shown = reports.map((r) => ({ ...r, warnings: r.warnings.filter((w) => !quiet(w)) }));
      renderNotes(notes, shown, (text) => {
        textarea.value = text;
        textarea.dispatchEvent(new Event("input"));
        textarea.focus();
      }, lang);
    } catch (error) {
      console.error("check failed", error);
    }
  };

  createCounters(counters, (network) => {
    selected = network;
    showHighlights();
  });
  textarea.addEventListener("input", update);
  textarea.addEventListener("scroll", () => {
    backdrop.scrollTop = textarea.scrollTop;
  });
  update();
}
