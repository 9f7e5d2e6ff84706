// Stations (shown once the stations domain adds `dashboard { stations { … } }` to the gateway's schema;
// adjust `needs`/`selection` here to the fields it actually provides).
XQ.section({
  id: "stations", title: "服务站点", order: 30,
  needs: ["stations.total", "stations.byKind.kind", "stations.byKind.name", "stations.byKind.count"],
  selection: "stations { total byKind { kind name count } }",
  render(el, d, ui) {
    ui.kpis(el, [{ label: "站点数", value: d.stations.total, figure: "stations.total" }]);
    const rows = d.stations.byKind;
    ui.chart(el, "stations-by-kind", {
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 16, top: 8, bottom: 40 },
      xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map((r) => r.count), itemStyle: { color: "#2c7be5" } }],
    });
    ui.table(el, "stations.byKind", ["类型", "数量"], rows.map((r) => ({ key: r.kind, cells: [r.name, r.count] })));
  },
});
