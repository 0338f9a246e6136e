// Attendee picker: filter the village's people as you type (no accents needed) without losing
// the ticks, and show how many are chosen on the save button. Without JS the search reloads.
(function () {
  "use strict";
  var find = document.getElementById("find");
  var input = document.getElementById("q");
  var pick = document.getElementById("pick");
  if (!find || !input || !pick) return;
  var rows = Array.prototype.slice.call(pick.querySelectorAll("li[data-find]"));
  var shown = document.getElementById("shown");
  var count = document.getElementById("n-chosen");

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (li) {
      var text = li.getAttribute("data-find");
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      li.hidden = !ok;
      if (ok) n += 1;
    });
    shown.textContent = n + " người" + (words.length ? " khớp “" + input.value.trim() + "”" : "");
  }

  function recount() {
    count.textContent = pick.querySelectorAll("input[name=nguoi]:checked").length;
  }

  find.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
  input.addEventListener("input", filter);
  pick.addEventListener("change", recount);
  recount();
})();
