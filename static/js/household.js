/* Household page: members, item cards with "Cả hộ" answers, what applies to whom, progress,
   checks beside the fields (the server's rules, via rules.js), GPS, and no double send.
   Plain DOM, event delegation, no framework: adding a row is a few string replaces. */
(function () {
  "use strict";
  var form = document.getElementById("hh");
  if (!form) return;
  var Rules = window.KhaosatRules;
  var list = document.getElementById("mlist");
  var rowHtml = document.getElementById("member-tpl").innerHTML;
  var count = document.getElementById("mcount");
  var progress = document.getElementById("progress");
  var next = +list.getAttribute("data-next");
  var dirty = false;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return [].slice.call((root || document).querySelectorAll(sel)); };
  var cards = $$("#items .item");

  function liveRows() { return $$("details.member:not([hidden])", list); }
  function indexOf(row) { return row.id.replace(/^m-/, ""); }
  function value(row, key) { var el = $("[name$='-" + key + "']", row); return el ? el.value : ""; }
  function checked(name) {
    var el = $("input[name='" + name + "']:checked", form);
    return el ? el.value : null;
  }

  /* ---------- what applies to whom ---------- */
  function applies(row) {
    var i = indexOf(row), person;
    try {
      person = {
        birth_date: Rules.birth(value(row, "ngay_sinh")).date,
        gioi_tinh: checked("m-" + i + "-gioi_tinh"),
        cu_tru: checked("m-" + i + "-cu_tru") || "co_mat",
        dt_thong_minh: checked("m-" + i + "-dt_thong_minh") === "1",
      };
    } catch (e) {
      return null; // birth not readable yet: ask everything
    }
    return Rules.applicable(person);
  }
  function refreshRow(row) {
    var i = indexOf(row), keys = row.hidden ? {} : applies(row);
    cards.forEach(function (card) {
      var item = $(".irow[data-m='" + i + "']", card);
      if (item) item.hidden = row.hidden || (keys !== null && !keys[card.getAttribute("data-item")]);
    });
  }
  function refreshCards() {
    cards.forEach(function (card) {
      var shown = $$(".irow:not([hidden])", card);
      $(".none", card).hidden = shown.length > 0;
      $(".all", card).hidden = shown.length < 2;
      card.classList.toggle("done", shown.length > 0 && shown.every(answered));
      card.hidden = false;
    });
  }
  function answered(fieldset) {
    var on = $("input:checked", fieldset);
    return !!on && on.value !== "";
  }

  /* ---------- progress ---------- */
  function refreshProgress() {
    var groups = $$("fieldset.seg.tri", form).filter(function (f) { return !f.closest("[hidden]"); });
    var rows = $$(".irow", form).filter(function (f) { return !f.hidden && !f.closest("[hidden]"); });
    var all = groups.concat(rows), done = all.filter(answered).length;
    progress.textContent = done === all.length ? "Đã trả lời đủ " + all.length + " câu"
      : "Đã trả lời " + done + "/" + all.length + " câu";
    liveRows().forEach(function (row) {
      var i = indexOf(row);
      var mine = rows.filter(function (f) { return f.getAttribute("data-m") === i; });
      var badge = $(".mdone", row);
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "mdone";
        $("summary", row).appendChild(badge);
      }
      badge.textContent = mine.filter(answered).length + "/" + mine.length + " câu";
    });
  }
  function refreshAll() {
    liveRows().forEach(refreshRow);
    refreshCards();
    refreshProgress();
  }
  function scrollToNext(from) {
    var after = cards.slice(cards.indexOf(from) + 1).concat(cards.slice(0, cards.indexOf(from)));
    var target = after.filter(function (c) {
      return !c.classList.contains("done") && $$(".irow:not([hidden])", c).length;
    })[0];
    if (target) target.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  /* ---------- members ---------- */
  document.getElementById("add-member").addEventListener("click", function () {
    var i = String(next++);
    list.insertAdjacentHTML("beforeend", rowHtml.replace(/__i__/g, i));
    cards.forEach(function (card) {
      var tpl = document.getElementById("item-tpl-" + card.getAttribute("data-item"));
      card.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__i__/g, i));
    });
    var row = list.lastElementChild;
    count.textContent = liveRows().length;
    dirty = true;
    refreshAll();
    $("input[type=text]", row).focus();
  });

  list.addEventListener("click", function (e) {
    var button = e.target.closest(".js-remove");
    if (!button) return;
    var row = button.closest("details");
    var name = $(".mname", row).textContent;
    if (!window.confirm("Xóa " + name + " khỏi hộ? Sẽ xóa hẳn khi bấm Lưu.")) return;
    $("input[name$='-removed']", row).value = "1";
    row.hidden = true;
    count.textContent = liveRows().length;
    dirty = true;
    refreshAll();
  });

  // Keep the row's title (and its name in every item card) in step with what is typed.
  function retitle(row) {
    var name = value(row, "ho_ten") || "Thành viên mới";
    $(".mname", row).textContent = name;
    $(".msub", row).textContent = [value(row, "ngay_sinh"), value(row, "quan_he")]
      .filter(Boolean).join(" · ");
    $$(".irow[data-m='" + indexOf(row) + "'] .iname", form).forEach(function (el) {
      el.textContent = name;
    });
  }
  function onMemberInput(e) {
    var row = e.target.closest("details.member");
    if (!row) return;
    retitle(row);
    if (/-(ngay_sinh|gioi_tinh|cu_tru)$/.test(e.target.name)) {
      refreshRow(row);
      refreshCards();
      refreshProgress();
    }
  }
  list.addEventListener("input", onMemberInput);
  list.addEventListener("change", onMemberInput);

  // On a new household the first member is usually the head: copy the name until it differs.
  var head = document.getElementById("chu_ho");
  var copied = head.value;
  head.addEventListener("input", function () {
    var first = liveRows()[0];
    var name = first && $("[name$='-ho_ten']", first);
    if (name && !value(first, "token") && name.value === copied) {
      name.value = head.value;
      retitle(first);
    }
    copied = head.value;
  });

  /* ---------- answers: one tap for the whole household, then per person ---------- */
  document.getElementById("items").addEventListener("click", function (e) {
    var button = e.target.closest("button[data-all]");
    if (!button) return;
    var card = button.closest(".item");
    $$(".irow:not([hidden])", card).forEach(function (row) {
      var input = $("input[value='" + button.getAttribute("data-all") + "']", row);
      if (input) input.checked = true;
    });
    dirty = true;
    onAnswer(card);
  });
  function onAnswer(card) {
    var wasDone = card.classList.contains("done");
    refreshAll();
    if (!wasDone && card.classList.contains("done")) scrollToNext(card);
  }

  form.addEventListener("change", function (e) {
    dirty = true;
    if (e.target.name === "ho_kinh_doanh") {
      $("#biz").hidden = e.target.value !== "1";
    }
    var card = e.target.closest && e.target.closest("#items .item");
    if (card) {
      // Smartphone: Không hides that member's security-software question.
      if (/-dt_thong_minh$/.test(e.target.name)) {
        refreshRow($("#m-" + e.target.name.split("-")[1]));
      }
      onAnswer(card);
    } else if (e.target.type === "radio") {
      refreshProgress();
    }
    if (e.target.type === "text" || e.target.type === "tel") checkField(e.target);
  });
  form.addEventListener("input", function () { dirty = true; });

  /* ---------- checks beside the fields, with the server's words ---------- */
  function setError(el, message) {
    var box = el.closest(".field") || el.closest("fieldset") || el.parentNode;
    var id = (el.id || el.name) + "-err";
    var p = document.getElementById(id);
    if (!message) {
      if (p && p.classList.contains("js-err")) p.remove();
      box.classList.remove("has-error");
      el.removeAttribute("aria-invalid");
      return;
    }
    if (!p) {
      p = document.createElement("p");
      p.id = id;
      p.className = "error js-err";
      el.insertAdjacentElement("afterend", p);
    }
    p.textContent = message;
    box.classList.add("has-error");
    el.setAttribute("aria-invalid", "true");
  }
  function checkField(el) {
    var key = el.name.replace(/^m-[^-]+-/, "");
    try {
      if (key === "so_dien_thoai") Rules.phone(el.value);
      else if (key === "ngay_sinh") Rules.birth(el.value);
      else if (Rules.rules().max_length[key]) Rules.text(key, el.value);
      setError(el, null);
    } catch (err) {
      setError(el, err.message);
    }
  }
  // errors: {"members.2.ngay_sinh": ["…"], "ma_ho": ["…"]}, as rules.js and the sync API give.
  function showErrors(errors) {
    var rows = liveRows(), first = null;
    $$(".js-err", form).forEach(function (p) { p.remove(); });
    Object.keys(errors).forEach(function (path) {
      var parts = path.replace(/^data\./, "").split("."), el = null;
      if (parts[0] === "members" && parts.length === 3 && rows[+parts[1]]) {
        var row = rows[+parts[1]];
        el = $("[name$='-" + parts[2] + "']", row) ||
          $(".irow[data-m='" + indexOf(row) + "'] input", form);
        row.open = true;
      } else if (parts[0] === "consent") {
        el = $("#consent");
      } else {
        el = form.elements[parts[0]];
        if (el && el.length && !el.tagName) el = el[0];
        var info = el && el.closest("details");
        if (info) info.open = true;
      }
      if (!el) el = $("#add-member");
      setError(el, errors[path].join(" "));
      first = first || el;
    });
    if (first) {
      first.scrollIntoView({ block: "center" });
      if (first.focus) first.focus();
    }
    return first;
  }

  /* ---------- GPS, in the model only: never required ---------- */
  var gps = document.getElementById("gps-btn");
  var gpsMsg = document.getElementById("gps-msg");
  gps.addEventListener("click", function () {
    if (!navigator.geolocation) {
      gpsMsg.textContent = "Máy này không lấy được vị trí. Có thể bỏ qua.";
      return;
    }
    gpsMsg.textContent = "Đang lấy vị trí…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.gps_lat.value = pos.coords.latitude.toFixed(6);
      form.elements.gps_lng.value = pos.coords.longitude.toFixed(6);
      form.elements.gps_accuracy.value = Math.round(pos.coords.accuracy);
      gpsMsg.textContent = "Đã lấy vị trí (sai số khoảng " + Math.round(pos.coords.accuracy) +
        " m). Bấm Lưu để ghi lại.";
      dirty = true;
    }, function (err) {
      gpsMsg.textContent = err.code === 1
        ? "Máy chưa cho phép lấy vị trí. Có thể bỏ qua, hoặc cho phép trong cài đặt trình duyệt."
        : "Không lấy được vị trí lúc này (ra chỗ thoáng rồi thử lại). Có thể bỏ qua.";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  /* ---------- sending ---------- */
  var sentAt = 0;
  form.addEventListener("submit", function (e) {
    // A second tap while the first is on its way must not send twice; allow a retry later.
    if (Date.now() - sentAt < 8000) { e.preventDefault(); return; }
    sentAt = Date.now();
    dirty = false;
  });
  window.addEventListener("pageshow", function () { sentAt = 0; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  /* ---------- a visit without a survey: the day matters only for "Hẹn lại" ---------- */
  var visit = document.getElementById("visit");
  if (visit) {
    var day = visit.elements.revisit_on.closest(".field");
    var showDay = function () {
      var on = $("input[name=visit_outcome]:checked", visit);
      day.hidden = !on || on.value !== "hen_lai";
    };
    visit.addEventListener("change", showDay);
    showDay();
  }

  window.KhaosatForm = {
    showErrors: showErrors,
    refresh: refreshAll,
    clean: function () { dirty = false; },
    unlock: function () { sentAt = 0; }, // the phone refused it: the next tap must send again
  };
  refreshAll();
  var errors = document.getElementById("errors");
  if (errors) errors.focus();
})();
