// OpenSearch: the indices with their document counts, and a query-string search with hits as a table.
"use strict";

SL.page({
  id: "opensearch",
  enter(view, {params}) {
    const {h, fmt} = SL;
    const flow = SL.live.flow || {};
    const defaultIndex = (flow.nodes || []).find((n) => n.id === "opensearch")?.sub || `${SL.meta.lab.settings.WEB_LOGS_TOPIC || "web_logs"}*`;
    const index = h("input", {name: "index", value: params.get("index") || defaultIndex, placeholder: "index or pattern", size: 24});
    const q = h("input", {name: "q", type: "search", value: params.get("q") || "", placeholder: "status_code:[500 TO 599] AND method:POST", class: "wide"});
    const size = h("select", {name: "size"}, [20, 50, 100, 200].map((n) => h("option", {value: n, text: `${n} hits`, selected: n === 50 || null})));
    const results = h("div", {class: "results"});
    const indices = h("div");
    const examples = ["status_code:[500 TO 599]", "method:POST", "url:*login*", "ip:\"10.0.0.0/8\""].map((text) =>
      h("button", {class: "chip", type: "button", onclick: () => { q.value = text; search(); }}, text));
    const form = h("form", {class: "toolbar", onsubmit: (e) => { e.preventDefault(); search(); }},
      index, q, size, h("button", {class: "button primary", type: "submit"}, "Search"));
    view.append(SL.card("Indices", indices),
      SL.card("Search", form, h("div", {class: "chips"}, h("span", {class: "dim", text: "try: "}), examples), results));

    async function loadIndices() {
      try {
        const answer = await SL.api("/api/opensearch/indices");
        indices.replaceChildren(SL.table([
          {label: "index", value: (i) => i.index},
          {label: "docs", value: (i) => fmt.num(i.documents), num: true},
          {label: "size", value: (i) => fmt.bytes(i.bytes), num: true},
          {label: "health", value: (i) => SL.stateBadge(i.health)},
        ], answer.indices, {onRow: (i) => { index.value = i.index; search(); }, empty: "no indices yet: the OpenSearch sink creates them"}));
      } catch (err) { indices.replaceChildren(SL.errorBox(err)); }
    }

    async function search() {
      results.replaceChildren(h("p", {class: "dim", text: "searching…"}));
      history.replaceState(null, "", `#/opensearch${SL.query({index: index.value, q: q.value})}`);
      try {
        const answer = await SL.api(`/api/opensearch/search${SL.query({index: index.value, q: q.value, size: size.value})}`);
        const total = `${answer.total_is_lower_bound ? "≥ " : ""}${fmt.num(answer.total)}`;
        results.replaceChildren(
          h("p", {class: "object-note", text: `${total} hits in ${answer.index} (${answer.took_ms} ms); newest ${fmt.num(answer.rows.length)} shown`}),
          answer.rows.length ? h("div", {class: "scroll-x"}, SL.recordsTable(answer.columns, answer.rows))
            : h("p", {class: "empty", text: "no hits"}));
      } catch (err) { results.replaceChildren(SL.errorBox(err)); }
    }

    loadIndices();
    search();
  },
});
