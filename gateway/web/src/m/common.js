// What every tab of the mobile page shares: the youth token, GraphQL calls, the status line and the
// names shown for the API's codes. The token lives in sessionStorage (closing the tab signs out).
(function () {
  const TOKEN_KEY = "xq-youth-token"; // not the dashboard's key: a staff token and a youth token never mix
  const $ = (id) => document.getElementById(id);

  // The 16 districts (GB/T 2260) with a point near each district's centre: choosing a district searches
  // around that point, because nearestStations answers by coordinates.
  const DISTRICTS = [
    ["110101", "东城区", 39.928, 116.416], ["110102", "西城区", 39.912, 116.366], ["110105", "朝阳区", 39.921, 116.443],
    ["110106", "丰台区", 39.858, 116.287], ["110107", "石景山区", 39.906, 116.223], ["110108", "海淀区", 39.959, 116.298],
    ["110109", "门头沟区", 39.940, 116.102], ["110111", "房山区", 39.749, 116.143], ["110112", "通州区", 39.910, 116.657],
    ["110113", "顺义区", 40.130, 116.654], ["110114", "昌平区", 40.221, 116.231], ["110115", "大兴区", 39.727, 116.341],
    ["110116", "怀柔区", 40.316, 116.632], ["110117", "平谷区", 40.141, 117.121], ["110118", "密云区", 40.377, 116.843],
    ["110119", "延庆区", 40.456, 115.975],
  ];
  const SERVICES = { HEALTH_CHECK: "健康检查", FREE_CLINIC: "义诊", HAIRCUT: "理发", LEGAL: "法律咨询",
    CAREER: "就业指导", SOCIAL_SECURITY: "社保咨询", REST: "休息补给", OTHER: "其他" };
  const CONSENTS = { REGISTRATION: "登记信息", SERVICE_RECORDS: "服务记录", SHARE_WITH_AGENCY_HRSS: "共享给人社部门",
    SHARE_WITH_AGENCY_JUSTICE: "共享给司法部门", SHARE_WITH_AGENCY_UNION: "共享给工会", SHARE_WITH_AGENCY_WOMEN: "共享给妇联",
    SHARE_WITH_AGENCY_GOVSERVICE: "共享给政务服务部门" };
  const SUBTYPES = { NEW_BUSINESS: { DELIVERY_RIDER: "外卖骑手", COURIER: "快递员", RIDE_HAILING_DRIVER: "网约车司机",
      OTHER_PLATFORM_WORKER: "其他平台从业者" },
    ONLINE_CULTURE: { STREAMER: "主播", ONLINE_WRITER: "网络作家", CONTENT_CREATOR: "新媒体内容创作者", ESPORTS: "游戏电竞从业者" },
    INDEPENDENT_ART: { DESIGNER: "设计师", MUSICIAN: "独立音乐人", ARTIST: "独立艺术家/演员", PHOTOGRAPHER: "摄影师" } };
  const EDUCATION = { JUNIOR_HIGH_OR_BELOW: "初中及以下", SENIOR_HIGH: "高中", VOCATIONAL: "中专/职高", COLLEGE: "大专",
    BACHELOR: "本科", MASTER_OR_ABOVE: "研究生及以上" };
  const ERRORS = { NOT_FOUND: "未找到", DUPLICATE: "该手机号已登记", FORBIDDEN: "无权操作", UNAUTHENTICATED: "登录已失效，请重新登录",
    RATE_LIMITED: "操作太频繁，请稍后再试" };

  function readToken() {
    const m = location.hash.match(/token=([^&]+)/);
    if (m) { // the development login link: keep the token, drop it from the address bar
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  const state = { token: readToken(), me: null };

  function signIn(token) { sessionStorage.setItem(TOKEN_KEY, token); state.token = token; }
  function signOut() { sessionStorage.removeItem(TOKEN_KEY); state.token = null; state.me = null; }

  async function gql(query, variables) {
    const headers = { "content-type": "application/json" };
    if (state.token) headers.authorization = `Bearer ${state.token}`;
    const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    if (response.status === 429) throw Object.assign(new Error(ERRORS.RATE_LIMITED), { code: "RATE_LIMITED" });
    const body = await response.json();
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      const ext = e.extensions || {};
      throw Object.assign(new Error(e.message || ERRORS[ext.code] || "出错了"), { code: ext.code, rule: ext.rule });
    }
    return body.data;
  }

  function say(message, isError) {
    const box = $("status");
    box.textContent = message || "";
    box.classList.toggle("error", !!isError);
    box.hidden = !message;
  }

  // Build an element: el("li", {class: "x", "data-id": 1}, "text", child…); attributes set as given.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function when(iso) {
    return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", month: "long", day: "numeric",
      weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  function day(isoDate) { // a calendar date ("2026-12-12"), shown as that day in Beijing
    return new Date(`${isoDate}T12:00:00+08:00`).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai",
      month: "long", day: "numeric", weekday: "short" });
  }

  const districtName = (code) => (DISTRICTS.find((d) => d[0] === code) || [code, code])[1];
  const subtypeName = (code) => Object.values(SUBTYPES).map((s) => s[code]).find(Boolean) || code;

  window.XQM = { $, state, gql, say, el, when, day, signIn, signOut, districtName, subtypeName,
    DISTRICTS, SERVICES, CONSENTS, SUBTYPES, EDUCATION, tabs: {} };
})();
