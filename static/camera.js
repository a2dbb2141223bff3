// Camera scanning for every scanning screen where no wedge scanner is attached (desk, door,
// booth). A button `data-camera-for="FIELD_ID"` opens the camera; the first QR code read fills
// that field and submits its form, as a scanner's Enter would. The browser's BarcodeDetector
// reads codes where it exists; elsewhere jsQR (vendored, loaded only then) reads video frames.
// Cameras need a secure context (HTTPS, or localhost): without one the button stays hidden.
(function () {
  "use strict";
  var JSQR = "/static/vendor/jsqr-1.4.0.js";
  var EVERY_MS = 120;  // frames read per second: about 8, enough for a badge held up
  var jsqrLoading = null;

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    if (!jsqrLoading) {
      jsqrLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = JSQR;
        script.onload = function () { resolve(window.jsQR); };
        script.onerror = function () { jsqrLoading = null; reject(new Error("decoder")); };
        document.head.appendChild(script);
      });
    }
    return jsqrLoading;
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({formats: ["qr_code"]}) : null;
    }).catch(function () { return null; });
  }

  // A reader: video -> Promise of the text of a QR code in the current frame, or null.
  function makeReader(video) {
    return nativeDetector().then(function (detector) {
      if (detector) {
        return function () {
          return detector.detect(video).then(function (found) {
            return found.length ? found[0].rawValue : null;
          });
        };
      }
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", {willReadFrequently: true});
      return loadJsQR().then(function (jsQR) {
        return function () {
          var width = video.videoWidth, height = video.videoHeight;
          if (!width || !height) return Promise.resolve(null);
          var scale = Math.min(1, 800 / Math.max(width, height));
          canvas.width = Math.round(width * scale);
          canvas.height = Math.round(height * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
          var code = jsQR(pixels.data, pixels.width, pixels.height, {inversionAttempts: "dontInvert"});
          return Promise.resolve(code && code.data ? code.data : null);
        };
      });
    });
  }

  function dialogFor(button) {
    var dialog = document.createElement("dialog");
    dialog.className = "camera-dialog";
    dialog.setAttribute("aria-label", button.dataset.cameraTitle || button.textContent.trim());
    var video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.muted = true;
    var status = document.createElement("p");
    status.className = "camera-status";
    status.setAttribute("role", "status");
    status.textContent = button.dataset.cameraHint || "";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = button.dataset.cameraClose || "Close";
    dialog.append(video, status, close);
    document.body.appendChild(dialog);
    return {dialog: dialog, video: video, status: status, close: close};
  }

  function open(button) {
    var field = document.getElementById(button.dataset.cameraFor);
    if (!field) return;
    var view = dialogFor(button);
    var stream = null, timer = null, done = false;
    function stop() {
      done = true;
      if (timer) clearTimeout(timer);
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      view.dialog.close();
      view.dialog.remove();
      field.focus();
    }
    view.close.addEventListener("click", stop);
    view.dialog.addEventListener("cancel", stop);
    view.dialog.showModal();
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
      .then(function (media) {
        stream = media;
        view.video.srcObject = media;
        return view.video.play();
      })
      .then(function () { return makeReader(view.video); })
      .then(function (read) {
        performance.mark("camera-frame");
        function tick() {
          if (done) return;
          read().then(function (text) {
            if (done) return;
            if (text) {
              performance.mark("camera-read");
              stop();
              field.value = text;
              var form = field.form;
              if (form) form.requestSubmit(form.querySelector("button[type=submit].primary") || undefined);
              return;
            }
            timer = setTimeout(tick, EVERY_MS);
          }, function () { timer = setTimeout(tick, EVERY_MS); });
        }
        tick();
      })
      .catch(function () {
        view.status.textContent = button.dataset.cameraError || "The camera cannot be used.";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var usable = window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
    document.querySelectorAll("[data-camera-for]").forEach(function (button) {
      if (!usable) return;
      button.hidden = false;
      button.addEventListener("click", function () { open(button); });
    });
  });
})();
