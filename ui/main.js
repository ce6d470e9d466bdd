import { startEditor } from "./editor.js";

startEditor(document.getElementById("post-text"));
