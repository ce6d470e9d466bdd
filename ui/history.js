// The history panel: a draft's revisions, what changed since each (a word diff computed in
// Rust), and restoring one — which is itself a new revision, so nothing is ever lost.

import * as api from "./api.js";
import { el as make, hide, show as reveal } from "./dom.js";
import { longDate } from "./format.js";
import { t } from "./i18n.js";

export function createHistory(el, { current, onRestored, onError }) {
  let selected = null;

  async function show() {
    const draft = current();
    if (!draft) return;
    reveal(el.panel);
    hide(el.diffView);
    selected = null;
    let list;
    try {
      list = await api.revisions(draft.id);
    } catch (error) {
      onError(api.describe(error));
      return;
    }
    el.list.replaceChildren(
      ...list.map((r) => {
        const b = make(
          "button",
          { type: "button", className: "revision", dataset: { id: r.id, kind: r.kind } },
          make("span", { className: "rev-title", textContent: r.name ? `«${r.name}»` : `${t(`history.kind.${r.kind}`)} · #${r.number}` }),
          make("span", { className: "rev-meta", textContent: t("history.meta", { date: longDate(r.updated_at), name: r.author }) }),
          make("span", { className: "rev-text", textContent: r.text.slice(0, 140) || t("list.untitled") }),
        );
        b.addEventListener("click", () => pick(r.id, b));
        return make("li", {}, b);
      }),
    );
  }

  async function pick(id, button) {
    selected = id;
    for (const b of el.list.querySelectorAll(".revision")) b.setAttribute("aria-current", String(b === button));
    try {
      const parts = await api.revisionDiff(id);
      el.diff.replaceChildren(
        ...parts.map((p) => {
          const tag = p.kind === "added" ? "ins" : p.kind === "removed" ? "del" : "span";
          return make(tag, { textContent: p.text });
        }),
      );
      reveal(el.diffView);
    } catch (error) {
      onError(api.describe(error));
    }
  }

  el.close.addEventListener("click", () => {
    hide(el.panel);
  });
  el.restore.addEventListener("click", async () => {
    if (!selected) return;
    try {
      const draft = await api.restoreRevision(selected);
      await onRestored(draft);
      await show();
    } catch (error) {
      onError(api.describe(error));
    }
  });
  el.name.addEventListener("click", async () => {
    if (!selected) return;
    const name = window.prompt(t("history.namePrompt"));
    if (name === null) return;
    try {
      await api.nameRevision(selected, name);
      await show();
    } catch (error) {
      onError(api.describe(error));
    }
  });

  return {
    toggle() {
      if (el.panel.hidden) show();
      else hide(el.panel);
    },
    refresh() {
      if (!el.panel.hidden) show();
    },
    close() {
      hide(el.panel);
    },
  };
}
