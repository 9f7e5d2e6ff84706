// 筑梦空间 (the stations service): incubation projects, internship offers and the applications for them (made,
// accepted) as running totals in the district;
// the page's date range does not apply to them (docs/RECOGNITION.md).
XQ.section({
  id: "dream-space", title: "筑梦空间（累计，不受统计期间影响）", order: 37, size: "narrow",
  selection: "dreamSpace { appliedProjects activeProjects completedProjects stoppedProjects openInternships " +
    "openInternshipPlaces internshipApplications acceptedApplications }",
  kpis: {
    at: "dreamSpace",
    items: [
      ["申请孵化项目", "appliedProjects"],
      ["孵化中", "activeProjects"],
      ["已完成", "completedProjects"],
      ["已终止", "stoppedProjects"],
      ["开放实习岗位", "openInternships"],
      ["实习名额", "openInternshipPlaces"],
      ["实习申请", "internshipApplications"],
      ["已录用", "acceptedApplications"],
    ],
  },
});
