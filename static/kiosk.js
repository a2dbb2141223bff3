// Kiosk desk behaviour: keep the scan field focused for keyboard-wedge scanners, play a
// short sound for each result (the panel also shows icon and words), clear the field.
(function () {
  "use strict";
  var sounds = {};
  function play(kind) {
    var src = document.body.dataset.sounds === "off" ? null : "/static/sounds/" + kind + ".wav";
    if (!src) return;
    try {
      sounds[kind] = sounds[kind] || new Audio(src);
      sounds[kind].currentTime = 0;
      var p = sounds[kind].play();
      if (p && p.catch) p.catch(function () {});
    } catch (e) { /* no audio device: the panel still says it */ }
  }
  function scanField() { return document.querySelector("[data-keep-focus]"); }
  function refocus() {
    var field = scanField();
    if (!field) return;
    var active = document.activeElement;
    var busy = active && active !== document.body && active !== field &&
      active.matches("input, select, textarea, button, a");
    if (!busy) field.focus();
  }
  function announce(root) {
    var result = (root || document).querySelector("[data-sound]");
    if (result) play(result.dataset.sound);
  }
  document.addEventListener("DOMContentLoaded", function () {
    refocus();
    announce(document);
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "panel") {
      announce(evt.detail.target);
      var field = scanField();
      // A scan result (from the scanner or a pick from the list) ends that person's turn.
      if (field && evt.detail.target.querySelector(".result[data-sound]")) field.value = "";
      refocus();
    }
  });
  // A scanner types into whatever has focus; bring stray keystrokes back to the scan field.
  document.addEventListener("click", function () { setTimeout(refocus, 0); });
})();
