/* The counter, keyboard first.
 *
 * A keyboard-wedge scanner types the lines of the zone, each followed by Enter: the zone is read
 * as soon as it is complete (two lines of 44 or 36 characters, or three of 30), and Ctrl+Enter
 * reads it at any time. Pasting works the same. After the reading the cursor lands on the one
 * thing the server says remains to do (data-focus), else on Admit, so a plain admit is Enter.
 * Enter in the decision form takes the pending decision (Admit unless F8 or F9 chose another);
 * F8 refers to secondary, F9 refuses (asking the reason first), F7 takes a photo, F2 opens the
 * form for documents without a zone, Escape goes back to the scan box.
 * Every form also works without this script, as a plain POST.
 */
(function () {
  "use strict";

  var LAYOUTS = [[3, 30], [2, 36], [2, 44]];

  function complete(text) {
    var lines = text.split(/\r\n|\r|\n/).map(function (line) {
      return line.replace(/\s+/g, "");
    }).filter(function (line) { return line.length > 0; });
    return LAYOUTS.some(function (layout) {
      return lines.length === layout[0] && lines.every(function (line) {
        return line.length >= layout[1] && line.length <= layout[1] + 1;
      });
    });
  }

  /* A UUIDv7 (RFC 9562) minted here, so that a retried submission is recognised as the same. */
  function uuid7() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var ms = Date.now();
    for (var i = 5; i >= 0; i--) { bytes[i] = ms % 256; ms = Math.floor(ms / 256); }
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function scanBox() { return document.querySelector("textarea[data-scan]"); }

  function backToScan() {
    var box = scanBox();
    if (!box) { return; }
    var inspection = document.getElementById("inspection");
    if (inspection) { inspection.remove(); }
    box.value = "";
    box.focus();
  }

  function decide(form, decision) {
    if (decision === "refused") {
      var reason = form.elements.refusal_reason;
      if (reason && !reason.value) {
        form.dataset.pending = "refused";
        form.querySelector(".refusal").classList.add("pending");
        reason.focus();
        return;
      }
    }
    var button = form.querySelector('button[data-decision="' + decision + '"]');
    if (button && !button.disabled) { button.click(); }
  }

  function place(root) {
    var form = (root || document).querySelector("#decision-form");
    if (form) {
      var submission = form.elements.submission;
      if (submission && !form.dataset.minted && !form.querySelector(".errorlist")) {
        submission.value = uuid7();
        form.dataset.minted = "1";
      }
      var name = form.dataset.focus || "admitted";
      var target = form.querySelector('button[data-decision="' + name + '"]:not([disabled])') ||
        form.querySelector('[name="' + name + '"]:not([type=hidden])') ||
        form.querySelector("button[data-decision]:not([disabled])");
      if (target) { target.focus(); }
      setUpCamera(form);
      return;
    }
    var box = scanBox();
    if (box && !document.querySelector("#manual-entry[open]")) { box.focus(); }
  }

  /* The counter's camera, where the browser has one: F7 starts it, F7 again takes the photo. */
  var stream = null;
  function setUpCamera(form) {
    var panel = form.querySelector("[data-camera]");
    if (!panel || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { return; }
    panel.hidden = false;
    panel.querySelector("[data-camera-button]").addEventListener("click", function () {
      camera(form);
    });
  }
  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
  }
  function camera(form) {
    var panel = form.querySelector("[data-camera]");
    if (!panel || panel.hidden) { return; }
    var video = panel.querySelector("[data-camera-video]");
    if (!stream) {
      navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
      }).catch(function () { panel.hidden = true; });
      return;
    }
    var canvas = document.createElement("canvas");
    var width = Math.min(video.videoWidth || 480, 480);
    var height = Math.round(width * ((video.videoHeight || 360) / (video.videoWidth || 480)));
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    var data = canvas.toDataURL("image/jpeg", 0.8);
    form.elements.photo.value = data;
    var img = panel.querySelector("[data-camera-photo]");
    img.src = data;
    img.hidden = false;
    video.hidden = true;
    stopCamera();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "F2") {
      var manual = document.getElementById("manual-entry");
      if (manual) {
        event.preventDefault();
        manual.open = true;
        var first = manual.querySelector("select, input:not([type=hidden])");
        if (first) { first.focus(); }
      }
      return;
    }
    if (target.matches && target.matches("textarea[data-scan]")) {
      if (event.key === "Enter" && (event.ctrlKey || complete(target.value))) {
        event.preventDefault();
        target.form.requestSubmit();
      }
      return;
    }
    var form = document.getElementById("decision-form");
    if (!form) { return; }
    var inForm = form.contains(target);
    if (event.key === "F8" || event.key === "F9") {
      event.preventDefault();
      decide(form, event.key === "F8" ? "referred" : "refused");
    } else if (event.key === "F7") {
      event.preventDefault();
      camera(form);
    } else if (event.key === "Escape") {
      event.preventDefault();
      stopCamera();
      backToScan();
    } else if (event.key === "Enter" && inForm && target.tagName !== "BUTTON" &&
               (target.tagName !== "TEXTAREA" || event.ctrlKey)) {
      event.preventDefault();
      decide(form, form.dataset.pending || "admitted");
    }
  });

  document.addEventListener("paste", function (event) {
    var target = event.target;
    if (target.matches && target.matches("textarea[data-scan]")) {
      setTimeout(function () {
        if (complete(target.value)) { target.form.requestSubmit(); }
      }, 0);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    stopCamera();
    place(event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () { place(document); });
}());
