// League organisation (the branches domain): branches, members, coverage of riders and couriers (current state),
// organisations contacted, the 22 measures; and what happened within the page's date range (period).
// Each section hides itself when its fields are absent.
XQ.section({
  id: "branches", title: "团组织", order: 20,
  selection: "branches { total members transfersPending coverage { share } byKind { kind name count } }",
  kpis: {
    at: "branches",
    items: [
      ["团支部", "total"],
      ["团员", "members"],
      ["骑手、快递员入团组织比例", "coverage.share", XQ.ui.pct],
      ["待办转接", "transfersPending"],
    ],
  },
  render(el, d, ui) {
    const b = d.branches;
    ui.pie(el, "branches-by-kind", b.byKind, "62%");
    ui.table(el, "branches.byKind", ["类型", "数量"], b.byKind.map((r) => ({ key: r.kind, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "organisations", title: "联系的新兴领域组织", order: 21,
  selection: "branches { organisations { total withBranch withoutBranch } }",
  kpis: {
    at: "branches.organisations", figure: "organisations",
    items: [
      ["已联系", "total"],
      ["已建团组织", "withBranch"],
      ["未建团组织", "withoutBranch"],
    ],
  },
});

XQ.section({
  id: "measures", title: "22 条措施推进情况", order: 22, size: "wide",
  selection: "branches { measures { total averageProgress byArea { name averageProgress } } }",
  kpis: {
    at: "branches.measures", figure: "measures",
    items: [
      ["措施", "total"],
      ["平均进度", "averageProgress", (v) => `${v}%`],
    ],
  },
  render(el, d, ui) {
    const m = d.branches.measures;
    ui.bars(el, "measures-by-area", m.byArea, "averageProgress", {
      left: 110, right: 24, color: "#d35400", xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    });
  },
});

XQ.section({
  id: "branches-period", title: "团组织动态（所选期间）", order: 23, size: "narrow",
  selection: "branches { period { branchesFounded membersJoined meetings meetingAttendance organisationsContacted " +
    "transfersRequested } }",
  kpis: {
    at: "branches.period",
    items: [
      ["新建团支部", "branchesFounded"],
      ["新入团团员", "membersJoined"],
      ["会议与活动", "meetings"],
      ["参会人次", "meetingAttendance"],
      ["新联系组织", "organisationsContacted"],
      ["发起转接", "transfersRequested"],
    ],
  },
});
