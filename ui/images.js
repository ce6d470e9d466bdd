// A draft's images in the editor: added with the file picker, by dropping files on the window
// or by pasting; put in order, removed, and each given its alt text. The images themselves are
// Rust's (stored without metadata, checked per network); this draws them and says what changed.

import * as api from "./api.js";
import { button, el, show } from "./dom.js";
import { t } from "./i18n.js";

// The longest alt text a network takes (Bluesky's is long enough never to matter here).
const ALT_MAX = { mastodon: 1500, x: 1000 };
const ALT_SAVE_MS = 400;

/** `el`: { box, list, file, hint }. `ensureDraft()` answers the draft's id (saving a new draft
 *  first); `onChange(images, notes)` gets the images and each network's notes about them. */
export function createImages(el_, { ensureDraft, onChange, onError, lang }) {
  let draftId = null;
  let images = [];
  // Alt text being typed, per image: saved ALT_SAVE_MS after the last key, or at once when the
  // editor saves (another draft shown, scheduling, the window closing).
  const altWaiting = new Map();

  /** Shows `next` and the networks' notes about it; `redraw` false keeps the list as it is
   *  (an alt text saved while the person may still be typing in it). */
  async function answered(next, { redraw = true } = {}) {
    images = next;
    if (redraw) draw();
    let notes = {};
    if (draftId) {
      try {
        notes = await api.checkImages(draftId, lang());
      } catch (error) {
        console.error("image check failed", error);
      }
    }
    onChange(images, notes);
  }

  async function run(work) {
    try {
      await answered(await work());
    } catch (error) {
      onError(t("images.failed", { error: api.describe(error) }));
    }
  }

  async function addBytes(files) {
    const id = await ensureDraft();
    if (!id) return;
    draftId = id;
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await run(() => api.attachImageBytes(id, bytes));
    }
  }

  async function addPaths(paths) {
    const id = await ensureDraft();
    if (!id) return;
    draftId = id;
    for (const path of paths) await run(() => api.attachImageFile(id, path));
  }

  function move(i, by) {
    const order = images.map((m) => m.id);
    const [it] = order.splice(i, 1);
    order.splice(i + by, 0, it);
    run(() => api.orderImages(draftId, order));
  }

  function altChanged(image, input, counter) {
    image.alt = input.value;
    drawCounter(counter, input.value);
    clearTimeout(altWaiting.get(image.id)?.timer);
    const forDraft = draftId;
    const save = async () => {
      altWaiting.delete(image.id);
      try {
        await api.setImageAlt(forDraft, image.id, image.alt);
        if (forDraft === draftId) await answered(images, { redraw: false });
      } catch (error) {
        onError(t("images.altFailed", { error: api.describe(error) }));
      }
    };
    altWaiting.set(image.id, { timer: setTimeout(save, ALT_SAVE_MS), save });
  }

  /** Saves alt text still waiting for its pause; resolves when it is saved. */
  function flush() {
    const waiting = [...altWaiting.values()];
    for (const w of waiting) clearTimeout(w.timer);
    return Promise.all(waiting.map((w) => w.save()));
  }

  /** The image, or what stands in for one this computer does not hold. */
  function picture(image) {
    const height = Math.round((96 * image.height) / image.width);
    if (image.thumbnail) return el("img", { src: image.thumbnail, alt: image.alt, width: 96, height });
    const why = image.missing === "waiting" ? t("images.waiting") : t("images.unreadable");
    return el("div", { className: `image-missing ${image.missing ?? ""}`, title: why, attrs: { role: "img", "aria-label": why } }, why);
  }

  function drawCounter(counter, alt) {
    const n = [...alt].length;
    const over = Object.entries(ALT_MAX).filter(([, max]) => n > max);
    counter.textContent = t("images.altCount", { n });
    counter.classList.toggle("over", over.length > 0);
  }

  function draw() {
    el_.list.replaceChildren(
      ...images.map((image, i) => {
        const input = el("textarea", {
          className: "image-alt",
          rows: 2,
          value: image.alt,
          placeholder: t("images.altPlaceholder"),
          attrs: { "aria-label": t("images.altLabel", { n: i + 1 }) },
        });
        const counter = el("span", { className: "image-alt-count" });
        drawCounter(counter, image.alt);
        input.addEventListener("input", () => altChanged(image, input, counter));
        const tools = el(
          "div",
          { className: "image-tools" },
          button("←", () => move(i, -1), { disabled: i === 0, title: t("images.earlier"), attrs: { "aria-label": t("images.earlier") } }),
          button("→", () => move(i, 1), { disabled: i === images.length - 1, title: t("images.later"), attrs: { "aria-label": t("images.later") } }),
          button("✕", () => run(() => api.detachImage(draftId, image.id)), {
            className: "image-remove",
            title: t("images.remove"),
            attrs: { "aria-label": t("images.remove") },
          }),
        );
        return el(
          "li",
          { className: "image", dataset: { id: image.id } },
          picture(image),
          el("div", { className: "image-side" }, input, counter, tools),
        );
      }),
    );
    show(el_.list, images.length > 0);
  }

  el_.file.addEventListener("change", async () => {
    const files = [...el_.file.files];
    el_.file.value = "";
    await addBytes(files);
  });

  // A file dropped on the window comes as its path (Tauri takes the drop from the web view).
  window.__TAURI__?.event?.listen("tauri://drag-drop", (event) => {
    const paths = (event.payload?.paths ?? []).filter((p) => /\.(jpe?g|png|webp|heic|heif)$/i.test(p));
    if (paths.length) addPaths(paths);
  });

  return {
    /** Shows the images of draft `id` (null: a new draft, none yet), saving first any alt
     *  text typed for the draft shown until now. */
    async load(id) {
      await flush();
      draftId = id;
      if (!id) return answered([]);
      try {
        await answered(await api.draftImages(id));
      } catch (error) {
        onError(t("images.failed", { error: api.describe(error) }));
      }
    },
    /** Pasted files that are images; answers whether there were any. */
    paste(clipboard) {
      const files = [...(clipboard?.files ?? [])].filter((f) => f.type.startsWith("image/"));
      if (files.length) addBytes(files);
      return files.length > 0;
    },
    addBytes,
    flush,
    /** Shows the draft's images as they are now in the database (another device attached,
     *  described or ordered them, or their bytes came), keeping alt text being typed here and
     *  the caret in it. */
    async refresh() {
      const id = draftId;
      if (!id) return;
      let next;
      try {
        next = await api.draftImages(id);
      } catch (error) {
        console.error("images not reloaded", error);
        return;
      }
      if (id !== draftId) return;
      // Alt text as typed here wins while it is waiting to be saved, and once saved (stored
      // trimmed: "Kari " here is "Kari" there, and the space stays where it was typed).
      for (const image of next) {
        const mine = images.find((m) => m.id === image.id);
        if (mine && (altWaiting.has(image.id) || mine.alt.trim() === image.alt)) image.alt = mine.alt;
      }
      const facts = (list) => JSON.stringify(list.map((m) => [m.id, m.alt, m.missing ?? null]));
      if (facts(next) === facts(images)) return;
      const typing = el_.list.contains(document.activeElement) ? document.activeElement : null;
      const at = typing?.closest(".image")?.dataset.id;
      const caret = typing ? [typing.selectionStart, typing.selectionEnd] : null;
      await answered(next);
      const again = at && el_.list.querySelector(`.image[data-id="${at}"] .image-alt`);
      if (again && typing.classList.contains("image-alt")) {
        again.focus();
        again.setSelectionRange(...caret);
      }
    },
    relabel: () => answered(images),
  };
}
