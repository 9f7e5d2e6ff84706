// 媒体征集 (the stations service): campaigns such as 「小岗位 大英雄」 still open, and the entries and selected entries
// of this year (Beijing time). Counts only: an entry's title and link never reach the dashboard. A district's page
// counts its own campaigns, the city's page every campaign; the page's date range does not apply
// (docs/RECOGNITION.md).
XQ.section({
  id: "media-campaigns", title: "媒体征集（本年度，不受统计期间影响）", order: 38, size: "narrow",
  selection: "mediaCampaigns { openCampaigns entriesThisYear selectedThisYear }",
  kpis: {
    at: "mediaCampaigns",
    items: [
      ["进行中的征集", "openCampaigns"],
      ["本年征集作品", "entriesThisYear"],
      ["本年入选作品", "selectedThisYear"],
    ],
  },
});
