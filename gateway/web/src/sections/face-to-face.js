// 面对面 (the branches service): sessions with deputies held in the chosen period (by the session's day), the
// young people attending, and the suggestions and proposals from those sessions by status (docs/RECOGNITION.md).
const PROPOSAL_STATUS = { SUBMITTED: "已提交", ACCEPTED: "已立案", NOT_ACCEPTED: "不予立案", ANSWERED: "已答复" };

XQ.section({
  id: "face-to-face", title: "面对面（所选期间）", order: 35, size: "narrow",
  selection: "faceToFace { sessions youthAttending proposalsByStatus { status count } }",
  kpis: {
    at: "faceToFace",
    items: [
      ["面对面活动（场）", "sessions"],
      ["参加青年（人次）", "youthAttending"],
    ],
  },
  render(el, d, ui) {
    ui.table(el, "faceToFace.proposalsByStatus", ["建议、提案状态", "件数"], d.faceToFace.proposalsByStatus.map(
      (r) => ({ key: r.status, cells: [PROPOSAL_STATUS[r.status] || r.status, r.count] })));
    el.querySelector("details").open = true;
  },
});
