// The mobile page's tabs: 找驿站, 活动, 求助, 我的.
(function () {
  const { $, tabs } = window.XQM;
  const NAMES = ["stations", "events", "help", "mine"];

  function open(name) {
    for (const n of NAMES) {
      $(`tab-${n}`).hidden = n !== name;
      $(`nav-${n}`).setAttribute("aria-selected", String(n === name));
    }
    window.XQM.say("");
    tabs[name].show();
  }

  for (const [i, n] of NAMES.entries()) {
    tabs[n].init();
    $(`nav-${n}`).addEventListener("click", () => open(n));
    // The tab list's keyboard convention: the arrow keys move to the neighbouring tab.
    $(`nav-${n}`).addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = NAMES[(i + step + NAMES.length) % NAMES.length];
      open(next);
      $(`nav-${next}`).focus();
    });
  }
  window.XQM.open = open;
  // Signed in through the development link: start on 我的, where the person sees their record.
  open(window.XQM.state.token ? "mine" : "stations");
})();
