// Renders one counter per network from the reports Rust computed. No counting happens here.

import { el } from "./dom.js";
import { NETWORK_NAMES, t } from "./i18n.js";

/** Creates the counter widgets; `onSelect(network)` is called when one is chosen. */
export function createCounters(container, onSelect) {
  for (const [id, name] of Object.entries(NETWORK_NAMES)) {
    const button = el("button", {
      type: "button",
      className: "counter",
      id: `counter-${id}`,
      dataset: { network: id, state: "ok" },
      attrs: { "aria-pressed": id === "x" ? "true" : "false" },
    });
    button.innerHTML = `
      <span class="network"></span>
      <span class="figures"><output id="count-${id}">0</output> / <span id="limit-${id}"></span></span>
      <meter id="meter-${id}" min="0" value="0"></meter>
      <span class="remaining" id="remaining-${id}"></span>`;
    button.querySelector(".network").textContent = name;
    button.addEventListener("click", () => {
      for (const other of container.querySelectorAll(".counter")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      onSelect(id);
    });
    container.append(button);
  }
}

/** Shows the counters of `networks` only; the pressed one moves to the first shown if it was
 *  hidden. Answers the network now pressed. */
export function showCounters(container, networks, pressed) {
  for (const button of container.querySelectorAll(".counter")) {
    button.hidden = !networks.includes(button.dataset.network);
  }
  const keep = networks.includes(pressed) ? pressed : networks[0] ?? pressed;
  for (const button of container.querySelectorAll(".counter")) {
    button.setAttribute("aria-pressed", String(button.dataset.network === keep));
  }
  return keep;
}

/** Shows one report `{network, length, limit, valid}` in its counter. */
export function renderCount(report) {
  const id = report.network;
  const remaining = report.limit - report.length;
  document.getElementById(`count-${id}`).value = String(report.length);
  document.getElementById(`limit-${id}`).textContent = String(report.limit);
  const meter = document.getElementById(`meter-${id}`);
  meter.max = report.limit;
  meter.low = Math.floor(report.limit * 0.9);
  meter.high = report.limit - 1;
  meter.optimum = 0;
  meter.value = Math.min(report.length, report.limit);
  const over = remaining < 0;
  const widget = document.getElementById(`counter-${id}`);
  // An empty post (nothing but whitespace) cannot go out, but nothing is wrong yet: keep it
  // calm on every network until there is text. Otherwise red when the network's verdict is
  // invalid or a note is an error (a character X refuses, say, while the length still fits).
  const warnings = report.warnings ?? [];
  const empty = warnings.some((w) => w.code === "empty") || report.length === 0;
  const wrong = !empty && (!report.valid || warnings.some((w) => w.severity === "error"));
  widget.dataset.state = wrong ? "over" : remaining <= report.limit / 14 ? "near" : "ok";
  document.getElementById(`remaining-${id}`).textContent = over ? t("checks.over", { n: -remaining }) : t("checks.left", { n: remaining });
}
