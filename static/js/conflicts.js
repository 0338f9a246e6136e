/* Conflict screen: the phone's version and the server's side by side, field by field; the chosen
   values go back to the queue as a new change based on the server's version. Nothing is sent
   until the volunteer chooses. offline.js calls window.KhaosatConflicts with its queue helpers. */
(function () {
  "use strict";
  var L = JSON.parse(document.getElementById("conflict-labels").textContent);
  var box = document.getElementById("conflicts");

  function same(a, b) { return JSON.stringify(a == null ? null : a) === JSON.stringify(b == null ? null : b); }
  function show(v) {
    if (v === true) return "Có";
    if (v === false) return "Không";
    if (v == null) return "Chưa hỏi";
    if (v === "") return "(trống)";
    return L.values[v] || String(v);
  }
  function esc(s) {
    var d = document.createElement("div");
    d.textContent = s;
    return d.innerHTML;
  }
  function choice(name, label, mine, server) {
    return '<fieldset class="seg c2 pick"><legend>' + esc(label) + '</legend><div class="opts">' +
      '<label><input type="radio" name="' + name + '" value="mine" checked><span>Của bạn: ' + esc(show(mine)) + "</span></label>" +
      '<label><input type="radio" name="' + name + '" value="server"><span>Trên máy chủ: ' + esc(show(server)) + "</span></label>" +
      "</div></fieldset>";
  }
  function keep(name, label, whose) {
    return '<fieldset class="seg c2 pick"><legend>' + esc(label) + " (chỉ có " + whose + ')</legend><div class="opts">' +
      '<label><input type="radio" name="' + name + '" value="1" checked><span>Giữ</span></label>' +
      '<label><input type="radio" name="' + name + '" value="0"><span>Bỏ</span></label></div></fieldset>';
  }
  function pairs(c) {
    var server = c.server.members || [], byToken = {}, out = [];
    server.forEach(function (s) { byToken[s.token] = s; });
    c.data.members.forEach(function (m) { out.push({ mine: m, server: byToken[m.token] || null }); delete byToken[m.token]; });
    server.forEach(function (s) { if (byToken[s.token]) out.push({ mine: null, server: s }); });
    return out;
  }
  function section(c, i) {
    var html = "", diffs = 0;
    Object.keys(L.household).forEach(function (k) {
      if (k in c.data && !same(c.data[k], c.server[k])) { diffs++; html += choice(i + "-h-" + k, L.household[k], c.data[k], c.server[k]); }
    });
    pairs(c).forEach(function (p, j) {
      var name = (p.mine || p.server).ho_ten;
      if (!p.mine || !p.server) {
        diffs++;
        html += keep(i + "-k" + j, "Thành viên " + name, p.mine ? "ở bản của bạn" : "trên máy chủ");
        return;
      }
      Object.keys(L.member).forEach(function (k) {
        if (k in p.mine && !same(p.mine[k], p.server[k])) {
          diffs++;
          html += choice(i + "-m" + j + "-" + k, name + ": " + L.member[k], p.mine[k], p.server[k]);
        }
      });
    });
    return '<section class="card conflict" data-index="' + i + '"><h2>Hộ ' + esc(c.server.chu_ho) +
      " (" + esc(c.server.ma_ho) + ")</h2><p>" + diffs + " chỗ khác nhau.</p>" + html +
      '<button type="button" class="btn btn-primary btn-block js-resolve">Gửi bản đã chọn</button></section>';
  }
  function label(scope, key) { return (L[scope] || {})[key] || ""; }
  function invalid(c, i, q) {
    // "Cần sửa": the server refused the change (not someone else's edit); the volunteer fixes it
    // on the household page, where the same messages stand beside the fields.
    var lines = Object.keys(c.errors || {}).map(function (k) {
      return "<li>" + esc(q.describe(k, c.data, label) + ": " + [].concat(c.errors[k]).join(" ")) + "</li>";
    });
    // The addresses are the server's (#sync-config), tokens filled in by offline.js's page().
    var href = c.kind === "create" ? q.page("new_household", encodeURIComponent(c.village)) + "#local=" +
      encodeURIComponent(c.household) : q.page("household", encodeURIComponent(c.household));
    return '<section class="card conflict refused" data-index="' + i + '"><h2>Cần sửa: hộ ' + esc(c.data.chu_ho || "") + " (" +
      esc(c.data.ma_ho || "") + ")</h2><p>Máy chủ chưa nhận thay đổi này vì:</p><ul>" + lines.join("") +
      '</ul><p><a class="btn btn-primary btn-block js-fix" href="' + href + '">Mở hộ để sửa</a></p>' +
      '<button type="button" class="btn btn-danger btn-block js-drop">Bỏ thay đổi này</button></section>';
  }
  function picked(sec, name, mine, server) {
    var el = sec.querySelector('input[name="' + name + '"]:checked');
    return el && el.value === "mine" ? mine : server;
  }
  function merge(sec, c, i) {
    var data = { consent: true };
    Object.keys(L.household).forEach(function (k) {
      if (k in c.data) data[k] = picked(sec, i + "-h-" + k, c.data[k], c.server[k]);
    });
    data.members = [];
    pairs(c).forEach(function (p, j) {
      if (!p.mine || !p.server) {
        if (sec.querySelector('input[name="' + i + "-k" + j + '"]:checked').value === "1") data.members.push(p.mine || p.server);
        return;
      }
      var m = { token: p.server.token };
      Object.keys(L.member).forEach(function (k) { m[k] = picked(sec, i + "-m" + j + "-" + k, p.mine[k], p.server[k]); });
      data.members.push(m);
    });
    return data;
  }

  window.KhaosatConflicts = function (q) {
    q.all().then(function (list) {
      var todo = list.filter(function (c) { return c.status !== "pending"; });
      if (!todo.length) return;
      var fix = todo.filter(function (c) { return c.status === "invalid"; }).length;
      var head = function (text, n) { return n ? "<h2 class='group'>" + text + " (" + n + ")</h2>" : ""; };
      box.innerHTML = head("Cần sửa", fix) + todo.map(function (c, i) {
        return c.status === "invalid" ? invalid(c, i, q) : "";
      }).join("") + head("Người khác đã sửa", todo.length - fix) + todo.map(function (c, i) {
        return c.status === "conflict" ? section(c, i) : "";
      }).join("");
      box.addEventListener("click", function (e) {
        var sec = e.target.closest("section.conflict");
        if (!sec || !e.target.matches(".js-resolve, .js-drop")) return;
        var i = +sec.getAttribute("data-index"), c = todo[i];
        if (e.target.matches(".js-drop") && !window.confirm("Bỏ hẳn thay đổi này? Hãy Lưu bản sao trước nếu cần.")) return;
        var next = e.target.matches(".js-drop") ? null : {
          change_id: q.uuid(), kind: "update", household: c.household, village: c.village,
          base_version: c.server.version, data: merge(sec, c, i), status: "pending", tries: 0,
          seq: Date.now(), saved_at: new Date().toISOString(),
        };
        q.drop(c.change_id).then(function () { return next && q.put(next); }).then(function () {
          sec.innerHTML = "<p role='status'>" + (next ? "Đã chọn xong, đang gửi." : "Đã bỏ.") + "</p>";
          return q.sync();
        });
      });
    });
  };
})();
