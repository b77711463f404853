// Consumer groups: the list with total lag; one group's members and lag per partition.
"use strict";

SL.page({
  id: "groups",
  enter(view, {args, scope}) {
    return args.length ? groupView(view, args[0], scope) : groupList(view, scope);
  },
});

function groupList(view, scope) {
  const {h, fmt} = SL;
  const holder = h("div");
  view.append(SL.card(null, holder));
  scope.every(3000, async () => {
    try {
      const {groups} = await SL.api("/api/groups");
      holder.replaceChildren(SL.table([
        {label: "group", value: (g) => h("a", {href: `#/groups/${encodeURIComponent(g.group)}`, text: g.group})},
        {label: "state", value: (g) => SL.stateBadge(g.state)},
        {label: "protocol", value: (g) => g.protocol || "–"},
        {label: "members", value: (g) => g.members, num: true},
        {label: "topics", value: (g) => g.topics.join(", ") || "–"},
        {label: "lag", value: (g) => lagCell(g.lag), num: true},
      ], groups, {onRow: (g) => SL.go("groups", [g.group]), empty: "no consumer groups yet: a sink connector or `streamlab consume` makes one"}));
    } catch (err) { holder.replaceChildren(SL.errorBox(err)); }
  });
}

function lagCell(lag) {
  const {h, fmt} = SL;
  if (lag === null || lag === undefined) return h("span", {class: "dim", text: "no commits"});
  return h("span", {class: lag > 1000 ? "lag high" : lag > 0 ? "lag" : "lag zero", text: fmt.num(lag)});
}

function groupView(view, id, scope) {
  const {h, fmt} = SL;
  const head = h("div"), members = h("div"), partitions = h("div");
  view.append(h("p", {}, h("a", {href: "#/groups", text: "← all groups"})), head,
    h("div", {class: "columns"}, SL.card("Members", members), SL.card("Lag per partition", partitions)));
  scope.every(3000, async () => {
    try {
      const group = await SL.api(`/api/groups/${encodeURIComponent(id)}`);
      head.replaceChildren(SL.card(null, h("div", {class: "group-head"}, h("strong", {class: "big", text: group.group}), " ",
        SL.stateBadge(group.state), h("span", {class: "dim", text: ` protocol ${group.protocol || "–"} · total lag `}), lagCell(group.lag)),
        group.error ? SL.errorBox({code: "group", detail: group.error}) : null));
      members.replaceChildren(SL.table([
        {label: "client", value: (m) => m.client},
        {label: "host", value: (m) => m.host},
        {label: "partitions", value: (m) => m.assigned.map((a) => `${a.topic} [${a.partitions.join(", ")}]`).join("; ") || "–"},
      ], group.members, {empty: "no members: nobody reads with this group right now"}));
      const top = Math.max(1, ...group.partitions.map((p) => p.lag || 0));
      partitions.replaceChildren(SL.table([
        {label: "topic", value: (p) => p.topic},
        {label: "partition", value: (p) => p.partition, num: true},
        {label: "committed", value: (p) => fmt.num(p.committed), num: true},
        {label: "end", value: (p) => fmt.num(p.end), num: true},
        {label: "lag", value: (p) => lagCell(p.lag), num: true},
        {label: "", value: (p) => h("span", {class: "bar"}, h("span", {style: {width: `${Math.round(((p.lag || 0) / top) * 100)}%`}}))},
      ], group.partitions, {empty: "no committed offsets yet"}));
    } catch (err) { head.replaceChildren(SL.errorBox(err)); }
  });
}
