/* Pulling with ../sync.js (node --test): the cursor is sent back, pages are followed, the page size
   is the server's, and the cursor moves only once the phone has kept what came. */
"use strict";
var test = require("node:test");
var assert = require("node:assert/strict");
var sync = require("../sync.js");
var fakes = require("./fakes.js");

function household(token) { return { token: token, village: "v1", version: 1 }; }

// A feed of two pages from scratch ("" → p1 → end), then nothing new after "end".
function feed(call) {
  if (call.url.indexOf("/api/sync/pull?") !== 0) return fakes.applyingServer()(call);
  var since = new URL(call.url, "http://x").searchParams.get("since");
  var page = {
    "": { households: [household("a"), household("b")], removed: [], cursor: "p1", more: true },
    p1: { households: [household("c")], removed: ["z"], cursor: "end", more: false },
    end: { households: [], removed: [], cursor: "end", more: false },
  }[since];
  return { body: Object.assign({ villages: [{ token: "v1", name: "Thôn 1" }], reset: [] }, page) };
}

// The server's page size for pulls (its pull_max_limit), not the usual 500: the client must use it.
var CONFIG = Object.assign({}, fakes.CONFIG, { limits: { max_changes: 100, pull_max_limit: 40 } });

function setup(pulled) {
  var t = { kv: fakes.memoryKv(), clock: fakes.fakeClock(), pulls: [], events: [] };
  t.fetch = fakes.fakeFetch(feed);
  t.queue = sync.Queue(fakes.memoryStore(), t.clock);
  t.client = sync.Client({ queue: t.queue, fetch: t.fetch,
    clock: t.clock, kv: t.kv, config: CONFIG, online: function () { return true; },
    report: function (e) { t.events.push(e); },
    pulled: pulled || function (p) { t.pulls.push(p); return Promise.resolve(); } });
  t.urls = function () { return t.fetch.calls.map(function (c) { return c.url; }); };
  return t;
}

test("first pull: everything, page after page, with the server's largest page size", async function () {
  var t = setup();
  assert.equal(await t.client.sync(), "idle"); // nothing to push: it pulls
  assert.deepEqual(t.urls(), ["/api/sync/pull?limit=40&since=", "/api/sync/pull?limit=40&since=p1"]);
  var p = t.pulls[0];
  assert.deepEqual(p.households.map(function (h) { return h.token; }), ["a", "b", "c"]);
  assert.deepEqual(p.removed, ["z"]);
  assert.deepEqual([p.since, p.cursor, p.villages[0].token], ["", "end", "v1"]);
  assert.equal(t.kv.getItem("pull-cursor:tnv1"), "end");
});

test("the next pull starts at the stored cursor", async function () {
  var t = setup();
  await t.client.pull();
  await t.client.pull();
  assert.equal(t.urls()[2], "/api/sync/pull?limit=40&since=end");
  assert.deepEqual(t.pulls[1].households, []);
});

test("the cursor does not move when keeping the pull failed: the next pull asks again", async function () {
  var fail = true;
  var t = setup(function () { return fail ? Promise.reject(new Error("quota")) : Promise.resolve(); });
  await t.client.pull();
  assert.equal(t.kv.getItem("pull-cursor:tnv1"), null);
  fail = false;
  await t.client.pull();
  assert.equal(t.urls()[2], "/api/sync/pull?limit=40&since=");
  assert.equal(t.kv.getItem("pull-cursor:tnv1"), "end");
});

test("a phone with a cursor but no households store yet pulls everything once", async function () {
  var t = setup();
  t.kv.setItem("pull-cursor:tnv1", "end"); // from before the households were kept on the phone
  await t.client.pull();
  assert.equal(t.urls()[0], "/api/sync/pull?limit=40&since=");
  await t.client.pull();
  assert.equal(t.urls()[2], "/api/sync/pull?limit=40&since=end");
});

test("after a push the pull says the sent households' pages are stale, once", async function () {
  var t = setup();
  await t.client.sync();
  assert.equal(t.pulls[0].stale, false);
  await t.queue.enqueue({ household: "a", village: "v1", version: 1, data: { chu_ho: "An" } });
  await t.client.sync(); // pushes, then pulls
  assert.equal(t.pulls[1].stale, true);
  await t.client.sync();
  assert.equal(t.pulls[2].stale, false);
});

test("a session that expired during the pull is told; the cursor stays", async function () {
  var t = setup();
  var client = sync.Client({ queue: sync.Queue(fakes.memoryStore(), t.clock),
    fetch: fakes.fakeFetch(function () { return { status: 401, body: {} }; }), clock: t.clock, kv: t.kv,
    config: fakes.CONFIG, online: function () { return true; },
    report: function (e) { t.events.push(e); }, pulled: function () { throw new Error("not reached"); } });
  await client.pull();
  assert.deepEqual(t.events, [{ type: "auth" }]);
  assert.equal(t.kv.getItem("pull-cursor:tnv1"), null);
});
