"""Gzip for pages and API answers: volunteers are often on weak 3G, and a household page with many
members, a long "Cần hỗ trợ" list or a pull of a thôn is repetitive text that shrinks 8–15×."""

import gzip

from flask import Flask, request


def gzip_response(response, mimetypes=("text/html",), min_bytes: int = 0):
    """Compress ``response`` in place when the browser accepts gzip and it is worth it."""
    if (
        response.mimetype not in mimetypes
        or response.direct_passthrough
        or response.status_code < 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
        or (response.content_length or 0) <= min_bytes
    ):
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def register(app: Flask) -> None:
    """Compress every HTML page of the app (the sync API adds its JSON in its own hook)."""
    app.after_request(gzip_response)
