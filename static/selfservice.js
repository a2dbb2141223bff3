// Self-service screen: after SELFSERVICE_IDLE_SECONDS without a touch or a key, forget the
// attendee (a POST to /self/reset, so the server deletes the visit) and show the welcome
// screen. Twenty seconds before that (WCAG 2.2.1) a warning asks "Are you still there?"; any
// touch answers it and tells the server the visit is still in use. A screen waiting for the
// printer never resets; the welcome screen only clears half-typed scanner text.
//
// The scan field reports the milliseconds between the keys that filled it (hidden "keys"):
// the server checks in at once only text that came at a scanner's pace, and asks for the last
// name when it was typed.
(function () {
  "use strict";
  var WARN_BEFORE = 20;
  var timers = [];
  var lastPing = 0;
  function seconds() { return parseInt(document.body.dataset.idleSeconds || "30", 10); }
  function resets() { return document.body.hasAttribute("data-idle-reset"); }
  function warning() { return document.getElementById("ss-idle-warning"); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"]; }
    catch (e) { return ""; }
  }
  function idle() {
    var form = document.getElementById("reset-form");
    if (resets() && form) {
      form.submit();
      return;
    }
    var field = document.querySelector("[data-keep-focus]");
    if (field) field.value = "";
    keys = [];
    arm();
  }
  var keys = [];
  var lastKey = 0;
  function keyTiming(evt) {
    if (evt.target.id !== "ss-code" || evt.key.length !== 1) return;  // characters, not Shift
    if (evt.target.value === "") keys = [];
    else keys.push(Math.round(evt.timeStamp - lastKey));
    lastKey = evt.timeStamp;
    var report = document.getElementById("ss-keys");
    if (report) report.value = keys.join(",");
  }
  function warn() { if (warning()) warning().hidden = false; }
  function ping() {
    // Keeps the server's copy of the visit alive while someone is still at the screen.
    var now = Date.now();
    if (!resets() || now - lastPing < 5000 || !window.fetch) return;
    lastPing = now;
    fetch("/self/touch", { method: "POST", headers: { "X-CSRF-Token": csrf() },
                           credentials: "same-origin" }).catch(function () {});
  }
  function arm() {
    timers.forEach(clearTimeout);
    timers = [];
    if (warning()) warning().hidden = true;
    if (!document.body.hasAttribute("data-idle-seconds")) return;
    var total = seconds();
    if (resets()) timers.push(setTimeout(warn, Math.max(total - WARN_BEFORE, total / 3) * 1000));
    timers.push(setTimeout(idle, total * 1000));
  }
  function activity() { ping(); arm(); }
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, activity, true);
  });
  // Coming back to a page from the browser's cache would show an old screen: reload it.
  window.addEventListener("pageshow", function (evt) { if (evt.persisted) window.location.reload(); });
  document.addEventListener("keydown", keyTiming, true);
  document.addEventListener("DOMContentLoaded", function () { lastPing = Date.now(); arm(); });
})();
