// Reloads the page every `data-seconds` seconds while it follows a job that is waiting or running
// (a purchase order being sent, a bank import, a van-planner scenario). Not <meta http-equiv="refresh">:
// a refresh the reader cannot stop fails WCAG 2.2.1 (axe's "meta-refresh"). This one waits while the
// reader is typing in a field or looking at another tab; without JavaScript the page offers a link.
(function () {
  "use strict";
  var seconds = Number(document.currentScript && document.currentScript.dataset.seconds) || 3;
  function tick() {
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    if (document.hidden || typing) {
      window.setTimeout(tick, seconds * 1000);
    } else {
      window.location.reload();
    }
  }
  window.setTimeout(tick, seconds * 1000);
})();
