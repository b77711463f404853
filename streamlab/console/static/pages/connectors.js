// Connectors: state of each connector and task, traces of failed ones, the actions, and registering
// one of the lab's connector files.
"use strict";

SL.page({
  id: "connectors",
  enter(view, {scope}) {
    const {h} = SL;
    const list = h("div", {class: "connector-list"});
    const files = h("div");
    const readOnly = SL.canChange() ? null
      : h("p", {class: "hint", text: `Actions are off: ${SL.meta.access.text}.`});
    SL.append(view, [readOnly, list, SL.card("Register a connector file (connectors/*.json)", files)]);
    let busy = false;

    async function refresh() {
      if (busy) return;
      try {
        const {connectors} = await SL.api("/api/connectors");
        list.replaceChildren(...(connectors.length ? connectors.map(connectorCard)
          : [SL.card(null, h("p", {class: "empty", text: "no connectors: register one below, or `make switch-connect`"}))]));
      } catch (err) { list.replaceChildren(SL.errorBox(err)); }
    }

    async function act(name, action) {
      const words = {pause: "Pause", resume: "Resume", restart: "Restart", delete: "Delete"};
      const consequences = {
        pause: "It stops reading; its offsets stay, and resume carries on from there.",
        resume: "It carries on from its committed offsets.",
        restart: "The connector and all its tasks restart.",
        delete: "It is removed from Connect. Its offsets stay in Kafka: registering it again resumes where it stopped.",
      };
      if (!(await SL.confirm(`${words[action]} ${name}?`, consequences[action], words[action]))) return;
      busy = true;
      try {
        const path = `/api/connectors/${encodeURIComponent(name)}${action === "delete" ? "" : `/${action}`}`;
        await SL.api(path, {method: action === "delete" ? "DELETE" : "POST"});
        SL.toast(`${name}: ${action} requested`, "good");
      } catch (err) { SL.toast(`${name}: ${err.detail || err}`, "error"); }
      busy = false;
      refresh();
    }

    function connectorCard(c) {
      const can = SL.canChange();
      const failed = [c.trace ? {id: "connector", trace: c.trace} : null, ...c.tasks.filter((t) => t.trace)].filter(Boolean);
      return h("section", {class: "card connector", dataset: {connector: c.name, state: c.state.toLowerCase()}},
        h("div", {class: "connector-head"},
          h("h2", {text: c.name}), SL.stateBadge(c.state),
          h("span", {class: "dim", text: `${c.type || ""} · ${c.class.split(".").pop()} · ${c.topics}`}),
          h("div", {class: "actions"},
            c.state === "PAUSED" ? SL.button("Resume", () => act(c.name, "resume"), {disabled: !can})
              : SL.button("Pause", () => act(c.name, "pause"), {disabled: !can}),
            SL.button("Restart", () => act(c.name, "restart"), {disabled: !can}),
            SL.button("Delete", () => act(c.name, "delete"), {kind: "danger", disabled: !can}))),
        h("div", {class: "tasks"}, c.tasks.map((t) => h("span", {class: "task"}, `task ${t.id} `, SL.stateBadge(t.state),
          h("span", {class: "dim", text: ` ${t.worker}`})))),
        failed.map((f) => h("details", {class: "trace", open: true},
          h("summary", {text: `${f.id === "connector" ? "connector" : `task ${f.id}`} failed: ${f.trace.split("\n")[0]}`}),
          h("pre", {text: f.trace}))),
        h("details", {class: "config"}, h("summary", {text: "config (secrets hidden)"}),
          SL.keyValues(Object.entries(c.config).map(([k, v]) => [k, h("code", {text: v})]))),
        h("p", {class: "dim"}, "consumer group ", h("a", {href: `#/groups/${encodeURIComponent(c.group)}`, text: c.group})));
    }

    async function loadFiles() {
      try {
        const answer = await SL.api("/api/connectors/files");
        files.replaceChildren(SL.table([
          {label: "file", value: (f) => h("code", {text: f.file})},
          {label: "connector", value: (f) => f.name || h("span", {class: "dim", text: f.error})},
          {label: "class", value: (f) => (f.class || "").split(".").pop()},
          {label: "", value: (f) => SL.button("Register", () => register(f), {kind: "primary", disabled: !SL.canChange() || !f.name})},
        ], answer.files));
      } catch (err) { files.replaceChildren(SL.errorBox(err)); }
    }

    async function register(file) {
      if (!(await SL.confirm(`Register ${file.file}?`, `Connect validates it, creates or updates ${file.name}, and it starts reading.`, "Register"))) return;
      SL.toast(`registering ${file.file}: validating, then waiting until it runs…`);
      try {
        const result = await SL.api("/api/connectors/register", {method: "POST", body: {file: file.file}});
        SL.toast(`${result.name}: ${result.outcome}, ${result.state}`, "good");
      } catch (err) { SL.toast(err.detail || String(err), "error"); }
      refresh();
    }

    scope.every(3000, refresh);
    loadFiles();
  },
});
