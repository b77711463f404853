// The lab checks: the same checklists as `streamlab check`, refreshed every 10 s.
"use strict";

SL.page({
  id: "checks",
  enter(view, {scope}) {
    const {h} = SL;
    const summary = h("div"), details = h("div");
    view.append(SL.card("Labs", summary), details);
    scope.every(10000, async () => {
      try {
        const {labs} = await SL.api("/api/checks");
        summary.replaceChildren(SL.table([
          {label: "", value: (lab) => mark(lab.done)},
          {label: "lab", value: (lab) => h("a", {href: `#/checks/${lab.lab}`, text: lab.lab})},
          {label: "seed", value: (lab) => lab.seed},
          {label: "missed", value: (lab) => lab.criteria.filter((c) => !c.ok).length, num: true},
        ], labs, {empty: "no labs"}));
        details.replaceChildren(...labs.map(labCard));
      } catch (err) { summary.replaceChildren(SL.errorBox(err)); }
    });
  },
});

function mark(ok) {
  return SL.h("span", {class: ok ? "check ok" : "check miss", text: ok ? "✓" : "✗"});
}

function labCard(lab) {
  const {h} = SL;
  const rows = SL.table([
    {label: "", value: (c) => mark(c.ok)},
    {label: "criterion", value: (c) => c.name},
    {label: "observed", value: (c) => c.detail},
    {label: "fix", value: (c) => c.fix ? h("code", {text: c.fix}) : "–"},
  ], lab.criteria, {empty: "nothing graded"});
  const title = `${lab.lab} (seed ${lab.seed}): ${lab.done ? "done" : "not done yet"}`;
  return h("div", {id: `check-${lab.lab}`, class: "check-lab"}, SL.card(title, rows));
}
