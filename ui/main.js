import { startEditor } from "./editor.js";

startEditor({
  textarea: document.getElementById("post-text"),
  backdrop: document.getElementById("backdrop"),
  counters: document.getElementById("counters"),
  notes: document.getElementById("notes"),
});
