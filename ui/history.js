// The history panel: a draft's revisions, what changed since each (a word diff computed in
// Rust), and restoring one — which is itself a new revision, so nothing is ever lost.

import * as api from "./api.js";
import { longDate, t } from "./i18n.js";

export function createHistory(el, { current, onRestored, onError }) {
  let selected = null;

  async function show() {
    const draft = current();
    if (!draft) return;
    el.panel.hidden = false;
    el.diffView.hidden = true;
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
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "revision";
        b.dataset.id = r.id;
        b.dataset.kind = r.kind;
        const title = document.createElement("span");
        title.className = "rev-title";
        title.textContent = r.name ? `«${r.name}»` : `${t(`history.kind.${r.kind}`)} · #${r.number}`;
        const meta = document.createElement("span");
        meta.className = "rev-meta";
        meta.textContent = `${longDate(r.updated_at)} · ${r.author}`;
        const text = document.createElement("span");
        text.className = "rev-text";
        text.textContent = r.text.slice(0, 140) || t("list.untitled");
        b.append(title, meta, text);
        b.addEventListener("click", () => pick(r.id, b));
        li.append(b);
        return li;
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
          const node = document.createElement(tag);
          node.textContent = p.text;
          return node;
        }),
      );
      el.diffView.hidden = false;
    } catch (error) {
      onError(api.describe(error));
    }
  }

  el.close.addEventListener("click", () => {
    el.panel.hidden = true;
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
      else el.panel.hidden = true;
    },
    refresh() {
      if (!el.panel.hidden) show();
    },
    close() {
      el.panel.hidden = true;
    },
  };
}
