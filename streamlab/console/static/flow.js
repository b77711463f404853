// The overview's flow diagram: producer -> topic -> sinks -> S3 / OpenSearch, as one SVG whose edges
// carry the live figures (and a sparkline each). The server says which nodes and edges exist
// (flow.py); this file only lays them out and writes the numbers.
"use strict";

(() => {
  const {svg, fmt} = SL;
  // Columns: producer, topic, sink/router, store. Each as wide as its longest usual text at the
  // fonts of console.css, so nothing spills out of its box; the gaps hold the edge labels.
  const COL_W = [176, 210, 226, 236], COL_GAP = 200, NODE_H = 88, ROW_GAP = 210, MARGIN = 20;
  const LABEL_W = 186, LABEL_H = 74;
  const CHAR_LABEL = 12.6, CHAR_SUB = 7.8;  // average glyph widths at 21px bold and 13px monospace

  const colW = (col) => COL_W[Math.min(col, COL_W.length - 1)];
  const colX = (col) => MARGIN + COL_W.slice(0, col).reduce((sum, w) => sum + w + COL_GAP, 0);
  const rowY = (row) => MARGIN + 8 + row * ROW_GAP;

  function shorten(text, max) {
    const value = String(text || "");
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  }

  // What an edge says, from the latest sample: [big figure, small line, is something moving].
  function edgeText(figure, sample) {
    const figures = (sample && sample.figures) || {};
    const value = figures[figure] || {};
    if (figure === "in") {
      return [`${fmt.rate(value.rate)} msg/s`, `${fmt.num(value.messages)} messages`, value.rate > 0];
    }
    if (figure.startsWith("lag:")) {
      const moving = (figures.in && figures.in.rate > 0) || value.lag > 0;
      return [value.lag === null || value.lag === undefined ? "lag –" : `lag ${fmt.num(value.lag)}`, "messages behind", moving];
    }
    if (figure === "s3") {
      const partial = value.partial ? "≥ " : "";
      return [`${partial}${fmt.num(value.records)} records`, `${fmt.num(value.objects)} objects · ${fmt.rate(value.rate)}/s`, value.rate > 0];
    }
    if (figure === "opensearch") {
      return [`${fmt.num(value.documents)} docs`, `${fmt.rate(value.rate)} docs/s`, value.rate > 0];
    }
    return ["", "", false];
  }

  function curve(a, b) {
    const x1 = colX(a.col) + colW(a.col), y1 = rowY(a.row) + NODE_H / 2;
    const x2 = colX(b.col), y2 = rowY(b.row) + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return {d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, x: mid, y: (y1 + y2) / 2};
  }

  function nodeGroup(node) {
    const x = colX(node.col), y = rowY(node.row), width = colW(node.col);
    const group = svg("g", {class: `node node-${node.kind} node-${node.id}`, transform: `translate(${x},${y})`});
    group.append(svg("title", {text: `${node.label}\n${node.sub || ""}`}));
    group.append(svg("rect", {class: "node-box", width, height: NODE_H, rx: 12}));
    group.append(svg("rect", {class: "node-stripe", width: 8, height: NODE_H, rx: 4}));
    group.append(svg("text", {class: "node-label", x: 22, y: 34, text: shorten(node.label, Math.floor((width - 30) / CHAR_LABEL))}));
    group.append(svg("text", {class: "node-sub", x: 22, y: 58, text: shorten(node.sub, Math.floor((width - 30) / CHAR_SUB))}));
    const state = svg("text", {class: "node-state", x: 22, y: 78, text: ""});
    group.append(state);
    return {group, state};
  }

  function diagram() {
    const root = svg("svg", {class: "flow", role: "img", "aria-label": "the active pipeline"});
    let nodes = new Map(), edges = [];

    function render(flow) {
      root.replaceChildren();
      nodes = new Map(); edges = [];
      const maxCol = Math.max(...flow.nodes.map((n) => n.col));
      const maxRow = Math.max(...flow.nodes.map((n) => n.row));
      const width = colX(maxCol) + colW(maxCol) + MARGIN, height = rowY(maxRow) + NODE_H + MARGIN;
      root.setAttribute("viewBox", `0 0 ${width} ${height}`);
      root.style.maxWidth = `${width * 1.15}px`;  // never blown up past its drawn size (a lone producer and topic)
      const byId = new Map(flow.nodes.map((n) => [n.id, n]));
      const edgeLayer = svg("g", {class: "edges"}), labelLayer = svg("g", {class: "labels"}), nodeLayer = svg("g", {class: "nodes"});
      for (const edge of flow.edges) {
        const path = curve(byId.get(edge.from), byId.get(edge.to));
        const flowLine = svg("path", {d: path.d, class: "edge-flow"});
        edgeLayer.append(svg("path", {d: path.d, class: "edge"}), flowLine);
        const label = svg("g", {class: "edge-label", transform: `translate(${path.x - LABEL_W / 2},${path.y - LABEL_H / 2})`,
          "data-figure": edge.figure});
        label.append(svg("rect", {width: LABEL_W, height: LABEL_H, rx: 10}));
        const big = svg("text", {class: "edge-big", x: LABEL_W / 2, y: 26, "text-anchor": "middle", text: "–"});
        const small = svg("text", {class: "edge-small", x: LABEL_W / 2, y: 45, "text-anchor": "middle", text: ""});
        const spark = svg("g", {transform: `translate(${(LABEL_W - 150) / 2},50)`});
        label.append(big, small, spark);
        labelLayer.append(label);
        edges.push({edge, flowLine, big, small, spark, label});
      }
      for (const node of flow.nodes) {
        const drawn = nodeGroup(node);
        nodeLayer.append(drawn.group);
        nodes.set(node.id, {node, ...drawn});
      }
      root.append(edgeLayer, nodeLayer, labelLayer);
    }

    function update(sample, history) {
      for (const item of edges) {
        const [big, small, moving] = edgeText(item.edge.figure, sample);
        item.big.textContent = big;
        item.small.textContent = small;
        item.flowLine.classList.toggle("moving", Boolean(moving));
        item.spark.replaceChildren(SL.sparkline((history || {})[item.edge.figure], 150, 18));
      }
      const connectors = new Map(((sample && sample.connectors) || []).map((c) => [c.name, c]));
      const topic = ((sample && sample.figures) || {}).in || {};
      for (const {node, state, group} of nodes.values()) {
        if (node.connector) {
          const c = connectors.get(node.connector);
          const word = c ? (c.tasks.includes("FAILED") ? "FAILED" : c.state) : "not registered";
          state.textContent = word;
          group.dataset.state = word.toLowerCase();
        } else if (node.kind === "topic") {
          state.textContent = topic.partitions ? `${topic.partitions} partitions` : "";
        }
      }
      root.dataset.ready = sample && sample.figures ? "1" : "0";
    }

    return {el: root, render, update};
  }

  SL.flowDiagram = diagram;
})();
