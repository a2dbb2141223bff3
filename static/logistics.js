// Logistics board: when a refresh cannot reach the venue server, say so above the board
// (it keeps what it showed); the next refresh that works removes the note.
(function () {
  "use strict";
  function note(show) {
    var found = document.querySelector("[data-board] .board-lost");
    if (found) found.hidden = !show;
  }
  document.addEventListener("htmx:sendError", function (evt) {
    if (evt.detail.elt && evt.detail.elt.matches("[data-board]")) note(true);
  });
  document.addEventListener("htmx:responseError", function (evt) {
    if (evt.detail.elt && evt.detail.elt.matches("[data-board]")) note(true);
  });
})();
