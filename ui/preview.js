// A preview of the post as it will look on the selected network: the links and hashtags that
// network will make clickable (from Rust's report), its truncation, and the part that does
// not fit.

import { clear, el } from "./dom.js";
import { t } from "./i18n.js";

const LOOK = {
  x: { name: "X", handle: "@you", cut: null },
  bluesky: { name: "Bluesky", handle: "@you.bsky.social", cut: null },
  mastodon: { name: "Mastodon", handle: "@you@mastodon.social", cut: null },
  // LinkedIn's feed shows about three lines (some 210 characters) before "…see more".
  linkedin: { name: "LinkedIn", handle: "", cut: 210 },
  threads: { name: "Threads", handle: "@you", cut: null },
};

// Whether the reader opened the Mastodon preview's content warning (kept while typing, as the
// preview is drawn again with every key).
let warningOpen = false;

/** Renders `text` as `report.network` shows it into `container`; Mastodon's `contentWarning`
 *  folds the text away behind it as Mastodon does, and a `visibility` other than the account's
 *  default is named beside the time. */
export function renderPreview(container, text, report, { contentWarning = "", visibility = "" } = {}) {
  if (!report) {
    clear(container);
    return;
  }
  const look = LOOK[report.network];
  const card = el("article", { className: `post post-${report.network}`, dataset: { network: report.network } });
  const head = el(
    "header",
    {},
    el("span", { className: "avatar", textContent: t("preview.you").slice(0, 1) }),
    el(
      "span",
      { className: "who" },
      el("strong", { textContent: t("preview.you") }),
      el("span", { className: "handle", textContent: [look.handle, t("preview.now")].filter(Boolean).join(" · ") }),
    ),
    el("span", { className: "badge", textContent: look.name }),
  );
  const mastodon = report.network === "mastodon";
  if (mastodon && visibility) {
    head
      .querySelector(".who")
      .append(el("span", { className: "pv-visibility", dataset: { visibility }, textContent: t(`mastodon.visibility.${visibility}`) }));
  }
  const body = el("p", { className: "post-text" });
  let shown = text;
  let cut = false;
  if (look.cut && text.length > look.cut) {
    // Cut at a word, as the feed does.
    const at = text.lastIndexOf(" ", look.cut);
    shown = text.slice(0, at > look.cut / 2 ? at : look.cut);
    cut = true;
  }
  body.append(marked(shown, report));
  if (cut) {
    body.append(el("span", { className: "more", textContent: ` ${t("preview.more")}` }));
  }
  card.append(head);
  if (mastodon && contentWarning) {
    // Mastodon shows the warning with a button; the text stays folded until it is pressed.
    const toggle = el("button", { type: "button", className: "cw-toggle", textContent: t(warningOpen ? "preview.showLess" : "preview.showMore") });
    toggle.setAttribute("aria-expanded", String(warningOpen));
    toggle.addEventListener("click", () => {
      warningOpen = !warningOpen;
      body.hidden = !warningOpen;
      toggle.textContent = t(warningOpen ? "preview.showLess" : "preview.showMore");
      toggle.setAttribute("aria-expanded", String(warningOpen));
    });
    card.append(el("p", { className: "cw" }, el("span", { className: "cw-text", textContent: contentWarning }), " ", toggle));
    body.hidden = !warningOpen;
  }
  card.append(body);
  container.replaceChildren(card);
}

/** The text with the report's highlights as spans (UTF-16 ranges index JS strings directly). */
function marked(text, report) {
  const marks = (report.highlights ?? []).map((h) => ({ start: h.start, end: h.end, cls: `pv-${h.kind}` }));
  if (report.over) marks.push({ start: report.over.start, end: report.over.end, cls: "pv-over" });
  const cuts = new Set([0, text.length]);
  for (const m of marks) {
    cuts.add(Math.min(m.start, text.length));
    cuts.add(Math.min(m.end, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    if (from === to) continue;
    const piece = text.slice(from, to);
    const classes = marks.filter((m) => m.start <= from && to <= m.end).map((m) => m.cls);
    if (classes.length === 0) {
      fragment.append(document.createTextNode(piece));
    } else {
      const span = document.createElement("span");
      span.className = classes.join(" ");
      span.textContent = piece;
      fragment.append(span);
    }
  }
  return fragment;
}
