"""The offline shell on the server side: which pages carry the sync bar (one list, shared with
the service worker), and static files sent gzipped with working conditional requests."""

import gzip
import json
import re
from pathlib import Path

from calmjs.parse import es5

from survey_app.compression import minified
from survey_app.offline.views import OFFLINE_ENDPOINTS, SHELL

ROOT = Path(__file__).resolve().parents[1]
GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_minified_scripts_keep_their_strings_and_lose_their_comments():
    source = (ROOT / "static" / "js" / "rules.js").read_bytes()
    small = minified("js/rules.js", source).decode()
    assert "/* The server's household rules" not in small and len(small) < 0.8 * len(source)
    assert 'getElementById("rules-json")' in small  # code and strings untouched


def test_static_shell_is_gzipped_and_reads_back_to_the_file(client):
    for name in SHELL:
        plain = (ROOT / "static" / name).read_bytes()
        answer = client.get(f"/static/{name}", headers=GZIP)
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == "gzip", name
        assert "Accept-Encoding" in answer.headers["Vary"]
        assert int(answer.headers["Content-Length"]) == len(answer.data) < len(plain)
        assert gzip.decompress(answer.data) == minified(name, plain)
        answer.close()


def test_static_without_gzip_or_with_a_range_is_the_plain_file(client):
    plain = (ROOT / "static" / "css" / "app.css").read_bytes()
    answer = client.get("/static/css/app.css")
    assert "Content-Encoding" not in answer.headers and answer.data == plain
    answer.close()
    ranged = client.get("/static/css/app.css", headers={**GZIP, "Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.data == plain[:10]
    assert "Content-Encoding" not in ranged.headers
    ranged.close()
    png = client.get("/static/icons/icon-192.png", headers=GZIP)  # already compressed
    assert "Content-Encoding" not in png.headers
    png.close()


def test_gzipped_static_keeps_conditional_requests(client):
    first = client.get("/static/js/offline.js", headers=GZIP)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')  # other bytes than the file, same content
    first.close()
    again = client.get("/static/js/offline.js", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    again.close()
    since = client.get(
        "/static/js/offline.js",
        headers={**GZIP, "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    since.close()


def test_service_worker_is_gzipped_and_its_page_list_is_the_servers(app, client):
    answer = client.get("/sw.js", headers=GZIP)
    assert answer.headers["Content-Encoding"] == "gzip"
    source = gzip.decompress(answer.data).decode()
    found = re.search(r"var PAGE_PATH ?= ?new RegExp\((\".*?\")\);", source)  # minified
    pattern = re.compile(json.loads(found.group(1)))  # same syntax in Python for this pattern
    rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint in OFFLINE_ENDPOINTS]
    assert len(rules) == len(OFFLINE_ENDPOINTS)
    for path in ("/thon/", "/thon/abc/", "/thon/abc/ho-moi", "/ho/abc", "/dong-bo/xung-dot"):
        assert pattern.match(path), path
    for path in ("/bao-cao/", "/bao-cao/thon/abc", "/quan-ly/thon", "/dang-xuat", "/ho/a/b"):
        assert not pattern.match(path), path


def test_sync_bar_only_on_the_pages_that_work_offline(client, auth, world):
    auth.login("tnv1")
    for path in ("/thon/", f"/thon/{world.thon1.token}/", f"/ho/{world.hh1.token}"):
        page = client.get(path).get_data(as_text=True)
        assert 'id="sync-bar"' in page and "js/offline.js" in page, path
    page = client.get("/bao-cao/", follow_redirects=True).get_data(as_text=True)
    assert 'id="sync-bar"' not in page  # results need the network: no bar
    assert "js/offline.js" in page  # still there: signing out forgets the phone's copy
    auth.logout()
    auth.login("canbo")
    for path in ("/quan-ly/thon", "/bao-cao/xa/"):
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code == 200, path
        assert 'id="sync-bar"' not in answer.get_data(as_text=True), path


def test_shell_scripts_parse_as_es5_so_they_are_minified_not_just_stripped():
    # A syntax calmjs.parse does not know would silently fall back to jsmin (larger first load).
    for name in SHELL:
        if name.endswith(".js"):
            es5((ROOT / "static" / name).read_text(encoding="utf-8"))


def sync_config(page: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="sync-config">(.*?)</script>', page, re.S
    )
    assert found, "no #sync-config data block"
    return json.loads(found.group(1))


def test_offline_pages_give_the_scripts_the_servers_limits_and_addresses(app, client, auth, world):
    app.config["SYNC_MAX_CHANGES"] = 7
    auth.login("tnv1")
    page = client.get(f"/ho/{world.hh1.token}").get_data(as_text=True)
    config = sync_config(page)
    assert config["user"] == "tnv1"
    assert config["limits"] == {"max_changes": 7, "pull_max_limit": 500}
    urls = config["urls"]
    assert client.get(urls["session"]).json["limits"]["max_changes"] == 7
    assert client.get(urls["pull"] + "?since=").status_code == 200
    assert client.get(urls["plates"]).status_code == 200
    assert urls["login"] == "/dang-nhap"
    for name, token in (("household", world.hh1.token), ("village", world.thon1.token)):
        assert client.get(urls[name].replace("__token__", token)).status_code == 200, name
    assert re.match(config["pages"], urls["new_household"].replace("__token__", "abc"))
    # Data, not code: the only inline <script> elements are JSON (a CSP without inline scripts).
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
