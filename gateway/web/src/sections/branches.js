// Branches (shown once the branches domain adds `dashboard { branches { … } }` to the gateway's schema;
// adjust `needs`/`selection` here to the fields it actually provides).
XQ.section({
  id: "branches", title: "团组织", order: 20,
  needs: ["branches.total", "branches.byKind.kind", "branches.byKind.name", "branches.byKind.count"],
  selection: "branches { total byKind { kind name count } }",
  render(el, d, ui) {
    ui.kpis(el, [{ label: "团组织数", value: d.branches.total, figure: "branches.total" }]);
    const rows = d.branches.byKind;
    ui.chart(el, "branches-by-kind", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: "65%", data: rows.map((r) => ({ name: r.name, value: r.count })) }],
    });
    ui.table(el, "branches.byKind", ["类型", "数量"], rows.map((r) => ({ key: r.kind, cells: [r.name, r.count] })));
  },
});
