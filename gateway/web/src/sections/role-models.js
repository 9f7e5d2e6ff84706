// 榜样选树 (the stations service): this year's (Beijing time) nominations, role models selected into this year's
// list and those withdrawn from it, and the year's talks (宣讲) with their audiences by venue kind. Counts only:
// the profiles are on the public list (roleModels), never here. The page's date range does not apply
// (docs/RECOGNITION.md).
const VENUE_KIND = { PARK: "园区", COMPANY: "企业", STATION: "驿站", ONLINE: "线上" };

XQ.section({
  id: "role-models", title: "榜样选树与宣讲（本年度，不受统计期间影响）", order: 38, size: "narrow",
  selection: "roleModels { nominated selected withdrawn talks audience byVenue { venueKind talks audience } }",
  kpis: {
    at: "roleModels",
    items: [
      ["本年提名", "nominated"],
      ["入选本年度榜样", "selected"],
      ["已撤下", "withdrawn"],
      ["宣讲场次", "talks"],
      ["听众人次", "audience"],
    ],
  },
  table: {
    at: "roleModels.byVenue", headers: ["场所", "宣讲", "听众"],
    key: "venueKind", label: VENUE_KIND, cells: ["talks", "audience"],
  },
});
