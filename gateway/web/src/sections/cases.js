// Cases (求助个案) and the 12345 side: person-times of consultations and cases, cases by category, first
// response, referral acceptance by agency, open hot topics (集中诉求) and overdue governance items (主动治理).
XQ.section({
  id: "cases", title: "咨询与求助个案", order: 41, size: "narrow",
  selection: "cases { personTimes consultations casesOpened averageResponseHours respondedInTimeRate " +
    "byCategory { key name opened } }",
  kpis: {
    at: "cases",
    items: [
      ["咨询与个案（人次）", "personTimes"],
      ["咨询人次", "consultations"],
      ["求助个案", "casesOpened"],
      ["平均首次响应（小时）", "averageResponseHours", (h) => (h == null ? "—" : h.toFixed(1))],
      ["按时首次响应", "respondedInTimeRate", XQ.ui.pct],
    ],
  },
  render(el, d, ui) {
    const c = d.cases;
    ui.bars(el, "cases-by-category", c.byCategory, "opened", { left: 70, color: "#e67e22" });
    ui.table(el, "cases.byCategory", ["类别", "个案"], c.byCategory.map((r) => ({ key: r.key, cells: [r.name, r.opened] })));
  },
});

XQ.section({
  id: "referrals-governance", title: "转介受理与主动治理", order: 42, size: "narrow",
  selection: "cases { referrals { agency name referred accepted declined } openHotTopics governanceOpen " +
    "governanceOverdue }",
  kpis: {
    at: "cases",
    items: [
      ["集中诉求（未办结）", "openHotTopics"],
      ["治理事项（进行中）", "governanceOpen"],
      ["治理事项逾期", "governanceOverdue"],
    ],
  },
  table: {
    at: "cases.referrals", headers: ["机构", "转介", "受理", "不予受理"],
    key: "agency", label: "name", cells: ["referred", "accepted", "declined"],
  },
});
