// The few DOM helpers every view module needs: finding an element, making one with its
// properties and children in one expression, showing or hiding, emptying, and the label/value
// rows of a fact list. Nothing here knows about drafts, networks or words.

/** The element with `id` (or null). */
export const byId = (id) => document.getElementById(id);

/** A new `tag` element: `props` are set as properties (`className`, `textContent`, `type`,
 *  `title`, …), except `dataset` (copied into data-* attributes) and `attrs` (set as
 *  attributes, e.g. `aria-label`); `children` (nodes or strings) are appended. */
export function el(tag, props = {}, ...children) {
  const { dataset, attrs, ...rest } = props;
  const node = document.createElement(tag);
  Object.assign(node, rest);
  if (dataset) Object.assign(node.dataset, dataset);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Shows `node` when `visible`, else hides it (the `hidden` attribute). */
export function show(node, visible = true) {
  node.hidden = !visible;
}

/** Hides `node`. */
export const hide = (node) => show(node, false);

/** Removes every child of `node`. */
export function clear(node) {
  node.replaceChildren();
}

/** `<dt>`/`<dd>` pairs for a `<dl>`: `[label, value]` rows, an empty value shown as `empty`. */
export function factRows(rows, empty = "") {
  return rows.flatMap(([label, value]) => [el("dt", { textContent: label }), el("dd", { textContent: value ?? empty })]);
}

/** A `<button type="button">` with `label` that runs `onClick`. */
export function button(label, onClick, props = {}) {
  const b = el("button", { type: "button", textContent: label, ...props });
  b.addEventListener("click", onClick);
  return b;
}
