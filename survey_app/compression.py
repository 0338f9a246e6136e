"""Gzip for pages, API answers and the static shell: volunteers are often on weak 3G, and a
household page with many members, a long "Cần hỗ trợ" list, a pull of a thôn or the shell's
scripts and stylesheet are repetitive text that shrinks 3–15×."""

import gzip
import os
from functools import lru_cache

from calmjs.parse import es5
from calmjs.parse.unparsers.es5 import minify_print
from csscompressor import compress as css_compress
from flask import Flask, current_app, request
from jsmin import jsmin
from werkzeug.security import safe_join

# Static files worth compressing (images other than SVG are compressed already).
STATIC_TYPES = (
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)


def compress(data: bytes, level: int = 6) -> bytes:
    """The app's one gzip: same input, same bytes (no timestamp in the header)."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def gzip_response(response, mimetypes=("text/html",), min_bytes: int = 0):
    """Compress ``response`` in place when the browser accepts gzip and it is worth it."""
    if (
        response.mimetype not in mimetypes
        or response.direct_passthrough
        or response.status_code < 200
        or not accepts_gzip()
        or "Content-Encoding" in response.headers
        or (response.content_length or 0) <= min_bytes
    ):
        return response
    response.set_data(compress(response.get_data()))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


@lru_cache(maxsize=32)
def minified(path: str, data: bytes) -> bytes:
    """Scripts and stylesheets without comments and spare spaces: the sources stay readable, and
    the phone gets about a third less after gzip. Scripts are parsed as ES5 by calmjs.parse and
    printed with local names shortened; one it cannot parse falls back to jsmin (spaces and
    comments only). Stylesheets go through csscompressor."""
    if path.endswith(".js"):
        source = data.decode("utf-8")
        try:
            small = minify_print(es5(source), obfuscate=True, obfuscate_globals=False)
        except Exception:  # a syntax the ES5 parser does not know: the safe minifier
            small = jsmin(source)
        return small.encode("utf-8")
    if path.endswith(".css"):
        return css_compress(data.decode("utf-8")).encode("utf-8")
    return data


@lru_cache(maxsize=64)
def _compressed_file(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed by modification time and size: an edited file is compressed again, once.
    with open(path, "rb") as handle:
        return compress(minified(path, handle.read()), level=9)


def gzip_static(response):
    """Send a static file minified and gzipped (once, then from memory), keeping its ETag.

    The ETag becomes weak (the bytes differ from the file's, the content does not), so
    If-None-Match still answers 304; Range requests get the plain file.
    """
    if (
        request.endpoint != "static"
        or response.status_code != 200
        or response.mimetype not in STATIC_TYPES
        or not accepts_gzip()
        or "Content-Encoding" in response.headers
        or request.range is not None
    ):
        return response
    path = safe_join(current_app.static_folder, (request.view_args or {}).get("filename", ""))
    if not path or not os.path.isfile(path):
        return response
    stat = os.stat(path)
    body = _compressed_file(path, stat.st_mtime_ns, stat.st_size)
    etag, _weak = response.get_etag()
    response.close()  # the open file Flask was going to stream
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if etag:
        response.set_etag(etag, weak=True)
    return response


def register(app: Flask) -> None:
    """Compress every HTML page and static file of the app (the sync API adds its JSON)."""
    app.after_request(gzip_response)
    app.after_request(gzip_static)
