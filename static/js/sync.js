/* The phone's side of the sync API (docs/client.md), without any page: the queue of changes
   waiting for the server and its IndexedDB storage; the sync client that pushes the queue in
   batches of the server's max_changes, retries with backoff, keeps everything on 401, and pulls the
   households changed since its cursor. Storage, fetch, the clock, localStorage and the network
   state are parameters, so `node --test` runs all of it over fakes of the browser (static/js/tests).
   One file, not two: each script costs the first load a request and a gzip dictionary of its own.
   Attaches to window.Khaosat.sync; sets module.exports in node. ES5 syntax: minified as ES5. */
(function (root, api) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.Khaosat = root.Khaosat || {}).sync = api;
})(this, (function () {
  "use strict";
  var CHANGES = "changes";
  var HOUSEHOLDS = "households"; // the pulled households, keyed by token (search offline)

  /* ---------- IndexedDB: the changes (by change_id) and the pulled households (by token) ---------- */
  function openStore(idb) {
    var opened = null;
    function db() {
      opened = opened || new Promise(function (resolve, reject) {
        var open = idb.open("khaosat-offline", 2);
        open.onupgradeneeded = function () {
          var d = open.result;
          if (!d.objectStoreNames.contains(CHANGES)) d.createObjectStore(CHANGES, { keyPath: "change_id" });
          if (!d.objectStoreNames.contains(HOUSEHOLDS)) {
            d.createObjectStore(HOUSEHOLDS, { keyPath: "token" }).createIndex("village", "village");
          }
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
      return opened;
    }
    function run(name, mode, work) {
      return db().then(function (d) {
        return new Promise(function (resolve, reject) {
          var tx = d.transaction(name, mode);
          var request = work(tx.objectStore(name));
          tx.oncomplete = function () { resolve(request && request.result); };
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        });
      });
    }
    return {
      all: function () { return run(CHANGES, "readonly", function (s) { return s.getAll(); }); },
      put: function (c) { return run(CHANGES, "readwrite", function (s) { return s.put(c); }); },
      drop: function (id) { return run(CHANGES, "readwrite", function (s) { return s.delete(id); }); },
      keepHouseholds: function (list, removed) {
        if (!list.length && !removed.length) return Promise.resolve();
        return run(HOUSEHOLDS, "readwrite", function (s) {
          list.forEach(function (h) { s.put(h); });
          removed.forEach(function (t) { s.delete(t); });
        });
      },
      villageHouseholds: function (village) {
        return run(HOUSEHOLDS, "readonly", function (s) { return s.index("village").getAll(village); });
      },
      forgetHouseholds: function () {
        return run(HOUSEHOLDS, "readwrite", function (s) { return s.clear(); });
      },
    };
  }

  /* ---------- ids made on the phone ---------- */
  function randomBytes(n) { var b = new Uint8Array(n); crypto.getRandomValues(b); return b; }
  function newToken() {
    return btoa(String.fromCharCode.apply(null, randomBytes(16)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = randomBytes(16);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = [].map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  /* ---------- the queue: store {all, put, drop}, clock {now}, newId() ---------- */
  function Queue(store, clock, newId) {
    newId = newId || uuid;
    function all() {
      return store.all().then(function (list) { return list.sort(function (a, b) { return a.seq - b.seq; }); });
    }
    function pending() {
      return all().then(function (list) { return list.filter(function (c) { return c.status === "pending"; }); });
    }
    // The next place in the queue: by the clock, but always after the last one (two saves in one
    // millisecond, or a phone clock set back, keep their order).
    function nextSeq(list) {
      var last = list.length ? list[list.length - 1].seq : 0;
      return Math.max(clock.now(), last + 1);
    }
    function follow(item, mine) {
      var last = mine[mine.length - 1];
      var change = { change_id: newId(), household: item.household, village: item.village, tries: 0 };
      if (last && last.status === "invalid") {
        // The server refused it and applied nothing: the fix replaces it, under a new change_id
        // (the server remembers the old one's answer) and on the same base.
        change.village = last.village || item.village;
        change.kind = last.kind;
        if (last.kind !== "create") change.base_version = last.base_version;
        change.seq = last.seq;
        change.replaces = last.change_id;
      } else if (last) {
        change.kind = "update";
        change.base_version = last.kind === "create" ? 1 : last.base_version + 1;
      } else if (item.version != null) {
        change.kind = "update";
        change.base_version = +item.version;
      } else {
        change.kind = "create";
      }
      return change;
    }
    // item: {household, village, version (the page's, null for a new household), data, separate}.
    function enqueue(item) {
      return all().then(function (list) {
        var mine = list.filter(function (c) { return c.household === item.household; });
        var last = mine[mine.length - 1];
        // Never sent: safe to replace its data under the same change_id (a visit is its own change).
        var change = !item.separate && last && last.status === "pending" && !last.tries ? last : follow(item, mine);
        var refused = change.replaces;
        delete change.replaces;
        change.data = item.data;
        change.status = "pending";
        change.seq = change.seq || nextSeq(list);
        change.saved_at = new Date(clock.now()).toISOString();
        return store.put(change).then(function () { return refused && store.drop(refused); })
          .then(function () { return change; });
      });
    }
    // Count the try before sending: an edit made later must not reuse a change_id that the
    // server may already have applied.
    function tried(batch) {
      return Promise.all(batch.map(function (c) { c.tries = (c.tries || 0) + 1; return store.put(c); }));
    }
    // The server's answer, one result per change: applied ones leave the queue. → how many applied.
    function settle(batch, results) {
      var done = 0;
      return Promise.all(batch.map(function (c, i) {
        var r = results[i] || {};
        if (r.status === "applied") { done += 1; return store.drop(c.change_id); }
        if (r.status === "conflict") { c.status = "conflict"; c.server = r.server; }
        else { c.status = "invalid"; c.errors = r.errors || { "": [r.status || "?"] }; }
        return store.put(c);
      })).then(function () { return done; });
    }
    // A backup file's changes: those the queue does not hold yet, waiting again. → how many added.
    function restore(changes) {
      return all().then(function (list) {
        var have = {};
        list.forEach(function (c) { have[c.change_id] = 1; });
        var fresh = changes.filter(function (c) {
          var ok = c && c.change_id && c.data && !have[c.change_id];
          if (ok) have[c.change_id] = 1; // the same change twice in one file is one change
          return ok;
        });
        return Promise.all(fresh.map(function (c) { c.status = "pending"; return store.put(c); }))
          .then(function () { return fresh.length; });
      });
    }
    return { all: all, pending: pending, enqueue: enqueue, tried: tried, settle: settle, restore: restore,
      put: store.put, drop: store.drop };
  }

  var FIRST_WAIT = 5, LONGEST_WAIT = 300; // seconds

  // Seconds to wait after the n-th failure in a row: 5, 10, 20 … up to 5 minutes.
  function backoff(failures) {
    return Math.min(LONGEST_WAIT, FIRST_WAIT * Math.pow(2, Math.max(0, failures - 1)));
  }

  /* ---------- the sync client ----------
     o: {queue, fetch, clock {now, setTimeout, clearTimeout}, kv {getItem, setItem, removeItem},
     online(), report(event), pulled(result) → promise, config {user, urls, limits}} */
  function Client(o) {
    var queue = o.queue, clock = o.clock, kv = o.kv, report = o.report;
    var urls = o.config.urls, limits = o.config.limits;
    var CURSOR = "pull-cursor:" + o.config.user, LAST_SENT = "last-sent:" + o.config.user;
    var sending = false, pulling = false, failures = 0, timer = null, csrf = null;

    function api(path, options) {
      options = options || {};
      options.credentials = "same-origin";
      return o.fetch(path, options).then(function (r) {
        var e = null;
        if (r.status === 401) e = new Error("401"), e.auth = true;
        else if (r.status === 403) e = new Error("mã bảo vệ CSRF hết hạn");
        else if (!r.ok) e = new Error("máy chủ trả lời " + r.status);
        if (e && r.status < 500) csrf = null; // a new sign-in or an expired token: ask again
        if (e) throw e;
        return r.json();
      });
    }
    function token() {
      if (csrf) return Promise.resolve(csrf);
      return api(urls.session).then(function (s) { csrf = s.csrf_token; return csrf; });
    }
    function send(batch) {
      return queue.tried(batch).then(token).then(function (t) {
        return api(urls.push, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": t },
          body: JSON.stringify({ changes: batch.map(envelope) }),
        });
      });
    }
    // Push every waiting change, a batch at a time, then pull. → "sent" | "idle" | "offline" | …
    function sync() {
      if (sending) return Promise.resolve("busy");
      clock.clearTimeout(timer);
      return queue.pending().then(function (list) {
        var batch = list.slice(0, limits.max_changes);
        if (!batch.length) return pull().then(function () { return "idle"; });
        if (!o.online()) return report({ type: "offline" }), "offline";
        sending = true;
        report({ type: "sending", count: batch.length });
        var started = clock.now();
        return send(batch).then(function (answer) { return queue.settle(batch, answer.results); })
          .then(function (done) { return sent(done, batch.length, clock.now() - started); }, failed);
      });
    }
    function sent(done, count, ms) {
      sending = false;
      failures = 0;
      kv.setItem(LAST_SENT, new Date(clock.now()).toISOString());
      kv.setItem(CURSOR + ":stale", "1"); // the pages of the households just sent are old
      report({ type: "sent", done: done, count: count, ms: ms });
      return sync().then(function () { return "sent"; });
    }
    function failed(err) {
      sending = false;
      if (err.auth) return report({ type: "auth" }), "auth"; // the queue stays; no retry until signed in
      failures += 1;
      var wait = backoff(failures);
      timer = clock.setTimeout(sync, wait * 1000);
      report({ type: "failed", failures: failures, wait: wait, message: err.message });
      return "failed";
    }

    /* ---------- pull: the households changed since the cursor, page after page ---------- */
    function pullPages(since, got) {
      var url = urls.pull + "?limit=" + limits.pull_max_limit + "&since=" + encodeURIComponent(since);
      return api(url).then(function (p) {
        got.villages = p.villages;
        got.households = got.households.concat(p.households);
        got.removed = got.removed.concat(p.removed);
        got.cursor = p.cursor;
        return p.more ? pullPages(p.cursor, got) : got;
      });
    }
    // The cursor moves only once pulled(result) has kept everything: a failure pulls it again.
    function pull() {
      if (pulling || !o.online()) return Promise.resolve();
      pulling = true;
      // The households store came later than the cursor: a phone without it pulls everything once.
      var since = (kv.getItem(CURSOR + ":hh") && kv.getItem(CURSOR)) || "";
      var got = { since: since, villages: [], households: [], removed: [], stale: !!kv.getItem(CURSOR + ":stale"), started: clock.now() };
      return pullPages(since, got).then(o.pulled).then(function () {
        kv.setItem(CURSOR, got.cursor);
        kv.setItem(CURSOR + ":hh", "1");
        kv.removeItem(CURSOR + ":stale");
      }).catch(function (err) {
        if (err.auth) report({ type: "auth" });
      }).then(function () { pulling = false; });
    }
    function stop() { clock.clearTimeout(timer); }
    return { sync: sync, pull: pull, stop: stop, lastSent: function () { return kv.getItem(LAST_SENT); } };
  }

  // What /api/sync/push takes for one change.
  function envelope(c) {
    var e = { change_id: c.change_id, kind: c.kind, household: c.household, data: c.data };
    if (c.kind === "create") e.village = c.village; else e.base_version = c.base_version;
    return e;
  }

  return { openStore: openStore, Queue: Queue, newToken: newToken, uuid: uuid,
    Client: Client, backoff: backoff, envelope: envelope };
})());
