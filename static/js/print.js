/* "In trang này" / "In danh sách": buttons marked data-print open the browser's print dialog.
   A script file, not onclick="…", because the pages' Content-Security-Policy runs no inline code. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
