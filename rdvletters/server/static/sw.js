// rdvletters: the person's app on the phone (service worker, scope /p/).
// - a screenshot shared from the phone's share sheet (Web Share Target, a POST) is kept
//   in the phone's storage, and the page opens with it in the form;
// - the link's page and its files are kept, so the page opens without network and an
//   attempt can be recorded offline (the page keeps it and sends it later).
"use strict";
importScripts("/s/idb.js");

var CACHE = "rdvletters-v1";  // also holds the person's page, found again by a reminder's tap
var ASSETS = ["/static/app.css", "/s/server.css", "/s/person.js", "/s/idb.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function keepShared(request, url) {
  return request.formData().then(function (data) {
    var files = data.getAll("proofs").filter(function (f) { return f && f.size; });
    return Promise.all(files.map(function (file) {
      return rdvStore.put("shared", { id: rdvStore.newId(), name: file.name, type: file.type, blob: file });
    }));
  }).then(function () {
    return Response.redirect(url.pathname.replace(/partage$/, "") + "?partage=1", 303);
  });
}

function cacheable(url, request) {
  if (request.mode === "navigate") { return /^\/p\/[^/]+\/$/.test(url.pathname); }
  return ASSETS.indexOf(url.pathname) >= 0 || /^\/p\/(icon-\d+\.png|[^/]+\/manifest\.webmanifest)$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && /^\/p\/[^/]+\/partage$/.test(url.pathname)) {
    event.respondWith(keepShared(request, url));
    return;
  }
  if (request.method !== "GET" || !cacheable(url, request)) { return; }
  var key = url.origin + url.pathname;  // the page without ?ok=… or ?partage=1
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (kept) { return kept || Response.error(); });
  }));
});

// Reminders (Web Push): the message is shown as it came (what to do, when); a tap opens
// the person's own page, whose address only this phone knows (the page kept offline).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: "rdvletters", body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(data.title || "rdvletters", {
    body: data.body || "", tag: data.tag || undefined, icon: "/p/icon-192.png", data: { url: data.url || "" }
  }));
});

function personPage() {
  return caches.open(CACHE).then(function (cache) { return cache.keys(); }).then(function (keys) {
    for (var i = 0; i < keys.length; i++) {
      var u = new URL(keys[i].url);
      if (/^\/p\/[^/]+\/$/.test(u.pathname)) { return u.href; }
    }
    return self.registration.scope;
  });
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var hint = (event.notification.data && event.notification.data.url) || "";
  event.waitUntil(personPage().then(function (page) {
    var target = page + (hint.charAt(0) === "#" ? hint : "");
    return self.clients.matchAll({ type: "window" }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url.indexOf(page) === 0 && "focus" in list[i]) { return list[i].focus(); }
      }
      return self.clients.openWindow(target);
    });
  }));
});
