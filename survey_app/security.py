"""Security headers on every answer: what a browser may run on our pages, who may frame them,
what it may keep in its HTTP cache and where it may send our addresses (docs/security.md)."""

from flask import Flask, current_app, request

# Only the app's own files: no inline <script>, on*= handler, style= attribute or <style> block,
# no eval. Data for scripts travels in data- attributes or <script type="application/json">,
# which a browser never executes. img-src allows data: for base.html's empty favicon.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# One year; without includeSubDomains, because a commune's host may sit under a province domain
# whose other sites are not ours to force onto HTTPS.
HSTS = "max-age=31536000"
# Answers without personal data that the browser may keep (revalidating): the shell and the
# service worker. Everything else is no-store, even where send_file chose no-cache.
CACHEABLE_ENDPOINTS = frozenset({"static", "offline.service_worker"})


def security_headers(response):
    """Add the headers of docs/security.md ("Headers and cookies") to ``response``."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        # Not on PDFs and downloads: the browser's own PDF viewer would fall under the policy.
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # Pages, API answers and exports hold names: no copy in the browser's HTTP cache or a
        # proxy's. The service worker keeps volunteer pages itself (Cache Storage ignores this).
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(security_headers)
