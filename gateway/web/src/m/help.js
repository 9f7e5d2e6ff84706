// 求助: a registered person opens a case (openMyCase: category, their own words, district, urgency) and
// follows their cases (me { cases }): where each stands, the agency it was referred to and that agency's
// answer, the outcome, and their rating of a resolved case (rateMyCase, 1–5, once). #help's data-state says
// which view is shown (signed-out, unregistered, registered).
(function () {
  const { $, state, gql, say, el, DISTRICTS } = window.XQM;
  const MINE = `query { me { district cases { id source status category urgency district openedOn agency outcome
    rating summary } } }`;
  const OPEN = "mutation($i: OpenMyCaseInput!) { openMyCase(input: $i) { id } }";
  const RATE = "mutation($c: ID!, $s: Int!) { rateMyCase(caseId: $c, score: $s) { id } }";
  const CATEGORIES = { WAGE_ARREARS: "欠薪", LABOUR_DISPUTE: "劳动争议", WORK_INJURY: "工伤", TRAFFIC_ACCIDENT: "交通事故",
    PLATFORM_RULES: "平台规则（派单、罚款、算法）", SOCIAL_SECURITY: "社保", LEGAL_ADVICE: "法律咨询", LEGAL_AID: "法律援助",
    CAREER: "就业创业", PSYCHOLOGICAL: "心理", HOUSING: "住房", EDUCATION: "教育培训", OTHER: "其他" };
  const URGENCY = { NORMAL: "一般", URGENT: "紧急（如欠薪临近期限、受伤未得到救治）", CRITICAL: "危急（人身安全受到威胁）" };
  // Where the case stands, as the person reads it; ACCEPTED and DECLINED are the agency's answer to a referral.
  const STATUS = { OPEN: "已提交，等待站点处理", TRIAGED: "站点已受理", REFERRED: "已转介，等待机构答复",
    ACCEPTED: "机构已受理", DECLINED: "机构未受理，站点将另行安排", IN_MEDIATION: "调解中", AID_GRANTED: "已获法律援助",
    RESOLVED: "已办结，请评价", RATED: "已办结，已评价" };
  const OUTCOMES = { SETTLED: "已调解解决", AID_GIVEN: "已提供援助", ADVICE_GIVEN: "已提供咨询意见", WITHDRAWN: "本人撤回",
    UNREACHABLE: "无法联系本人" };
  const AGENCIES = { HRSS: "人力社保局", JUSTICE: "司法局", UNION: "总工会", WOMEN: "妇联", GOVSERVICE: "政务服务局" };
  const SOURCES = { YOUTH: "本人提交", WALK_IN: "驿站登记", APPEAL: "12345 热线" };

  function view(name, ...children) {
    const box = $("help");
    box.dataset.state = name;
    box.replaceChildren(...children);
  }

  const toMine = (text) => el("button", { type: "button", class: "secondary wide",
    onclick: () => window.XQM.open("mine") }, text);

  function caseForm(district) {
    const field = (label, control) => el("label", { class: "field" }, label, control);
    const form = el("form", { id: "case-form", class: "card" },
      el("h3", {}, "我要求助"),
      field("问题类别", el("select", { name: "category", required: true }, el("option", { value: "" }, "请选择"),
        Object.entries(CATEGORIES).map(([v, t]) => el("option", { value: v }, t)))),
      field("遇到了什么问题", el("textarea", { name: "summary", rows: 5, required: true, maxlength: 2000,
        placeholder: "例如：站点拖欠我三个月工资，多次催要无果" })),
      field("问题发生在哪个区", el("select", { name: "district", required: true }, el("option", { value: "" }, "请选择"),
        DISTRICTS.map(([code, name]) => el("option", { value: code, selected: code === district }, name)))),
      el("fieldset", {}, el("legend", {}, "紧急程度（可不选，默认一般）"),
        Object.entries(URGENCY).map(([v, t]) => el("label", { class: "check" },
          el("input", { type: "radio", name: "urgency", value: v, checked: v === "NORMAL" }), t))),
      el("p", { class: "hint" }, "您填写的内容加密保存，只有您本人和本区驿站工作人员可以查看。如遇人身危险，请立即拨打 110（急救 120）。"),
      el("button", { type: "submit", class: "wide" }, "提交求助"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const input = { category: f.get("category"), summary: f.get("summary").trim(), district: f.get("district"),
        urgency: f.get("urgency") || "NORMAL" };
      try {
        await gql(OPEN, { i: input });
      } catch (err) {
        return say(`提交失败：${err.message}`, true);
      }
      say("已提交求助，驿站工作人员会尽快联系您");
      await show();
    });
    return form;
  }

  function rating(c) {
    if (c.rating) return el("div", { class: "meta" }, `我的评价：${c.rating} 分`);
    if (c.status !== "RESOLVED") return null;
    const prompt = el("div", { class: "meta", id: `rate-${c.id}` }, "请为办理结果评分（1 分最差，5 分最好）：");
    return [prompt, el("div", { class: "rate", role: "group", "aria-labelledby": `rate-${c.id}` },
      [1, 2, 3, 4, 5].map((n) => el("button", { type: "button", class: "secondary", "data-score": n,
        "aria-label": `评 ${n} 分`, onclick: () => rate(c, n) }, `${n} 分`)))];
  }

  async function rate(c, score) {
    try {
      await gql(RATE, { c: c.id, s: score });
    } catch (e) {
      return say(`评价失败：${e.message}`, true);
    }
    say(`已评价：${score} 分，谢谢`);
    await show();
  }

  function caseItem(c) {
    return el("li", { "data-case-id": c.id, "data-status": c.status },
      el("div", { class: "title" }, CATEGORIES[c.category] || c.category),
      el("div", { class: "case-status" }, el("strong", {}, STATUS[c.status] || c.status)),
      el("div", { class: "meta" }, `${c.openedOn} · ${SOURCES[c.source] || c.source}${c.urgency !== "NORMAL"
        ? ` · ${URGENCY[c.urgency].split("（")[0]}` : ""}`),
      c.agency ? el("div", { class: "meta agency" }, `转介机构：${AGENCIES[c.agency] || c.agency}`) : null,
      c.outcome ? el("div", { class: "meta" }, `办理结果：${OUTCOMES[c.outcome] || c.outcome}`) : null,
      c.summary ? el("p", { class: "summary" }, c.summary) : null,
      rating(c));
  }

  function registered(me) {
    const list = el("ol", { id: "my-cases", class: "list", "aria-label": "我的求助" }, me.cases.map(caseItem));
    view("registered", caseForm(me.district), el("h3", {}, "我的求助"),
      me.cases.length ? list : el("p", { class: "hint" }, "还没有求助记录。"));
  }

  async function show() {
    if (!state.token) {
      return view("signed-out", el("p", {}, "遇到欠薪、劳动争议、工伤等问题，可以在这里向驿站求助。"), toMine("登录后求助"));
    }
    let me;
    try {
      me = (await gql(MINE)).me;
    } catch (e) {
      if (e.code === "NOT_FOUND") return view("unregistered", el("p", {}, "求助前请先登记，方便驿站联系您。"), toMine("去登记"));
      return say(`求助记录加载失败：${e.message}`, true);
    }
    registered(me);
  }

  window.XQM.tabs.help = { init: () => {}, show };
})();
