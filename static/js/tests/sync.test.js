/* The sync client of ../sync.js over fakes of fetch, the clock and storage (node --test): batches
   of the server's size, retries that are safe to replay, 401, conflicts and refusals, backoff. */
"use strict";
var test = require("node:test");
var assert = require("node:assert/strict");
var sync = require("../sync.js");
var fakes = require("./fakes.js");

function setup(answer, options) {
  options = options || {};
  var t = { store: fakes.memoryStore(), clock: fakes.fakeClock(), kv: fakes.memoryKv(), events: [],
    online: true, pulls: [] };
  var n = 0;
  t.queue = sync.Queue(t.store, t.clock, function () { return "c" + (++n); });
  t.fetch = fakes.fakeFetch(answer || fakes.applyingServer());
  var config = JSON.parse(JSON.stringify(fakes.CONFIG));
  if (options.limits) Object.assign(config.limits, options.limits);
  t.client = sync.Client({ queue: t.queue, fetch: t.fetch, clock: t.clock, kv: t.kv, config: config,
    online: function () { return t.online; },
    report: function (e) { t.events.push(e); },
    pulled: options.pulled || function (p) { t.pulls.push(p); return Promise.resolve(); } });
  t.add = async function (count) {
    for (var i = 0; i < count; i++) {
      await t.queue.enqueue({ household: "h" + i, village: "v1", version: 1, data: { chu_ho: "n" + i } });
    }
  };
  t.pushes = function () { return t.fetch.calls.filter(function (c) { return c.url === "/api/sync/push"; }); };
  t.sentIds = function (i) { return t.pushes()[i].body.changes.map(function (c) { return c.change_id; }); };
  t.types = function () { return t.events.map(function (e) { return e.type; }); };
  return t;
}

test("backoff: 5 s after the first failure, doubling, never more than 5 minutes", function () {
  var waits = [1, 2, 3, 4, 5, 6, 7, 8, 20].map(sync.backoff);
  assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
});

test("push sends the queue in batches of the server's max_changes, with its CSRF token", async function () {
  var t = setup(null, { limits: { max_changes: 3 } });
  await t.add(7);
  assert.equal(await t.client.sync(), "sent");
  assert.deepEqual(t.pushes().map(function (c) { return c.body.changes.length; }), [3, 3, 1]);
  assert.deepEqual(t.pushes()[0].headers, { "Content-Type": "application/json", "X-CSRFToken": "tok" });
  assert.equal(t.fetch.calls.filter(function (c) { return c.url === "/api/sync/session"; }).length, 1);
  assert.deepEqual(await t.queue.all(), []);
  assert.deepEqual(t.pushes()[0].body.changes[0],
    { change_id: "c1", kind: "update", household: "h0", data: { chu_ho: "n0" }, base_version: 1 });
});

test("the batch size is the server's: 100 by default config, 250 changes in 3 posts", async function () {
  var t = setup();
  await t.add(250);
  await t.client.sync();
  assert.deepEqual(t.pushes().map(function (c) { return c.body.changes.length; }), [100, 100, 50]);
});

test("a lost answer: the retry sends the same change_ids, a later edit gets its own", async function () {
  var server = fakes.applyingServer();
  var lost = true;
  var t = setup(function (call, n) {
    var answer = server(call, n); // the server applies the change …
    if (call.url === "/api/sync/push" && lost) { lost = false; throw new TypeError("Failed to fetch"); }
    return answer; // … but the first answer never reached the phone
  });
  await t.add(1);
  assert.equal(await t.client.sync(), "failed");
  assert.equal((await t.queue.pending()).length, 1); // unknown whether applied: kept
  await t.queue.enqueue({ household: "h0", village: "v1", version: 1, data: { chu_ho: "later" } });
  await t.clock.fire();
  assert.deepEqual(t.sentIds(1).slice(0, 1), t.sentIds(0)); // the same change_id again
  assert.equal(t.pushes()[1].body.changes[0].data.chu_ho, "n0"); // with the same data
  assert.deepEqual(t.pushes()[1].body.changes[1],
    { change_id: "c2", kind: "update", household: "h0", data: { chu_ho: "later" }, base_version: 2 });
  assert.deepEqual(await t.queue.all(), []);
});

