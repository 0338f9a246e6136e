/* Fakes of the browser for the node tests of ../sync.js: IndexedDB's change store, localStorage,
   the clock with its timers, and fetch. Nothing here stands in for the server's logic: a test
   scripts the answers the sync API documents (docs/sync-api.md) and reads what was sent. */
"use strict";

// The change store over a Map that outlives any one queue ("reopening" the database). Records are
// copied on the way in and out, as IndexedDB's structured clone does.
function memoryStore(rows) {
  rows = rows || new Map();
  var copy = function (x) { return JSON.parse(JSON.stringify(x)); };
  return {
    rows: rows,
    all: function () { return Promise.resolve(Array.from(rows.values()).map(copy)); },
    put: function (c) { rows.set(c.change_id, copy(c)); return Promise.resolve(); },
    drop: function (id) { rows.delete(id); return Promise.resolve(); },
  };
}

function memoryKv() {
  var map = new Map();
  return {
    map: map,
    getItem: function (k) { return map.has(k) ? map.get(k) : null; },
    setItem: function (k, v) { map.set(k, String(v)); },
    removeItem: function (k) { map.delete(k); },
  };
}

// A clock that moves only when told; timers wait in a list until fire().
function fakeClock(start) {
  var clock = { ms: start || Date.UTC(2026, 11, 1, 8, 0, 0), timers: [], next: 1 };
  clock.now = function () { return clock.ms; };
  clock.setTimeout = function (fn, ms) {
    var t = { id: clock.next++, fn: fn, ms: ms };
    clock.timers.push(t);
    return t.id;
  };
  clock.clearTimeout = function (id) {
    clock.timers = clock.timers.filter(function (t) { return t.id !== id; });
  };
  clock.fire = function () { // the earliest timer, after its wait
    var t = clock.timers.shift();
    clock.ms += t.ms;
    return t.fn();
  };
  return clock;
}

// fetch: each request goes to answer(url, options, n) → {status, body} or a thrown TypeError
// (the network died). Every request is kept in .calls, with its parsed JSON body.
function fakeFetch(answer) {
  var calls = [];
  function fetch(url, options) {
    options = options || {};
    var call = { url: url, method: options.method || "GET", headers: options.headers || {},
      body: options.body ? JSON.parse(options.body) : null };
    calls.push(call);
    return Promise.resolve().then(function () {
      var a = answer(call, calls.length);
      return { status: a.status || 200, ok: (a.status || 200) < 300,
        json: function () { return Promise.resolve(a.body); } };
    });
  }
  fetch.calls = calls;
  return fetch;
}

// Answers of a sync API that applies every change (each change_id once) and pages nothing.
function applyingServer(extra) {
  var seen = {};
  return function (call, n) {
    var special = extra && extra(call, n);
    if (special) return special;
    if (call.url.indexOf("/session") >= 0) return { body: { csrf_token: "tok" } };
    if (call.url.indexOf("/push") >= 0) {
      return { body: { results: call.body.changes.map(function (c) {
        var replay = seen[c.change_id];
        seen[c.change_id] = 1;
        return { change_id: c.change_id, status: "applied", replay: !!replay };
      }) } };
    }
    return { body: { villages: [], households: [], removed: [], reset: [], cursor: "c1", more: false } };
  };
}

var CONFIG = {
  user: "tnv1",
  urls: { session: "/api/sync/session", push: "/api/sync/push", pull: "/api/sync/pull" },
  limits: { max_changes: 100, pull_max_limit: 500 },
};

module.exports = { memoryStore: memoryStore, memoryKv: memoryKv, fakeClock: fakeClock,
  fakeFetch: fakeFetch, applyingServer: applyingServer, CONFIG: CONFIG };
