/* Service worker: the shell (css, js, icon) from the phone's cache, the volunteer's pages from
   the network when there is one and from the cache when there is not. API answers are personal
   and marked no-store: they are never cached here. Served by /sw.js with the version filled in. */
"use strict";
var VERSION = "__VERSION__";
var SHELL_CACHE = "shell-" + VERSION;
var PAGES = "pages"; // shared with offline.js, which warms it; survives worker updates
var SHELL = ["__SHELL__"];
var PAGE_PATH = new RegExp("__PAGE_PATH__"); // the server fills in its OFFLINE_ENDPOINTS

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("shell-") === 0 && key !== SHELL_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate" && PAGE_PATH.test(url.pathname)) {
    event.respondWith(fromNetworkFirst(request));
  } else if (request.mode === "navigate" && PLATE_PATH.test(url.pathname)) {
    event.respondWith(fromPlate(request, url.pathname.match(PLATE_PATH)[1]));
  } else if (request.mode === "navigate") {
    // A page that needs the network (reports, admin…): offline, a Vietnamese page says so.
    event.respondWith(fetch(request).catch(function () { return offlinePage(false); }));
  }
});

/* The page's look comes from the shell's stylesheet (cached at install) and it carries the
   pages' Content-Security-Policy: no inline style, nothing to run. */
var OFFLINE_CSP = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
function offlinePage(saved) {
  return new Response(
    "<!doctype html><html lang=vi><meta charset=utf-8>" +
    "<meta name=viewport content='width=device-width, initial-scale=1'>" +
    "<link rel=stylesheet href='/static/css/app.css'>" +
    "<title>Không có mạng</title><main id=main>" +
    "<h1>Không có mạng</h1><p>" +
    (saved ? "Trang này chưa được lưu trên máy." : "Trang này cần có mạng.") +
    " Khi có mạng, hãy tải lại trang. Danh sách hộ và phiếu khảo sát vẫn dùng được trên máy.</p>" +
    "<p><a class='btn btn-block' href='/thon/'>Về Thôn của tôi</a></p></main></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8",
                              "Content-Security-Policy": OFFLINE_CSP } });
}

function fromCacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function fromNetworkFirst(request) {
  return fetch(request).then(function (response) {
    // Only a real page is kept: a redirect to the sign-in page must not replace it.
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request.url, { ignoreVary: true }).then(function (hit) {
        // A search or another page of the list: the plain list is better than nothing.
        return hit || cache.match(request.url, { ignoreVary: true, ignoreSearch: true });
      });
    }).then(function (hit) {
      return hit || offlinePage(true);
    });
  });
}

/* Door plates (docs/plates.md): a scanned /h/<token> opened without network goes to the
   household's page saved on the phone, found in the map that offline.js keeps in PAGES. */
var PLATE_PATH = /^\/h\/([A-Za-z0-9_-]+)$/;
function fromPlate(request, plate) {
  return fetch(request).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match("/__plates__.json"); })
      .then(function (hit) { return hit ? hit.json() : {}; })
      .catch(function () { return {}; })
      .then(function (map) {
        var household = map[plate];
        // The household's own address, so its form and links work as usual (served offline above).
        if (household) return Response.redirect("/ho/" + household, 302);
        return fromNetworkFirst(request); // not on the phone: the usual "Không có mạng" page
      });
  });
}
