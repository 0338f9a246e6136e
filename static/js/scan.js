/* "Quét mã trên cửa": read a door plate's QR with the phone's rear camera, inside the page, and
   open /h/<token>. Uses the browser's BarcodeDetector; where there is none (or no camera) the
   button stays hidden. Plain ES2017. */
(function () {
  "use strict";
  var box = document.getElementById("scan");
  var media = navigator.mediaDevices;
  if (!box || !("BarcodeDetector" in window) || !media || !media.getUserMedia) return;
  var PLATE = /^\/h\/[A-Za-z0-9_-]{16,64}$/;
  var open = document.getElementById("scan-open");
  var panel = document.getElementById("scan-panel");
  var video = document.getElementById("scan-video");
  var msg = document.getElementById("scan-msg");
  var stream = null, timer = null, detector = null;

  function say(text) { msg.textContent = text; }

  function plateUrl(raw) {
    var url;
    try { url = new URL(raw, location.href); } catch (e) { return null; }
    return url.origin === location.origin && PLATE.test(url.pathname) ? url.pathname : null;
  }

  function stop() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
  }

  function close() {
    stop();
    panel.hidden = true;
    open.setAttribute("aria-expanded", "false");
    open.focus();
  }

  function look() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      for (var i = 0; i < codes.length; i++) {
        var target = plateUrl(codes[i].rawValue);
        if (target) {
          say("Đã đọc được mã, đang mở phiếu của hộ…");
          stop();
          location.assign(target);
          return;
        }
      }
      if (codes.length) say("Mã này không phải biển số cửa của ứng dụng khảo sát. Hãy quét mã trên biển của hộ.");
      timer = setTimeout(look, 250);
    }, function () { timer = setTimeout(look, 500); });
  }

  function start() {
    panel.hidden = false;
    open.setAttribute("aria-expanded", "true");
    say("Đang mở camera…");
    try { detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) {
      return say("Trình duyệt này không đọc được mã QR.");
    }
    media.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        say("Đưa mã QR trên biển số cửa vào khung hình.");
        look();
      })
      .catch(function (err) {
        stop();
        var name = err && err.name;
        if (name === "NotAllowedError" || name === "SecurityError") {
          say("Chưa được phép dùng camera. Hãy cho phép camera trong cài đặt của trình duyệt rồi bấm lại “Quét mã trên cửa”.");
        } else if (name === "NotFoundError" || name === "OverconstrainedError") {
          say("Không tìm thấy camera trên máy này.");
        } else {
          say("Không mở được camera. Hãy đóng ứng dụng khác đang dùng camera rồi thử lại.");
        }
      });
  }

  function show() {
    box.hidden = false;
    open.addEventListener("click", function () { if (panel.hidden) start(); else close(); });
    document.getElementById("scan-close").addEventListener("click", close);
    window.addEventListener("pagehide", stop);
  }

  // Shown only when the browser reads QR codes and the phone has a camera at all.
  var formats = window.BarcodeDetector.getSupportedFormats
    ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(["qr_code"]);
  var cameras = media.enumerateDevices ? media.enumerateDevices().then(function (list) {
    return list.some(function (d) { return d.kind === "videoinput"; });
  }) : Promise.resolve(true);
  Promise.all([formats, cameras]).then(function (r) {
    if (r[0].indexOf("qr_code") >= 0 && r[1]) show();
  }, function () { /* no detector or no camera: the button stays hidden */ });
})();
