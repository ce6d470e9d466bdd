// Undo and redo for the editor's text area (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y): typing in steps
// (a pause or the end of a word closes one), and each one-click fix as a step of its own.
//
// Why Podium keeps its own steps instead of WebKit's: the text area's own undo forgets
// everything whenever its value is set from script (opening a draft, switching to a network's
// version, a fix applied without execCommand), and WebKitGTK groups typing differently from one
// version to the next. Here the steps are the same everywhere, and an E2E test pins them.

const PAUSE_MS = 1000; // between key presses, by the keys' own time stamps
const MAX_STEPS = 500;

/** `area`: the text area. `apply()` is called after undo or redo has set its value, to save,
 *  check and redraw as after typing. */
export function createUndo(area, apply) {
  let undo = []; // states before each step, oldest first
  let redo = [];
  let lastTyped = 0; // when the current typing step last grew
  let open = null; // what the current step is ("insert", "delete"), while more of it may join
  // When the key behind the coming edit was pressed (its event's timeStamp, the system's time
  // of the key press): under load keys are handled late and in a bunch, and measuring the
  // pause when they are handled would split a word into single letters.
  let keyAt = null;
  area.addEventListener("keydown", (event) => (keyAt = event.timeStamp || null), true);

  const state = () => ({ value: area.value, start: area.selectionStart, end: area.selectionEnd });

  function push(before) {
    undo.push(before);
    if (undo.length > MAX_STEPS) undo.shift();
    redo = [];
  }

  function restore(to) {
    area.value = to.value;
    area.setSelectionRange(to.start, to.end);
    open = null;
    apply();
  }

  return {
    /** After an edit by typing, pasting or deleting, with the state just before it. */
    typed(before, event) {
      const now = keyAt ?? (event.timeStamp || performance.now());
      keyAt = null;
      const data = event.inputType === "insertText" ? event.data ?? "" : null;
      // A new word (a letter typed after a space), a pause, or any other kind of edit (paste,
      // cut) starts a new step; typing within a word and the spaces after it joins, and so do
      // deletions in a row.
      const space = (c) => c === "" || /\s/.test(c);
      const newWord = space(before.value.slice(Math.max(0, before.start - 1), before.start)) && !space((data ?? "").slice(0, 1));
      const kind = data !== null ? "insert" : event.inputType.startsWith("delete") ? "delete" : null;
      const joins = kind !== null && open === kind && now - lastTyped < PAUSE_MS && !(kind === "insert" && newWord);
      if (!joins) push(before);
      open = kind;
      lastTyped = now;
    },
    /** Before the text is replaced in one go (a one-click fix): a step of its own. */
    replaced(before) {
      push(before);
      open = null;
    },
    undo() {
      const to = undo.pop();
      if (!to) return false;
      redo.push(state());
      restore(to);
      return true;
    },
    redo() {
      const to = redo.pop();
      if (!to) return false;
      undo.push(state());
      restore(to);
      return true;
    },
    /** Forgets every step (another draft or version is shown). */
    reset() {
      undo = [];
      redo = [];
      open = null;
    },
    state,
  };
}
