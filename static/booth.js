// The booth phone: scans go to the venue machine at once, and when the phone cannot reach it
// (Wi-Fi gone, the machine restarting) they wait in this phone's storage and are sent when the
// connection is back. Each scan gets its op id here, so a scan sent twice is one lead.
(function () {
  "use strict";
  var KEY = "kiosk.booth.queue";
  var RETRY_MS = 10000;
  var scanForm, leadForm, queueLabel, current = null;  // current: {leadId} or {queued: opId}

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function queue() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function keep(items) { localStorage.setItem(KEY, JSON.stringify(items)); showQueue(); }
  function showQueue() {
    var n = queue().length;
    queueLabel.textContent = n ? queueLabel.dataset.some.replace("{n}", n) : queueLabel.dataset.none;
    queueLabel.classList.toggle("tag-warn", n > 0);
  }
  function csrf() { return scanForm.querySelector("[name=csrf_token]").value; }

  function post(url, fields) {
    var body = new FormData();
    body.append("csrf_token", csrf());
    Object.keys(fields).forEach(function (k) { if (fields[k] !== "" && fields[k] != null) body.append(k, fields[k]); });
    return fetch(url, {method: "POST", body: body, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return {status: r.status, data: data}; }); });
  }

  function leadFields() {
    var fields = {};
    new FormData(leadForm).forEach(function (value, name) { if (name !== "csrf_token") fields[name] = value; });
    return fields;
  }

  function showForm(shown) {
    leadForm.hidden = !shown;
    var hint = document.getElementById("booth-hint");
    if (hint) hint.hidden = shown;
  }

  function show(lead, offline) {
    showForm(true);
    leadForm.reset();
    leadForm.querySelector(".result").className = "result " + (lead ? "tone-ok" : "tone-warn");
    document.getElementById("lead-name").textContent = lead ? (lead.attendee.first_name + " " + lead.attendee.last_name) : offline.code;
    document.getElementById("lead-company").textContent = lead ? [lead.attendee.company, lead.attendee.email].filter(Boolean).join(" · ") : offline.words;
    document.getElementById("lead-visits").textContent = "";
    if (lead) {
      if (lead.rating) leadForm.querySelector("[name=rating][value='" + lead.rating + "']").checked = true;
      leadForm.querySelector("[name=note]").value = lead.note || "";
    }
  }

  function problem(text) {
    showForm(false);
    var panel = document.getElementById("panel");
    var old = panel.querySelector(".booth-problem");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "result tone-error booth-problem";
    box.setAttribute("role", "alert");
    box.textContent = text;
    panel.prepend(box);
  }
  function clearProblem() { var old = document.querySelector(".booth-problem"); if (old) old.remove(); }

  function sendQueued() {
    var items = queue();
    if (!items.length) return Promise.resolve();
    var item = items[0];
    return post(scanForm.action, item).then(function (answer) {
      // Sent (201), or refused for good (unknown code, bad input): either way it leaves the queue.
      keep(queue().filter(function (q) { return q.op_id !== item.op_id; }));
      if (current && current.queued === item.op_id && answer.status === 201) current = {leadId: answer.data.lead_id};
      return sendQueued();
    }, function () { /* still offline: try again later */ });
  }

  function onScan(event) {
    event.preventDefault();
    var field = scanForm.querySelector("[name=code]");
    var code = field.value.trim();
    if (!code) return;
    var item = {op_id: newId(), code: code};
    field.value = "";
    clearProblem();
    post(scanForm.action, item).then(function (answer) {
      if (answer.status === 201) { current = {leadId: answer.data.lead_id}; show(answer.data); return; }
      problem(answer.data.message || queueLabel.dataset.none);
    }, function () {
      keep(queue().concat([item]));
      current = {queued: item.op_id};
      show(null, {code: code, words: queueLabel.dataset.some.replace("{n}", queue().length)});
    }).finally(function () { field.focus(); });
  }

  function onSave(event) {
    event.preventDefault();
    if (!current) return;
    var fields = leadFields();
    if (current.queued) {  // not sent yet: the answers travel with the scan itself
      keep(queue().map(function (q) { return q.op_id === current.queued ? Object.assign(q, fields) : q; }));
      showForm(false);
      return;
    }
    var url = leadForm.dataset.saveUrl.replace("LEAD", encodeURIComponent(current.leadId));
    post(url, fields).then(function (answer) {
      if (answer.status === 200) { showForm(false); window.location.reload(); return; }
      problem(answer.data.message || "");
    }, function () { problem(queueLabel.dataset.some.replace("{n}", queue().length)); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scanForm = document.querySelector("[data-booth-scan]");
    leadForm = document.querySelector("[data-booth-lead]");
    queueLabel = document.getElementById("booth-queue");
    if (!scanForm || !leadForm) return;
    scanForm.addEventListener("submit", onScan);
    leadForm.addEventListener("submit", onSave);
    showQueue();
    sendQueued();
    window.addEventListener("online", sendQueued);
    setInterval(sendQueued, RETRY_MS);
  });
})();
