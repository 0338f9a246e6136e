/* Offline field work, the page side: saves made without network go to the queue (sync.js) and
   its sync client sends them when the network is back. Here: the household form read
   into and filled from a change, the status bar ("Chờ gửi (n)"), warming the page cache and the
   phone's copy of the households after each pull, the village list searched on the phone, links
   that need the network, "Lưu bản sao" / "Mở bản sao", the "Cần sửa" messages and a session that
   expired. Limits and addresses come from the page's #sync-config. Plain ES5 syntax, no framework. */
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return [].slice.call((root || document).querySelectorAll(sel)); };
  var K = window.Khaosat;
  if (!window.indexedDB || !K || !K.sync) return;
  var store = K.sync.openStore(indexedDB);
  var clock = { now: Date.now,
    setTimeout: function (f, ms) { return setTimeout(f, ms); },
    clearTimeout: function (t) { clearTimeout(t); } };
  var queue = K.sync.Queue(store, clock);
  var newToken = K.sync.newToken, uuid = K.sync.uuid;
  var bar = document.getElementById("sync-bar");
  var PAGES = "pages"; // the page cache, shared with sw.js
  if (!bar) return staffPage();
  // Limits and addresses come from the server (offline/views.py sync_config): none are written here.
  var CONFIG = JSON.parse(document.getElementById("sync-config").textContent);
  var URLS = CONFIG.urls;
  var PAGE_RE = new RegExp(CONFIG.pages || "^$");
  function page(name, token) { return URLS[name].replace("__token__", token); }

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
    ["ma_ho", "chu_ho", "dia_chi", "so_dien_thoai", "note"].forEach(function (k) {
      data[k] = form.elements[k].value.trim();
    });
    data.so_dien_thoai = data.so_dien_thoai || null;
    var lat = form.elements.gps_lat.value, lng = form.elements.gps_lng.value;
    if (lat && lng) {
      data.gps_lat = +lat; data.gps_lng = +lng;
      data.gps_accuracy = form.elements.gps_accuracy.value ? +form.elements.gps_accuracy.value : null;
    }
    data.members = memberRows(form).map(function (row) {
      // A member's answers are in the item cards, outside its row: match them by name prefix.
      var prefix = $("[name$='-token']", row).name.replace(/token$/, "");
      var m = radios(form, function (name) {
        return name.indexOf(prefix) === 0 ? name.slice(prefix.length) : null;
      });
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
  // The server's own checks (rules.js reads them from the page): {path: [messages]}.
  function problems(data, kind) {
    return window.KhaosatRules ? window.KhaosatRules.check(data, undefined, kind) : {};
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
    var form = row.closest("form");
    Object.keys(m).forEach(function (k) { setRadio(form, prefix + k, m[k]); });
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
    if (window.KhaosatForm) window.KhaosatForm.refresh();
  }

  /* ---------- the queue (sync.js) ---------- */
  function enqueue(form, data, separate) {
    var known = form.getAttribute("data-household");
    var household = known || form.getAttribute("data-local");
    if (!household) form.setAttribute("data-local", household = newToken()); // made on the phone
    return queue.enqueue({ household: household, village: form.getAttribute("data-village"),
      version: known ? form.elements.version.value : null, data: data, separate: separate });
  }

  /* ---------- status bar: one quiet line unless something waits or failed ---------- */
  var state = { msg: "", error: "", login: false, result: "" };
  function say(msg) { state.msg = msg; render(); }
  function fail(msg, login) { state.error = msg; state.msg = ""; state.login = !!login; render(); }
  function when(iso) {
    var d = new Date(iso), now = new Date();
    var t = d.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    return d.toDateString() === now.toDateString() ? t : t + " " + d.toLocaleDateString("vi-VN");
  }
  function render() {
    return queue.all().then(function (list) {
      var waiting = list.filter(function (c) { return c.status === "pending"; }).length;
      var invalid = list.filter(function (c) { return c.status === "invalid"; }).length;
      var conflicts = list.length - waiting - invalid;
      var last = client.lastSent();
      $("#sync-count").textContent = waiting ? "Chờ gửi (" + waiting + ")" :
        invalid + conflicts ? "Chưa gửi được (" + (invalid + conflicts) + ")" :
        (state.result || "Đã gửi hết") + (last ? " · " + when(last) : "");
      var msg = $("#sync-msg");
      msg.textContent = [state.error, state.msg].filter(Boolean).join(" ");
      if (state.login) {
        var a = document.createElement("a");
        a.href = URLS.login + "?next=" + encodeURIComponent(location.pathname);
        a.textContent = "Đăng nhập lại";
        msg.appendChild(document.createTextNode(" ")); msg.appendChild(a);
      }
      $("#sync-now").hidden = !waiting && !state.error;
      var link = $("#sync-conflicts");
      link.hidden = !(invalid || conflicts);
      link.textContent = [invalid ? "Cần sửa " + invalid + " hộ" : "",
        conflicts ? "Cần xem lại " + conflicts + " hộ (người khác đã sửa)" : ""].filter(Boolean).join(" · ");
      bar.hidden = false;
      bar.setAttribute("data-pending", list.length);
      bar.className = "syncbar" + (state.error ? " has-error" : waiting || invalid || conflicts ? " has-pending" :
        state.msg ? "" : " quiet");
      markList(list);
      return list;
    });
  }

  /* ---------- sending and pulling (sync.js), told here on the bar ---------- */
  var SIGNED_OUT = "Phiên đăng nhập đã hết — đăng nhập lại để gửi.";
  var client = K.sync.Client({ queue: queue, clock: clock, kv: localStorage, config: CONFIG,
    fetch: function (url, options) { return fetch(url, options); },
    online: function () { return navigator.onLine; }, report: told, pulled: warm });
  function sync() { return client.sync().then(render); }
  function told(e) {
    if (e.type === "offline") say("Không có mạng: sẽ tự gửi khi có mạng.");
    else if (e.type === "sending") say("Đang gửi " + e.count + " thay đổi…");
    else if (e.type === "auth") fail(SIGNED_OUT, true);
    else if (e.type === "failed") {
      fail("Gửi không được (lần " + e.failures + ": " + (e.message || "mất mạng") +
           "). Tự thử lại sau " + e.wait + " giây, hoặc bấm Gửi ngay.");
    } else if (e.type === "sent") {
      bar.setAttribute("data-last-push-ms", e.ms);
      state.error = ""; state.login = false; state.msg = "";
      state.result = "Đã gửi " + e.done + "/" + e.count + " thay đổi";
    }
  }

  /* ---------- warming the page cache and the households from the pull feed ---------- */
  function warm(p) {
    var pages = {};
    p.households.forEach(function (h) { pages[page("household", h.token)] = 1; });
    if (p.households.length || p.removed.length || !p.since || p.stale) {
      pages[URLS.villages] = pages[URLS.conflicts] = 1;
      p.villages.forEach(function (v) {
        pages[page("village", v.token)] = pages[page("new_household", v.token)] = 1;
      });
    }
    return store.keepHouseholds(p.households, p.removed).then(function () {
      if (!window.caches) return;
      return caches.open(PAGES).then(function (cache) {
        p.removed.forEach(function (t) { cache.delete(page("household", t)); });
        return keep(cache, Object.keys(pages));
      }).then(warmPlates);
    }).then(function () {
      bar.setAttribute("data-warm-ms", Date.now() - p.started);
      bar.setAttribute("data-ready", "1");
    });
  }
  function keep(cache, urls) {
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
  function forget() {
    // Signing out: this phone keeps no copy of the households (the queue stays: it is unsent work).
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf("pull-cursor:") === 0) localStorage.removeItem(k); });
    return Promise.all([
      window.caches ? caches.delete(PAGES) : null,
      store.forgetHouseholds(),
    ]).catch(function () {});
  }
  function onLogout(form, offline) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (offline && !navigator.onLine) return needsNetwork();
      forget().then(function () { form.submit(); }); // submit() fires no second "submit" event
    });
  }
  function staffPage() {
    // A page that needs the network (reports, admin): no bar; signing out still forgets the copy.
    var logout = $("form.logout");
    if (logout) onLogout(logout, false);
  }

  /* ---------- door plates: the map {plate token: household token} that sw.js reads to open a
     scanned /h/<token> offline (docs/plates.md); re-fetched only when it changed (ETag) ---------- */
  function warmPlates() {
    var KEY = "plates-etag:" + CONFIG.user, MAP = "/__plates__.json";
    return caches.open(PAGES).then(function (cache) {
      return cache.match(MAP).then(function (have) {
        var etag = have && localStorage.getItem(KEY);
        return fetch(URLS.plates, { credentials: "same-origin",
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
    var village = ul && ul.getAttribute("data-village"); // the village page's list
    if (!village) return;
    $$(".js-local", ul).forEach(function (el) { el.remove(); });
    list.forEach(function (c) {
      var label = c.status === "pending" ? "Chờ gửi" : c.status === "invalid" ? "Cần sửa" : "Cần xem lại";
      var li = $("#h-" + c.household);
      if (!li && c.kind === "create" && c.village === village) {
        li = document.createElement("li");
        li.id = "h-" + c.household;
        li.className = "js-local";
        var a = document.createElement("a");
        a.href = page("new_household", village) + "#local=" + c.household;
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
    queue.all().then(function (list) {
      var mine = list.filter(function (c) { return c.household === key; });
      var last = mine[mine.length - 1];
      if (!last) return;
      fillForm(form, last.data);
      form.setAttribute("data-pending", "1");
      note(form, "Đang hiện bản chưa gửi, lưu trên máy lúc " + new Date(last.saved_at).toLocaleString("vi-VN") + ".");
      if (last.status === "invalid") showRefused(form, last);
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
    var bad = problems(data, form.getAttribute("data-household") ? "update" : "create");
    var count = Object.keys(bad).length;
    if (count) {
      note(form, "Chưa lưu được: cần sửa " + count + " chỗ (ghi ngay bên dưới ô cần sửa).", true);
      if (window.KhaosatForm) window.KhaosatForm.showErrors(bad), window.KhaosatForm.unlock();
      return;
    }
    enqueue(form, data).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      savedOnPhone("Đã lưu trên máy hộ " + data.ma_ho + " – " + data.chu_ho +
        ". Sẽ tự gửi khi có mạng.");
    });
  }
  // Back to the list with the same kind of message an online save gives.
  function savedOnPhone(text) {
    try { sessionStorage.setItem("flash", JSON.stringify([["flash flash-success", text]])); }
    catch (e) { /* storage full: the list's "Chờ gửi" mark still shows it */ }
    location.href = $("a.back").href;
  }

  // "Không có nhà / Hẹn lại / Từ chối / Đã chuyển đi" without network: queued as a change of its
  // own (never merged into a waiting survey of the same household), checked like the server does.
  function visitPage(form) {
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      var picked = $("input[name=visit_outcome]:checked", form);
      var day = form.elements.revisit_on.value;
      var required = window.KhaosatRules.rules().required; // the server's words
      var problem = !picked ? required.visit_outcome
        : picked.value === "hen_lai" && !day ? required.revisit_on : "";
      if (problem) { e.preventDefault(); return note(form, problem, true); }
      if (navigator.onLine) return; // the form's own post; the server checks the same again
      e.preventDefault();
      var data = { visit_outcome: picked.value, revisit_on: picked.value === "hen_lai" ? day : null,
        note: form.elements.note.value.trim() };
      enqueue(form, data, true).then(function () {
        savedOnPhone("Đã ghi trên máy: " + $("span", picked.parentNode).textContent +
          ". Sẽ tự gửi khi có mạng.");
      });
    });
  }

  /* ---------- "Cần sửa": a change the server refused, its messages beside the fields ---------- */
  var WORDS = { consent: "Sự đồng ý của hộ", members: "Danh sách thành viên", village: "Thôn",
    household: "Hộ", base_version: "Phiên bản", change_id: "Mã thay đổi", data: "Thông tin hộ",
    token: "Mã thành viên", kind: "Loại thay đổi" };
  // "data.members.3.ngay_sinh" → "Thành viên 4 (Nguyễn Văn A) — Ngày sinh"; label(scope, key)
  // gives a field's words ("household" or "member"), from the page or the server's labels map.
  function describe(path, data, label) {
    var p = String(path || "").split(".");
    if (p[0] === "data" && p.length > 1) p.shift();
    var word = function (scope, k) { return label(scope, k) || WORDS[k] || k; };
    if (p[0] === "members" && /^\d+$/.test(p[1] || "")) {
      var i = +p[1], m = (data && data.members || [])[i] || {};
      var who = "Thành viên " + (i + 1) + (m.ho_ten ? " (" + m.ho_ten + ")" : "");
      return p[2] ? who + " — " + word("member", p[2]) : who;
    }
    return p[0] ? word("household", p[0]) : "Thay đổi này";
  }
  function errorLines(c, label) {
    return Object.keys(c.errors || {}).map(function (k) {
      return { path: k, text: describe(k, c.data, label) + ": " + [].concat(c.errors[k]).join(" ") };
    });
  }
  function pageLabel(form) {
    // The words of a field as the page shows them: its <label>, or its group's <legend>.
    return function (scope, key) {
      var root = scope === "member" ? $("#mlist details.member", form) : form;
      var el = root && $("[name='" + key + "'], [name$='-" + key + "']", root);
      if (scope !== "member" && el && /^m-/.test(el.name)) el = null;
      if (!el) return "";
      var words = el.id && $("label[for='" + el.id + "']", form);
      if (!words) words = el.closest("fieldset") && $("legend", el.closest("fieldset"));
      return words ? words.textContent.trim() : "";
    };
  }
  function fieldOf(form, c, path) {
    var p = path.split(".");
    if (p[0] === "data") p.shift();
    if (p[0] === "members" && p[2]) {
      var m = (c.data.members || [])[+p[1]] || {};
      var row = $$("#mlist details.member", form).filter(function (r) {
        return $("[name$='-token']", r).value === m.token;
      })[0];
      if (!row) return null;
      row.open = true;
      return $("[name$='-" + p[2] + "']", row);
    }
    var el = form.elements[p[0]];
    return el && !el.tagName ? el[0] : el; // radios: the first of the group
  }
  function showRefused(form, c) {
    $$(".js-refused", form.parentNode).forEach(function (el) { el.remove(); });
    var lines = errorLines(c, pageLabel(form));
    var box = document.createElement("div");
    box.className = "alert js-refused";
    box.setAttribute("role", "alert");
    box.innerHTML = "<p><strong>Cần sửa: máy chủ chưa nhận thay đổi này.</strong> Sửa " + lines.length +
      " chỗ dưới đây rồi bấm Lưu; thay đổi đã sửa sẽ thay cho thay đổi bị từ chối.</p><ul></ul>";
    lines.forEach(function (line, n) {
      var li = document.createElement("li");
      var el = fieldOf(form, c, line.path);
      var holder = el && (el.closest(".field") || el.closest("fieldset"));
      if (holder) {
        var p = document.createElement("p");
        p.className = "error js-refused";
        p.id = "refused-" + n;
        p.textContent = [].concat(c.errors[line.path]).join(" ");
        holder.classList.add("has-error");
        holder.appendChild(p);
        if (el.type !== "radio") {
          el.setAttribute("aria-invalid", "true");
          el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + p.id).trim());
        }
        var a = document.createElement("a");
        a.href = "#" + (el.type === "radio" ? p.id : el.id);
        a.textContent = line.text;
        li.appendChild(a);
      } else {
        li.textContent = line.text;
      }
      $("ul", box).appendChild(li);
    });
    form.parentNode.insertBefore(box, form);
    form.setAttribute("data-refused", "1");
  }

  /* ---------- the village list from the phone's copy: search and filters over the whole thôn ---------- */
  function fold(text) {
    // Like survey_app/text.py: no diacritics, đ → d, lower case.
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function naturalKey(text) {
    return String(text || "").split(/(\d+)/);
  }
  function naturalCompare(a, b) {
    // Like households/services.py _natural_key: numbers by value, before text at the same place.
    var x = naturalKey(a.ma_ho), y = naturalKey(b.ma_ho);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] === undefined) return -1;
      if (y[i] === undefined) return 1;
      var nx = /^\d+$/.test(x[i]), ny = /^\d+$/.test(y[i]);
      if (nx && ny && +x[i] !== +y[i]) return +x[i] - +y[i];
      if (nx !== ny) return nx ? -1 : 1;
      if (!nx && x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
  }
  function searchRows(rows, query, statuses) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    return rows.filter(function (h) {
      if (statuses.length && statuses.indexOf(h.status) < 0) return false;
      var hay = fold(h.ma_ho + " " + h.chu_ho + " " + h.dia_chi);
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    }).sort(naturalCompare);
  }
  function villageList(ul) {
    var village = ul.getAttribute("data-village");
    var form = $("form.search"), tabs = $$("nav.tabs a[data-tt]");
    function wanted() {
      var args = new URLSearchParams(location.search);
      return { q: (args.get("q") || "").trim(), tt: (args.get("tt") || "").trim() };
    }
    function url(q, tt) {
      var args = new URLSearchParams();
      if (q) args.set("q", q);
      if (tt) args.set("tt", tt);
      var s = args.toString();
      return location.pathname + (s ? "?" + s : "");
    }
    function show(q, tt) {
      return store.villageHouseholds(village).then(function (rows) {
        if (!rows.length) return false; // never pulled: keep the server's page
        var tab = tabs.filter(function (a) { return a.getAttribute("data-tt") === tt; })[0] || tabs[0];
        var statuses = (tab.getAttribute("data-statuses") || "").split(" ").filter(Boolean);
        var found = searchRows(rows, q, statuses);
        ul.innerHTML = "";
        found.forEach(function (h) { ul.appendChild(row(h)); });
        if (!found.length) {
          var li = document.createElement("li");
          li.className = "empty";
          li.textContent = "Không có hộ nào" + (q ? " khớp “" + q + "”" : "") + ".";
          ul.appendChild(li);
        }
        var count = $("#found");
        count.setAttribute("data-found", found.length);
        count.textContent = found.length.toLocaleString("vi-VN") + " hộ" + (q ? " khớp “" + q + "”" : "") +
          " · từ bản lưu trên máy";
        tabs.forEach(function (a) {
          var on = a === tab;
          a.className = "btn" + (on ? " btn-primary" : "");
          if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
          a.href = url(q, a.getAttribute("data-tt"));
        });
        $("#q").value = q;
        var hidden = $("input[name=tt]", form);
        if (hidden) hidden.value = tab.getAttribute("data-tt");
        $$(".pager").forEach(function (el) { el.style.display = "none"; }); // all rows are shown
        ul.setAttribute("data-q", q); ul.setAttribute("data-tt", tab.getAttribute("data-tt"));
        ul.setAttribute("data-local-list", "1");
        return queue.all().then(markList);
      });
    }
    var now = wanted();
    // Answered from the phone's cache (the server's page was for other words), or offline.
    if (!navigator.onLine || now.q !== ul.getAttribute("data-q") || now.tt !== ul.getAttribute("data-tt")) {
      show(now.q, now.tt);
    }
    form.addEventListener("submit", function (e) {
      if (navigator.onLine) return;
      e.preventDefault();
      var tt = (tabs.filter(function (a) { return a.getAttribute("aria-current"); })[0] || tabs[0]).getAttribute("data-tt");
      var q = $("#q").value.trim();
      history.replaceState(null, "", url(q, tt));
      show(q, tt);
    });
    tabs.forEach(function (a) {
      a.addEventListener("click", function (e) {
        if (navigator.onLine) return;
        e.preventDefault();
        var q = wanted().q, tt = a.getAttribute("data-tt");
        history.replaceState(null, "", url(q, tt));
        show(q, tt);
      });
    });
  }
  function row(h) {
    var li = document.createElement("li");
    li.id = "h-" + h.token;
    var a = document.createElement("a");
    a.href = page("household", h.token);
    var title = span("row-title", h.chu_ho + " ");
    title.appendChild(span("muted", h.ma_ho));
    a.appendChild(title);
    if (h.dia_chi) a.appendChild(span("row-sub", h.dia_chi));
    var sub = span("row-sub", "");
    var badge = span("badge badge-" + h.status, h.status_label);
    badge.setAttribute("data-status", h.status);
    sub.appendChild(badge);
    a.appendChild(sub);
    if (h.surveyed_at) a.appendChild(span("row-sub muted", "Khảo sát lúc " + new Date(h.surveyed_at).toLocaleString("vi-VN")));
    li.appendChild(a);
    return li;
  }
  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  /* ---------- offline: links and forms go where the phone's copy answers, or say why not ---------- */
  function answeredOffline(url) {
    if (!PAGE_RE.test(url.pathname) || !window.caches) return Promise.resolve(false);
    return caches.open(PAGES).then(function (cache) {
      return cache.match(url.origin + url.pathname, { ignoreSearch: true, ignoreVary: true });
    }).then(function (hit) { return !!hit; }, function () { return false; });
  }
  var toastTimer = null;
  function needsNetwork() {
    var t = $("#offline-toast");
    if (!t) {
      t = document.createElement("p");
      t.id = "offline-toast";
      t.className = "offline-toast";
      t.setAttribute("role", "alert");
      t.addEventListener("click", function () { t.hidden = true; });
      document.body.appendChild(t);
    }
    t.textContent = "Trang này cần có mạng. Khi có mạng, hãy bấm lại. Danh sách hộ và phiếu khảo sát " +
      "vẫn dùng được trên máy.";
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 8000);
  }
  function goOrSay(url) {
    answeredOffline(url).then(function (ok) { if (ok) location.assign(url.href); else needsNetwork(); });
  }
  function offlineLinks() {
    document.addEventListener("click", function (e) {
      if (navigator.onLine || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey) return;
      var a = e.target.closest && e.target.closest("a[href]");
      if (!a || a.target || a.hasAttribute("download") || a.protocol === "blob:") return;
      var url = new URL(a.href, location.href);
      if (url.origin !== location.origin) return;
      if (url.pathname === location.pathname && url.search === location.search) return; // same page
      e.preventDefault();
      goOrSay(url);
    });
    document.addEventListener("submit", function (e) {
      if (navigator.onLine || e.defaultPrevented) return;
      e.preventDefault();
      var f = e.target;
      if ((f.getAttribute("method") || "get").toLowerCase() !== "get") return needsNetwork();
      var url = new URL(f.action, location.href);
      url.search = new URLSearchParams(new FormData(f)).toString();
      goOrSay(url);
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
      if (r.status === 400 || new URL(r.url).pathname.indexOf(URLS.login) === 0) {
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
    // After a save the list opens at its top ("Tiếp theo"), as the server meant.
    var anchor = url.indexOf("sau=") >= 0 ? "" : key ? "#h-" + key : "";
    location.assign(url.indexOf("#") < 0 ? url + anchor : url);
  }
  function showPage(html) {
    // The new page runs its own copy of this file; this one must stop listening.
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", onOffline);
    client.stop();
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
    queue.all().then(function (list) {
      var blob = new Blob([JSON.stringify({ kind: "khaosat-ban-sao", user: CONFIG.user,
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
      queue.restore(changes).then(function (added) {
        say("Đã mở bản sao: thêm " + added + " thay đổi.");
        return sync();
      });
    };
    reader.readAsText(file);
  }

  /* ---------- wiring ---------- */
  $("#sync-now").addEventListener("click", function () { sync(); }); // an error stays until a success
  $("#backup-save").addEventListener("click", saveBackup);
  $("#backup-open").addEventListener("change", function (e) {
    if (e.target.files[0]) openBackup(e.target.files[0]);
    e.target.value = "";
  });
  function onOnline() { state.msg = ""; sync(); }
  function onOffline() { say("Mất mạng: việc lưu vẫn tiếp tục trên máy."); }
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  replayFlash();
  offlineLinks();
  var logout = $("form.logout");
  if (logout) onLogout(logout, true);
  var visit = $("form#visit");
  if (visit) visitPage(visit);
  var form = $("form#hh");
  if (form) householdPage(form);
  var list = $("ul.list.hh[data-village]");
  if (list) villageList(list);
  if (window.KhaosatConflicts) {
    window.KhaosatConflicts({ all: queue.all, put: queue.put, drop: queue.drop, uuid: uuid, sync: sync,
      say: say, describe: describe, page: page });
  }
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  render().then(sync);
})();
