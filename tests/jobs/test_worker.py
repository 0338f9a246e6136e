"""The real queue, end to end: gunicorn and `flask worker` in processes of their own, on a
database file, with the queue in a SQLite file (the default) or in Redis (production)."""

import io
import signal
import time

import pytest
import redis
from openpyxl import load_workbook

from survey_app.extensions import db
from tests import builders
from tests.exports.support import SET, YEAR, populate
from tests.support import servers
from tests.support.apps import build_app, close
from tests.support.skips import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number of the tests' own


def _queue_url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return "sqlite:///" + str(tmp_path / "queue.db")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError:
        skip_or_fail("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def site(tmp_path):
    """A migrated database file with xã Hoàng Kim and its households; the settings the web
    server and the worker share."""
    url = "sqlite:///" + str(tmp_path / "site.db")
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "worker-test",
        "SESSION_COOKIE_SECURE": "0",
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    servers.flask(env, "db", "upgrade")
    app = build_app(url)
    with app.app_context():
        populate(builders.World.create(), households_per_village=20)
        db.session.commit()
        close(app)
    return env


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_an_export_started_before_a_web_restart_completes_and_downloads(site, tmp_path, queue):
    env = site | {"QUEUE_URL": _queue_url(queue, tmp_path)}
    port, log = servers.free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    web = servers.gunicorn(env, port, log, workers=2)
    worker = None
    try:
        officer = servers.signed_in(base, "canbo", builders.PASSWORD)
        token = servers.csrf_of(officer.get(f"{base}/xuat/", timeout=10).text)
        form = {"csrf_token": token, "criteria": SET, "year": str(YEAR), "scope": "",
                "fmt": "xlsx"}  # fmt: skip
        started = officer.post(f"{base}/xuat/", data=form, timeout=30, allow_redirects=False)
        assert started.status_code == 302, started.text[-2000:]
        status = started.headers["Location"]
        assert _state(officer, base + status)["status"] == "queued"  # no worker yet
        servers.stop(web, signal.SIGKILL)  # the web server dies with the job on the queue

        worker = servers.worker(env, tmp_path / "worker.log")
        web = servers.gunicorn(env, port, log, workers=2)
        state = _wait(officer, base + status)
        assert state["status"] == "done", state
        download = officer.get(base + state["download_url"], timeout=30)
        assert download.status_code == 200
        assert "PL 3.4" in load_workbook(io.BytesIO(download.content)).sheetnames
    finally:
        servers.stop(web)
        if worker is not None:
            servers.stop(worker)


def _state(session, status_url: str) -> dict:
    return session.get(status_url + "trang-thai", timeout=10).json()


def _wait(session, status_url: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _state(session, status_url)
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError("the export did not finish")
