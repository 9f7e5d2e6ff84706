// Youth: registered youth (against the estimated base), by type, by district, registrations per week.
const ESTIMATED_BASE = 2000000; // DOMAIN.md: 1.8–2.2 million new emerging youth in Beijing

XQ.section({
  id: "youth-total", title: "登记青年", order: 10, size: "narrow",
  selection: "youth { total }",
  render(el, d, ui) {
    const share = `${((100 * d.youth.total) / ESTIMATED_BASE).toFixed(3)}%`; // worked out here, not a GraphQL field
    ui.kpis(el, "youth", d.youth, [
      ["登记人数", "total"],
      ["占估计基数（约 200 万）", "share", () => share],
    ]);
  },
});

XQ.section({
  id: "youth-by-type", title: "按青年类型", order: 11, size: "narrow",
  selection: "youth { byType { type name count } }",
  render(el, d, ui) {
    const rows = d.youth.byType;
    ui.pie(el, "by-type", rows, ["40%", "70%"]);
    ui.table(el, "youth.byType", ["类型", "人数"], rows.map((r) => ({ key: r.type, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "youth-by-district", title: "各区登记青年", order: 12, size: "narrow",
  selection: "youth { byDistrict { district name count } }",
  render(el, d, ui) {
    const rows = [...d.youth.byDistrict].sort((a, b) => b.count - a.count);
    ui.bars(el, "by-district", rows, "count", { left: 70, color: "#c0392b", label: { interval: 0, fontSize: 11 } });
    ui.table(el, "youth.byDistrict", ["区县", "人数"], rows.map((r) => ({ key: r.district, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "youth-per-week", title: "每周登记数", order: 13, size: "wide",
  selection: "registrationsPerWeek(first: 100) { nodes { week count } }",
  render(el, d, ui) {
    const rows = d.registrationsPerWeek.nodes;
    ui.chart(el, "per-week", {
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 16, top: 12, bottom: 30 },
      xAxis: { type: "category", data: rows.map((r) => r.week) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 48, data: rows.map((r) => r.count), itemStyle: { color: "#c0392b" } }],
    });
    ui.table(el, "registrationsPerWeek", ["周（周一）", "登记数"], rows.map((r) => ({ key: r.week, cells: [r.week, r.count] })));
  },
});
