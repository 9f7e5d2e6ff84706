// 我的: signing in, registering (or claiming a record a station made), and one's own record: profile,
// consents, branch, bookings, export and erasure. #mine's data-state says which view is shown
// (signed-out, unregistered, registered).
(function () {
  const X = window.XQM;
  const { $, state, gql, say, el, when, districtName, subtypeName, CONSENTS, forms } = X;
  const ME = `query { me { id status version name gender birthDate mobile idNumber district youthType subtype
    education needs consents { purpose givenOn }
    memberships { status branchId branchName district transfer { toBranchName expiresOn } }
    bookings { eventId title startsAt } enrolments { programmeId name enrolledOn } } }`;
  const M = {
    register: "mutation($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
    claim: "mutation($c: String!) { claimMyRecord(code: $c) { id } }",
    profile: "mutation($i: UpdateYouthProfileInput!, $v: Int) { updateMyProfile(input: $i, expectedVersion: $v) { id } }",
    give: "mutation($p: ConsentPurpose!) { giveMyConsent(purpose: $p) { id } }",
    withdraw: "mutation($p: ConsentPurpose!) { withdrawMyConsent(purpose: $p) { id } }",
    join: "mutation($c: String!) { joinBranchWithCode(code: $c) { id } }",
    leave: "mutation { leaveMyBranch { id } }",
    exportData: "mutation { exportMyData }",
    erase: "mutation { eraseMe { id } }",
  };
  const MEMBERSHIP = { APPLIED: "入团申请待审批", MEMBER: "团员" };

  const card = (title, ...children) => el("section", { class: "card" }, el("h3", {}, title), ...children);
  function view(name, ...children) {
    const box = $("mine");
    box.dataset.state = name;
    box.replaceChildren(...children);
    $("who").textContent = name === "registered" ? state.me.name || "" : name === "unregistered" ? "已登录" : "";
  }

  // Run a mutation, say how it went, and show the record again.
  async function run(query, variables, done) {
    try {
      await gql(query, variables);
      say(done);
    } catch (e) {
      say(e.code === "DUPLICATE" ? "该手机号已登记过：请到登记的驿站领取认领码，用下方“认领已有记录”关联。" : `操作失败：${e.message}`, true);
      return false;
    }
    await show();
    return true;
  }

  function signedOut() {
    const input = el("textarea", { id: "token-input", rows: 3, required: true, placeholder: "eyJ…" });
    const form = el("form", { id: "signin-form", class: "card" }, el("h3", {}, "登录"),
      el("p", { class: "hint" }, "正式环境通过京通或微信登录。开发环境：粘贴 ",
        el("code", {}, "xinqing token --role youth --subject dev-rider-1"), " 打印的令牌，或打开 make up 打印的登录链接。"),
      el("label", { class: "field" }, "登录令牌", input),
      el("button", { type: "submit", class: "wide" }, "登录"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      X.signIn(input.value.trim());
      show();
    });
    view("signed-out", form);
  }

  function unregistered() {
    const code = el("input", { name: "code", required: true, autocomplete: "off" });
    const claim = el("form", { id: "claim-form", class: "card" }, el("h3", {}, "认领已有记录"),
      el("p", { class: "hint" }, "已在驿站登记过？输入驿站为您打印的认领码（7 天内有效，只能用一次）。"),
      el("label", { class: "field" }, "认领码", code), el("button", { type: "submit", class: "wide" }, "认领"));
    claim.addEventListener("submit", (e) => { e.preventDefault(); run(M.claim, { c: code.value.trim() }, "已关联您的记录"); });
    view("unregistered", el("p", {}, "您还没有登记。"),
      forms.registerForm((input) => run(M.register, { i: input }, "登记成功")), claim, signOutButton());
  }

  function profile(me) {
    const rows = [["姓名", me.name], ["性别", { MALE: "男", FEMALE: "女" }[me.gender]], ["出生日期", me.birthDate],
      ["手机号", me.mobile], ["身份证号", me.idNumber], ["区", districtName(me.district)], ["从业类型", subtypeName(me.subtype)]];
    return card("个人资料", el("dl", { class: "profile" }, rows.filter((r) => r[1]).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  }

  function consents(me) {
    const given = new Map(me.consents.map((c) => [c.purpose, c.givenOn]));
    return card("我的同意", el("ul", { class: "list", id: "consents" }, Object.entries(CONSENTS).map(([purpose, name]) =>
      el("li", { "data-purpose": purpose }, el("div", {}, name),
        el("div", { class: "meta" }, given.has(purpose) ? `已同意（${given.get(purpose)}）` : "未同意"),
        el("button", { type: "button", class: "secondary", onclick: () => given.has(purpose)
          ? run(M.withdraw, { p: purpose }, `已撤回：${name}`) : run(M.give, { p: purpose }, `已同意：${name}`) },
        given.has(purpose) ? "撤回同意" : "同意")))));
  }

  function branch(me) {
    const code = el("input", { name: "code", required: true, autocomplete: "off" });
    const join = el("form", { id: "join-form" }, el("label", { class: "field" }, "团支部邀请码（海报上的）", code),
      el("button", { type: "submit", class: "wide" }, "加入团支部"));
    join.addEventListener("submit", (e) => { e.preventDefault(); run(M.join, { c: code.value.trim() }, "已加入团支部"); });
    const list = el("ul", { class: "list", id: "memberships" }, me.memberships.map((m) => el("li", { "data-branch-id": m.branchId },
      el("div", { class: "title" }, m.branchName || "团支部"),
      el("div", { class: "meta" }, `${MEMBERSHIP[m.status] || m.status} · ${districtName(m.district)}`),
      m.transfer ? el("div", { class: "meta" }, `转接至 ${m.transfer.toBranchName || "另一团支部"}，待接收（${m.transfer.expiresOn} 前）`) : null)));
    const leave = me.memberships.length
      ? el("button", { type: "button", class: "secondary", onclick: () => run(M.leave, {}, "已退出团支部") }, "退出团支部") : null;
    return card("我的团支部", me.memberships.length ? list : el("p", { class: "hint" }, "尚未加入团支部。"), leave, join);
  }

  function bookings(me) {
    return card("我的报名",
      el("ul", { class: "list", id: "my-bookings" }, me.bookings.map((b) => el("li", { "data-event-id": b.eventId },
        el("div", { class: "title" }, b.title), el("div", { class: "meta" }, when(b.startsAt)))),
      me.enrolments.map((p) => el("li", { "data-programme-id": p.programmeId },
        el("div", { class: "title" }, p.name), el("div", { class: "meta" }, `项目 · ${p.enrolledOn} 报名`)))),
      me.bookings.length || me.enrolments.length ? null : el("p", { class: "hint" }, "还没有报名活动或项目。"));
  }

  async function exportData() {
    try {
      const data = (await gql(M.exportData)).exportMyData;
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = el("a", { href: URL.createObjectURL(blob), download: "我的数据.json" });
      document.body.append(link);
      link.click();
      link.remove();
      say("已导出：我的数据.json");
    } catch (e) {
      say(`导出失败：${e.message}`, true);
    }
  }

  function rights() {
    const confirm = el("div", { id: "erase-confirm", class: "card danger", hidden: true },
      el("p", {}, "删除后，您的登记信息、同意记录和团组织关系将无法恢复，账号关联也会解除。确定删除吗？"),
      el("div", { class: "row" },
        el("button", { type: "button", id: "erase-yes", onclick: erase }, "确认删除"),
        el("button", { type: "button", class: "secondary", onclick: () => { confirm.hidden = true; } }, "取消")));
    return card("我的数据",
      el("p", { class: "hint" }, "依《个人信息保护法》，您可以导出或删除本人的全部信息。"),
      el("div", { class: "row" },
        el("button", { type: "button", id: "export", class: "secondary", onclick: exportData }, "导出我的数据"),
        el("button", { type: "button", id: "erase", class: "secondary", onclick: () => { confirm.hidden = false; } }, "删除我的数据")),
      confirm);
  }

  async function erase() {
    try {
      await gql(M.erase);
    } catch (e) {
      return say(`删除失败：${e.message}`, true);
    }
    X.signOut();
    signedOut();
    say("您的数据已删除，已退出登录。");
  }

  function signOutButton() {
    return el("button", { type: "button", id: "signout", class: "secondary wide",
      onclick: () => { X.signOut(); signedOut(); say("已退出登录"); } }, "退出登录");
  }

  function registered(me) {
    view("registered", profile(me),
      forms.profileForm(me, (input, version) => run(M.profile, { i: input, v: version }, "资料已保存")),
      consents(me), branch(me), bookings(me), rights(), signOutButton());
  }

  async function show() {
    if (!state.token) return signedOut();
    try {
      state.me = (await gql(ME)).me;
    } catch (e) {
      state.me = null;
      if (e.code === "NOT_FOUND") return unregistered();
      X.signOut();
      signedOut();
      return say(e.code === "UNAUTHENTICATED" ? "无法登录：令牌无效或已过期" : `无法登录：${e.message}`, true);
    }
    registered(state.me);
  }

  X.tabs.mine = { init: () => {}, show };
})();
