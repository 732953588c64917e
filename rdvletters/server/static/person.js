// rdvletters: the person's page. Without this file the form still works (a plain POST);
// with it: the time of the phone at the press, the attempt kept on the phone when there
// is no network and sent when it returns, the screenshot shared from the share sheet.
"use strict";

(function () {
  var form, scope, touched = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function isoLocal(d) {
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + "T" +
      two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) +
      sign + two(Math.floor(offset / 60)) + ":" + two(offset % 60);
  }

  function setNow() {
    if (touched) { return; }
    var d = new Date();
    form.elements.date.value = d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
    form.elements.time.value = two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function show(id, on) {
    var el = document.getElementById(id);
    if (el) { el.hidden = !on; }
  }

  function snapshot() {
    form.elements.client_id.value = rdvStore.newId();
    form.elements.phone_time.value = isoLocal(new Date());
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      fields.push([el.name, el.value]);
    });
    var files = Array.prototype.map.call(form.elements.proofs.files, function (f) {
      return { name: f.name, type: f.type, blob: f };
    });
    return { id: form.elements.client_id.value, url: form.action, fields: fields, files: files };
  }

  function send(item) {
    var data = new FormData();
    item.fields.forEach(function (f) { data.append(f[0], f[1]); });
    if (item.offline_since) { data.append("offline_since", item.offline_since); }
    item.files.forEach(function (f) { data.append("proofs", f.blob, f.name); });
    return fetch(item.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: {} }; });
    });
  }

  function countOutbox() {
    return rdvStore.all("outbox").then(function (items) {
      var box = document.getElementById("outbox");
      if (!box) { return items; }
      box.hidden = items.length === 0;
      box.textContent = items.length === 1 ? box.getAttribute("data-one")
        : box.getAttribute("data-many").replace("{n}", items.length);
      return items;
    });
  }

  function showError(body) {
    var box = document.createElement("div");
    box.className = "bad-card card";
    box.setAttribute("role", "alert");
    [body.error, body.hint].forEach(function (text) {
      if (text) { var p = document.createElement("p"); p.textContent = text; box.appendChild(p); }
    });
    form.parentNode.insertBefore(box, form);
  }

  function keep(item) {
    item.offline_since = isoLocal(new Date());
    return rdvStore.put("outbox", item).then(function () {
      show("queued", true);
      form.reset();
      document.getElementById("chosen").textContent = "";
      return countOutbox();
    });
  }

  var flushing = false;
  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    return rdvStore.all("outbox").then(function (items) {
      var last = null;
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (result) {
            if (result.status === 200 && result.body.ok) {
              last = result.body.n;
              return rdvStore.remove("outbox", item.id);
            }
            if (result.status === 400) {  // refused as it is: say why, it cannot go later
              showError(result.body);
              return rdvStore.remove("outbox", item.id);
            }
          }, function () { /* still no network: kept */ });
        });
      }, Promise.resolve()).then(function () { return last; });
    }).then(function (last) {
      flushing = false;
      return countOutbox().then(function () {
        if (last !== null) { show("queued", false); show("sent-later", true); window.location.assign(scope + "?ok=" + last + "#done"); }
      });
    }, function () { flushing = false; });
  }

  function takeShared() {
    return rdvStore.all("shared").then(function (items) {
      if (!items.length) { return; }
      var transfer = new DataTransfer();
      items.forEach(function (it) { transfer.items.add(new File([it.blob], it.name || "capture.png", { type: it.type })); });
      form.elements.proofs.files = transfer.files;
      form.elements.proofs.dispatchEvent(new Event("change"));
      show("shared-note", true);
      return Promise.all(items.map(function (it) { return rdvStore.remove("shared", it.id); }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("attempt-form");
    scope = document.body.getAttribute("data-scope");
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(document.body.getAttribute("data-worker"), { scope: "/p/" }).catch(function () {});
    }
    if (!form) { return; }
    var hasError = !!document.querySelector(".bad-card");
    touched = hasError;
    setNow();
    ["date", "time"].forEach(function (name) {
      form.elements[name].addEventListener("input", function () { touched = true; });
    });
    form.elements.proofs.addEventListener("change", function () {
      var names = Array.prototype.map.call(form.elements.proofs.files, function (f) { return f.name; });
      document.getElementById("chosen").textContent = names.join(", ");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      setNow();
      var item = snapshot();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var done = function () { button.disabled = false; };
      if (!navigator.onLine) { keep(item).then(done, done); return; }
      send(item).then(function (result) {
        if (result.status === 200 && result.body.ok) {
          window.location.assign(scope + "?ok=" + result.body.n + "#done");
        } else if (result.status === 400) {
          showError(result.body); done();
        } else { keep(item).then(done, done); }
      }, function () { keep(item).then(done, done); });
    });
    if (/[?&]partage=1/.test(window.location.search)) { takeShared(); }
    window.addEventListener("online", flush);
    setInterval(function () { if (navigator.onLine) { flush(); } }, 20000);
    countOutbox().then(function (items) { if (items.length && navigator.onLine) { flush(); } });
  });
})();

// Reminders: the consent screen's button subscribes this phone (Web Push) with the
// server's public key, then sends the subscription with the form; « Arrêter » also
// unsubscribes the phone itself.
(function () {
  function keyBytes(b64) {
    var padded = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("push-form");
    var stopForm = document.getElementById("stop-form");
    if (stopForm && "serviceWorker" in navigator) {
      stopForm.addEventListener("submit", function () {
        navigator.serviceWorker.getRegistration(document.body.getAttribute("data-scope")).then(function (reg) {
          return reg && reg.pushManager.getSubscription().then(function (sub) { return sub && sub.unsubscribe(); });
        }).catch(function () {});
      });
    }
    if (!form || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
    var button = document.getElementById("push-button");
    button.disabled = false;
    document.getElementById("push-unavailable").hidden = true;
    form.addEventListener("submit", function (event) {
      if (form.elements.subscription.value) { return; }
      event.preventDefault();
      button.disabled = true;
      navigator.serviceWorker.register(document.body.getAttribute("data-worker"), { scope: "/p/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(form.getAttribute("data-key")) });
      }).then(function (sub) {
        form.elements.subscription.value = JSON.stringify(sub.toJSON());
        form.submit();
      }).catch(function () {
        button.disabled = false;
        var note = document.getElementById("push-unavailable");
        note.hidden = false;
        note.setAttribute("role", "alert");
      });
    });
  });
})();
