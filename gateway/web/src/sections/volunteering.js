// Volunteering (志愿服务, the stations service): shifts published, hours served and people-shifts served,
// by the shift's day in the chosen period (docs/RECOGNITION.md).
XQ.section({
  id: "volunteering", title: "志愿服务（所选期间）", order: 34, size: "narrow",
  selection: "volunteering { shifts volunteerHours served }",
  kpis: {
    at: "volunteering",
    items: [
      ["志愿岗位（班次）", "shifts"],
      // hours are kept to the minute: one decimal is enough on screen
      ["志愿服务时长（小时）", "volunteerHours",
        (n) => (n == null ? "—" : Number(n).toLocaleString("zh-CN", { maximumFractionDigits: 1 }))],
      ["服务人次", "served"],
    ],
  },
});
