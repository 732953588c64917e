// rdvletters: small additions only; every form works without this file.
// - copy buttons (e-mail address, subject, text);
// - proof files: paste a screenshot (Ctrl+V), drag and drop, list of chosen files;
// - the error summary takes the focus (autofocus does it too, without this file);
// - the caseload's first reading: the count moves on, the list shows once ready;
// - a question that depends on an answer shows only with it (the witness for the
//   counter, the expiry date for a renewal); without this file, every field shows.
"use strict";

(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Over plain http on a network address the Clipboard API is off: old way.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  function setupCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in source && source.tagName !== "OUTPUT" ? source.value : source.textContent;
      copyText(text).then(function () {
        button.textContent = button.getAttribute("data-done") || label;
        setTimeout(function () { button.textContent = label; }, 2500);
      });
    });
  }

  function addFiles(input, files) {
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { transfer.items.add(f); });
    Array.prototype.forEach.call(files, function (f) { transfer.items.add(f); });
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function stamp() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + "_" +
      two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
  }

  function pastedImages(event, baseName) {
    var items = (event.clipboardData && event.clipboardData.items) || [];
    var files = [];
    Array.prototype.forEach.call(items, function (item) {
      if (item.kind === "file" && /^image\/(png|jpeg)$/.test(item.type)) {
        var blob = item.getAsFile();
        var ext = item.type === "image/png" ? ".png" : ".jpg";
        files.push(new File([blob], baseName + "_" + stamp() + ext, { type: item.type }));
      }
    });
    return files;
  }

  function setupFiles(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-chosen]");
    if (!input) { return; }
    // On a phone there is no Ctrl+V: the hint speaks of the button instead.
    var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    zone.querySelectorAll(touch ? ".touch-hint" : ".paste-hint").forEach(function (el) { el.hidden = false; });
    input.addEventListener("change", function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name;
        list.appendChild(li);
      });
    });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      if (e.target === input) { zone.classList.remove("over"); return; }  // the input takes it
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) { addFiles(input, e.dataTransfer.files); }
    });
    // A paste anywhere in the form goes to its file field (but text still pastes into text fields).
    var form = zone.closest("form");
    (form || document).addEventListener("paste", function (e) {
      var files = pastedImages(e, input.getAttribute("data-pasted-name") || "capture");
      if (files.length) {
        e.preventDefault();
        addFiles(input, files);
      }
    });
  }

  // <select data-reveals="value:id value2:id2"> or radios data-reveals="id": each box shows
  // with its answer.
  function setupReveals(control) {
    control.getAttribute("data-reveals").split(/\s+/).forEach(function (spec) {
      if (spec) { setupReveal(control, spec); }
    });
  }

  function setupReveal(control, spec) {
    var value = spec.indexOf(":") >= 0 ? spec.split(":")[0] : null;
    var box = document.getElementById(spec.split(":").pop());
    if (!box) { return; }
    function update() {
      var on;
      if (control.tagName === "SELECT") { on = control.value === value; }
      else { on = control.checked; }
      box.hidden = !on;
      // a hidden answer is not sent: it would speak of what the person did not choose
      box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !on; });
    }
    var group = control.type === "radio" ? document.querySelectorAll('input[name="' + control.name + '"]') : [control];
    Array.prototype.forEach.call(group, function (el) { el.addEventListener("change", update); });
    update();
  }

  // The caseload while its first reading runs: the count moves on, and the page shows
  // the list once it is ready; not while the person is typing in a field (the words
  // would be lost): the page then only says the list is ready, beside its link. The bar
  // moves every second; the sentence, which a screen reader reads out, every 5 seconds.
  function setupPreparing(section) {
    var said = section.querySelector("[data-said]");
    var bar = section.querySelector("progress");
    var url = section.getAttribute("data-preparing");
    var spoken = Date.now();
    function typing() {
      var fields = document.querySelectorAll("input:not([type=hidden]), textarea, select");
      return Array.prototype.some.call(fields, function (el) {
        return el === document.activeElement || (el.type !== "checkbox" && el.value);
      });
    }
    function ask() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.ready && !typing()) { window.location.reload(); return; }
          if (state.ready || Date.now() - spoken >= 5000) {
            said.textContent = state.said;
            spoken = Date.now();
          }
          bar.max = Math.max(state.total, 1);
          bar.value = state.done;
          if (!state.ready) { setTimeout(ask, 1000); }
        })
        .catch(function () { setTimeout(ask, 3000); });
    }
    setTimeout(ask, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-reveals]").forEach(setupReveals);
    document.querySelectorAll("[data-copy]").forEach(setupCopy);
    document.querySelectorAll("[data-preparing]").forEach(setupPreparing);
    var zones = document.querySelectorAll("[data-dropzone]");
    zones.forEach(setupFiles);
    // On the record page (one file field), a paste outside the form also counts.
    if (zones.length === 1) {
      var only = zones[0].querySelector("input[type=file]");
      document.addEventListener("paste", function (e) {
        if (e.defaultPrevented || (zones[0].closest("form") || document).contains(e.target)) { return; }
        var files = pastedImages(e, only.getAttribute("data-pasted-name") || "capture");
        if (files.length) { e.preventDefault(); addFiles(only, files); }
      });
    }
  });
})();
