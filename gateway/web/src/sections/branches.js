// League organisation (the branches domain): branches, members, coverage of riders and couriers (current state),
// organisations contacted, the 22 measures; and what happened within the page's date range (period).
// Each section hides itself when its fields are absent.
XQ.section({
  id: "branches", title: "团组织", order: 20,
  needs: ["branches.total", "branches.members", "branches.transfersPending", "branches.coverage.share",
    "branches.byKind.kind", "branches.byKind.name", "branches.byKind.count"],
  selection: "branches { total members transfersPending coverage { share } byKind { kind name count } }",
  render(el, d, ui) {
    const b = d.branches;
    ui.kpis(el, [
      { label: "团支部", value: b.total, figure: "branches.total" },
      { label: "团员", value: b.members, figure: "branches.members" },
      { label: "骑手、快递员入团组织比例", text: ui.pct(b.coverage.share), figure: "branches.coverage.share" },
      { label: "待办转接", value: b.transfersPending, figure: "branches.transfersPending" },
    ]);
    ui.pie(el, "branches-by-kind", b.byKind, "62%");
    ui.table(el, "branches.byKind", ["类型", "数量"], b.byKind.map((r) => ({ key: r.kind, cells: [r.name, r.count] })));
  },
});

XQ.section({
  id: "organisations", title: "联系的新兴领域组织", order: 21,
  needs: ["branches.organisations.total", "branches.organisations.withBranch", "branches.organisations.withoutBranch"],
  selection: "branches { organisations { total withBranch withoutBranch } }",
  render(el, d, ui) {
    const o = d.branches.organisations;
    ui.kpis(el, [
      { label: "已联系", value: o.total, figure: "organisations.total" },
      { label: "已建团组织", value: o.withBranch, figure: "organisations.withBranch" },
      { label: "未建团组织", value: o.withoutBranch, figure: "organisations.withoutBranch" },
    ]);
  },
});

XQ.section({
  id: "measures", title: "22 条措施推进情况", order: 22, size: "wide",
  needs: ["branches.measures.total", "branches.measures.averageProgress", "branches.measures.byArea.name",
    "branches.measures.byArea.averageProgress"],
  selection: "branches { measures { total averageProgress byArea { name averageProgress } } }",
  render(el, d, ui) {
    const m = d.branches.measures;
    ui.kpis(el, [
      { label: "措施", value: m.total, figure: "measures.total" },
      { label: "平均进度", text: `${m.averageProgress}%`, figure: "measures.averageProgress" },
    ]);
    ui.bars(el, "measures-by-area", m.byArea, "averageProgress", {
      left: 110, right: 24, color: "#d35400", xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    });
  },
});

XQ.section({
  id: "branches-period", title: "团组织动态（所选期间）", order: 23, size: "narrow",
  needs: ["branches.period.branchesFounded", "branches.period.membersJoined", "branches.period.meetings",
    "branches.period.meetingAttendance", "branches.period.organisationsContacted", "branches.period.transfersRequested"],
  selection: "branches { period { branchesFounded membersJoined meetings meetingAttendance organisationsContacted " +
    "transfersRequested } }",
  render(el, d, ui) {
    const p = d.branches.period;
    ui.kpis(el, [
      { label: "新建团支部", value: p.branchesFounded, figure: "branches.period.branchesFounded" },
      { label: "新入团团员", value: p.membersJoined, figure: "branches.period.membersJoined" },
      { label: "会议与活动", value: p.meetings, figure: "branches.period.meetings" },
      { label: "参会人次", value: p.meetingAttendance, figure: "branches.period.meetingAttendance" },
      { label: "新联系组织", value: p.organisationsContacted, figure: "branches.period.organisationsContacted" },
      { label: "发起转接", value: p.transfersRequested, figure: "branches.period.transfersRequested" },
    ]);
  },
});
