// The console's core: element building, the API, the live stream, pages and the hash router.
// Every page script calls SL.page({...}); this file starts the router once all scripts have run.
"use strict";

const SL = (() => {
  const pages = new Map();
  let meta = null;
  let current = null;   // {page, scope}

  // --- building elements (text always as text: nothing from the lab is ever parsed as HTML) ---
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name === "dataset") Object.assign(el.dataset, value);
      else if (name === "style") Object.assign(el.style, value);  // CSSOM, which the page's CSP allows (a style attribute it would not)
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : value);
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  // --- the API ---------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, code, detail) { super(detail); this.status = status; this.code = code; this.detail = detail; }
  }

  async function api(path, options = {}) {
    const init = {method: options.method || "GET", headers: {}};
    if (init.method !== "GET") {
      init.headers["X-Console-Action"] = "1";  // changes come from this page only (see access.py)
      const token = sessionStorage.getItem("console-token");
      if (token) init.headers["X-Console-Token"] = token;
    }
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new ApiError(0, "offline", "the console does not answer: is `streamlab console` still running?");
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body.error || "error", body.detail || response.statusText);
    return body;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") search.set(name, value);
    }
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  // --- the live stream: one EventSource for the whole page, shared by every view ---------------
  const live = {
    source: null, flow: null, sample: null, history: {}, listeners: new Map(),
    on(type, fn) {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type).add(fn);
      return () => this.listeners.get(type).delete(fn);
    },
    emit(type, data) { for (const fn of this.listeners.get(type) || []) fn(data); },
    connect() {
      const source = new EventSource("/api/live");
      this.source = source;
      source.addEventListener("open", () => setLive("live", "live"));
      source.addEventListener("error", () => setLive("down", "reconnecting…"));
      source.addEventListener("hello", (e) => {
        const data = JSON.parse(e.data);
        this.flow = data.flow; this.history = data.history || {}; this.sample = data.sample || {};
        this.emit("flow", this.flow); this.emit("sample", this.sample);
      });
      source.addEventListener("flow", (e) => { this.flow = JSON.parse(e.data); this.emit("flow", this.flow); });
      source.addEventListener("sample", (e) => {
        this.sample = JSON.parse(e.data);
        for (const [name, point] of Object.entries(this.sample.points || {})) {
          const series = this.history[name] || (this.history[name] = []);
          series.push(point);
          while (series.length && point[0] - series[0][0] > 600) series.shift();
        }
        this.emit("sample", this.sample);
      });
    },
  };

  function setLive(state, label) {
    const el = document.getElementById("live");
    el.dataset.state = state;
    el.querySelector(".label").textContent = label;
  }

  // --- pages and the router --------------------------------------------------------------------
  // A scope is what one visit to a page holds: timers, live listeners, streams. Leaving the page
  // closes them all, so a page script never has to remember to.
  function newScope() {
    const closers = [];
    return {
      alive: true,
      every(ms, fn) { fn(); const id = setInterval(fn, ms); closers.push(() => clearInterval(id)); },
      on(type, fn) { closers.push(live.on(type, fn)); },
      stream(url, handlers) {
        const source = new EventSource(url);
        for (const [type, fn] of Object.entries(handlers)) source.addEventListener(type, fn);
        closers.push(() => source.close());
        return source;
      },
      close() { this.alive = false; closers.splice(0).forEach((fn) => fn()); },
    };
  }

  function page(definition) { pages.set(definition.id, definition); }

  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, search = ""] = raw.split("?");
    const [id, ...args] = path.split("/").filter(Boolean).map(decodeURIComponent);
    return {id: id || "overview", args, params: new URLSearchParams(search)};
  }

  function go(id, args = [], params = {}) {
    location.hash = `#/${[id, ...args].map(encodeURIComponent).join("/")}${query(params)}`;
  }

  function route() {
    const {id, args, params} = parseHash();
    const definition = pages.get(id) || pages.get("overview");
    if (current) current.scope.close();
    const view = document.getElementById("view");
    view.replaceChildren();
    const scope = newScope();
    current = {page: definition, scope};
    document.querySelectorAll(".tabs a").forEach((a) => a.classList.toggle("active", a.dataset.page === definition.id));
    const about = (meta && meta.pages.find((p) => p.id === definition.id)) || {};
    document.title = `${about.title || definition.id} · streamlab console`;
    view.append(h("div", {class: "page-head"},
      h("h1", {text: about.title || definition.id}),
      about.about ? h("p", {class: "about", text: about.about}) : null));
    const body = h("div", {class: `page page-${definition.id}`});
    view.append(body);
    Promise.resolve(definition.enter(body, {args, params, scope})).catch((err) => body.append(SL.errorBox(err)));
  }

  // --- who may change things --------------------------------------------------------------------
  function canChange() {
    if (!meta) return false;
    if (meta.access.mode === "local") return true;
    return meta.access.mode === "token" && Boolean(sessionStorage.getItem("console-token"));
  }

  function showAccess() {
    const button = document.getElementById("access");
    const mode = meta.access.mode;
    const labels = {"local": "local", "token": canChange() ? "token set" : "token required", "read-only": "read-only"};
    button.textContent = labels[mode];
    button.dataset.mode = mode;
    button.title = meta.access.text;
    button.onclick = mode === "token" ? askToken : () => toast(meta.access.text);
  }

  async function askToken() {
    const dialog = document.getElementById("token");
    const input = dialog.querySelector("input");
    input.value = "";
    dialog.showModal();
    const answer = await new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue), {once: true}));
    if (answer === "ok" && input.value) sessionStorage.setItem("console-token", input.value);
    showAccess();
    route();
  }

  // --- small shared pieces ---------------------------------------------------------------------
  function toast(text, kind = "info") {
    const el = h("div", {class: `toast ${kind}`, text});
    document.getElementById("toasts").append(el);
    setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
  }

  function confirm(title, text, okLabel = "OK") {
    const dialog = document.getElementById("confirm");
    dialog.querySelector(".title").textContent = title;
    dialog.querySelector(".text").textContent = text;
    dialog.querySelector("button[value=ok]").textContent = okLabel;
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), {once: true}));
  }

  const fmt = {
    num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); },
    rate(r) {
      if (r === null || r === undefined) return "–";
      return r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(r >= 10 ? 1 : 2).replace(/\.?0+$/, "") || "0";
    },
    bytes(b) {
      if (b === null || b === undefined) return "–";
      const units = ["B", "KiB", "MiB", "GiB"];
      let i = 0; let value = b;
      while (value >= 1024 && i < units.length - 1) { value /= 1024; i += 1; }
      return `${value.toFixed(i ? 1 : 0)} ${units[i]}`;
    },
    time(iso) { return iso ? iso.replace("T", " ").replace("Z", "").replace(/\.\d+$/, "") : "–"; },
  };

  async function start() {
    try {
      meta = await api("/api/meta");
    } catch (err) {
      document.getElementById("view").append(errorBox(err));
      return;
    }
    document.getElementById("runtime").textContent = `${meta.runtime} runtime`;
    showAccess();
    live.connect();
    window.addEventListener("hashchange", route);
    route();
  }

  function errorBox(err) {
    const status = err && err.status ? `${err.status} ` : "";
    return h("div", {class: "error-box"}, h("strong", {text: `${status}${(err && err.code) || "error"}`}), " ",
      (err && (err.detail || err.message)) || String(err));
  }

  document.addEventListener("DOMContentLoaded", start);
  return {h, append, api, query, live, page, go, canChange, toast, confirm, fmt, errorBox, get meta() { return meta; }};
})();
