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
  table: {
    at: "faceToFace.proposalsByStatus", headers: ["建议、提案状态", "件数"],
    key: "status", label: PROPOSAL_STATUS, cells: ["count"],
  },
});
