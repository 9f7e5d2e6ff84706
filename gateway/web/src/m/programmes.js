// 活动 › 培训项目: programmes not yet started (e.g. 新青年学堂骑手班), from the public upcomingProgrammes list;
// a signed-in, registered person enrols with enrolInProgramme. There is no leaving a programme in the API,
// so the button only enrols; what one has enrolled in shows here and under 我的 › 我的报名.
(function () {
  const { $, state, gql, say, el, day, districtName } = window.XQM;
  const UPCOMING = `query { upcomingProgrammes(first: 30) { nodes { id name kind district startsOn sessions } } }`;
  const MINE = "query { me { enrolments { programmeId } } }";
  const ENROL = "mutation($p: ID!) { enrolInProgramme(programmeId: $p) { id } }";
  // The API's kind is a free label; the ones the league runs today have a name, others show as 培训项目.
  const KINDS = { RIDER_DIPLOMA: "骑手班（学历提升）", CAREER: "职业技能", LEGAL: "法律知识" };

  async function mine() {
    if (!state.token) return new Set();
    try {
      return new Set((await gql(MINE)).me.enrolments.map((e) => e.programmeId));
    } catch (e) {
      return new Set(); // not registered yet (NOT_FOUND): enrolled in nothing
    }
  }

  function action(p, enrolled) {
    if (!state.token) {
      return el("button", { type: "button", class: "secondary", onclick: () => window.XQM.open("mine") }, "登录后报名");
    }
    if (enrolled) return el("strong", { class: "enrolled" }, "已报名");
    return el("button", { type: "button", "data-action": "enrol", "aria-label": `报名：${p.name}`,
      onclick: () => enrol(p) }, "报名");
  }

  function render(programmes, enrolled) {
    const list = $("programme-list");
    list.replaceChildren(...programmes.map((p) => el("li", { "data-programme-id": p.id },
      el("div", { class: "title" }, p.name),
      el("div", { class: "meta" }, `${KINDS[p.kind] || "培训项目"} · ${districtName(p.district)}`),
      el("div", { class: "meta" }, `${day(p.startsOn)} 开班${p.sessions ? ` · 已排 ${p.sessions} 次课` : ""}`),
      el("div", { class: "row" }, action(p, enrolled.has(p.id))))));
    if (!programmes.length) list.append(el("li", {}, "近期没有开班的项目。"));
  }

  async function enrol(p) {
    try {
      await gql(ENROL, { p: p.id });
    } catch (e) {
      const why = { already_enrolled: "您已报名过此项目" }[e.rule]
        || (e.code === "NOT_FOUND" ? "请先在“我的”登记后再报名" : `报名失败：${e.message}`);
      return say(why, true);
    }
    say(`已报名：${p.name}`);
    await show();
  }

  async function show() {
    try {
      const [programmes, enrolled] = await Promise.all([
        gql(UPCOMING).then((d) => d.upcomingProgrammes.nodes), mine()]);
      render(programmes, enrolled);
    } catch (e) {
      say(`项目加载失败：${e.message}`, true);
    }
  }

  window.XQM.programmes = { show };
})();
