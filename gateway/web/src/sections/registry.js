// The section registry. A section is one small file in this folder that calls XQ.section({...}):
//   id        unique name; the card gets data-section="<id>"
//   title     heading in Chinese
//   order     position on the page (smaller first); size: "wide" | "narrow" | undefined (half)
//   selection the GraphQL selection inside `dashboard { … }`, e.g. "youth { byType { name count } }"
//   kpis      key figures, drawn first: { at: "appeals", items: [[label, field, format?], …] } shows each
//             field of `dashboard.<at>` (ui.kpis; data-figure "<figure or at>.<field>")
//   (needs    set here, not by the section: the field paths under `dashboard` the selection reads, e.g.
//             ["youth.byType.name", "youth.byType.count"]; the section is shown only when the gateway's
//             schema has all of them (dashboard.available), so a domain that is not deployed yet hides
//             its section instead of breaking the query)
//   table     a figures table drawn open after the kpis: { at: "roleModels.byVenue", headers: [...],
//             key: "venueKind", label: VENUE_KIND, cells: ["talks", "audience"] } has a row per item of
//             `dashboard.<at>`: data-key the item's `key`, first its label (a map of codes to names, where an
//             unknown code shows as it is, or the name of the item's field that holds it), then the `cells`
//   render(el, dashboard, ui)  draws the rest into `el` from the answer (called again on every live update);
//             a section of kpis and a table only has none
// The build lists every *.js file here in sections/index.json; the page loads them all.
window.XQ = window.XQ || { sections: [] };

XQ.section = function (def) {
  const { kpis, table } = def;
  XQ.sections.push({
    ...def, needs: XQ.fieldPaths(def.selection),
    render(el, d, ui) {
      if (kpis) ui.kpis(el, kpis.figure || kpis.at, XQ.at(d, kpis.at), kpis.items);
      if (table) ui.openTable(el, table, XQ.at(d, table.at));
      if (def.render) def.render(el, d, ui);
    },
  });
};

XQ.at = function (value, path) {
  // value.<path> for a dotted path ("a.b"); undefined where a step is missing
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), value);
};

XQ.fieldPaths = function (selection) {
  // "a(first: 9) { b c { d } }" -> ["a.b", "a.c.d"]: the leaf fields, arguments left out
  const paths = [];
  const parents = [];
  let last = null;
  for (const token of selection.replace(/\([^)]*\)/g, "").match(/[A-Za-z_]\w*|[{}]/g)) {
    if (token === "{") { parents.push(last); paths.pop(); } // `last` has fields: not a leaf
    else if (token === "}") parents.pop();
    else { last = token; paths.push([...parents, token].join(".")); }
  }
  return paths;
};

// Small drawing helpers shared by the sections.
XQ.ui = {
  esc(text) {
    // free text (a station's name…) is data: escaped before it goes into innerHTML
    return String(text ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  },
  fmt(n) {
    return n == null ? "—" : Number(n).toLocaleString("zh-CN");
  },
  pct(share) {
    // shares arrive as fractions (0–1); null when nothing to divide by
    return share == null ? "—" : `${(100 * share).toFixed(1)}%`;
  },
  kpis(el, prefix, figures, items) {
    // items: [label, field, format = fmt]: the figure at `field` (a dotted path) in `figures`, shown with
    // data-figure="<prefix>.<field>", which lets tests compare the page with GraphQL answers
    let box = el.querySelector(".kpis");
    if (!box) { box = document.createElement("div"); box.className = "kpis"; el.appendChild(box); }
    box.innerHTML = items.map(([label, field, format = XQ.ui.fmt]) =>
      `<div class="kpi"><div class="value" data-figure="${prefix}.${field}">${format(XQ.at(figures, field))}</div>` +
      `<div class="label">${label}</div></div>`).join("");
  },
  chart(el, key, option) {
    // one ECharts instance per (section, key), reused on updates so charts do not flicker
    let node = el.querySelector(`.chart[data-chart="${key}"]`);
    if (!node) {
      node = document.createElement("div");
      node.className = "chart"; node.dataset.chart = key;
      el.appendChild(node);
    }
    const chart = echarts.getInstanceByDom(node) || echarts.init(node);
    chart.setOption(option, true);
    return chart;
  },
  pie(el, key, rows, radius) {
    // rows: [{name, count}], one slice each
    return XQ.ui.chart(el, key, {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius, data: rows.map((r) => ({ name: r.name, value: r.count })) }],
    });
  },
  bars(el, key, rows, field, { left, right = 16, color, xAxis = { type: "value", minInterval: 1 }, label = { interval: 0 } }) {
    // rows: [{name, <field>}], one horizontal bar each, in the order given (the first on top)
    return XQ.ui.chart(el, key, {
      tooltip: { trigger: "axis" },
      grid: { left, right, top: 8, bottom: 24 },
      xAxis,
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name), axisLabel: label },
      series: [{ type: "bar", data: rows.map((r) => r[field]), itemStyle: { color } }],
    });
  },
  table(el, key, headers, rows) {
    // the figures behind a chart, as a table: readable on a phone and by screen readers
    let box = el.querySelector(`details[data-table="${key}"]`);
    if (!box) {
      box = document.createElement("details");
      box.dataset.table = key;
      el.appendChild(box);
    }
    box.innerHTML = `<summary>查看数据</summary><table class="figures" data-figures="${key}">` +
      `<tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr>` +
      rows.map((r) => `<tr data-key="${XQ.ui.esc(r.key)}">${r.cells.map((c, i) =>
        `<td class="${i > 0 ? "n" : ""}">${i > 0 ? XQ.ui.fmt(c) : XQ.ui.esc(c)}</td>`).join("")}</tr>`).join("") +
      "</table>";
  },
  openTable(el, { at, headers, key, label, cells }, items) {
    // a section's `table` (see XQ.section), shown open: the figures are the section's content, not behind a chart
    const name = (r) => (typeof label === "string" ? r[label] : label[r[key]] || r[key]);
    XQ.ui.table(el, at, headers, items.map((r) => ({ key: r[key], cells: [name(r), ...cells.map((f) => r[f])] })));
    el.querySelector(`details[data-table="${at}"]`).open = true;
  },
};
