"""Security headers and cookies (docs/security.md, "Headers and cookies"): every GET route of the
app walked as every role, and the rules for cookies, HSTS and inline code in templates."""

import re
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.security import CONTENT_SECURITY_POLICY
from tests.test_access_walk import EXPECTED, ROLES, Walk, _rules

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# What a Content-Security-Policy without 'unsafe-inline' would block in a template.
INLINE = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)
# Rendered by WeasyPrint, never by a browser: no CSP applies.
PDF_TEMPLATES = {"plates/sheet_pdf.html"}


def _header_problems(url: str, role: str, response) -> list[str]:
    headers, where = response.headers, f"GET {url} as {role}"
    problems = []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"{where}: Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    if response.mimetype == "text/html":
        csp = headers.get("Content-Security-Policy", "")
        if csp != CONTENT_SECURITY_POLICY or "frame-ancestors 'none'" not in csp:
            problems.append(f"{where}: Content-Security-Policy is {csp!r}")
        if headers.get("Cache-Control") != "no-store":
            problems.append(f"{where}: Cache-Control is {headers.get('Cache-Control')!r}")
    return problems


def _walk_headers(walk: Walk) -> tuple[list[str], int]:
    problems, html_pages = [], 0
    for rule in sorted(_rules(walk.app), key=lambda r: r.rule):
        check = EXPECTED.get(rule.endpoint)
        if check is None or "GET" not in rule.methods:
            continue
        url = walk.url(rule, check)
        for role in ROLES:
            response = walk.client(role).get(url)
            if response.status_code == 200:
                problems += _header_problems(url, role, response)
                html_pages += response.mimetype == "text/html"
    return problems, html_pages


def test_every_get_route_answers_with_the_security_headers(app, world, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")  # the walk's finished export file
    problems, html_pages = _walk_headers(Walk(app, world))
    assert not problems, "\n".join(problems)
    assert html_pages > 80  # the walk did see the pages, as every role that may open them


def test_the_check_reports_a_page_with_a_weaker_policy(own_app):
    """The walk above can fail: a page that brings its own looser policy is named."""

    def loose():
        return "<p>trần</p>", {"Content-Security-Policy": "default-src *"}

    own_app.add_url_rule("/tran", "loose", loose)
    response = own_app.test_client().get("/tran")
    assert _header_problems("/tran", "anonymous", response) == [
        "GET /tran as anonymous: Content-Security-Policy is 'default-src *'"
    ]


def test_static_files_may_be_cached_but_pages_not(app, world):
    client = Walk(app, world).client("vol1")
    css = client.get("/static/css/app.css")
    assert css.headers["Cache-Control"] != "no-store"
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/thon/").headers["Cache-Control"] == "no-store"


def _app(url):
    # No test override of the cookie settings: what the environment and the defaults give.
    return create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url})


def test_cookies_are_secure_by_default_with_hsts(sqlite_url, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    response = _app(sqlite_url).test_client().get("/dang-nhap")
    assert "; Secure" in response.headers["Set-Cookie"]  # the CSRF token's session
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_demo_turns_secure_cookies_and_hsts_off(sqlite_url, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    app = _app(sqlite_url)
    assert not app.config["SESSION_COOKIE_SECURE"] and not app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/dang-nhap")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


PAGE_TEMPLATES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", [n for n in PAGE_TEMPLATES if n not in PDF_TEMPLATES])
def test_templates_have_no_inline_code_or_style(name):
    found = INLINE.findall((TEMPLATES / name).read_text())
    assert not found, f"{name}: move {found} to static/js or static/css"
