// Topics: the list with live rates; one topic's partitions, configs and its message browser.
"use strict";

SL.page({
  id: "topics",
  enter(view, {args, params, scope}) {
    return args.length ? topicView(view, args[0], params, scope) : listView(view, params, scope);
  },
});

function listView(view, params, scope) {
  const {h, fmt} = SL;
  const internal = params.get("internal") === "1";
  const holder = h("div");
  const toggle = h("label", {class: "check"}, h("input", {type: "checkbox", checked: internal || null,
    onchange: (e) => SL.go("topics", [], e.target.checked ? {internal: 1} : {})}), " internal topics too");
  view.append(SL.card(null, h("div", {class: "toolbar"}, toggle), holder));
  let rows = [];

  function draw() {
    const rates = (SL.live.sample && SL.live.sample.topics) || {};
    holder.replaceChildren(SL.table([
      {label: "topic", value: (t) => h("a", {href: `#/topics/${encodeURIComponent(t.name)}`, text: t.name})},
      {label: "partitions", value: (t) => t.partitions.length, num: true},
      {label: "messages", value: (t) => fmt.num(t.messages), num: true},
      {label: "end offsets", value: (t) => t.partitions.map((p) => fmt.num(p.end)).join(" · "), class: "mono dim"},
      {label: "msg/s", value: (t) => fmt.rate((rates[t.name] || {}).rate ?? t.rate), num: true},
    ], rows, {onRow: (t) => SL.go("topics", [t.name]), empty: "no topics yet: `make up` creates the lab's"}));
  }

  scope.every(5000, async () => {
    try {
      rows = (await SL.api(`/api/topics${SL.query({internal: internal ? "true" : ""})}`)).topics;
      draw();
    } catch (err) { holder.replaceChildren(SL.errorBox(err)); }
  });
  scope.on("sample", () => rows.length && draw());
}

async function topicView(view, name, params, scope) {
  const {h, fmt} = SL;
  const topic = await SL.api(`/api/topics/${encodeURIComponent(name)}`);
  const partitionRows = SL.table([
    {label: "partition", value: (p) => p.partition, num: true},
    {label: "leader", value: (p) => p.leader, num: true},
    {label: "replicas", value: (p) => p.replicas.join(", ")},
    {label: "in sync", value: (p) => p.isr.join(", ")},
    {label: "first offset", value: (p) => fmt.num(p.begin), num: true},
    {label: "end offset", value: (p) => fmt.num(p.end), num: true},
  ], topic.partitions);
  const configs = Object.entries(topic.configs || {});
  view.append(
    h("p", {}, h("a", {href: "#/topics", text: "← all topics"})),
    h("div", {class: "columns"},
      SL.card(`${name}: ${fmt.num(topic.messages)} messages`, partitionRows),
      SL.card("Configs set on the topic", configs.length ? SL.keyValues(configs.map(([k, v]) => [k, h("code", {text: v})]))
        : h("p", {class: "empty", text: "none: the broker's defaults apply"}))),
    messageBrowser(name, topic, params, scope),
  );
}

