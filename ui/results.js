// The Results view: the plan against the goals' targets for this week and the next three (gaps
// named, one click to the ready drafts that could fill them), and what the posts did — per goal
// and network over the weeks (posts made against the target, reactions per post), the best
// posts per goal with their numbers over time, and the hashtags whose posts did best. Every sum
// and gap is Rust's (`results_view`); this module draws and words them.

import * as api from "./api.js";
import { weekBars, overTime } from "./chart.js";
import { clear, el } from "./dom.js";
import { dayMonth, number } from "./format.js";
import { NETWORK_NAMES, goalName, t } from "./i18n.js";

const COUNTS = ["likes", "reposts", "replies", "quotes"];

function countNames() {
  return Object.fromEntries(COUNTS.map((k) => [k, t(`results.${k}`)]));
}

const networkName = (n) => (n ? NETWORK_NAMES[n] ?? n : t("results.anyNetwork"));
const reactions = (m) => COUNTS.reduce((sum, k) => sum + (m[k] ?? 0), 0);
const weekLabel = (monday) => dayMonth(new Date(`${monday}T12:00:00`));
const WEEK_NAMES = ["results.thisWeek", "results.nextWeek", "results.inTwoWeeks", "results.inThreeWeeks"];

export function createResults(el_, { onOpenDraft, onError, onToast }) {
  let visible = false;
  let view = null;
  let openGap = null; // "goal|network|week" whose ready drafts show

  function gapText(goal, w, i) {
    const name = goalName(goal);
    const when = t(WEEK_NAMES[i] ?? "results.thisWeek").toLowerCase();
    if (!w.gap) return t("results.onTarget");
    if (w.gap.kind === "nothing") return t("results.gapNothing", { goal: name, when });
    return t("results.gapShort", { n: w.gap.missing, goal: name, when });
  }

  function readyFor(goal) {
    const key = Object.keys(view.ready).find((g) => g.toLowerCase() === goal.toLowerCase());
    const drafts = key ? view.ready[key] : [];
    if (drafts.length === 0) return el("p", { className: "help", textContent: t("results.noReady", { goal: goalName(goal) }) });
    return el(
      "ul",
      { className: "ready-drafts" },
      ...drafts.map((d) =>
        el("li", {}, el("button", { type: "button", className: "link", textContent: d.title || t("list.untitled"), onclick: () => onOpenDraft(d.id) })),
      ),
    );
  }

  function planTable() {
    const box = el("section", { className: "results-plan", attrs: { "aria-labelledby": "results-plan-title" } });
    box.append(el("h3", { id: "results-plan-title", textContent: t("results.planTitle") }));
    if (view.plan.length === 0) {
      box.append(el("p", { className: "help", textContent: t("results.noTargets") }));
    } else {
      const head = el("tr", {}, el("th", { textContent: t("results.goal") }), ...view.plan[0].weeks.map((w, i) =>
        el("th", { textContent: `${t(WEEK_NAMES[i])} · ${weekLabel(w.week)}` })));
      const rows = view.plan.map((p) => {
        const cells = p.weeks.map((w, i) => {
          const key = `${p.goal}|${p.network ?? ""}|${w.week}`;
          const cell = el("td", { className: "plan-cell", dataset: { gap: w.gap ? w.gap.kind : "none" } });
          cell.append(el("span", { className: "planned", textContent: t("results.plannedOf", { planned: w.planned, target: w.target }) }));
          if (w.published) cell.append(el("span", { className: "help", textContent: ` · ${t("results.publishedN", { n: w.published })}` }));
          if (w.gap) {
            const gap = el("button", { type: "button", className: "gap", textContent: gapText(p.goal, w, i), attrs: { "aria-expanded": String(openGap === key) } });
            gap.addEventListener("click", () => {
              openGap = openGap === key ? null : key;
              draw();
            });
            cell.append(gap);
            if (openGap === key) cell.append(readyFor(p.goal));
          }
          return cell;
        });
        return el("tr", { dataset: { goal: p.goal, network: p.network ?? "" } }, el("th", { scope: "row", textContent: `${goalName(p.goal)} — ${t("results.perWeek", { n: p.per_week })} · ${networkName(p.network)}` }), ...cells);
      });
      box.append(el("table", { className: "plan-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
    }
    box.append(targetForm());
    return box;
  }

  function targetForm() {
    const goal = el("input", { id: "target-goal", autocomplete: "off", attrs: { list: "target-goals", "aria-label": t("results.goal") } });
    const goals = el("datalist", { id: "target-goals" }, ...["visibility", "credibility", "culture", "reputation"].map((g) => el("option", { value: g, textContent: goalName(g) })));
    const network = el("select", { id: "target-network", attrs: { "aria-label": t("results.network") } },
      el("option", { value: "", textContent: t("results.anyNetwork") }),
      ...Object.entries(NETWORK_NAMES).map(([code, name]) => el("option", { value: code, textContent: name })));
    const perWeek = el("input", { id: "target-per-week", type: "number", min: "0", max: "100", value: "2", attrs: { "aria-label": t("results.perWeekLabel") } });
    const set = el("button", { type: "button", id: "target-set", textContent: t("results.setTarget") });
    set.addEventListener("click", async () => {
      if (!goal.value.trim()) return goal.focus();
      try {
        await api.setTarget(goal.value.trim(), network.value || null, Number(perWeek.value) || 0);
        onToast(t("results.targetSet"));
        await refresh();
      } catch (error) {
        onError(error);
      }
    });
    return el("div", { className: "target-form" },
      el("label", {}, el("span", { textContent: t("results.goal") }), goal, goals),
      el("label", {}, el("span", { textContent: t("results.perWeekLabel") }), perWeek),
      el("label", {}, el("span", { textContent: t("results.network") }), network), set);
  }

  function goalCharts() {
    const s = view.summary;
    const box = el("section", { className: "results-goals", attrs: { "aria-labelledby": "results-goals-title" } });
    box.append(el("h3", { id: "results-goals-title", textContent: t("results.goalsTitle") }));
    const goals = [...new Set(s.goal_weeks.map((c) => c.goal))];
    if (goals.length === 0) box.append(el("p", { className: "help", textContent: t("results.nothingYet") }));
    const labels = s.weeks.map(weekLabel);
    for (const goal of goals) {
      const cells = s.goal_weeks.filter((c) => c.goal === goal);
      const networks = [...new Set(cells.map((c) => c.network))];
      const stacks = networks.map((n) => ({ key: n, values: s.weeks.map((w) => cells.find((c) => c.network === n && c.week === w)?.posts ?? 0) }));
      const targets = view.plan.filter((p) => p.goal.toLowerCase() === goal.toLowerCase() && !p.network);
      const target = targets[0]?.per_week ?? null;
      const name = goal ? goalName(goal) : t("results.noGoal");
      const chart = weekBars({
        weeks: labels,
        stacks,
        target,
        caption: t("results.chartCaption", { goal: name }),
        label: (i, n, posts) => t("results.barLabel", { network: networkName(n), week: labels[i], n: posts }),
      });
      const rows = networks.map((n) => {
        const mine = cells.filter((c) => c.network === n);
        const posts = mine.reduce((a, c) => a + c.posts, 0);
        const total = mine.reduce((a, c) => a + c.reactions, 0);
        const tgt = mine.find((c) => c.target != null)?.target;
        return el("tr", {},
          el("th", { scope: "row", className: `net net-${n}`, textContent: networkName(n) }),
          el("td", { textContent: tgt != null ? t("results.postsOfTarget", { n: posts, target: tgt * s.weeks.length }) : String(posts) }),
          el("td", { textContent: n === "linkedin" ? "–" : number(posts ? total / posts : 0, { maximumFractionDigits: 1 }) }));
      });
      const table = el("table", { className: "network-table" },
        el("thead", {}, el("tr", {}, el("th", { textContent: t("results.network") }), el("th", { textContent: t("results.posts") }), el("th", { textContent: t("results.perPost") }))),
        el("tbody", {}, ...rows));
      box.append(el("article", { className: "goal-card", dataset: { goal } }, el("h4", { textContent: name }), chart, table));
    }
    return box;
  }

  function bestPosts() {
    const box = el("section", { className: "results-best", attrs: { "aria-labelledby": "results-best-title" } });
    box.append(el("h3", { id: "results-best-title", textContent: t("results.bestTitle") }));
    const names = countNames();
    for (const [goal, posts] of Object.entries(view.summary.best)) {
      const list = el("ol", { className: "best-list" });
      for (const p of posts) {
        const readings = view.series[p.entry_id] ?? [];
        const numbers = p.network === "linkedin"
          ? t("results.linkedinNone")
          : p.read_at
            ? COUNTS.filter((k) => p.metrics[k] != null).map((k) => `${names[k]} ${number(p.metrics[k])}`).join(" · ")
            : t("results.notReadYet");
        list.append(el("li", { className: "best-post", dataset: { entry: p.entry_id } },
          el("div", { className: "best-text" },
            el("button", { type: "button", className: "link", textContent: p.title || t("list.untitled"), onclick: () => onOpenDraft(p.draft_id) }),
            el("span", { className: "help", textContent: `${networkName(p.network)} · ${dayMonth(new Date(p.published_at))} · ${numbers}` })),
          el("span", { className: "reactions", textContent: String(reactions(p.metrics)) , title: t("results.reactions") }),
          overTime({ readings: readings.map((r) => ({ ...r })), names, caption: t("results.overTime", { title: p.title }) })));
      }
      box.append(el("h4", { textContent: goal ? goalName(goal) : t("results.noGoal") }), list);
    }
    return box;
  }

  function tags() {
    const box = el("section", { className: "results-tags", attrs: { "aria-labelledby": "results-tags-title" } });
    box.append(el("h3", { id: "results-tags-title", textContent: t("results.tagsTitle") }));
    const top = view.summary.tags.slice(0, 10);
    if (top.length === 0) box.append(el("p", { className: "help", textContent: t("results.noTags") }));
    const max = Math.max(1, ...top.map((x) => x.per_post));
    box.append(el("ol", { className: "tag-list" }, ...top.map((x) => {
      const meter = el("meter", { min: 0, max, value: x.per_post });
      return el("li", {}, el("span", { className: "tag", textContent: `#${x.tag}` }), meter,
        el("span", { className: "help", textContent: t("results.tagLine", { per: number(x.per_post, { maximumFractionDigits: 1 }), n: x.posts }) }));
    })));
    return box;
  }

  function notes() {
    const box = el("div", { className: "results-notes" });
    if (view.linkedin) box.append(el("p", { className: "help", textContent: t("results.linkedinNote") }));
    const x = el("input", { type: "checkbox", id: "x-reads", checked: view.x_reads });
    x.addEventListener("change", async () => {
      try {
        await api.setXReads(x.checked);
      } catch (error) {
        onError(error);
      }
    });
    box.append(el("label", { className: "switch" }, x, el("span", { textContent: t("results.xReads") })));
    return box;
  }

  function draw() {
    if (!view) return;
    const started = performance.now();
    clear(el_.body);
    el_.count.textContent = t("results.count", { n: view.posts });
    el_.body.append(notes(), planTable(), el("div", { className: "results-grid" }, goalCharts(), el("div", {}, bestPosts(), tags())));
    el_.body.dataset.drawMs = String(Math.round((performance.now() - started) * 10) / 10);
  }

  async function refresh() {
    try {
      view = await api.resultsView();
      draw();
    } catch (error) {
      onError(error);
    }
  }

  el_.export.addEventListener("click", async () => {
    try {
      const path = await api.exportResults();
      onToast(t("results.exported", { path }));
    } catch (error) {
      onError(error);
    }
  });

  return {
    async show() {
      visible = true;
      el_.section.hidden = false;
      await refresh();
    },
    hide() {
      visible = false;
      el_.section.hidden = true;
      clear(el_.body);
    },
    isVisible: () => visible,
    refresh,
    redraw: draw,
  };
}
