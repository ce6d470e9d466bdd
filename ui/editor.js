// The editor: the text, its networks and details, live checks and preview, thread mode, and
// autosave. Every change is saved without a Save button: 300 ms after typing pauses, and at
// least once a second while typing goes on, so a crash loses at most about a second.

import * as api from "./api.js";
import { createCounters, renderCount, showCounters } from "./counters.js";
import { renderHighlights } from "./highlights.js";
import { renderNotes } from "./notes.js";
import { renderPreview, renderThreadPreview } from "./preview.js";
import { createImages } from "./images.js";
import { createLinkCards, firstLink } from "./linkcard.js";
import { createUndo } from "./undo.js";
import { el as make } from "./dom.js";
import { clock } from "./format.js";
import { goalName, language, NETWORK_NAMES, t } from "./i18n.js";

const NETWORKS = ["x", "bluesky", "mastodon", "linkedin", "threads"];
// The networks a post goes out to as a thread in thread mode (LinkedIn takes one long post).
const THREADABLE = ["x", "bluesky", "mastodon", "threads"];
const STATES = ["idea", "draft", "ready", "scheduled", "published", "archived"];
// Mastodon's visibilities; "" is the account's default.
const VISIBILITIES = ["", "public", "unlisted", "private"];
const IDLE_MS = 300;
const MAX_UNSAVED_MS = 800;
const LAST_NETWORKS = "podium.networks";

