// The joint meeting's own work (issue 18): the 22 measures (area, title, lead department, progress, last
// report, stale flag, example marker) and the open action items by department and district, both filterable
// here on the page. A department's staff (token claim `department`) see their own work first; a district
// token's own district's items come first too. Free text is escaped (XQ.ui.esc).
(function () {
  const filter = { area: "", lead: "", stale: false, assignee: "" };
  let last = null;
  let ui = null;

  function mine() {
    const c = XQ.claims ? XQ.claims() : {};
    return { department: c.department || null, district: c.district || null };
  }

  function ownFirst(rows, isMine) {
    // stable: own rows keep their order, then the others keep theirs
    return rows.filter(isMine).concat(rows.filter((r) => !isMine(r)));
  }

  function options(select, pairs, all) {
    const keep = select.value;
    select.innerHTML = `<option value="">${all}</option>` +
      pairs.map(([v, t]) => `<option value="${ui.esc(v)}">${ui.esc(t)}</option>`).join("");
    select.value = pairs.some(([v]) => v === keep) ? keep : "";
  }

  function controls(el) {
    let box = el.querySelector(".joint-filters");
    if (box) return box;
    box = document.createElement("form");
    box.className = "filters joint-filters";
    box.innerHTML =
      '<label>方面 <select data-filter="area"></select></label>' +
      '<label>牵头单位 <select data-filter="lead"></select></label>' +
      '<label><input type="checkbox" data-filter="stale"> 只看久未报告</label>' +
      '<label>待办承办方 <select data-filter="assignee"></select></label>';
    box.addEventListener("change", (e) => {
      const f = e.target.dataset.filter;
      filter[f] = e.target.type === "checkbox" ? e.target.checked : e.target.value;
      draw(el);
    });
    box.addEventListener("submit", (e) => e.preventDefault());
    el.appendChild(box);
    return box;
  }

  function block(el, key) {
    let node = el.querySelector(`[data-block="${key}"]`);
    if (!node) { node = document.createElement("div"); node.dataset.block = key; el.appendChild(node); }
    return node;
  }

  function draw(el) {
    const j = last;
    const me = mine();
    const box = controls(el);
    const uniq = (pairs) => [...new Map(pairs).entries()];
    options(box.querySelector('[data-filter="area"]'), uniq(j.measures.map((m) => [m.area, m.areaName])), "全部");
    options(box.querySelector('[data-filter="lead"]'), uniq(j.measures.map((m) => [m.lead.code, m.lead.name])), "全部");
    options(box.querySelector('[data-filter="assignee"]'),
      uniq(j.byAssignee.map((a) => [a.assignee, a.name])), "全部");

    const examples = j.measures.some((m) => m.example);
    block(el, "note").innerHTML = examples
      ? '<p class="note" data-examples="true">标注“示例”的措施标题为示例文本，正式清单由联席会议办公室载入后替换。</p>' : "";

    const measures = ownFirst(j.measures, (m) => m.lead.code === me.department).filter((m) =>
      (!filter.area || m.area === filter.area) && (!filter.lead || m.lead.code === filter.lead) &&
      (!filter.stale || m.stale));
    block(el, "measures").innerHTML = '<table class="figures" data-figures="jointMeeting.measures">' +
      "<tr><th>方面</th><th>措施</th><th>牵头单位</th><th>进度</th><th>最近报告</th><th>状态</th></tr>" +
      measures.map((m) => `<tr data-key="${ui.esc(m.id)}"${m.lead.code === me.department ? ' class="mine"' : ""}>` +
        `<td>${ui.esc(m.areaName)}</td>` +
        `<td>${ui.esc(m.id)} ${ui.esc(m.title)}${m.example ? ' <span class="tag" data-example="true">示例</span>' : ""}</td>` +
        `<td>${ui.esc(m.lead.name)}</td><td class="n" data-progress>${m.progress}%</td>` +
        `<td data-last-report>${ui.esc(m.lastReportOn || "—")}</td>` +
        `<td data-stale="${m.stale}">${m.stale ? `<span class="tag warn">超过 ${j.staleAfterDays} 天未报告</span>` : "正常"}</td>` +
        "</tr>").join("") + "</table>";

    const isMine = (i) => (i.assigneeKind === "DEPARTMENT" && i.assignee === me.department) ||
      (!me.department && i.assigneeKind === "DISTRICT" && i.assignee === me.district);
    const items = ownFirst(j.openItems, isMine).filter((i) => !filter.assignee || i.assignee === filter.assignee);
    block(el, "items").innerHTML = `<h3>在办待办（${j.openItemsTotal}，超期 ${j.overdueItems}）</h3>` +
      '<table class="figures" data-figures="jointMeeting.openItems">' +
      "<tr><th>承办方</th><th>事项</th><th>所属</th><th>期限</th><th>状态</th></tr>" +
      items.map((i) => `<tr data-key="${ui.esc(i.id)}">` +
        `<td>${ui.esc(i.assigneeName)}</td><td>${ui.esc(i.title)}</td>` +
        `<td>${ui.esc(i.district ? (XQ.state.districts[i.district] || i.district) : "市级")}</td>` +
        `<td>${ui.esc(i.dueOn)}</td><td>${i.overdue ? '<span class="tag warn">超期</span>' : "在办"}</td></tr>`).join("") +
      "</table>";
    ui.table(el, "jointMeeting.byAssignee", ["承办方", "在办", "超期"],
      j.byAssignee.map((a) => ({ key: a.assignee, cells: [a.name, a.open, a.overdue] })));
  }

  XQ.section({
    id: "joint-meeting", title: "联席会议：措施推进与待办事项", order: 24, size: "wide",
    selection: "jointMeeting { staleAfterDays staleMeasures openItemsTotal overdueItems " +
      "measures { id area areaName title example lead { code name } progress lastReportOn stale } " +
      "openItems { id title assigneeKind assignee assigneeName district dueOn overdue } " +
      "byAssignee { assigneeKind assignee name open overdue } }",
    render(el, d, helpers) {
      ui = helpers;
      last = d.jointMeeting;
      ui.kpis(el, "jointMeeting", last, [
        ["久未报告的措施", "staleMeasures"],
        ["在办待办", "openItemsTotal"],
        ["超期待办", "overdueItems"],
      ]);
      draw(el);
    },
  });
})();
