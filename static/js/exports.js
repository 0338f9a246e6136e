/* Job progress (exports, large imports): poll the job's small JSON and reload once it is done
   (or failed). */
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-export-status");
  var state = box.getAttribute("data-state"); // the page reloads when the job moves on
  var bar = box.querySelector("[data-bar]");
  var text = box.querySelector("[data-text]");
  function number(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function show(s) {
    if (bar) { bar.value = s.percent; }
    if (text && s.text) {
      text.textContent = s.text; // the server words it (imports: rows read, households written)
    } else if (text && s.total) {
      text.textContent = "Đã xử lý " + number(s.done) + "/" + number(s.total) +
        " dòng (" + s.percent + "%).";
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        show(s);
        if (s.status === "done" || s.status === "failed" || (state && s.status !== state)) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 800);
})();