function messageBrowser(name, topic, params, scope) {
  const {h, fmt} = SL;
  const text = h("input", {type: "search", name: "text", placeholder: "text in value or headers", value: params.get("text") || ""});
  const key = h("input", {type: "search", name: "key", placeholder: "key contains", value: params.get("key") || ""});
  const partition = h("select", {name: "partition"}, h("option", {value: "", text: "all partitions"}),
    topic.partitions.map((p) => h("option", {value: p.partition, text: `partition ${p.partition}`})));
  const limit = h("select", {name: "limit"}, [20, 50, 100, 200].map((n) => h("option", {value: n, text: `${n} newest`, selected: n === 50 || null})));
  const liveBox = h("input", {type: "checkbox", name: "live", checked: true});
  const status = h("p", {class: "browser-status"});
  const list = h("div", {class: "messages"});
  const form = h("form", {class: "toolbar", onsubmit: (e) => { e.preventDefault(); load(); }},
    text, key, partition, limit, h("button", {class: "button primary", type: "submit"}, "Show"),
    h("label", {class: "check"}, liveBox, " new messages stream in"));
  let stream = null, shown = 0;

  function filters() {
    return {text: text.value.trim(), key: key.value.trim(), partition: partition.value};
  }

  function matches(message) {
    const f = filters();
    if (f.partition !== "" && String(message.partition) !== f.partition) return false;
    if (f.key && !(message.key || "").toLowerCase().includes(f.key.toLowerCase())) return false;
    if (!f.text) return true;
    const body = message.value.format === "json" ? JSON.stringify(message.value.json) : (message.value.text || "");
    const headers = message.headers.map(([k, v]) => `${k} ${v || ""}`).join(" ");
    return `${body} ${headers}`.toLowerCase().includes(f.text.toLowerCase());
  }

  async function load() {
    const f = filters();
    status.textContent = "reading…";
    try {
      const answer = await SL.api(`/api/topics/${encodeURIComponent(name)}/messages${SL.query({...f, limit: limit.value})}`);
      list.replaceChildren(...answer.messages.map((m) => messageRow(m, false)));
      shown = answer.messages.length;
      const filtered = f.text || f.key ? `${fmt.num(answer.matched)} match in the newest ${fmt.num(answer.scanned)} read` : `${fmt.num(answer.scanned)} read`;
      status.textContent = `${fmt.num(shown)} shown, newest first (${filtered})`;
      if (!shown) list.append(h("p", {class: "empty", text: "no messages (yet): produce some, they will appear here"}));
    } catch (err) { list.replaceChildren(SL.errorBox(err)); status.textContent = ""; }
    follow();
  }

  function follow() {
    if (stream) { stream.close(); stream = null; }
    list.dataset.streaming = "0";
    if (!liveBox.checked) return;
    stream = scope.stream(`/api/topics/${encodeURIComponent(name)}/tail`, {
      ready: () => { list.dataset.streaming = "1"; },  // the server holds the topic's end: what follows streams in
      messages: (e) => {
        const step = JSON.parse(e.data);
        const fresh = step.messages.filter(matches);
        if (!fresh.length && !step.skipped) return;
        list.querySelector(".empty")?.remove();
        list.prepend(...fresh.map((m) => messageRow(m, true)));
        if (step.skipped) list.prepend(h("p", {class: "skipped", text: `… ${fmt.num(step.skipped)} more arrived (only the newest are shown while they stream)`}));
        while (list.children.length > 300) list.lastChild.remove();
      },
    });
  }
  liveBox.addEventListener("change", follow);
  load();
  return SL.card("Messages", form, status, list);
}

function messageRow(message, fresh) {
  const {h} = SL;
  const value = message.value;
  const preview = value.format === "json" ? JSON.stringify(value.json) : value.format === "null" ? "(null: a tombstone)" : value.text;
  const detail = h("div", {class: "message-detail"},
    message.headers.length ? SL.keyValues(message.headers.map(([k, v]) => [k, h("code", {text: v ?? ""})])) : null,
    value.format === "json" ? h("pre", {class: "json"}, SL.json(value.json))
      : h("pre", {class: "text", text: `${value.format === "binary" ? "(binary, base64) " : ""}${value.text ?? ""}${value.cut ? "\n… (cut for display)" : ""}`}));
  detail.hidden = true;
  const row = h("div", {class: `message${fresh ? " new" : ""}`, dataset: {partition: message.partition, offset: message.offset}},
    h("div", {class: "message-line", tabindex: 0, onclick: () => { detail.hidden = !detail.hidden; }},
      h("span", {class: "m-time", text: SL.fmt.time(message.time)}),
      h("span", {class: "m-pos", text: `p${message.partition} @ ${message.offset}`}),
      h("span", {class: "m-key", text: message.key ?? "(no key)"}),
      h("span", {class: "m-value", text: (preview || "").slice(0, 240)}),
      message.headers.length ? h("span", {class: "m-headers", text: `${message.headers.length} headers`}) : null),
    detail);
  return row;
}
