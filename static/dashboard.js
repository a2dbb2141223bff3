// Arrivals dashboard: say so when the figures stop updating (the tablet lost the server), and
// stop saying so once a refresh arrives again. htmx keeps polling on its own.
(function () {
  "use strict";
  function banner(show) {
    var el = document.getElementById("dash-offline");
    if (el) el.hidden = !show;
  }
  function fromLive(evt) {
    var target = evt.detail && evt.detail.elt;
    return target && target.id === "live";
  }
  document.addEventListener("htmx:sendError", function (evt) { if (fromLive(evt)) banner(true); });
  document.addEventListener("htmx:responseError", function (evt) { if (fromLive(evt)) banner(true); });
  document.addEventListener("htmx:afterSwap", function (evt) { if (fromLive(evt)) banner(false); });
})();
