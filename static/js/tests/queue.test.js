/* The queue of ../sync.js: what a save puts in it, when a change_id is reused and when it must
   not be, its order, and that it survives closing the app (node --test). */
"use strict";
var test = require("node:test");
var assert = require("node:assert/strict");
var sync = require("../sync.js");
var fakes = require("./fakes.js");

function setup(rows, prefix) {
  var store = fakes.memoryStore(rows);
  var clock = fakes.fakeClock();
  var n = 0;
  var queue = sync.Queue(store, clock, function () { return (prefix || "id-") + (++n); });
  return { store: store, clock: clock, queue: queue };
}
var data = function (name) { return { ma_ho: "HK-1", chu_ho: name, members: [] }; };

test("a new household is a create; saving again before sending keeps its change_id", async function () {
  var t = setup();
  var first = await t.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("An") });
  var again = await t.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("Ân") });
  var list = await t.queue.all();
  assert.equal(list.length, 1);
  assert.equal(again.change_id, first.change_id);
  assert.equal(list[0].kind, "create");
  assert.equal(list[0].village, "v1");
  assert.equal(list[0].data.chu_ho, "Ân");
  assert.equal(list[0].status, "pending");
  assert.equal(list[0].saved_at, new Date(t.clock.now()).toISOString());
});

test("an edit of a server household is an update on the page's version", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: "4", data: data("An") });
  var c = (await t.queue.all())[0];
  assert.equal(c.kind, "update");
  assert.equal(c.base_version, 4);
});

test("once a change was tried, a later save is a new change_id on the next version", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: 4, data: data("An") });
  await t.queue.tried(await t.queue.pending()); // sent; the answer may have been lost
  await t.queue.enqueue({ household: "h1", village: "v1", version: 4, data: data("Bình") });
  var list = await t.queue.all();
  assert.deepEqual(list.map(function (c) { return c.change_id; }), ["id-1", "id-2"]);
  assert.equal(list[0].data.chu_ho, "An"); // what may be on the server already stays as sent
  assert.deepEqual([list[1].kind, list[1].base_version], ["update", 5]);
});

test("after a tried create, the next save updates version 1", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("An") });
  await t.queue.tried(await t.queue.pending());
  await t.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("An") });
  var list = await t.queue.all();
  assert.deepEqual([list[1].kind, list[1].base_version], ["update", 1]);
});

test("a visit outcome is a change of its own, never merged into a waiting survey", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: 2, data: data("An") });
  await t.queue.enqueue({ household: "h1", village: "v1", version: 2, separate: true,
    data: { visit_outcome: "khong_co_nha", revisit_on: null, note: "" } });
  var list = await t.queue.all();
  assert.equal(list.length, 2);
  assert.equal(list[0].data.chu_ho, "An");
  assert.equal(list[1].data.visit_outcome, "khong_co_nha");
  assert.equal(list[1].base_version, 3);
});

test("the queue survives closing the app: a new queue over the same storage, same order", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("An") });
  t.clock.ms += 1000;
  await t.queue.enqueue({ household: "h2", village: "v1", version: 7, data: data("Bình") });
  var reopened = setup(t.store.rows, "again-"); // the page was closed; the database was not
  reopened.clock.ms = t.clock.ms - 5000; // and the phone's clock went back meanwhile
  await reopened.queue.enqueue({ household: "h3", village: "v1", version: 1, data: data("Cúc") });
  await reopened.queue.enqueue({ household: "h1", village: "v1", version: null, data: data("Ánh") });
  var list = await reopened.queue.all();
  assert.deepEqual(list.map(function (c) { return c.household; }), ["h1", "h2", "h3"]);
  assert.equal(list[0].data.chu_ho, "Ánh"); // still the one waiting change of h1
});

test("saves in the same millisecond keep the order they were made in", async function () {
  var t = setup();
  for (var i = 0; i < 5; i++) {
    await t.queue.enqueue({ household: "h" + i, village: "v1", version: 1, data: data("n" + i) });
  }
  var list = await t.queue.all();
  assert.deepEqual(list.map(function (c) { return c.household; }), ["h0", "h1", "h2", "h3", "h4"]);
  assert.equal(new Set(list.map(function (c) { return c.seq; })).size, 5);
});

test("answers: applied leaves the queue, conflict and refused stay with what the server said", async function () {
  var t = setup();
  for (var i = 1; i <= 3; i++) {
    await t.queue.enqueue({ household: "h" + i, village: "v1", version: 1, data: data("n" + i) });
  }
  var batch = await t.queue.pending();
  var done = await t.queue.settle(batch, [
    { status: "applied" },
    { status: "conflict", server: { token: "h2", version: 3 } },
    { status: "invalid", errors: { "data.members.0.ngay_sinh": ["Ngày sinh không hợp lệ."] } },
  ]);
  assert.equal(done, 1);
  var list = await t.queue.all();
  assert.deepEqual(list.map(function (c) { return [c.household, c.status]; }),
    [["h2", "conflict"], ["h3", "invalid"]]);
  assert.equal(list[0].server.version, 3);
  assert.deepEqual(list[1].errors, { "data.members.0.ngay_sinh": ["Ngày sinh không hợp lệ."] });
  assert.deepEqual(await t.queue.pending(), []);
});

test("fixing a refused change replaces it: new change_id, same base and place", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: 6, data: data("") });
  var refused = (await t.queue.all())[0];
  await t.queue.tried([refused]);
  await t.queue.settle([refused], [{ status: "invalid", errors: { "data.chu_ho": ["Bắt buộc."] } }]);
  t.clock.ms += 60000;
  await t.queue.enqueue({ household: "h1", village: "v1", version: 6, data: data("An") });
  var list = await t.queue.all();
  assert.equal(list.length, 1);
  assert.notEqual(list[0].change_id, refused.change_id);
  assert.deepEqual([list[0].status, list[0].base_version, list[0].seq], ["pending", 6, refused.seq]);
});

test("a backup file adds only the changes the queue does not hold, once each", async function () {
  var t = setup();
  await t.queue.enqueue({ household: "h1", village: "v1", version: 1, data: data("An") });
  var held = (await t.queue.all())[0];
  var file = [
    held,
    { change_id: "x-1", kind: "update", household: "h2", base_version: 2, data: data("B"), seq: 1, status: "conflict" },
    { change_id: "x-1", kind: "update", household: "h2", base_version: 2, data: data("B"), seq: 1 },
    { change_id: "x-2" }, // no data: not a change
    null,
  ];
  assert.equal(await t.queue.restore(file), 1);
  var list = await t.queue.all();
  assert.deepEqual(list.map(function (c) { return [c.change_id, c.status]; }),
    [["x-1", "pending"], [held.change_id, "pending"]]);
});
