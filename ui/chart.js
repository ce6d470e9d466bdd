// Small SVG charts drawn by Podium itself: bars of posts per week against a target line, and a
// post's numbers over time as lines. Our own module rather than a library: the window's CSP
// allows no inline styles or eval, and these two shapes need a few dozen lines, not a charting
// library. Colours come from CSS classes (both themes); sizes are the viewBox's, so a chart
// scales with its box. Text is whatever the caller passes (already in the UI's language).

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

function title(text) {
  const t = document.createElementNS(NS, "title");
  t.textContent = text;
  return t;
}

/**
 * Bars per week, stacked by series (e.g. networks), with an optional dashed target line.
 * `weeks`: labels; `stacks`: [{ key, values: [n per week] }]; `target`: number or null;
 * `label(weekIndex, key, n)`: a bar's tooltip. Answers an <svg>.
 */
export function weekBars({ weeks, stacks, target = null, label, caption }) {
  const W = 320, H = 120, left = 22, bottom = 18, top = 8;
  const totals = weeks.map((_, i) => stacks.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = Math.max(1, target || 0, ...totals);
  const plotH = H - bottom - top;
  const step = (W - left - 4) / Math.max(1, weeks.length);
  const barW = Math.max(4, step * 0.6);
  const y = (n) => top + plotH - (n / max) * plotH;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart week-bars", role: "img", "aria-label": caption });
  root.append(svg("line", { x1: left, x2: W - 2, y1: y(0), y2: y(0), class: "axis" }));
  root.append(svg("text", { x: left - 4, y: y(max) + 4, class: "tick", "text-anchor": "end" }, String(max)));
  root.append(svg("text", { x: left - 4, y: y(0) + 4, class: "tick", "text-anchor": "end" }, "0"));
  weeks.forEach((week, i) => {
    const x = left + i * step + (step - barW) / 2;
    let base = 0;
    for (const s of stacks) {
      const n = s.values[i] || 0;
      if (n > 0) {
        root.append(
          svg("rect", { x, y: y(base + n), width: barW, height: y(base) - y(base + n), class: `bar net-${s.key}` },
            title(label(i, s.key, n))),
        );
      }
      base += n;
    }
    root.append(svg("text", { x: x + barW / 2, y: H - 5, class: "tick", "text-anchor": "middle" }, week));
  });
  if (target) {
    root.append(svg("line", { x1: left, x2: W - 2, y1: y(target), y2: y(target), class: "target" }, title(caption)));
  }
  return root;
}

/**
 * A post's numbers over time: one line per count (likes, reposts, …) over its readings.
 * `readings`: [{ read_at, likes, reposts, replies, quotes }]; `names`: { likes: "Likes", … }.
 */
export function overTime({ readings, names, caption }) {
  const W = 160, H = 44, pad = 3;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart over-time", role: "img", "aria-label": caption });
  if (readings.length === 0) return root;
  const times = readings.map((r) => new Date(r.read_at).getTime());
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const keys = Object.keys(names).filter((k) => readings.some((r) => r[k] != null));
  const max = Math.max(1, ...readings.flatMap((r) => keys.map((k) => r[k] ?? 0)));
  const x = (t) => (t1 === t0 ? W / 2 : pad + ((t - t0) / (t1 - t0)) * (W - 2 * pad));
  const y = (n) => H - pad - (n / max) * (H - 2 * pad);
  root.append(svg("line", { x1: 0, x2: W, y1: H - pad, y2: H - pad, class: "axis" }));
  for (const k of keys) {
    const points = readings.map((r, i) => `${x(times[i]).toFixed(1)},${y(r[k] ?? 0).toFixed(1)}`);
    const last = readings[readings.length - 1][k] ?? 0;
    root.append(svg("polyline", { points: points.join(" "), class: `line count-${k}` }, title(`${names[k]}: ${last}`)));
    readings.forEach((r, i) => root.append(svg("circle", { cx: x(times[i]), cy: y(r[k] ?? 0), r: 1.8, class: `dot count-${k}` })));
  }
  return root;
}
