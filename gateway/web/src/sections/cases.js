// Cases (求助个案) and the 12345 side: person-times of consultations and cases, cases by category, first
// response, referral acceptance by agency, open hot topics (集中诉求) and overdue governance items (主动治理).
XQ.section({
  id: "cases", title: "咨询与求助个案", order: 41, size: "narrow",
  needs: ["cases.personTimes", "cases.consultations", "cases.casesOpened", "cases.averageResponseHours",
    "cases.respondedInTimeRate", "cases.byCategory.key", "cases.byCategory.name", "cases.byCategory.opened"],
  selection: "cases { personTimes consultations casesOpened averageResponseHours respondedInTimeRate " +
    "byCategory { key name opened } }",
  render(el, d, ui) {
    const c = d.cases;
    ui.kpis(el, [
      { label: "咨询与个案（人次）", value: c.personTimes, figure: "cases.personTimes" },
      { label: "咨询人次", value: c.consultations, figure: "cases.consultations" },
      { label: "求助个案", value: c.casesOpened, figure: "cases.casesOpened" },
      { label: "平均首次响应（小时）", text: c.averageResponseHours == null ? "—" : c.averageResponseHours.toFixed(1),
        figure: "cases.averageResponseHours" },
      { label: "按时首次响应", text: ui.pct(c.respondedInTimeRate), figure: "cases.respondedInTimeRate" },
    ]);
    ui.bars(el, "cases-by-category", c.byCategory, "opened", { left: 70, color: "#e67e22" });
    ui.table(el, "cases.byCategory", ["类别", "个案"], c.byCategory.map((r) => ({ key: r.key, cells: [r.name, r.opened] })));
  },
});

XQ.section({
  id: "referrals-governance", title: "转介受理与主动治理", order: 42, size: "narrow",
  needs: ["cases.referrals.agency", "cases.referrals.name", "cases.referrals.referred", "cases.referrals.accepted",
    "cases.referrals.declined",
    "cases.openHotTopics", "cases.governanceOpen", "cases.governanceOverdue"],
  selection: "cases { referrals { agency name referred accepted declined } openHotTopics governanceOpen " +
    "governanceOverdue }",
  render(el, d, ui) {
    const c = d.cases;
    ui.kpis(el, [
      { label: "集中诉求（未办结）", value: c.openHotTopics, figure: "cases.openHotTopics" },
      { label: "治理事项（进行中）", value: c.governanceOpen, figure: "cases.governanceOpen" },
      { label: "治理事项逾期", value: c.governanceOverdue, figure: "cases.governanceOverdue" },
    ]);
    ui.table(el, "cases.referrals", ["机构", "转介", "受理", "不予受理"],
      c.referrals.map((r) => ({ key: r.agency, cells: [r.name, r.referred, r.accepted, r.declined] })));
    el.querySelector("details").open = true;
  },
});
