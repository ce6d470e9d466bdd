// The text area: sends every change to Rust for checking and shows the answer. Answers that
// arrive out of order (a slow check overtaken by a newer keystroke) are dropped.

import { checkX } from "./api.js";
import { renderXCount } from "./counters.js";

export function startEditor(textarea) {
  let latest = 0;
  const update = async () => {
    const ticket = ++latest;
    try {
      const count = await checkX(textarea.value);
      if (ticket === latest) renderXCount(count);
    } catch (error) {
      console.error("check failed", error);
    }
  };
  textarea.addEventListener("input", update);
  update();
}
