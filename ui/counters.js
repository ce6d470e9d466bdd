// Renders the per-network counters from what Rust computed. No counting happens here.

/** Shows an X count `{length, limit, valid}` in the counter widget. */
export function renderXCount(count) {
  const remaining = count.limit - count.length;
  document.getElementById("count-x").value = String(count.length);
  document.getElementById("limit-x").textContent = String(count.limit);
  const meter = document.getElementById("meter-x");
  meter.max = count.limit;
  meter.value = Math.min(count.length, count.limit);
  const widget = document.getElementById("counter-x");
  widget.dataset.state = !count.valid ? "over" : remaining <= 20 ? "near" : "ok";
  document.getElementById("remaining-x").textContent = count.valid
    ? `${remaining} left`
    : `${-remaining} over`;
}
