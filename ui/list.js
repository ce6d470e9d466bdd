// The draft list: search, filters and a virtual list that renders only the rows in view, so
// 10,000 drafts scroll as smoothly as ten.

import { el as make, show } from "./dom.js";
import { number, shortDate } from "./format.js";
import { goalName, t, tagName } from "./i18n.js";

const ROW = 62; // px; must match .draft-row's height in styles.css
const OVERSCAN = 6;

export function createList({ container, spacer, empty, count, onOpen, onRestore, onBinned }) {
  let items = [];
  let selected = null;
  let query = "";
  let bin = false; // the list shows the bin: rows restore instead of opening
  let frame = 0;

  const indexOf = (id) => items.findIndex((d) => d.id === id);

  function row(d, i) {
    const el = make("div", { className: "draft-row", role: "option", id: `draft-${d.id}`, dataset: { id: d.id }, attrs: { "aria-selected": String(d.id === selected) } });
    el.style.transform = `translateY(${i * ROW}px)`;
    // Tags are Podium's own labels, not hashtags: shown without `#`, Podium's own in the UI language.
    const extra = [d.goal ? goalName(d.goal) : "", ...d.tags.map(tagName)].filter(Boolean).join(" · ") || d.excerpt;
    // A search hit says why it matched: the words around the first match, marked.
    const snippet = d.snippet?.length
      ? make("span", { className: "extra snippet" }, ...d.snippet.map((p) => (p.hit ? make("mark", { textContent: p.text }) : document.createTextNode(p.text))))
      : make("span", { className: "extra", textContent: extra });
    const title = make("div", { className: "title", textContent: d.title || t("list.untitled") });
    el.append(
      title,
      make(
        "div",
        { className: "sub" },
        make("span", { className: `state state-${d.state}`, textContent: t(`state.${d.state}`) }),
        d.conflict_of ? make("span", { className: "conflict-mark", textContent: t("conflict.mark") }) : "",
        snippet,
        make("time", { dateTime: d.updated_at, textContent: shortDate(d.updated_at) }),
      ),
    );
    if (bin) {
      el.classList.add("binned");
      const restore = make("button", { type: "button", className: "restore", textContent: t("bin.restore") });
      restore.addEventListener("click", (event) => {
        event.stopPropagation();
        onRestore(d.id);
      });
      el.append(restore);
    }
    return el;
  }

  // Rows in the DOM by draft id; scrolling moves and reuses them, and only rows that come
  // into view are built.
  let rows = new Map();
  let shown = { height: -1, count: "", empty: "" };

  function render() {
    frame = 0;
    const height = items.length * ROW;
    if (height !== shown.height) spacer.style.height = `${(shown.height = height)}px`;
    const top = container.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((top + container.clientHeight) / ROW) + OVERSCAN);
    const next = new Map();
    for (let i = first; i < last; i++) {
      const d = items[i];
      let el = rows.get(d.id);
      if (el && el.dataset.version !== d.updated_at) el = null;
      if (!el) {
        el = row(d, i);
        el.dataset.version = d.updated_at;
        spacer.append(el);
      } else {
        el.style.transform = `translateY(${i * ROW}px)`;
        el.setAttribute("aria-selected", String(d.id === selected));
      }
      next.set(d.id, el);
    }
    for (const [id, el] of rows) if (next.get(id) !== el) el.remove();
    rows = next;
    show(empty, items.length === 0);
    const emptyText = bin ? (query ? t("list.noHits", { query }) : t("bin.empty")) : query ? t("list.noHits", { query }) : t("list.empty");
    if (emptyText !== shown.empty) {
      shown.empty = emptyText;
      // No drafts at all: the empty list says in a few lines what the window's parts are.
      if (query || bin) empty.replaceChildren(emptyText);
      else empty.replaceChildren(make("p", { textContent: emptyText }), ...firstSteps());
    }
    const countText = items.length === 1 ? t("list.count1") : t("list.count", { n: number(items.length) });
    if (countText !== shown.count) count.textContent = shown.count = countText;
  }

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };

  container.addEventListener("scroll", schedule, { passive: true });
  new ResizeObserver(schedule).observe(container);
  container.addEventListener("click", (event) => {
    const el = event.target.closest(".draft-row");
    if (!el) return;
    if (!bin) onOpen(el.dataset.id);
    // A binned draft is selected and its Restore offered: it cannot be edited in the bin.
    else if (!event.target.closest(".restore")) {
      api.select(el.dataset.id);
      onBinned?.(items.find((d) => d.id === el.dataset.id));
    }
  });
  container.addEventListener("keydown", (event) => {
    if (bin) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = api.neighbour(event.key === "ArrowDown" ? 1 : -1);
      if (next) onOpen(next);
    } else if (event.key === "Enter") {
      document.getElementById("post-text")?.focus();
    }
  });

  function reveal(id) {
    const i = indexOf(id);
    if (i < 0) return;
    const top = i * ROW;
    if (top < container.scrollTop) container.scrollTop = top;
    else if (top + ROW > container.scrollTop + container.clientHeight) container.scrollTop = top + ROW - container.clientHeight;
  }

  const api = {
    /** Replaces the list (after a search or filter change). */
    set(list, currentQuery = "", inBin = false) {
      items = list;
      query = currentQuery;
      bin = inBin;
      for (const el of rows.values()) el.remove();
      rows = new Map();
      render();
    },
    select(id) {
      selected = id;
      reveal(id);
      render();
    },
    /** Puts a changed draft at the top (lists are newest first), or updates it in place. */
    upsert(item) {
      const i = indexOf(item.id);
      if (i >= 0) items.splice(i, 1);
      if (!query) items.unshift(item);
      else if (i >= 0) items.splice(i, 0, item);
      schedule();
    },
    remove(id) {
      const i = indexOf(id);
      if (i >= 0) items.splice(i, 1);
      schedule();
    },
    /** The id `delta` rows from the selected draft. */
    neighbour(delta) {
      if (items.length === 0) return null;
      const i = indexOf(selected);
      const next = i < 0 ? 0 : Math.min(items.length - 1, Math.max(0, i + delta));
      return items[next]?.id ?? null;
    },
    first: () => items[0]?.id ?? null,
    has: (id) => indexOf(id) >= 0,
    size: () => items.length,
  };
  return api;
}

/** What a first start shows in the empty list: the chips, the checks, the plan and F1. */
function firstSteps() {
  return [
    make("h3", { textContent: t("first.title") }),
    ...["write", "chips", "checks", "plan", "help"].map((k) => make("p", { textContent: t(`first.${k}`) })),
  ];
}
