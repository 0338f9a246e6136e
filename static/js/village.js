/* Village list: right after "Lưu" the list opens under the volunteer's finger. A second tap on
   the old "Lưu" spot, landing here within a moment, must not open another household. */
(function () {
  "use strict";
  if (location.search.indexOf("sau=") < 0) return;
  var until = Date.now() + 900;
  document.addEventListener("click", function (e) {
    if (Date.now() < until && e.target.closest("a, button")) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
})();
