// Draws, behind the text area, the text with the selected network's highlights: what it will
// link, and the part that does not fit. Ranges come from Rust as UTF-16 indices, which is how
// JavaScript strings index, so they slice the text directly.

/** Renders `text` into `backdrop` with `report.highlights` and `report.over` marked. Only the
 *  pieces from the first one that changed are rebuilt: typing at the end of a long post touches
 *  the last line, not the whole text, so the backdrop's layout stays cheap. */
export function renderHighlights(backdrop, text, report) {
  const marks = (report?.highlights ?? []).map((h) => ({ ...h, cls: `hl-${h.kind}` }));
  if (report?.over) marks.push({ start: report.over.start, end: report.over.end, cls: "hl-over" });
  // Cut points where any mark starts or ends; each piece gets every mark covering it.
  const cuts = new Set([0, text.length]);
  for (const m of marks) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const classes = marks.filter((m) => m.start <= from && to <= m.end).map((m) => m.cls).join(" ");
    pieces.push({ text: text.slice(from, to), classes });
  }
  // A trailing newline needs something after it to take up its line.
  pieces.push({ text: "\u200b", classes: "" });

  const before = backdrop.__pieces ?? [];
  let same = 0;
  while (same < before.length && same < pieces.length
    && before[same].text === pieces[same].text && before[same].classes === pieces[same].classes) same++;
  if (same === before.length && same === pieces.length) return;
  const nodes = backdrop.childNodes;
  while (nodes.length > same) backdrop.lastChild.remove();
  const fragment = document.createDocumentFragment();
  for (const piece of pieces.slice(same)) {
    if (!piece.classes) {
      fragment.append(document.createTextNode(piece.text));
    } else {
      const mark = document.createElement("mark");
      mark.className = piece.classes;
      mark.textContent = piece.text;
      fragment.append(mark);
    }
  }
  backdrop.append(fragment);
  backdrop.__pieces = pieces;
}
