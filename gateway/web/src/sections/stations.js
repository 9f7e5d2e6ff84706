// Service stations (the stations domain): stations by kind, person-times by service type, busiest stations.
XQ.section({
  id: "stations", title: "服务站点", order: 30, size: "narrow",
  selection: "stations { total open byKind { key name count } }",
  kpis: {
    at: "stations",
    items: [
      ["站点", "total"],
      ["开放中", "open"],
    ],
  },
  render(el, d, ui) {
    const s = d.stations;
    ui.pie(el, "stations-by-kind", s.byKind, ["35%", "62%"]);
    ui.table(el, "stations.byKind", ["类型", "数量"], s.byKind.map((r) => ({ key: r.key, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "person-times", title: "服务人次（所选期间，按服务类型）", order: 31, size: "narrow",
  selection: "stations { personTimes byServiceType { serviceType name count } }",
  kpis: { at: "stations", items: [["服务人次", "personTimes"]] },
  render(el, d, ui) {
    const s = d.stations;
    ui.bars(el, "person-times-by-type", s.byServiceType, "count", { left: 90, color: "#2c7be5" });
    ui.table(el, "stations.byServiceType", ["服务类型", "人次"],
      s.byServiceType.map((r) => ({ key: r.serviceType, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "busiest-stations", title: "最繁忙站点（所选期间）", order: 32, size: "narrow",
  selection: "stations { busiest { stationId name count } }",
  table: { at: "stations.busiest", headers: ["站点", "人次"], key: "stationId", label: "name", cells: ["count"] },
});

XQ.section({
  id: "programmes", title: "培养项目", order: 33, size: "narrow",
  selection: "programmes { enrolments passRate scholarshipsPaid }",
  kpis: {
    at: "programmes",
    items: [
      ["报名", "enrolments"],
      ["考试通过率", "passRate", XQ.ui.pct],
      ["已发放奖学金（人次）", "scholarshipsPaid"],
    ],
  },
});
