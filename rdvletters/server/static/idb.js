// rdvletters: the phone's own storage (IndexedDB), shared by the page and its worker.
// "outbox": attempts recorded without network, sent when it returns;
// "shared": screenshots received from the share sheet, waiting for the form.
"use strict";

var rdvStore = (function () {
  var NAME = "rdvletters";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        ["outbox", "shared"].forEach(function (store) {
          if (!request.result.objectStoreNames.contains(store)) {
            request.result.createObjectStore(store, { keyPath: "id" });
          }
        });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function newId() {
    if (self.crypto && self.crypto.randomUUID) { return self.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    self.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  return {
    put: function (store, item) { return run(store, "readwrite", function (s) { return s.put(item); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    remove: function (store, id) { return run(store, "readwrite", function (s) { return s.delete(id); }); },
    newId: newId
  };
})();
