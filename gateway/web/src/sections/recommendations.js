// 推优 (the branches service): recommendations made this year (Beijing time, by the day of the recommendation)
// and how many were adopted, by kind. The page's date range does not apply (docs/RECOGNITION.md).
const RECOMMENDATION_KIND = { PARTY: "推荐入党", HONOUR: "评优" };

XQ.section({
  id: "recommendations", title: "推优（本年度，不受统计期间影响）", order: 36, size: "narrow",
  selection: "recommendations { thisYear adoptedThisYear byKind { kind recommended adopted } }",
  kpis: {
    at: "recommendations",
    items: [
      ["本年推优（人次）", "thisYear"],
      ["其中已采纳", "adoptedThisYear"],
    ],
  },
  table: {
    at: "recommendations.byKind", headers: ["类别", "推优", "采纳"],
    key: "kind", label: RECOMMENDATION_KIND, cells: ["recommended", "adopted"],
  },
});
