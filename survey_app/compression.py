"""Gzip for HTML pages: volunteers are often on weak 3G, and a household page with many members
or a long "Cần hỗ trợ" list is ~100 KB of repetitive markup that compresses to a few KB."""

import gzip

from flask import Flask, request


def gzip_html(response):
    """Compress an HTML response when the browser accepts gzip."""
    if (
        response.mimetype != "text/html"
        or response.direct_passthrough
        or response.status_code < 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
    ):
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def register(app: Flask) -> None:
    """Compress every page of the app (the sync API compresses its JSON itself)."""
    app.after_request(gzip_html)
