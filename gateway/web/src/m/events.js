// 活动: upcoming public events with the places left; a signed-in person books or cancels.
// Below them the programmes (e.g. 骑手班) to enrol in: programmes.js.
(function () {
  const { $, state, gql, say, el, when, districtName } = window.XQM;
  const UPCOMING = `query { upcomingEvents(first: 30) { nodes { id title kind district startsAt capacity
    remainingPlaces stationName } } }`;
  const MY_BOOKINGS = "query { me { bookings { eventId } } }";
  const BOOK = "mutation($e: ID!) { bookEvent(eventId: $e) { id } }";
  const CANCEL = "mutation($e: ID!) { cancelBooking(eventId: $e) { id } }";

  async function myBookings() {
    if (!state.token) return new Set();
    try {
      return new Set((await gql(MY_BOOKINGS)).me.bookings.map((b) => b.eventId));
    } catch (e) {
      return new Set(); // not registered yet (NOT_FOUND): nothing booked
    }
  }

  function action(event, booked) {
    if (!state.token) {
      return el("button", { type: "button", class: "secondary", onclick: () => window.XQM.open("mine") }, "登录后报名");
    }
    if (booked) {
      return el("button", { type: "button", class: "secondary", "data-action": "cancel",
        onclick: () => act(CANCEL, event, "已取消报名") }, "取消报名");
    }
    return el("button", { type: "button", "data-action": "book", disabled: event.remainingPlaces <= 0,
      onclick: () => act(BOOK, event, "报名成功") }, event.remainingPlaces > 0 ? "报名" : "已满");
  }

  function render(events, booked) {
    const list = $("event-list");
    list.replaceChildren(...events.map((ev) => el("li", { "data-event-id": ev.id },
      el("div", { class: "title" }, ev.title),
      el("div", { class: "meta" }, `${when(ev.startsAt)} · ${districtName(ev.district)}${ev.stationName ? ` · ${ev.stationName}` : ""}`),
      el("div", { class: "meta" }, "剩余名额 ", el("strong", { class: "remaining" }, String(ev.remainingPlaces)),
        ` / ${ev.capacity}`, booked.has(ev.id) ? el("strong", { class: "booked" }, " · 已报名") : null),
      el("div", { class: "row" }, action(ev, booked.has(ev.id))))));
    if (!events.length) list.append(el("li", {}, "近期没有活动。"));
  }

  async function load() {
    const [events, booked] = await Promise.all([gql(UPCOMING).then((d) => d.upcomingEvents.nodes), myBookings()]);
    render(events, booked);
    return events;
  }

  // The public list is a read model that follows the booking within moments: reload until it shows the change.
  async function act(mutation, event, done) {
    try {
      await gql(mutation, { e: event.id });
      say(done);
    } catch (e) {
      return say(e.rule === "capacity_reached" ? "名额已满" : `操作失败：${e.message}`, true);
    }
    for (let i = 0; i < 20; i++) {
      const now = (await load()).find((x) => x.id === event.id);
      if (!now || now.remainingPlaces !== event.remainingPlaces) return;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async function show() {
    $("events-signin").hidden = !!state.token;
    const programmes = window.XQM.programmes.show();
    try {
      await load();
    } catch (e) {
      say(`活动加载失败：${e.message}`, true);
    }
    await programmes;
  }

  window.XQM.tabs.events = { init: () => {}, show };
})();
