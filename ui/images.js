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
  const altTimers = new Map();

  async function answered(next) {
    images = next;
    draw();
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
    clearTimeout(altTimers.get(image.id));
    altTimers.set(
      image.id,
      setTimeout(async () => {
        altTimers.delete(image.id);
        try {
          await api.setImageAlt(draftId, image.id, image.alt);
          await answered(images);
        } catch (error) {
          onError(t("images.failed", { error: api.describe(error) }));
        }
      }, ALT_SAVE_MS),
    );
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
          el("img", { src: image.thumbnail, alt: image.alt, width: 96, height: Math.round((96 * image.height) / image.width) }),
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
    /** Shows the images of draft `id` (null: a new draft, none yet). */
    async load(id) {
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
    relabel: () => answered(images),
  };
}
