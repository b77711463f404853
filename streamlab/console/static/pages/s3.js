// S3: the bucket as a folder tree (one level per request, as S3 lists with Delimiter='/'), a folder's
// objects, and one object as a table (JSON Lines) with its download.
"use strict";

SL.page({
  id: "s3",
  async enter(view, {params}) {
    const {h} = SL;
    const prefix = params.get("prefix") || "";
    const key = params.get("key");
    const tree = h("nav", {class: "tree", "aria-label": "folders"});
    const pane = h("div", {class: "s3-pane"});
    view.append(h("div", {class: "split"}, SL.card("Folders", tree), pane));
    await buildTree(tree, key ? key.slice(0, key.lastIndexOf("/") + 1) : prefix);
    pane.append(key ? await objectView(key) : await folderView(prefix));
  },
});

function s3Link(params) {
  return `#/s3${SL.query(params)}`;
}

// The tree opens the path to `open` level by level, so a deep hour folder shows in its context.
async function buildTree(tree, open) {
  const {h} = SL;
  const root = h("ul", {class: "tree-level"});
  tree.append(root);
  const levels = [""];
  for (const part of open.split("/").filter(Boolean)) levels.push(`${levels[levels.length - 1]}${part}/`);
  const rootItem = h("li", {}, h("a", {href: s3Link({}), class: open === "" ? "current" : null, text: "bucket root"}));
  root.append(rootItem);
  let parent = h("ul", {class: "tree-level"});
  rootItem.append(parent);
  for (let i = 0; i < levels.length; i += 1) {
    let listing;
    try { listing = await SL.api(`/api/s3/browse${SL.query({prefix: levels[i]})}`); } catch (err) { parent.append(SL.errorBox(err)); return; }
    let next = null;
    for (const folder of listing.folders) {
      const item = h("li", {}, h("a", {href: s3Link({prefix: folder.prefix}), class: folder.prefix === open ? "current" : null},
        folder.name ? [h("span", {class: "dim", text: `${folder.name}=`}), folder.value] : folder.label));
      parent.append(item);
      if (folder.prefix === levels[i + 1]) {
        next = h("ul", {class: "tree-level"});
        item.append(next);
      }
    }
    if (!next) return;
    parent = next;
  }
}

async function folderView(prefix) {
  const {h, fmt} = SL;
  let listing;
  try { listing = await SL.api(`/api/s3/browse${SL.query({prefix})}`); } catch (err) { return SL.errorBox(err); }
  const crumbs = h("div", {class: "crumbs"}, h("span", {class: "dim", text: `s3://${listing.bucket}/`}),
    listing.crumbs.slice(1).map((c) => [h("a", {href: s3Link({prefix: c.prefix}), text: c.label}), "/"]));
  const folders = listing.folders.map((f) => ({...f, kind: "folder"}));
  const rows = [...folders, ...listing.files.map((f) => ({...f, kind: "file"}))];
  return SL.card(null, crumbs, SL.table([
    {label: "name", value: (r) => r.kind === "folder" ? h("a", {href: s3Link({prefix: r.prefix}), class: "folder", text: `${r.label}/`})
      : h("a", {href: s3Link({key: r.key}), class: "file", text: r.name})},
    {label: "size", value: (r) => r.kind === "file" ? fmt.bytes(r.size) : "", num: true},
    {label: "modified", value: (r) => r.kind === "file" ? fmt.time(r.modified) : ""},
  ], rows, {onRow: (r) => { location.hash = r.kind === "folder" ? s3Link({prefix: r.prefix}) : s3Link({key: r.key}); },
    empty: "empty: nothing was written here yet"}),
  listing.next ? h("p", {class: "dim", text: "more than 1,000 entries: the first 1,000 are shown"}) : null);
}

async function objectView(key) {
  const {h, fmt} = SL;
  let object;
  try { object = await SL.api(`/api/s3/object${SL.query({key})}`); } catch (err) { return SL.errorBox(err); }
  const folder = key.slice(0, key.lastIndexOf("/") + 1);
  const download = h("a", {class: "button primary", href: `/api/s3/download${SL.query({key})}`, download: key.split("/").pop()}, "Download");
  const head = h("div", {class: "object-head"},
    h("a", {href: s3Link({prefix: folder}), text: "← folder"}),
    h("code", {class: "object-key", text: key}),
    h("span", {class: "dim", text: `${fmt.bytes(object.size)} · ${fmt.time(object.modified)}`}), download);
  if (object.too_large) return SL.card(null, head, h("p", {text: "too large to show here: download it"}));
  const table = object.table;
  let body;
  if (table.columns.length) {
    const note = `${fmt.num(table.records)} records${table.shown < table.records ? ` (first ${fmt.num(table.shown)} shown)` : ""}` +
      `${table.bad_lines.length ? ` · lines that are not JSON objects: ${table.bad_lines.join(", ")}` : ""}${object.cut ? " · the object was cut at 5 MiB" : ""}`;
    body = [h("p", {class: "object-note", text: note}), h("div", {class: "scroll-x"}, SL.recordsTable(table.columns, table.rows))];
  } else {
    body = [h("p", {class: "object-note", text: "not JSON Lines: shown as text"}), h("pre", {class: "text", text: object.text})];
  }
  return SL.card(null, head, body);
}
