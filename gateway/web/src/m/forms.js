// The forms of 我的 that have many fields: registering (registerMe) and editing one's profile
// (updateMyProfile). Each field has a visible label; the browser checks the required ones first.
(function () {
  const { el, DISTRICTS, SUBTYPES, EDUCATION } = window.XQM;
  const TYPE_NAMES = { NEW_BUSINESS: "生活新业态", ONLINE_CULTURE: "网络文化", INDEPENDENT_ART: "独立文艺" };
  const NEEDS = { SOCIAL_SECURITY: "社会保障", CAREER: "职业发展", LEGAL: "法律帮助", STUDY: "学习机会" };

  const field = (label, control) => el("label", { class: "field" }, label, control);
  const options = (pairs, selected, blank) => [blank ? el("option", { value: "" }, blank) : null,
    ...pairs.map(([v, t]) => el("option", { value: v, selected: v === selected }, t))];

  function subtypeSelect(selected) {
    return el("select", { name: "subtype", required: true }, el("option", { value: "" }, "请选择"),
      Object.entries(SUBTYPES).map(([type, subs]) => el("optgroup", { label: TYPE_NAMES[type] },
        Object.entries(subs).map(([code, name]) => el("option", { value: code, selected: code === selected }, name)))));
  }
  const youthTypeOf = (subtype) => Object.keys(SUBTYPES).find((t) => SUBTYPES[t][subtype]);

  function needsBoxes(chosen) {
    return el("fieldset", {}, el("legend", {}, "需要的帮助（可多选）"), Object.entries(NEEDS).map(([code, name]) =>
      el("label", { class: "check" }, el("input", { type: "checkbox", name: "needs", value: code,
        checked: (chosen || []).includes(code) }), name)));
  }

  function registerForm(onSubmit) {
    const form = el("form", { id: "register-form", class: "card" },
      el("h3", {}, "登记成为服务对象"),
      field("姓名", el("input", { name: "name", required: true, autocomplete: "name" })),
      field("性别", el("select", { name: "gender", required: true }, options([["MALE", "男"], ["FEMALE", "女"]], null, "请选择"))),
      field("出生日期", el("input", { name: "birthDate", type: "date", required: true })),
      field("手机号", el("input", { name: "mobile", type: "tel", required: true, autocomplete: "tel" })),
      field("工作或居住的区", el("select", { name: "district", required: true }, options(DISTRICTS.map((d) => [d[0], d[1]]), null, "请选择"))),
      field("从业类型", subtypeSelect(null)),
      field("身份证号（可选）", el("input", { name: "idNumber", autocomplete: "off" })),
      needsBoxes([]),
      el("fieldset", {}, el("legend", {}, "个人信息处理同意"),
        el("label", { class: "check" }, el("input", { type: "checkbox", name: "consents", value: "REGISTRATION", required: true }),
          "同意为登记和联系我而处理我的信息（必选）"),
        el("label", { class: "check" }, el("input", { type: "checkbox", name: "consents", value: "SERVICE_RECORDS" }),
          "同意记录我接受的服务")),
      el("button", { type: "submit", class: "wide" }, "提交登记"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const input = { name: f.get("name").trim(), gender: f.get("gender"), birthDate: f.get("birthDate"),
        mobile: f.get("mobile").trim(), district: f.get("district"), subtype: f.get("subtype"),
        youthType: youthTypeOf(f.get("subtype")), consents: f.getAll("consents"), channel: "APP" };
      if (f.get("idNumber").trim()) input.idNumber = f.get("idNumber").trim();
      if (f.getAll("needs").length) input.needs = f.getAll("needs");
      onSubmit(input);
    });
    return form;
  }

  function profileForm(me, onSubmit) {
    const form = el("form", { id: "profile-form", class: "card" },
      el("h3", {}, "修改资料"),
      field("手机号", el("input", { name: "mobile", type: "tel", autocomplete: "tel", value: me.mobile || "" })),
      field("工作或居住的区", el("select", { name: "district" }, options(DISTRICTS.map((d) => [d[0], d[1]]), me.district))),
      field("从业类型", subtypeSelect(me.subtype)),
      field("学历", el("select", { name: "education" }, options(Object.entries(EDUCATION), me.education, "未填写"))),
      needsBoxes(me.needs),
      el("button", { type: "submit", class: "wide" }, "保存"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const input = { mobile: f.get("mobile").trim() || null, district: f.get("district"), subtype: f.get("subtype"),
        youthType: youthTypeOf(f.get("subtype")), needs: f.getAll("needs") };
      if (f.get("education")) input.education = f.get("education");
      onSubmit(input, me.version);
    });
    return form;
  }

  window.XQM.forms = { registerForm, profileForm };
})();
