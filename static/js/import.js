/* Import page: upload with a progress bar (XHR), then show the server's answer (the preview or
   the bad cells) in place.
   Without this script (or without FormData) the form posts normally and the page reloads. */
(function () {
  "use strict";
  if (!window.FormData || !window.DOMParser) return;

  function show(html, url, form) {
    // The answer is a page of the import section (the preview, the bad cells): shown in place,
    // with its address, so a reload shows it again. Elsewhere (the login page after the
    // session ended) or a job's progress page (its own script polls): go there for real.
    var section = form.action.split("?")[0];
    if (url && url.split("?")[0].indexOf(section) !== 0) { window.location.assign(url); return; }
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.querySelector("main");
    if (!main || main.querySelector("[data-export-status]")) { window.location.assign(url); return; }
    document.querySelector("main").replaceWith(document.adoptNode(main));
    if (doc.title) document.title = doc.title;
    if (url && url !== window.location.href && window.history.pushState) {
      window.history.pushState(null, "", url);
    }
    var heading = document.getElementById("result");
    if (heading) heading.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-upload")) return;
    var box = form.querySelector("[data-progress]");
    var bar = box.querySelector("progress");
    var status = form.querySelector("[data-status]");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    event.preventDefault();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      box.hidden = false;
      bar.max = e.total;
      bar.value = e.loaded;
      status.textContent = "Đang tải lên " + Math.round((100 * e.loaded) / e.total) + "%";
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value"); // indeterminate while the server checks every cell
      status.textContent = "Đã tải lên. Đang kiểm tra dữ liệu…";
    };
    xhr.onload = function () { show(xhr.responseText, xhr.responseURL, form); };
    xhr.onerror = function () {
      button.disabled = false;
      box.hidden = true;
      status.textContent = "Mất kết nối. Kiểm tra mạng rồi bấm lại.";
    };
    button.disabled = true;
    status.textContent = "Đang tải lên…";
    xhr.send(new FormData(form));
  });
})();