export function createEditor(el, { onSaved, onStatus, onError }) {
  let draft = null; // the saved draft, or null for a new one not yet saved
  let pending = {}; // fields changed since the last save
  let firstUnsaved = 0;
  let lastChange = 0;
  let timer = 0;
  let saving = Promise.resolve();
  let reports = [];
  let pressed = "x";
  let ticket = 0;
  let goals = [];
  // The shared text, and the networks' own versions; `editing` says which the text area shows.
  let mainText = "";
  let variants = {};
  let editing = "main";
  const perf = (window.__podiumPerf = { keystrokes: [], parts: [] });
  // The most characters (code points) a text may have: Rust's MAX_TEXT_CHARS, from the
  // app_info the window asks for at start (`setMaxChars`). Until then nothing is refused here
  // (the check refuses it anyway).
  let maxChars = Infinity;
  let warnedOverCap = false;
  // The draft's images and each network's notes about them (from Rust's image rules).
  let images = [];
  let imageNotes = {};

  const networks = () => draft?.networks ?? pending.networks ?? defaultNetworks();

  // ----- saving -----

  function change(fields) {
    Object.assign(pending, fields);
    lastChange = performance.now();
    if (!firstUnsaved) firstUnsaved = performance.now();
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(IDLE_MS, MAX_UNSAVED_MS - (performance.now() - firstUnsaved)));
    timer = setTimeout(flush, wait);
  }

  /** Saves what is pending; resolves when it is on disk. Saves run one after another. */
  function flush(force = false) {
    clearTimeout(timer);
    timer = 0;
    if (Object.keys(pending).length === 0) return saving;
    // A new draft is saved once it has text (or an image); until then its details wait here.
    if (!draft && !mainText.trim() && !force) {
      firstUnsaved = 0;
      return saving;
    }
    const patch = pending;
    pending = {};
    firstUnsaved = 0;
    saving = saving.then(async () => {
      onStatus(t("save.saving"));
      try {
        if (draft) {
          const sent = patch.text;
          draft = await api.updateDraft(draft.id, patch, sent === undefined ? null : draft.text);
          if (sent !== undefined && draft.text !== sent) adoptMerged(sent);
        } else {
          draft = await api.createDraft({
            text: mainText,
            variants,
            networks: patch.networks ?? defaultNetworks(),
            lang: patch.lang ?? el.lang.value,
            goal: patch.goal ?? null,
            tags: patch.tags ?? [],
            state: patch.state ?? "draft",
            thread: patch.thread ?? el.threadMode.checked,
            content_warning: patch.content_warning ?? el.contentWarning.value,
            visibility: patch.visibility ?? (el.visibility.value || null),
            link_card: patch.link_card ?? true,
          });
          localStorage.setItem(LAST_NETWORKS, JSON.stringify(draft.networks));
        }
        onStatus(t("save.saved", { time: clock() }));
        el.deleteButton.disabled = false;
        el.historyButton.disabled = false;
        onSaved(draft);
      } catch (error) {
        // Keep what could not be saved; the next change tries again.
        pending = { ...patch, ...pending };
        onStatus(t("save.failed", { error: api.describe(error) }), true);
        onError(api.describe(error));
      }
    });
    return saving;
  }

  /** The save merged the text with a change synced in from another device: show the merge
   *  when nothing was typed since; else the next save merges again from what was sent. */
  function adoptMerged(sent) {
    if (mainText === sent && editing === "main" && !el.threadMode.checked) {
      const [start, end] = [el.textarea.selectionStart, el.textarea.selectionEnd];
      mainText = draft.text;
      el.textarea.value = draft.text;
      el.textarea.setSelectionRange(Math.min(start, mainText.length), Math.min(end, mainText.length));
      check();
    } else {
      draft = { ...draft, text: sent };
    }
  }

  // ----- the post's language -----

  // A new draft's language follows its text (Rust guesses it once there are a few words) until
  // the user picks one in the menu; a saved draft opened again keeps the language it has.
  let langFollowsText = true;
  let langTicket = 0;
  let langTimer = 0;
  function followLanguage() {
    if (!langFollowsText) return;
    clearTimeout(langTimer);
    const mine = ++langTicket;
    langTimer = setTimeout(async () => {
      let guess = null;
      try {
        guess = await api.detectLanguage(mainText);
      } catch (error) {
        console.warn("no language guess", error);
        return;
      }
      if (mine !== langTicket || !langFollowsText || !guess || guess === el.lang.value) return;
      el.lang.value = guess;
      change({ lang: guess });
    }, IDLE_MS);
  }
  function stopFollowingLanguage(follow = false) {
    clearTimeout(langTimer);
    langTicket++;
    langFollowsText = follow;
  }

  // ----- the cap on a text's length -----

  /** Code points in `s`, as the cap counts them: UTF-16 units less the surrogate pairs. */
  function codePoints(s) {
    return s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
  }
  // A text of no more UTF-16 units than the cap is within it (a code point is 1 or 2 units).
  const overCap = (s) => s.length > maxChars && codePoints(s) > maxChars;

  /** Says that input was refused, and why: nothing is ever cut off without saying so. */
  function refuseInput(text) {
    onError(t("editor.tooLong", { n: codePoints(text), max: maxChars }));
  }

  // Typing, pasting or dropping that would take the text past the cap is refused whole, with
  // a note (never cut to fit: a silently shortened paste loses words no one sees go).
  let beforeInput = null; // the text and selection just before an edit
  el.textarea.addEventListener("beforeinput", (event) => {
    // Undo and redo from a menu take Podium's steps, as the keys do.
    if (event.inputType === "historyUndo" || event.inputType === "historyRedo") {
      event.preventDefault();
      if (event.inputType === "historyUndo") undo.undo();
      else undo.redo();
      return;
    }
    const { selectionStart, selectionEnd } = el.textarea;
    beforeInput = { value: el.textarea.value, selectionStart, selectionEnd };
    if (!event.inputType.startsWith("insert")) return;
    const data = event.data ?? event.dataTransfer?.getData("text/plain") ?? "";
    const { selectionStart: from, selectionEnd: to, value } = el.textarea;
    if (value.length - (to - from) + data.length <= maxChars) return;
    const next = value.slice(0, from) + data + value.slice(to);
    if (overCap(next)) {
      event.preventDefault();
      beforeInput = null;
      refuseInput(next);
    }
  });

  /** After an edit the cap did not see coming (the input event's data was unknown): undoes it
   *  and says so. True when it did. */
  function undoPastCap() {
    const before = beforeInput;
    beforeInput = null;
    const value = el.textarea.value;
    if (before === null || !overCap(value) || overCap(before.value)) return false;
    el.textarea.value = before.value;
    el.textarea.setSelectionRange(before.selectionStart, before.selectionEnd);
    refuseInput(value);
    return true;
  }

  /** A text loaded over the cap (an older or imported draft) is not checked until it is
   *  shortened; the note says so once. */
  function checkable() {
    const over = [mainText, ...Object.values(variants)].find(overCap);
    if (over === undefined) {
      warnedOverCap = false;
      return true;
    }
    if (!warnedOverCap) {
      warnedOverCap = true;
      onError(t("editor.overCap", { n: codePoints(over), max: maxChars }));
    }
    return false;
  }

  // ----- checking -----

  async function check(started) {
    if (!checkable()) return;
    const mine = ++ticket;
    const text = el.textarea.value;
    const sent = performance.now();
    const warning = contentWarning();
    let answer = api.checkPostNow(mainText, language(), variants, warning);
    if (!answer) {
      try {
        answer = await api.checkPost(mainText, language(), variants, warning);
      } catch (error) {
        console.error("check failed", error);
        return;
      }
      if (mine !== ticket) return;
    }
    const back = performance.now();
    reports = answer;
    render(text);
    if (started !== undefined) {
      const done = performance.now();
      // The benchmark reads these (the last 1,000 keys; older ones are dropped).
      perf.keystrokes.push(done - started);
      // Where the time went: waiting to run, the check's round trip, drawing the answer.
      perf.parts.push([sent - started, back - sent, done - back]);
      if (perf.keystrokes.length > 1000) {
        perf.keystrokes.splice(0, 500);
        perf.parts.splice(0, 500);
      }
    }
  }

  /** Counters and highlights at once (they move with every key); notes, preview and thread
   *  parts in the next frame, once for however many keys arrived meanwhile. */
  function render(text = el.textarea.value) {
    const shownNetworks = networks();
    pressed = showCounters(el.counters, shownNetworks, pressed);
    el.noNetworks.hidden = shownNetworks.length > 0;
    for (const report of reports) {
      renderCount(report);
      markOwnVersion(report.network);
    }
    renderThreadCount();
    const report = shownReport(pressed, shownNetworks);
    renderHighlights(el.backdrop, text, report);
    if (!detailsFrame) detailsFrame = requestAnimationFrame(renderDetails);
  }

  let detailsFrame = 0;
  function renderDetails() {
    detailsFrame = 0;
    const text = el.textarea.value;
    const shownNetworks = networks();
    const report = shownReport(pressed, shownNetworks);
    // Not news while writing: "the post is empty" before anything is typed, and a single
    // trailing space that only means the next word is coming.
    const midSentence = /\S $/.test(text) && !/^\s/.test(text);
    // In thread mode a threaded network is posted part by part: its whole-text limit is moot.
    const threaded = el.threadMode.checked ? threadedNetworks() : [];
    const quiet = (w, network) =>
      (w.code === "empty" && text === "") ||
      (w.code === "whitespace_edges" && midSentence) ||
      (w.code === "over_limit" && threaded.includes(network));
    // Notes (and their fixes) for the text in the text area only.
    const shown = reports
      .filter((r) => shownNetworks.includes(r.network) && checksShownText(r.network))
      .map((r) => ({ ...r, warnings: [...r.warnings.filter((w) => !quiet(w, r.network)), ...(imageNotes[r.network] ?? [])] }));
    renderNotes(el.notes, shown, applyFix, language(), overLimitWays);
    drawPreview();
    if (el.threadMode.checked) scheduleThread();
  }

  /** A post too long for a network has two ways forward, a click each: thread mode (where
   *  that network threads) and, on the shared text, the network's own version. */
  function overLimitWays(warning, over) {
    if (warning.code !== "over_limit") return [];
    const ways = [];
    if (!el.threadMode.checked && over.some((n) => THREADABLE.includes(n))) {
      ways.push([t("schedule.threadMode"), () => {
        showThread(true);
        change({ thread: true });
      }, "fix-thread"]);
    }
    if (editing === "main") {
      for (const n of over) {
        ways.push([t("schedule.ownVersion", { network: NETWORK_NAMES[n] }), () => {
          // Thread mode shows only threaded networks' versions (as showVersion below).
          if (el.threadMode.checked && !THREADABLE.includes(n)) {
            showThread(false);
            change({ thread: false });
          }
          editVersion(n);
        }, "fix-version"]);
      }
    }
    return ways;
  }

  /** The pressed network's post as it will look; in thread mode its thread, post by post. */
  function drawPreview() {
    const text = el.textarea.value;
    const report = shownReport(pressed, networks());
    const split = el.threadMode.checked && report ? currentSplit(pressed) : null;
    if (split && split.parts.length > 1) renderThreadPreview(el.preview, split.parts);
    else {
      renderPreview(el.preview, text, text.trim() ? report : null, {
        contentWarning: contentWarning(),
        visibility: el.visibility.value,
      });
    }
    const post = el.preview.querySelector(".post");
    if (post && images.length) {
      const grid = make("div", { className: `post-images count-${Math.min(images.length, 4)}` });
      for (const image of images) {
        grid.append(
          image.thumbnail
            ? make("img", { src: image.thumbnail, alt: image.alt, title: image.alt })
            : make("div", { className: "image-missing", title: image.alt }, t(image.missing === "waiting" ? "images.waiting" : "images.unreadable")),
        );
      }
      post.querySelector(".post-text")?.after(grid);
    } else if (post && report && !split) {
      // No image: the link's card, as the network will show it (the first link's page).
      linkCards.draw(post, report.network, firstLink(text, report), linkCardKept());
    }
    el.previewTitle.hidden = (!text.trim() && !images.length) || !report;
  }

  /** Whether `network`'s report was computed on the text the text area shows. */
  function checksShownText(network) {
    return editing === "main" ? !variants[network] : network === editing;
  }

  /** The pressed network's report, if it speaks of the text in the text area. */
  function shownReport(network, shownNetworks) {
    if (!shownNetworks.includes(network) || !checksShownText(network)) return undefined;
    return reports.find((r) => r.network === network);
  }

  // ----- versions -----

  function fillVersions() {
    const options = [new Option(t("version.shared"), "main")];
    for (const n of networks()) {
      const label = variants[n] ? t("version.edited", { network: NETWORK_NAMES[n] }) : t("version.own", { network: NETWORK_NAMES[n] });
      options.push(new Option(label, n));
    }
    el.version.replaceChildren(...options);
    if (editing !== "main" && !networks().includes(editing)) editing = "main";
    el.version.value = editing;
    el.dropVersion.hidden = editing === "main" || !variants[editing];
  }

  function editVersion(which) {
    editing = which;
    undo.reset();
    el.textarea.value = which === "main" ? mainText : variants[which] ?? mainText;
    if (which !== "main") pressed = which;
    fillVersions();
    check();
    el.textarea.focus();
  }

  /** Replaces the whole text, as one step the user can undo (Ctrl+Z), and as a revision of
   *  its own in the history (what was typed before it is saved first). */
  async function applyFix(text) {
    const before = undo.state();
    undo.replaced(before);
    el.textarea.value = text;
    const at = Math.min(before.end, text.length);
    el.textarea.focus();
    el.textarea.setSelectionRange(at, at);
    await flush();
    textChanged();
    change({ fix: true });
    flush();
  }

  // ----- thread mode -----
  //
  // Thread mode threads every chosen network that takes threads, each on its own text (the
  // shared text, or its own version): X threaded never leaves Bluesky counted as one long post.
  // The parts shown for editing are those of one network whose text is on screen (the pressed
  // counter's, or the one chosen in "Thread for"); the preview shows that network's thread
  // post by post. The publisher splits the same way (crates/publish/src/publisher.rs).

  let threadTimer = 0;
  let editingPart = false;
  // The last split of each network: {text, parts}; a counter speaks of its network's posts.
  let threadSplits = {};
  const textFor = (n) => variants[n] ?? mainText;
  const threadedNetworks = () => networks().filter((n) => THREADABLE.includes(n));
  /** The last split of `network`, if it is of the network's current text. */
  function currentSplit(network) {
    const split = threadSplits[network];
    return split && split.text === textFor(network) && split.parts.length > 0 ? split : null;
  }

  function renderThreadCount() {
    if (!el.threadMode.checked) return;
    for (const network of threadedNetworks()) {
      const split = currentSplit(network);
      if (!split) continue;
      const { parts } = split;
      const longest = Math.max(...parts.map((p) => p.report.length));
      const limit = parts[0].report.limit;
      const over = parts.findIndex((p) => !p.report.valid);
      document.getElementById(`count-${network}`).value = String(longest);
      const meter = document.getElementById(`meter-${network}`);
      meter.value = Math.min(longest, limit);
      document.getElementById(`remaining-${network}`).textContent =
        over >= 0
          ? t("thread.partOver", { k: over + 1, n: parts[over].report.length - limit })
          : t(parts.length === 1 ? "thread.one" : "thread.fits", { n: parts.length });
      document.getElementById(`counter-${network}`).dataset.state = over >= 0 ? "over" : "ok";
      markOwnVersion(network);
    }
  }

  /** A counter whose text is not on screen says which it counts: the network's own version,
   *  or the shared text (while another network's version is open). */
  function markOwnVersion(network) {
    const counter = document.getElementById(`counter-${network}`);
    const elsewhere = !checksShownText(network);
    counter.dataset.elsewhere = String(elsewhere);
    if (elsewhere) {
      const remaining = document.getElementById(`remaining-${network}`);
      remaining.textContent = `${remaining.textContent} · ${t(variants[network] ? "thread.ownVersion" : "thread.sharedText")}`;
    }
  }

  function scheduleThread() {
    clearTimeout(threadTimer);
    threadTimer = setTimeout(renderThread, editingPart ? 700 : 0);
  }

  /** The networks whose thread can be edited here: those whose text is on screen. */
  function fillThreadNetworks() {
    const onScreen = threadedNetworks().filter(checksShownText);
    const keep = el.threadNetwork.value;
    el.threadNetwork.replaceChildren(...onScreen.map((n) => new Option(NETWORK_NAMES[n], n)));
    const wanted = onScreen.includes(pressed) ? pressed : onScreen.includes(keep) ? keep : onScreen[0];
    if (wanted) el.threadNetwork.value = wanted;
    el.threadNetwork.disabled = onScreen.length < 2;
    el.threadNone.hidden = onScreen.length > 0;
  }

  async function renderThread() {
    if (!el.threadMode.checked) return;
    const numbering = el.threadNumbering.checked;
    const lang = language();
    const answers = await Promise.all(
      threadedNetworks().map(async (network) => {
        const text = textFor(network);
        try {
          return [network, { text, parts: await api.threadParts(text, network, numbering, lang) }];
        } catch (error) {
          console.error("thread split failed", error);
          return null;
        }
      }),
    );
    if (!el.threadMode.checked) return;
    for (const answer of answers) if (answer) threadSplits[answer[0]] = answer[1];
    renderThreadCount();
    fillThreadNetworks();
    drawPreview();
    const text = el.textarea.value;
    const split = currentSplit(el.threadNetwork.value);
    if (!split || split.text !== text) {
      el.threadParts.replaceChildren();
      return;
    }
    const { parts } = split;
    // Where each part sits in the text, so editing a part keeps the text around it as it was.
    let at = 0;
    const spans = parts.map((p) => {
      const start = text.indexOf(p.text, at);
      const from = start < 0 ? at : start;
      at = from + p.text.length;
      return { from, to: at };
    });
    const items = parts.map((part, k) => {
      const li = document.createElement("li");
      li.className = "thread-part";
      li.dataset.state = part.report.valid ? "ok" : "over";
      const head = document.createElement("div");
      head.className = "part-head";
      const label = document.createElement("span");
      label.textContent = t("thread.part", { k: k + 1, n: parts.length });
      const count = document.createElement("output");
      count.className = "part-count";
      count.textContent = `${part.report.length} / ${part.report.limit}`;
      head.append(label, count);
      const area = document.createElement("textarea");
      area.className = "part-text";
      area.value = part.text;
      area.rows = Math.min(8, Math.max(2, Math.ceil(part.text.length / 60)));
      area.setAttribute("aria-label", label.textContent);
      area.addEventListener("input", () => {
        editingPart = true;
        const { from, to } = spans[k];
        const before = el.textarea.value;
        const next = before.slice(0, from) + area.value + before.slice(to);
        const delta = area.value.length - (to - from);
        spans[k] = { from, to: to + delta };
        for (let j = k + 1; j < spans.length; j++) spans[j] = { from: spans[j].from + delta, to: spans[j].to + delta };
        el.textarea.value = next;
        textChanged();
      });
      area.addEventListener("blur", () => {
        editingPart = false;
        scheduleThread();
      });
      li.append(head, area);
      if (part.numbered !== part.text) {
        const suffix = document.createElement("span");
        suffix.className = "part-suffix";
        suffix.textContent = part.numbered.slice(part.text.length).trim();
        li.append(suffix);
      }
      return li;
    });
    // Do not pull a part out from under the cursor while it is being edited.
    if (editingPart && el.threadParts.contains(document.activeElement)) {
      const lis = el.threadParts.querySelectorAll(".thread-part");
      if (lis.length === items.length) {
        items.forEach((li, k) => {
          lis[k].dataset.state = li.dataset.state;
          lis[k].querySelector(".part-count").textContent = li.querySelector(".part-count").textContent;
        });
        return;
      }
    }
    el.threadParts.replaceChildren(...items);
  }

  function showThread(on) {
    // A version of a network that takes no threads (LinkedIn) has nothing to split: the shared
    // text is threaded instead. A thread-taking network's version is split as it is.
    if (on && editing !== "main" && !THREADABLE.includes(editing)) editVersion("main");
    el.threadMode.checked = on;
    el.thread.hidden = !on;
    el.field.hidden = on;
    if (!on) threadSplits = {};
    // Redraw counters and notes for the new mode (render also splits the thread when on).
    if (reports.length) render();
    else if (on) renderThread();
  }

  // ----- details -----

  function fillStates() {
    el.state.replaceChildren(...STATES.map((s) => new Option(t(`state.${s}`), s)));
  }

  function fillGoals(list, current) {
    goals = list;
    const options = [new Option(t("goal.none"), "")];
    const all = current && !list.includes(current) ? [...list, current] : list;
    for (const g of all) options.push(new Option(goalName(g), g));
    options.push(new Option(t("goal.add"), "__add"));
    el.goal.replaceChildren(...options);
    el.goal.value = current ?? "";
  }

  function fillToggles() {
    el.toggles.replaceChildren(
      ...NETWORKS.map((n, i) => {
        const b = make("button", {
          type: "button",
          className: "chip",
          id: `toggle-${n}`,
          dataset: { network: n },
          textContent: NETWORK_NAMES[n],
          title: `${NETWORK_NAMES[n]} (Ctrl+${i + 1})`,
        });
        b.addEventListener("click", () => toggleNetwork(n));
        return b;
      }),
    );
  }

  /** Mastodon's content warning, when the draft is for Mastodon (the others have none). */
  function contentWarning() {
    return networks().includes("mastodon") ? el.contentWarning.value.trim() : "";
  }

  function fillVisibilities(current) {
    el.visibility.replaceChildren(...VISIBILITIES.map((v) => new Option(t(`mastodon.visibility.${v || "default"}`), v)));
    el.visibility.value = current ?? "";
  }

  function showDetails() {
    const on = networks();
    el.mastodonOptions.hidden = !on.includes("mastodon");
    el.contentWarning.value = draft?.content_warning ?? pending.content_warning ?? "";
    fillVisibilities(draft?.visibility ?? pending.visibility ?? "");
    for (const b of el.toggles.querySelectorAll(".chip")) b.setAttribute("aria-pressed", String(on.includes(b.dataset.network)));
    el.state.value = draft?.state ?? pending.state ?? "draft";
    fillGoals(goals, draft?.goal ?? pending.goal ?? null);
    el.tags.value = (draft?.tags ?? pending.tags ?? []).join(", ");
    el.lang.value = draft?.lang ?? pending.lang ?? defaultLang();
    el.deleteButton.disabled = !draft;
    el.historyButton.disabled = !draft;
    fillVersions();
  }

  function toggleNetwork(network) {
    const now = networks();
    const next = now.includes(network) ? now.filter((n) => n !== network) : NETWORKS.filter((n) => now.includes(n) || n === network);
    if (draft) draft = { ...draft, networks: next };
    change({ networks: next });
    showDetails();
    render();
  }

  // ----- events -----

  createCounters(el.counters, (network) => {
    pressed = network;
    render();
  });
  fillToggles();
  fillStates();

  // Podium's own undo steps (see undo.js): the keys here, the menu's in beforeinput above.
  const undo = createUndo(el.textarea, () => textChanged());
  el.textarea.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo.undo();
    } else if ((key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey)) {
      event.preventDefault();
      undo.redo();
    }
  });

  el.textarea.addEventListener("input", (event) => {
    const before = beforeInput;
    if (undoPastCap()) return;
    if (before) undo.typed({ value: before.value, start: before.selectionStart, end: before.selectionEnd }, event);
    textChanged(event.timeStamp || performance.now());
  });

  /** The text area's text changed (typed, undone, fixed): keep it, save it, check it. */
  function textChanged(started) {
    if (editing === "main") {
      mainText = el.textarea.value;
      change({ text: mainText });
      followLanguage();
    } else {
      const fresh = !variants[editing];
      variants = { ...variants, [editing]: el.textarea.value };
      change({ variants });
      if (fresh) fillVersions();
    }
    check(started);
  }
  el.version.addEventListener("change", () => editVersion(el.version.value));
  el.dropVersion.addEventListener("click", () => {
    const { [editing]: _dropped, ...rest } = variants;
    variants = rest;
    change({ variants });
    editVersion("main");
  });
  el.textarea.addEventListener("scroll", () => {
    el.backdrop.scrollTop = el.textarea.scrollTop;
  });
  el.state.addEventListener("change", () => change({ state: el.state.value }));
  el.contentWarning.addEventListener("input", () => {
    if (draft) draft = { ...draft, content_warning: el.contentWarning.value };
    change({ content_warning: el.contentWarning.value });
    check();
  });
  el.visibility.addEventListener("change", () => {
    const visibility = el.visibility.value || null;
    if (draft) draft = { ...draft, visibility };
    change({ visibility });
    if (!detailsFrame) detailsFrame = requestAnimationFrame(renderDetails);
  });
  el.lang.addEventListener("change", () => {
    stopFollowingLanguage();
    change({ lang: el.lang.value });
  });
  el.tags.addEventListener("change", () => change({ tags: el.tags.value.split(/[,\s]+/).filter(Boolean) }));
  el.goal.addEventListener("change", async () => {
    let goal = el.goal.value;
    if (goal === "__add") {
      const name = window.prompt(t("goal.prompt"))?.trim();
      if (!name) {
        el.goal.value = draft?.goal ?? "";
        return;
      }
      goal = (await api.addGoal(name)) ?? name;
      fillGoals([...new Set([...goals, goal])], goal);
    }
    change({ goal: goal || null });
  });
  el.threadMode.addEventListener("change", () => {
    showThread(el.threadMode.checked);
    change({ thread: el.threadMode.checked });
  });
  el.threadNetwork.addEventListener("change", () => {
    // The thread shown for editing is the pressed network's: its counter and preview follow.
    pressed = el.threadNetwork.value;
    render();
  });
  el.threadNumbering.addEventListener("change", renderThread);
  window.addEventListener("beforeunload", () => {
    imageBox.flush();
    flush();
  });
  // Until a draft is loaded, the editor is a new draft with the usual details.
  showDetails();

  // ----- images and link cards -----

  const linkCardKept = () => (draft ? draft.link_card !== false : pending.link_card !== false);
  const linkCards = createLinkCards({
    redraw: () => drawPreview(),
    setDropped(dropped) {
      if (draft) draft = { ...draft, link_card: !dropped };
      change({ link_card: !dropped });
      flush(); // a choice, not typing: saved at once
      drawPreview();
    },
  });

  const imageBox = createImages(
    { list: el.imageList, file: el.imageFile },
    {
      /** The draft's id, saving it first (a new draft is saved for its first image). */
      async ensureDraft() {
        if (!draft) {
          pending.networks ??= networks();
          await flush(true);
        } else {
          await flush();
        }
        return draft?.id ?? null;
      },
      onChange(next, notes) {
        images = next;
        imageNotes = notes;
        if (!detailsFrame) detailsFrame = requestAnimationFrame(renderDetails);
      },
      onError,
      lang: language,
    },
  );
  el.textarea.addEventListener("paste", (event) => {
    if (imageBox.paste(event.clipboardData)) event.preventDefault();
  });

  return {
    /** The cap on a text's length, as app_info tells it. */
    setMaxChars(n) {
      if (n > 0) maxChars = n;
    },
    /** Shows a saved draft; `keepCaret` keeps the caret and scroll where they were (the same
     *  draft, changed on another device). */
    async load(next, { keepCaret = false } = {}) {
      await flush();
      const caret = [el.textarea.selectionStart, el.textarea.selectionEnd, el.textarea.scrollTop];
      stopFollowingLanguage();
      draft = next;
      pending = {};
      mainText = next.text;
      variants = { ...(next.variants ?? {}) };
      editing = "main";
      el.textarea.value = next.text;
      undo.reset();
      showDetails();
      showThread(next.thread);
      imageBox.load(next.id);
      if (keepCaret) {
        el.textarea.setSelectionRange(Math.min(caret[0], next.text.length), Math.min(caret[1], next.text.length));
        el.textarea.scrollTop = caret[2];
      } else {
        el.textarea.scrollTop = 0;
      }
      await check();
    },
    /** Whether the person is typing: changes unsaved, or one in the last two seconds. */
    isTyping: () => Object.keys(pending).length > 0 || performance.now() - lastChange < 2000,
    /** Starts a new, empty draft (saved when something is typed). */
    async blank() {
      await flush();
      stopFollowingLanguage(true);
      draft = null;
      pending = {};
      mainText = "";
      variants = {};
      editing = "main";
      el.textarea.value = "";
      undo.reset();
      showDetails();
      showThread(false);
      imageBox.load(null);
      await check();
      el.textarea.focus();
    },
    current: () => draft,
    /** Forgets the shown draft (it went to the bin): what was waiting to be saved to it, and a
     *  language guess on its way, are dropped rather than sent to a draft that refuses them. */
    discard() {
      clearTimeout(timer);
      timer = 0;
      pending = {};
      firstUnsaved = 0;
      stopFollowingLanguage();
      draft = null;
      imageBox.load(null);
    },
    /** Takes a state the draft got elsewhere (scheduling, publishing) without touching the text. */
    adoptState(id, state) {
      if (draft && draft.id === id && draft.state !== state) {
        draft = { ...draft, state };
        if (pending.state === undefined) el.state.value = state;
      }
    },
    /** Saves what is pending, the images' alt text too; resolves when it is on disk. */
    async flush(force = false) {
      await imageBox.flush();
      return flush(force);
    },
    /** The images as another device left them (added, described, ordered, or their bytes
     *  fetched): the text is untouched. */
    refreshImages: () => imageBox.refresh(),
    toggleNetwork: (i) => NETWORKS[i] && toggleNetwork(NETWORKS[i]),
    toggleThread() {
      showThread(!el.threadMode.checked);
      change({ thread: el.threadMode.checked });
    },
    setGoals(list) {
      fillGoals(list, el.goal.value || draft?.goal || null);
    },
    /** Opens `network`'s own version of the text (the schedule dialog's way to make a post fit
     *  one network), choosing the network for the draft first if it was not. */
    showVersion(network) {
      if (!NETWORKS.includes(network)) return;
      if (el.threadMode.checked) {
        showThread(false);
        change({ thread: false });
      }
      if (!networks().includes(network)) toggleNetwork(network);
      editVersion(network);
    },
    /** Turns thread mode on (if it is off). */
    threadOn() {
      if (!el.threadMode.checked) this.toggleThread();
    },
    /** Redraws labels after the UI language changed. */
    relabel(recheck = true) {
      fillStates();
      showDetails();
      imageBox.relabel();
      if (recheck) check();
    },
  };
}

function defaultNetworks() {
  try {
    const saved = JSON.parse(localStorage.getItem(LAST_NETWORKS) ?? "null");
    if (Array.isArray(saved)) return saved.filter((n) => NETWORKS.includes(n));
  } catch {
    // A damaged setting falls back to every network.
  }
  return [...NETWORKS];
}

function defaultLang() {
  return language() === "nb" ? "nb" : "en";
}
