// Appeals (接诉即办): open, overdue and the three rates.
XQ.section({
  id: "appeals", title: "接诉即办", order: 40, size: "narrow",
  needs: ["appeals.open", "appeals.overdue", "appeals.responseRate", "appeals.resolutionRate", "appeals.satisfactionRate"],
  selection: "appeals { open overdue responseRate resolutionRate satisfactionRate }",
  render(el, d, ui) {
    const a = d.appeals;
    ui.kpis(el, [
      { label: "在办", value: a.open, figure: "appeals.open" },
      { label: "超期", value: a.overdue, figure: "appeals.overdue" },
      { label: "响应率", text: ui.pct(a.responseRate), figure: "appeals.responseRate" },
      { label: "解决率", text: ui.pct(a.resolutionRate), figure: "appeals.resolutionRate" },
      { label: "满意率", text: ui.pct(a.satisfactionRate), figure: "appeals.satisfactionRate" },
    ]);
  },
});
