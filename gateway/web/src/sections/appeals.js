// Appeals (shown once an appeals domain adds `dashboard { appeals { … } }` to the gateway's schema;
// adjust `needs`/`selection` here to the fields it actually provides).
XQ.section({
  id: "appeals", title: "诉求办理", order: 40, size: "narrow",
  needs: ["appeals.open", "appeals.overdue"],
  selection: "appeals { open overdue }",
  render(el, d, ui) {
    ui.kpis(el, [
      { label: "办理中", value: d.appeals.open, figure: "appeals.open" },
      { label: "已超期", value: d.appeals.overdue, figure: "appeals.overdue" },
    ]);
  },
});