test("failures wait 5, 10, 20 s; a success starts again from 5 s", async function () {
  var down = 3;
  var server = fakes.applyingServer();
  var t = setup(function (call, n) {
    if (call.url === "/api/sync/push" && down > 0) { down -= 1; return { status: 503, body: {} }; }
    return server(call, n);
  });
  await t.add(1);
  await t.client.sync();
  assert.deepEqual(t.clock.timers.map(function (x) { return x.ms; }), [5000]);
  await t.clock.fire();
  await t.clock.fire();
  var failed = t.events.filter(function (e) { return e.type === "failed"; });
  assert.deepEqual(failed.map(function (e) { return [e.failures, e.wait]; }), [[1, 5], [2, 10], [3, 20]]);
  assert.equal(failed[0].message, "máy chủ trả lời 503");
  await t.clock.fire();
  assert.deepEqual(await t.queue.all(), []);
  down = 1;
  await t.add(1);
  await t.client.sync();
  assert.deepEqual(t.clock.timers.map(function (x) { return x.ms; }), [5000]);
});

test("'Gửi ngay' during a wait sends at once and cancels the waiting retry", async function () {
  var down = 1;
  var server = fakes.applyingServer();
  var t = setup(function (call, n) {
    if (call.url === "/api/sync/push" && down-- > 0) throw new TypeError("Failed to fetch");
    return server(call, n);
  });
  await t.add(1);
  await t.client.sync();
  assert.equal(t.clock.timers.length, 1);
  assert.equal(await t.client.sync(), "sent");
  assert.equal(t.clock.timers.length, 0);
});

test("401: the queue stays, nothing is retried until the volunteer signs in again", async function () {
  var signedIn = false;
  var server = fakes.applyingServer();
  var t = setup(function (call, n) {
    if (!signedIn) return { status: 401, body: { error: "unauthenticated" } };
    return server(call, n);
  });
  await t.add(2);
  assert.equal(await t.client.sync(), "auth");
  assert.deepEqual(t.types(), ["sending", "auth"]);
  assert.equal(t.clock.timers.length, 0);
  assert.equal((await t.queue.pending()).length, 2);
  signedIn = true;
  assert.equal(await t.client.sync(), "sent");
  assert.deepEqual(t.sentIds(0), ["c1", "c2"]);
  assert.deepEqual(await t.queue.all(), []);
});

test("a 403 (CSRF token gone) asks for a new token before the retry", async function () {
  var tokens = 0, refused = true;
  var t = setup(function (call) {
    if (call.url === "/api/sync/session") return { body: { csrf_token: "tok" + (++tokens) } };
    if (refused) { refused = false; return { status: 403, body: { error: "csrf" } }; }
    return { body: { results: call.body.changes.map(function () { return { status: "applied" }; }) } };
  });
  await t.add(1);
  await t.client.sync();
  await t.clock.fire();
  assert.deepEqual(t.pushes().map(function (c) { return c.headers["X-CSRFToken"]; }), ["tok1", "tok2"]);
});

test("conflict and refused results stay for the volunteer; the rest is sent", async function () {
  var t = setup(function (call) {
    if (call.url === "/api/sync/session") return { body: { csrf_token: "tok" } };
    if (call.url === "/api/sync/push") {
      return { body: { results: [
        { status: "applied" },
        { status: "conflict", server: { token: "h1", version: 9 } },
        { status: "invalid", errors: { "data.ma_ho": ["Mã hộ đã có."] } },
      ] } };
    }
    return fakes.applyingServer()(call);
  });
  await t.add(3);
  assert.equal(await t.client.sync(), "sent");
  assert.equal(t.pushes().length, 1); // nothing pending is left to send: no second post
  var sent = t.events.filter(function (e) { return e.type === "sent"; })[0];
  assert.deepEqual([sent.done, sent.count], [1, 3]);
  var list = await t.queue.all();
  assert.deepEqual(list.map(function (c) { return c.status; }), ["conflict", "invalid"]);
  assert.equal(list[0].server.version, 9);
  assert.deepEqual(list[1].errors, { "data.ma_ho": ["Mã hộ đã có."] });
});

test("offline: nothing is fetched, the bar is told", async function () {
  var t = setup();
  await t.add(1);
  t.online = false;
  assert.equal(await t.client.sync(), "offline");
  assert.equal(t.fetch.calls.length, 0);
  assert.deepEqual(t.types(), ["offline"]);
});
