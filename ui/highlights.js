// Draws, behind the text area, the text with the selected network's highlights: what it will
// link, and the part that does not fit. Ranges come from Rust as UTF-16 indices, which is how
// JavaScript strings index, so they slice the text directly.

/** Renders `text` into `backdrop` with `report.highlights` and `report.over` marked. */
export function renderHighlights(backdrop, text, report) {
  const marks = (report?.highlights ?? []).map((h) => ({ ...h, cls: `hl-${h.kind}` }));
  if (report?.over) marks.push({ start: report.over.start, end: report.over.end, cls: "hl-over" });
  // Cut points where any mark starts or ends; each piece gets every mark covering it.
  const cuts = new Set([0, text.length]);
  for (const m of marks) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = text.slice(from, to);
    const classes = marks.filter((m) => m.start <= from && to <= m.end).map((m) => m.cls);
    if (classes.length === 0) {
      fragment.append(document.createTextNode(piece));
    } else {
      const mark = document.createElement("mark");
      mark.className = classes.join(" ");
      mark.textContent = piece;
      fragment.append(mark);
    }
  }
  // A trailing newline needs something after it to take up its line.
  fragment.append(document.createTextNode("\u200b"));
  backdrop.replaceChildren(fragment);
}
