// 找驿站: the nearest open stations around the phone (geolocation) or a chosen district's centre.
// Public: works before signing in.
(function () {
  const { $, gql, say, el, DISTRICTS, SERVICES } = window.XQM;
  const NEAREST = `query($lat: Float!, $lon: Float!) { nearestStations(lat: $lat, lon: $lon, limit: 10) {
    id name address district lat lon openingHours services distanceKm } }`;

  function navigationLink(s) { // AMap's web URI opens the AMap app on a phone, the web map elsewhere
    const url = `https://uri.amap.com/marker?position=${s.lon},${s.lat}&name=${encodeURIComponent(s.name)}&coordinate=wgs84&callnative=1`;
    return el("a", { class: "button secondary", href: url, target: "_blank", rel: "noopener" }, "导航");
  }

  function show(stations) {
    const list = $("station-list");
    list.replaceChildren(...stations.map((s) => el("li", { "data-station-id": s.id },
      el("div", { class: "title" }, s.name),
      el("div", { class: "meta" }, `${s.distanceKm.toFixed(1)} 公里 · ${s.address}`),
      s.openingHours ? el("div", { class: "meta" }, `开放时间：${s.openingHours}`) : null,
      el("ul", { class: "tags", "aria-label": "服务" }, s.services.map((t) => el("li", {}, SERVICES[t] || t))),
      el("div", { class: "row" }, navigationLink(s)))));
    if (!stations.length) list.append(el("li", {}, "附近没有开放中的驿站。"));
  }

  async function find(lat, lon) {
    say("正在查找附近的驿站…");
    try {
      show((await gql(NEAREST, { lat, lon })).nearestStations);
      say("");
    } catch (e) {
      say(`查找失败：${e.message}`, true);
    }
  }

  function locate() {
    if (!navigator.geolocation) return say("此设备无法定位，请选择区县。", true);
    say("正在定位…");
    navigator.geolocation.getCurrentPosition(
      (p) => find(p.coords.latitude, p.coords.longitude),
      () => say("无法获取位置（可能未授权），请选择区县。", true),
      { timeout: 10000, maximumAge: 60000 });
  }

  function init() {
    const select = $("station-district");
    for (const [code, name] of DISTRICTS) select.append(el("option", { value: code }, name));
    select.addEventListener("change", () => {
      const d = DISTRICTS.find((x) => x[0] === select.value);
      if (d) find(d[2], d[3]);
    });
    $("locate").addEventListener("click", locate);
  }

  window.XQM.tabs.stations = { init, show: () => {} };
})();
