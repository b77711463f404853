// Widgets every page uses: cards, tables, state badges, sparklines, pretty JSON.
"use strict";

(() => {
  const {h} = SL;
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs = {}, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === "text") el.textContent = value;
      else if (value !== null && value !== undefined) el.setAttribute(name, value);
    }
    for (const child of children.flat()) if (child) el.append(child);
    return el;
  }

  function card(title, ...children) {
    return h("section", {class: "card"}, title ? h("h2", {text: title}) : null, ...children);
  }

  // A state word in its color: RUNNING/healthy/Stable green, PAUSED/starting amber, FAILED red.
  function stateBadge(state) {
    const word = String(state || "unknown");
    const lower = word.toLowerCase();
    let tone = "neutral";
    if (["running", "healthy", "stable", "green", "open", "ok"].includes(lower)) tone = "good";
    else if (["paused", "starting", "yellow", "rebalancing", "preparingrebalance", "completingrebalance", "empty", "restarting"].includes(lower)) tone = "warn";
    else if (["failed", "unhealthy", "red", "dead", "stopped", "unassigned"].includes(lower)) tone = "bad";
    return h("span", {class: `state ${tone}`, text: word});
  }

  // columns: [{label, value: row => text|Node, class, num}] ; options: {onRow, empty, rowClass}
  function table(columns, rows, options = {}) {
    const head = h("tr", {}, columns.map((c) => h("th", {class: c.num ? "num" : c.class || null, text: c.label})));
    const body = h("tbody");
    for (const row of rows) {
      const tr = h("tr", {class: options.rowClass ? options.rowClass(row) : null},
        columns.map((c) => {
          const value = c.value(row);
          return h("td", {class: c.num ? "num" : c.class || null}, value instanceof Node ? value : (value ?? "–"));
        }));
      if (options.onRow) {
        tr.classList.add("clickable");
        tr.tabIndex = 0;
        tr.addEventListener("click", () => options.onRow(row));
        tr.addEventListener("keydown", (e) => { if (e.key === "Enter") options.onRow(row); });
      }
      body.append(tr);
    }
    const el = h("table", {class: `grid ${options.class || ""}`}, h("thead", {}, head), body);
    if (!rows.length && options.empty) return h("div", {}, el, h("p", {class: "empty", text: options.empty}));
    return el;
  }

  // A generic table of records (JSON Lines, search hits): every cell as text.
  function recordsTable(columns, rows) {
    return table(columns.map((name, i) => ({label: name, value: (row) => cellText(row[i]), class: "mono"})), rows, {class: "records"});
  }

  function cellText(value) {
    if (value === null || value === undefined) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  // The last minutes of one series as a small line; gaps (null) break the line.
  function sparkline(points, width = 120, height = 26) {
    const el = svg("svg", {class: "spark", width, height, viewBox: `0 0 ${width} ${height}`, "aria-hidden": "true"});
    const values = (points || []).filter((p) => p[1] !== null && p[1] !== undefined);
    if (values.length < 2) {
      el.append(svg("line", {x1: 0, y1: height - 2, x2: width, y2: height - 2, class: "spark-empty"}));
      return el;
    }
    const t0 = values[0][0], t1 = values[values.length - 1][0];
    const top = Math.max(...values.map((p) => p[1]), 1) * 1.2;  // headroom: a steady rate is a line, not a full box
    const x = (t) => (t1 > t0 ? ((t - t0) / (t1 - t0)) * (width - 2) + 1 : 1);
    const y = (v) => height - 2 - (v / top) * (height - 4);
    const line = values.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    el.append(svg("path", {d: `${line} L${x(t1).toFixed(1)},${height - 1} L${x(t0).toFixed(1)},${height - 1} Z`, class: "spark-area"}));
    el.append(svg("path", {d: line, class: "spark-line"}));
    return el;
  }

  // JSON, pretty-printed with a class per kind of token (colors in console.css).
  function json(value, indent = 0) {
    const pad = "  ".repeat(indent);
    if (value === null) return h("span", {class: "j-null", text: "null"});
    if (Array.isArray(value)) {
      if (!value.length) return h("span", {text: "[]"});
      return h("span", {}, "[\n", value.map((v, i) => [pad, "  ", json(v, indent + 1), i < value.length - 1 ? ",\n" : "\n"]), pad, "]");
    }
    if (typeof value === "object") {
      const keys = Object.keys(value);
      if (!keys.length) return h("span", {text: "{}"});
      return h("span", {}, "{\n", keys.map((k, i) => [pad, "  ", h("span", {class: "j-key", text: JSON.stringify(k)}), ": ",
        json(value[k], indent + 1), i < keys.length - 1 ? ",\n" : "\n"]), pad, "}");
    }
    const kind = typeof value === "string" ? "j-str" : typeof value === "number" ? "j-num" : "j-bool";
    return h("span", {class: kind, text: JSON.stringify(value)});
  }

  function keyValues(pairs) {
    return h("dl", {class: "kv"}, pairs.map(([k, v]) => [h("dt", {text: k}), h("dd", {}, v instanceof Node ? v : (v ?? "–"))]));
  }

  function button(label, onclick, options = {}) {
    return h("button", {class: `button ${options.kind || ""}`, type: "button", onclick, disabled: options.disabled || null,
      title: options.title || null}, label);
  }

  Object.assign(SL, {svg, card, stateBadge, table, recordsTable, cellText, sparkline, json, keyValues, button});
})();
