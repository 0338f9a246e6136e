/* Household page: add / remove member rows, show business items, warn before losing input.
   Plain DOM, event delegation, no framework: adding a row is one string replace and one insert. */
(function () {
  "use strict";
  var form = document.getElementById("hh");
  var list = document.getElementById("mlist");
  var rowHtml = document.getElementById("member-tpl").innerHTML;
  var count = document.getElementById("mcount");
  var next = +list.getAttribute("data-next");
  var dirty = false;

  function live() {
    return list.querySelectorAll("details.member:not([hidden])").length;
  }

  document.getElementById("add-member").addEventListener("click", function () {
    list.insertAdjacentHTML("beforeend", rowHtml.replace(/__i__/g, String(next++)));
    var row = list.lastElementChild;
    count.textContent = live();
    dirty = true;
    row.querySelector("input[type=text]").focus();
  });

  list.addEventListener("click", function (e) {
    var button = e.target.closest(".js-remove");
    if (!button) return;
    var row = button.closest("details");
    var name = row.querySelector(".mname").textContent;
    if (!window.confirm("Xóa " + name + " khỏi hộ? Sẽ xóa hẳn khi bấm Lưu.")) return;
    row.querySelector("input[name$='-removed']").value = "1";
    row.hidden = true;
    count.textContent = live();
    dirty = true;
  });

  // Keep the row's title in step with what is typed, so closed rows stay recognisable.
  function retitle(e) {
    if (!/-(ho_ten|ngay_sinh|quan_he)$/.test(e.target.name || "")) return;
    var row = e.target.closest("details");
    var value = function (key) { return row.querySelector("[name$='-" + key + "']").value; };
    row.querySelector(".mname").textContent = value("ho_ten") || "Thành viên mới";
    row.querySelector(".msub").textContent = [value("ngay_sinh"), value("quan_he")]
      .filter(Boolean).join(" · ");
  }
  list.addEventListener("input", retitle);
  list.addEventListener("change", retitle);

  // On a new household the first member is usually the head: copy the name until it differs.
  var head = document.getElementById("chu_ho");
  var copied = head.value;
  head.addEventListener("input", function () {
    var first = list.querySelector("details:not([hidden])");
    var name = first && first.querySelector("[name$='-ho_ten']");
    if (name && !first.querySelector("[name$='-token']").value && name.value === copied) {
      name.value = head.value;
      retitle({ target: name });
    }
    copied = head.value;
  });

  form.addEventListener("change", function (e) {
    dirty = true;
    if (e.target.name === "ho_kinh_doanh") {
      document.getElementById("biz").hidden = e.target.value !== "1";
    }
  });
  form.addEventListener("input", function () { dirty = true; });

  var sentAt = 0;
  form.addEventListener("submit", function (e) {
    // A second tap while the first is on its way must not send twice; allow a retry later.
    if (Date.now() - sentAt < 8000) { e.preventDefault(); return; }
    sentAt = Date.now();
    dirty = false;
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  var errors = document.getElementById("errors");
  if (errors) errors.focus();
})();
