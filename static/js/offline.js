/* Offline field work: saves made without network wait in IndexedDB ("Chờ gửi (n)") and go to
   /api/sync/push when the network is back; each change keeps its change_id until the server has
   answered it, so a retry is never a duplicate. Also: warming the page cache after an online
   visit, "Lưu bản sao" / "Mở bản sao", the conflict screen, and a session that expired.
   Plain ES2017, no framework: Chrome for Android 8+ has all of it. */
(function () {
  "use strict";
  var bar = document.getElementById("sync-bar");
  if (!bar || !window.indexedDB) return;
  var USER = bar.getAttribute("data-user");
  var STORE = "changes";
  var PAGES = "pages";
  var CURSOR = "pull-cursor:" + USER;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return [].slice.call((root || document).querySelectorAll(sel)); };

  /* ---------- IndexedDB: one store of changes, keyed by change_id ---------- */
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open("khaosat-offline", 1);
        open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: "change_id" }); };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  function run(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function allChanges() {
    return run("readonly", function (s) { return s.getAll(); }).then(function (list) {
      return list.sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function putChange(c) { return run("readwrite", function (s) { return s.put(c); }); }
  function dropChange(id) { return run("readwrite", function (s) { return s.delete(id); }); }

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

  /* ---------- the household form <-> the push "data" shape ---------- */
  function fromRadio(v) { return v === "1" ? true : v === "0" ? false : v === "" ? null : v; }
  function toRadio(v) { return v === true ? "1" : v === false ? "0" : v == null ? "" : String(v); }
  function radios(root, test) {
    var out = {};
    $$("input[type=radio]", root).forEach(function (el) {
      var key = test(el.name);
      if (!key) return;
      if (!(key in out)) out[key] = null;
      if (el.checked) out[key] = fromRadio(el.value);
    });
    return out;
  }
  function memberRows(form) {
    return $$("#mlist details.member", form).filter(function (row) {
      return $("[name$='-removed']", row).value !== "1";
    });
  }
  function readForm(form) {
    var data = radios(form, function (name) { return name.indexOf("m-") === 0 ? null : name; });
    data.consent = $("#consent", form).checked;
    ["ma_ho", "chu_ho", "dia_chi", "so_dien_thoai"].forEach(function (k) {
      data[k] = form.elements[k].value.trim();
    });
    data.so_dien_thoai = data.so_dien_thoai || null;
    data.members = memberRows(form).map(function (row) {
      var m = radios(row, function (name) { return name.replace(/^m-[^-]+-/, ""); });
      ["ho_ten", "ngay_sinh", "quan_he"].forEach(function (k) {
        m[k] = $("[name$='-" + k + "']", row).value.trim();
      });
      var token = $("[name$='-token']", row);
      if (!token.value) token.value = newToken(); // the server keeps it: later edits match
      m.token = token.value;
      return m;
    });
    return data;
  }
  function problems(data) {
    var out = [];
    if (!data.consent) out.push("Cần hộ đồng ý trước khi ghi thông tin.");
    if (!data.ma_ho) out.push("Vui lòng nhập mã hộ.");
    if (!data.chu_ho) out.push("Vui lòng nhập họ tên chủ hộ.");
    if (!data.members.length) out.push("Hộ phải có ít nhất một thành viên.");
    data.members.forEach(function (m, i) {
      var who = "Thành viên " + (i + 1) + ": ";
      if (!m.ho_ten) out.push(who + "vui lòng nhập họ và tên.");
      if (!/^(\d{4}|\d{1,2}\s*[\/.\- ]\s*\d{1,2}\s*[\/.\- ]\s*\d{4})$/.test(m.ngay_sinh)) {
        out.push(who + "nhập năm sinh (1958) hoặc ngày/tháng/năm (05/03/1958).");
      }
      if (!m.gioi_tinh) out.push(who + "vui lòng chọn giới tính.");
    });
    return out;
  }
  function setRadio(root, name, value) {
    $$("input[type=radio]", root).forEach(function (el) {
      if (el.name === name) el.checked = el.value === toRadio(value);
    });
  }
  function fillRow(row, m) {
    var prefix = $("[name$='-token']", row).name.replace(/token$/, "");
    $("[name$='-token']", row).value = m.token;
    ["ho_ten", "ngay_sinh"].forEach(function (k) { $("[name$='-" + k + "']", row).value = m[k] || ""; });
    var rel = $("[name$='-quan_he']", row);
    if (m.quan_he && ![].some.call(rel.options, function (o) { return o.value === m.quan_he; })) {
      rel.add(new Option(m.quan_he, m.quan_he));
    }
    rel.value = m.quan_he || "";
    Object.keys(m).forEach(function (k) { setRadio(row, prefix + k, m[k]); });
    $(".mname", row).textContent = m.ho_ten || "Thành viên mới";
    $(".msub", row).textContent = [m.ngay_sinh, m.quan_he].filter(Boolean).join(" · ");
  }
  function fillForm(form, data) {
    $("#consent", form).checked = !!data.consent;
    Object.keys(data).forEach(function (k) {
      var el = form.elements[k];
      if (k === "members" || k === "consent" || !el) return;
      if (el.tagName === "INPUT" && el.type !== "radio") el.value = data[k] == null ? "" : data[k];
      else setRadio(form, k, data[k]);
    });
    $("#biz").hidden = data.ho_kinh_doanh !== true;
    var rows = memberRows(form);
    var byToken = {};
    rows.forEach(function (r) { byToken[$("[name$='-token']", r).value] = r; });
    var blank = rows.filter(function (r) { return !$("[name$='-token']", r).value; });
    var used = [];
    data.members.forEach(function (m) {
      var row = byToken[m.token] || blank.shift();
      if (!row) { $("#add-member").click(); row = $("#mlist").lastElementChild; }
      fillRow(row, m);
      used.push(row);
    });
    memberRows(form).forEach(function (r) {
      if (used.indexOf(r) < 0) { $("[name$='-removed']", r).value = "1"; r.hidden = true; }
    });
    $("#mcount").textContent = data.members.length;
  }

  /* ---------- the queue ---------- */
  function enqueue(form, data) {
    var household = form.getAttribute("data-household") || form.getAttribute("data-local");
    if (!household) form.setAttribute("data-local", household = newToken()); // made on the phone
    var village = form.getAttribute("data-village");
    return allChanges().then(function (list) {
      var mine = list.filter(function (c) { return c.household === household; });
      var last = mine[mine.length - 1];
      var change;
      if (last && last.status === "pending" && !last.tries) {
        change = last; // never sent: safe to replace its data under the same change_id
      } else {
        change = { change_id: uuid(), household: household, village: village, tries: 0 };
        if (last) change.kind = "update", change.base_version = last.kind === "create" ? 1 : last.base_version + 1;
        else if (form.getAttribute("data-household")) change.kind = "update", change.base_version = +form.elements.version.value;
        else change.kind = "create";
      }
      change.data = data;
      change.status = "pending";
      change.seq = change.seq || Date.now();
      change.saved_at = new Date().toISOString();
      return putChange(change);
    });
  }
  function envelope(c) {
    var e = { change_id: c.change_id, kind: c.kind, household: c.household, data: c.data };
    if (c.kind === "create") e.village = c.village; else e.base_version = c.base_version;
    return e;
  }

  /* ---------- status bar ---------- */
  var state = { msg: "", login: false };
  function say(msg, login) { state.msg = msg; state.login = !!login; render(); }
  function render() {
    return allChanges().then(function (list) {
      var conflicts = list.filter(function (c) { return c.status !== "pending"; }).length;
      $("#sync-count").textContent = "Chờ gửi (" + list.length + ")";
      var msg = $("#sync-msg");
      msg.textContent = state.msg;
      if (state.login) {
        var a = document.createElement("a");
        a.href = bar.getAttribute("data-login") + "?next=" + encodeURIComponent(location.pathname);
        a.textContent = "Đăng nhập lại";
        msg.appendChild(document.createTextNode(" ")); msg.appendChild(a);
      }
      var link = $("#sync-conflicts");
      link.hidden = !conflicts;
      link.textContent = "Cần xem lại " + conflicts + " hộ (xung đột hoặc bị từ chối)";
      bar.hidden = false;
      bar.className = "syncbar" + (list.length ? " has-pending" : "");
      markList(list);
      return list;
    });
  }

  /* ---------- sending, with backoff ---------- */
  var sending = false, failures = 0, timer = null, csrf = null;
  function api(path, options) {
    options = options || {};
    options.credentials = "same-origin";
    return fetch(path, options).then(function (r) {
      if (r.status === 401) { csrf = null; var e = new Error("401"); e.auth = true; throw e; }
      if (r.status === 403) { csrf = null; throw new Error("mã bảo vệ CSRF hết hạn"); }
      if (!r.ok) throw new Error("máy chủ trả lời " + r.status);
      return r.json();
    });
  }
  function token() {
    if (csrf) return Promise.resolve(csrf);
    return api("/api/sync/session").then(function (s) { csrf = s.csrf_token; return csrf; });
  }
  function sync() {
    if (sending) return Promise.resolve();
    clearTimeout(timer);
    return allChanges().then(function (list) {
      var batch = list.filter(function (c) { return c.status === "pending"; }).slice(0, 100);
      if (!batch.length) return warm();
      if (!navigator.onLine) return say("Không có mạng: sẽ tự gửi khi có mạng.");
      sending = true;
      say("Đang gửi " + batch.length + " thay đổi…");
      var started = Date.now();
      // Count the try before sending: an edit made later must not reuse a change_id that the
      // server may already have applied.
      return Promise.all(batch.map(function (c) { c.tries = (c.tries || 0) + 1; return putChange(c); }))
        .then(token)
        .then(function (t) {
          return api("/api/sync/push", {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": t },
            body: JSON.stringify({ changes: batch.map(envelope) }),
          });
        })
        .then(function (answer) { return settle(batch, answer.results, Date.now() - started); })
        .then(function () { sending = false; failures = 0; return sync(); })
        .catch(function (err) {
          sending = false;
          if (err.auth) return say("Phiên đăng nhập đã hết — đăng nhập lại để gửi.", true);
          failures += 1;
          var wait = Math.min(300, 5 * Math.pow(2, failures - 1));
          timer = setTimeout(sync, wait * 1000);
          say("Gửi không được (lần " + failures + ": " + (err.message || "mất mạng") +
              "). Tự thử lại sau " + wait + " giây, hoặc bấm Gửi ngay.");
        });
    });
  }
  function settle(batch, results, ms) {
    var done = 0;
    return Promise.all(batch.map(function (c, i) {
      var r = results[i] || {};
      if (r.status === "applied") { done += 1; return dropChange(c.change_id); }
      if (r.status === "conflict") { c.status = "conflict"; c.server = r.server; }
      else { c.status = "invalid"; c.errors = r.errors || { "": [r.status || "?"] }; }
      return putChange(c);
    })).then(function () {
      bar.setAttribute("data-last-push-ms", ms);
      say("Đã gửi " + done + "/" + batch.length + " thay đổi.");
      localStorage.setItem(CURSOR + ":stale", "1");
    });
  }

  /* ---------- warming the page cache from the pull feed ---------- */
  var warming = false;
  function warm() {
    if (warming || !navigator.onLine || !window.caches) return render();
    warming = true;
    var since = localStorage.getItem(CURSOR) || "";
    var pages = {}, removed = [], villages = [];
    var started = Date.now();
    function page(since) {
      return api("/api/sync/pull?limit=500&since=" + encodeURIComponent(since)).then(function (p) {
        villages = p.villages;
        p.households.forEach(function (h) { pages["/ho/" + h.token] = 1; });
        removed = removed.concat(p.removed);
        return p.more ? page(p.cursor) : p.cursor;
      });
    }
    return page(since).then(function (cursor) {
      var changed = Object.keys(pages).length + removed.length;
      if (changed || !since || localStorage.getItem(CURSOR + ":stale")) {
        pages["/thon/"] = pages[bar.getAttribute("data-conflicts")] = 1;
        villages.forEach(function (v) { pages["/thon/" + v.token + "/"] = pages["/thon/" + v.token + "/ho-moi"] = 1; });
      }
      return caches.open(PAGES).then(function (cache) {
        removed.forEach(function (t) { cache.delete("/ho/" + t); });
        return store(cache, Object.keys(pages));
      }).then(warmPlates).then(function () {
        localStorage.setItem(CURSOR, cursor);
        localStorage.removeItem(CURSOR + ":stale");
        bar.setAttribute("data-warm-ms", Date.now() - started);
        bar.setAttribute("data-ready", "1");
        if (!state.msg || /^Đã gửi|^Sẵn sàng/.test(state.msg)) {
          state.msg = "Sẵn sàng dùng khi mất mạng.";
        }
      });
    }).catch(function (err) {
      if (err.auth) state.msg = "Phiên đăng nhập đã hết — đăng nhập lại để gửi.", state.login = true;
    }).then(function () { warming = false; return render(); });
  }
  function store(cache, urls) {
    // Four at a time: quick on 3G without flooding a small server.
    var queue = urls.slice();
    function next() {
      var url = queue.shift();
      if (!url) return Promise.resolve();
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) return cache.put(new URL(url, location.href).href, r);
      }).catch(function () {}).then(next);
    }
    return Promise.all([next(), next(), next(), next()]);
  }

  /* ---------- door plates: the map {plate token: household token} that sw.js reads to open a
     scanned /h/<token> offline (docs/plates.md); re-fetched only when it changed (ETag) ---------- */
  function warmPlates() {
    var KEY = "plates-etag:" + USER, MAP = "/__plates__.json";
    return caches.open(PAGES).then(function (cache) {
      return cache.match(MAP).then(function (have) {
        var etag = have && localStorage.getItem(KEY);
        return fetch("/api/sync/plates", { credentials: "same-origin",
          headers: etag ? { "If-None-Match": etag } : {} }).then(function (r) {
          if (r.status !== 200) return; // 304: the phone's copy is current
          var tag = r.headers.get("ETag");
          return r.text().then(function (body) {
            return cache.put(MAP, new Response(body, { headers: { "Content-Type": "application/json" } }));
          }).then(function () { if (tag) localStorage.setItem(KEY, tag); });
        });
      });
    }).catch(function () { /* plates are a convenience: never block the rest of warming */ });
  }

  /* ---------- pages: list marks, household overlay, submit ---------- */
  function markList(list) {
    var ul = $("ul.list.hh");
    var village = (location.pathname.match(/^\/thon\/([^/]+)\/$/) || [])[1];
    if (!ul || !village) return;
    $$(".js-local", ul).forEach(function (el) { el.remove(); });
    list.forEach(function (c) {
      var label = c.status === "pending" ? "Chờ gửi" : "Cần xem lại";
      var li = $("#h-" + c.household);
      if (!li && c.kind === "create" && c.village === village) {
        li = document.createElement("li");
        li.id = "h-" + c.household;
        li.className = "js-local";
        var a = document.createElement("a");
        a.href = "/thon/" + village + "/ho-moi#local=" + c.household;
        a.innerHTML = '<span class="row-title"></span>';
        a.firstChild.textContent = c.data.chu_ho + " " + c.data.ma_ho;
        li.appendChild(a);
        ul.insertBefore(li, ul.firstChild);
      }
      if (li && !$(".badge-pending", li)) {
        var badge = document.createElement("span");
        badge.className = "row-sub js-local";
        badge.innerHTML = '<span class="badge badge-pending"></span>';
        badge.firstChild.textContent = label;
        $("a", li).appendChild(badge);
      }
    });
  }
  function householdPage(form) {
    var local = (location.hash.match(/^#local=([\w-]+)$/) || [])[1];
    if (local) form.setAttribute("data-local", local);
    var key = form.getAttribute("data-household") || local;
    allChanges().then(function (list) {
      var mine = list.filter(function (c) { return c.household === key; });
      var last = mine[mine.length - 1];
      if (!last) return;
      fillForm(form, last.data);
      form.setAttribute("data-pending", "1");
      note(form, "Đang hiện bản chưa gửi, lưu trên máy lúc " + new Date(last.saved_at).toLocaleString("vi-VN") + ".");
    });
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      e.preventDefault();
      // Online and nothing waiting: the form's own post, with the server's checks.
      if (navigator.onLine && !form.getAttribute("data-pending")) postOnline(form);
      else saveOnPhone(form);
    });
    window.addEventListener("pageshow", function () { $("button[type=submit]", form).disabled = false; });
  }
  function saveOnPhone(form) {
    var data = readForm(form);
    var bad = problems(data);
    if (bad.length) return note(form, "Chưa lưu được: " + bad.join(" "), true);
    enqueue(form, data).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      location.href = $("a.back").href;
    });
  }

  /* ---------- online save: the plain post, by fetch ---------- */
  // "Online" is the browser's guess: on weak 3G the post can die on the way. Sent by fetch, a
  // dead network ends in the queue (a change of its own, with its base_version) and not on the
  // browser's error page; whatever the server answers is shown as the browser would show it.
  var POST_TIMEOUT = 15000;
  function postOnline(form) {
    var button = $("button[type=submit]", form);
    if (button.disabled) return; // the first tap is still on its way
    button.disabled = true;
    var body = new URLSearchParams(new FormData(form)); // before readForm adds member tokens
    withTimeout(POST_TIMEOUT, function (signal) {
      return fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
        redirect: "follow", signal: signal }).then(function (r) {
        return r.text().then(function (html) { return { response: r, html: html }; });
      });
    }).then(function (answer) {
      var r = answer.response;
      // Signed out meanwhile (sent to the sign-in page, or the session's CSRF token is gone):
      // keep what was typed in the queue; it is sent after signing in again.
      if (r.status === 400 || new URL(r.url).pathname.indexOf("/dang-nhap") === 0) {
        button.disabled = false;
        return saveOnPhone(form);
      }
      if (r.redirected) return goTo(r.url, answer.html, form);
      showPage(answer.html); // 422 / 409: the server's page with its messages and the typed values
    }, function () {
      button.disabled = false;
      saveOnPhone(form);
    });
  }
  function withTimeout(ms, work) {
    var control = window.AbortController ? new AbortController() : null;
    var timer;
    var late = new Promise(function (resolve, reject) {
      timer = setTimeout(function () { if (control) control.abort(); reject(new Error("timeout")); }, ms);
    });
    var done = function () { clearTimeout(timer); };
    var sent = work(control ? control.signal : undefined);
    sent.then(done, done);
    return Promise.race([sent, late]);
  }
  function goTo(url, html, form) {
    // Following the redirect used up the server's "Đã lưu hộ …" message: carry it over.
    var doc = new DOMParser().parseFromString(html, "text/html");
    var flashes = $$(".flash", doc).map(function (p) { return [p.className, p.textContent]; });
    try { sessionStorage.setItem("flash", JSON.stringify(flashes)); } catch (e) { /* full: go anyway */ }
    var key = form.getAttribute("data-household");
    location.assign(url.indexOf("#") < 0 && key ? url + "#h-" + key : url);
  }
  function showPage(html) {
    // The new page runs its own copy of this file; this one must stop listening.
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", onOffline);
    clearTimeout(timer);
    document.open();
    document.write(html);
    document.close();
  }
  function replayFlash() {
    var saved = sessionStorage.getItem("flash");
    sessionStorage.removeItem("flash");
    if (!saved || $(".flash")) return;
    var at = bar.nextSibling;
    JSON.parse(saved).forEach(function (f) {
      var p = document.createElement("p");
      p.className = f[0];
      p.setAttribute("role", "status");
      p.textContent = f[1];
      bar.parentNode.insertBefore(p, at);
    });
  }
  function note(form, text, error) {
    var p = $(".js-offline-note") || document.createElement("p");
    p.className = "js-offline-note " + (error ? "alert" : "flash flash-info");
    p.setAttribute("role", error ? "alert" : "status");
    p.textContent = text;
    form.parentNode.insertBefore(p, form);
    if (error) p.scrollIntoView();
  }

  /* ---------- backup file ---------- */
  function saveBackup() {
    allChanges().then(function (list) {
      var blob = new Blob([JSON.stringify({ kind: "khaosat-ban-sao", user: USER,
        saved_at: new Date().toISOString(), changes: list }, null, 1)], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "ban-sao-cho-gui-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-") + ".json";
      document.body.appendChild(a); a.click(); a.remove();
      say("Đã lưu bản sao " + list.length + " thay đổi vào máy (thư mục Tải xuống).");
    });
  }
  function openBackup(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var changes;
      try { changes = JSON.parse(reader.result).changes; } catch (e) { changes = null; }
      if (!Array.isArray(changes)) return say("Tệp này không phải bản sao của ứng dụng.");
      allChanges().then(function (list) {
        var have = {};
        list.forEach(function (c) { have[c.change_id] = 1; });
        var fresh = changes.filter(function (c) { return c && c.change_id && c.data && !have[c.change_id]; });
        return Promise.all(fresh.map(function (c) {
          if (c.status !== "pending") c.status = "pending";
          return putChange(c);
        })).then(function () {
          say("Đã mở bản sao: thêm " + fresh.length + " thay đổi.");
          return sync();
        });
      });
    };
    reader.readAsText(file);
  }

  /* ---------- wiring ---------- */
  $("#sync-now").addEventListener("click", function () { sync(); });
  $("#backup-save").addEventListener("click", saveBackup);
  $("#backup-open").addEventListener("change", function (e) {
    if (e.target.files[0]) openBackup(e.target.files[0]);
    e.target.value = "";
  });
  function onOnline() { sync(); }
  function onOffline() { say("Mất mạng: việc lưu vẫn tiếp tục trên máy."); }
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  replayFlash();
  var logout = $("form.logout");
  if (logout) logout.addEventListener("submit", function () {
    if (window.caches) caches.delete(PAGES);
    localStorage.removeItem(CURSOR);
  });
  var form = $("form#hh");
  if (form) householdPage(form);
  if (window.KhaosatConflicts) window.KhaosatConflicts({ all: allChanges, put: putChange, drop: dropChange, uuid: uuid, sync: sync, say: say });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  render().then(sync);
})();
