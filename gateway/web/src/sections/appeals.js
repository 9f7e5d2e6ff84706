// Appeals (接诉即办): open, overdue and the three rates.
XQ.section({
  id: "appeals", title: "接诉即办", order: 40, size: "narrow",
  selection: "appeals { open overdue responseRate resolutionRate satisfactionRate }",
  kpis: {
    at: "appeals",
    items: [
      ["在办", "open"],
      ["超期", "overdue"],
      ["响应率", "responseRate", XQ.ui.pct],
      ["解决率", "resolutionRate", XQ.ui.pct],
      ["满意率", "satisfactionRate", XQ.ui.pct],
    ],
  },
});
