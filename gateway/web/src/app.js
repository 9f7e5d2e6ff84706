// The dashboard page: log in with a token, pick the sections the gateway can serve, query them, and
// keep them live through the `dashboardUpdated` subscription (graphql-transport-ws).
(function () {
  const ROLE_NAMES = {
    admin: "管理员", registry_operator: "登记员", branch_secretary: "团组织书记", station_staff: "站点工作人员",
    department_viewer: "部门查看人员", partner: "合作单位", department_staff: "部门工作人员",
  };
  const $ = (id) => document.getElementById(id);
  const state = { token: null, districts: {}, sections: [], unsubscribe: null, ws: null };
  window.XQ.state = state; // for tests and curious developers: state.last is the last dashboard shown

  function readToken() {
    const m = location.hash.match(/token=([^&]+)/);
    if (m) {
      sessionStorage.setItem("xq-token", decodeURIComponent(m[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem("xq-token");
  }

  function claims(token) {
    // shown to the person only; the gateway verifies the token on every request
    try {
      return JSON.parse(decodeURIComponent(escape(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")))));
    } catch (e) {
      return {};
    }
  }

  XQ.claims = () => claims(state.token || ""); // sections put the caller's own work first (joint.js)

  async function post(query, variables) {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  }

  async function gql(query, variables) {
    const body = await post(query, variables);
    if (body.errors && body.errors.length) {
      const err = new Error(body.errors[0].message);
      err.code = body.errors[0].extensions && body.errors[0].extensions.code;
      throw err;
    }
    return body.data;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function showLogin(message) {
    $("board").hidden = true;
    $("who").hidden = true;
    $("login").hidden = false;
    if (message) $("login").querySelector("p").textContent = message;
  }

  async function loadSectionScripts() {
    const files = await (await fetch("sections/index.json")).json();
    for (const file of files) {
      await new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = `sections/${file}`;
        s.onload = resolve;
        s.onerror = reject;
        document.body.appendChild(s);
      });
    }
  }

  function filters() {
    const v = (id) => $(id).value || null;
    return { district: v("district"), from: v("from"), to: v("to") };
  }

  function selection() {
    return state.sections.map((s) => s.selection).join("\n");
  }

  function render(dashboard) {
    state.last = dashboard;
    for (const s of state.sections) {
      const el = document.querySelector(`[data-section="${s.id}"] .body`);
      try {
        s.render(el, dashboard, XQ.ui);
      } catch (e) {
        el.textContent = "该部分暂时无法显示。"; console.error(s.id, e);
      }
    }
    document.body.dataset.updated = String(Date.now()); // tests wait on this
  }

  const ARGS = "$district: String, $from: Date, $to: Date";
  const PASS = "district: $district, from: $from, to: $to";

  function describePeriod() {
    // one date range drives every section, each by its own date; current-state figures ignore it
    const f = filters();
    $("period").textContent = !f.from && !f.to ? "统计期间：全部。"
      : `统计期间：${f.from || "最早"} 至 ${f.to || "今天"}（登记、入团、会议、服务人次、志愿班次、开班、活动、受理工单等按各自日期统计；` +
        "站点数、团支部数、团员数等当前状态，本年推优和筑梦空间累计数不受影响）。";
  }

  async function refresh() {
    showError(null);
    describePeriod();
    try {
      // partial answers are drawn: one domain's error leaves the other sections standing
      const body = await post(`query Dashboard(${ARGS}) { dashboard(${PASS}) { district ${selection()} } }`, filters());
      if (body.data && body.data.dashboard) render(body.data.dashboard);
      if (body.errors && body.errors.length) showError(body.errors[0].message);
    } catch (e) {
      showError(`无法连接服务器：${e.message}`);
    }
    subscribe();
  }

  function subscribe() {
    if (state.unsubscribe) state.unsubscribe();
    const live = $("live");
    live.dataset.state = "connecting";
    live.textContent = "连接中…";
    if (!state.ws) {
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
      state.ws = graphqlWs.createClient({
        url,
        connectionParams: () => ({ authorization: `Bearer ${state.token}` }),
        retryAttempts: Infinity,
        shouldRetry: () => true,
        on: {
          connected: () => { live.dataset.state = "live"; live.textContent = "实时更新中"; },
          closed: () => { live.dataset.state = "offline"; live.textContent = "实时连接已断开，正在重连…"; },
        },
      });
    }
    state.unsubscribe = state.ws.subscribe(
      { query: `subscription Live(${ARGS}) { dashboardUpdated(${PASS}) { district ${selection()} } }`, variables: filters() },
      {
        next: (msg) => {
          if (msg.data && msg.data.dashboardUpdated) render(msg.data.dashboardUpdated);
          if (msg.errors) showError(msg.errors[0].message);
        },
        error: () => { live.dataset.state = "offline"; live.textContent = "实时连接失败"; },
        complete: () => {},
      },
    );
  }

  async function start() {
    const c = claims(state.token);
    let meta;
    try {
      meta = await gql("{ districts { code name } dashboard { available district } }");
    } catch (e) {
      sessionStorage.removeItem("xq-token");
      showLogin(e.code === "UNAUTHENTICATED" || e.code === "FORBIDDEN" ? `无法登录：${e.message}` : e.message);
      return;
    }
    $("login").hidden = true;
    $("board").hidden = false;
    const roles = (c.roles || []).map((r) => ROLE_NAMES[r] || r).join("、");
    const select = $("district");
    select.innerHTML = '<option value="">全市</option>' +
      meta.districts.map((d) => `<option value="${d.code}">${d.name}</option>`).join("");
    meta.districts.forEach((d) => { state.districts[d.code] = d.name; });
    const scoped = meta.dashboard.district;
    if (scoped) { // a district-scoped token sees its district only
      select.value = scoped;
      select.disabled = true;
    }
    $("who").hidden = false;
    $("who").textContent = `${roles || "未知角色"} · ${scoped ? state.districts[scoped] : "全市"}`;

    await loadSectionScripts();
    const available = new Set(meta.dashboard.available);
    state.sections = XQ.sections.filter((s) => s.needs.every((p) => available.has(p)))
      .sort((a, b) => a.order - b.order);
    const grid = $("sections");
    grid.innerHTML = "";
    for (const s of state.sections) {
      const card = document.createElement("section");
      card.className = `card ${s.size || ""}`;
      card.dataset.section = s.id;
      card.innerHTML = `<h2>${s.title}</h2><div class="body"></div>`;
      grid.appendChild(card);
    }
    await refresh();
  }

  $("filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem("xq-token");
    location.reload();
  });
  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value.trim();
    sessionStorage.setItem("xq-token", state.token);
    start();
  });
  window.addEventListener("resize", () => {
    document.querySelectorAll(".chart").forEach((n) => { const c = echarts.getInstanceByDom(n); if (c) c.resize(); });
  });

  state.token = readToken();
  if (state.token) start();
  else showLogin();
})();
