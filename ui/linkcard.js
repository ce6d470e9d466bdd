// The link card under a post's preview: for a post with a link and no image, the card the
// network will show. Bluesky and LinkedIn leave the card to the app, so Podium builds it at
// publish time from the page's OpenGraph tags (fetched by Rust, never by this window) and the
// user may drop it; Mastodon and X build their own from the same tags, so Podium only shows
// what they will likely show.

import * as api from "./api.js";
import { button, el } from "./dom.js";
import { t } from "./i18n.js";

/** Networks whose card Podium builds (and the user may drop). */
const BUILT_BY_PODIUM = new Set(["bluesky", "linkedin"]);
/** Networks that show a link card at all (Threads shows none from an app's post). */
const SHOWS_CARDS = new Set(["bluesky", "linkedin", "mastodon", "x"]);
/** How long the text must rest before a new link's page is read. */
const SETTLE_MS = 700;

/** The first link of `text` as the report's highlights find it, as an address to fetch. */
export function firstLink(text, report) {
  const link = (report?.highlights ?? []).find((h) => h.kind === "link");
  if (!link) return null;
  const found = text.slice(link.start, link.end);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(found) ? found : `https://${found}`;
}

/** `redraw()` is called when a card arrives; `setDropped(bool)` saves the user's choice. */
export function createLinkCards({ redraw, setDropped }) {
  // url → { state: "loading" | "ready" | "none", card }
  const cards = new Map();
  let timer = 0;

  function fetchSoon(url) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (cards.has(url)) return;
      cards.set(url, { state: "loading" });
      redraw();
      let card = null;
      try {
        card = await api.linkCard(url);
      } catch (error) {
        console.error("link card failed", error);
      }
      cards.set(url, card ? { state: "ready", card } : { state: "none" });
      redraw();
    }, SETTLE_MS);
  }

  function drawCard(card) {
    const site = (() => {
      try {
        return new URL(card.url).hostname.replace(/^www\./, "");
      } catch {
        return card.url;
      }
    })();
    return [
      card.image ? el("img", { className: "link-card-image", src: card.image, alt: "" }) : null,
      el(
        "div",
        { className: "link-card-text" },
        el("span", { className: "link-card-site", textContent: site }),
        el("strong", { className: "link-card-title", textContent: card.title }),
        card.description ? el("span", { className: "link-card-description", textContent: card.description }) : null,
      ),
    ].filter(Boolean);
  }

  return {
    /** Draws the card of `url` for `network` after `post`'s text; `kept` is the draft's choice. */
    draw(post, network, url, kept) {
      if (!post || !url || !SHOWS_CARDS.has(network)) return;
      const ours = BUILT_BY_PODIUM.has(network);
      const anchor = post.querySelector(".post-text");
      if (!anchor) return;
      if (ours && !kept) {
        anchor.after(
          el(
            "p",
            { className: "link-card-dropped" },
            el("span", { textContent: t("card.dropped") }),
            " ",
            button(t("card.restore"), () => setDropped(false), { className: "link" }),
          ),
        );
        return;
      }
      const known = cards.get(url);
      if (!known) fetchSoon(url);
      const state = known?.state ?? "loading";
      const box = el("div", { className: "link-card", dataset: { state, by: ours ? "podium" : "network" } });
      if (state === "ready") box.append(...drawCard(known.card));
      else box.append(el("span", { className: "link-card-wait", textContent: t(state === "none" ? "card.none" : "card.loading") }));
      const note = el("p", { className: "link-card-note" }, el("span", { textContent: t(ours ? "card.ours" : "card.theirs") }));
      if (ours && state !== "none") {
        note.append(" ", button(t("card.drop"), () => setDropped(true), { className: "link link-card-drop" }));
      }
      anchor.after(box, note);
    },
  };
}
