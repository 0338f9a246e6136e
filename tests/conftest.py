"""Fixtures: one app per database engine for the run, each test rolled back, builders for records.

Database tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set. The
``app`` fixture is parametrised over both; the PostgreSQL case is skipped, with a visible reason,
when no server is configured.

Each test runs in a transaction rolled back at its end (tests/support/database.py), so the app's
own ``commit()`` calls stay invisible to the next test. A test that needs real commits — a live
server thread, a second connection, concurrent sessions — asks for the ``wipe`` fixture: its app
then commits for real and every table is emptied before and after it.
"""

import os

import pytest
from hypothesis import settings

from tests import builders
from tests.support.apps import AppPool, build_app, close, kept_config
from tests.support.database import empty_tables, rolled_back
from tests.support.skips import PG_URL, database_url

# In CI the property tests draw the same examples every run, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
ENGINES = ["sqlite", "postgresql"]


def pytest_report_header(config):
    if PG_URL:
        return [f"PostgreSQL tests: ON ({PG_URL.rsplit('@', 1)[-1]})"]
    return ["PostgreSQL tests: SKIPPED (TEST_DATABASE_URL is not set)"]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def test_apps():
    """The run's apps by database URL (tests/support/apps.py)."""
    pool = AppPool()
    yield pool
    pool.close_all()


@pytest.fixture(params=ENGINES)
def db_engine(request):
    return request.param


@pytest.fixture
def wipe():
    """Ask for this when the test must commit for real; call it to empty every table now."""
    return empty_tables


def _serve(app, request):
    """The shared app in a fresh app context, rolled back (or wiped) around the test."""
    committed = "wipe" in request.fixturenames
    limiter = app.extensions.get("signin_limiter")
    if limiter is not None:
        limiter.reset()  # the sign-in throttle counts per app: no test inherits another's tries
    with kept_config(app), app.app_context():
        if committed:
            empty_tables()
            yield app
            empty_tables()
        else:
            with rolled_back(app):
                yield app


@pytest.fixture
def app(request, db_engine, sqlite_url, test_apps):
    yield from _serve(test_apps.get(database_url(db_engine, sqlite_url)), request)


@pytest.fixture
def sqlite_app(request, sqlite_url, test_apps):
    """The app on SQLite only, for tests whose subject is not the database engine."""
    yield from _serve(test_apps.get(sqlite_url), request)


@pytest.fixture
def own_app(request, sqlite_url, test_apps):
    """A newly built app on SQLite, for a test that changes the app itself (adds a route)."""
    test_apps.get(sqlite_url)  # the schema
    app = build_app(sqlite_url)
    yield from _serve(app, request)
    with app.app_context():
        close(app)


@pytest.fixture
def own_engine_app(request, db_engine, sqlite_url, test_apps):
    """A newly built app on each engine, for a test that changes the app and commits for real
    (ask for ``wipe`` too)."""
    url = database_url(db_engine, sqlite_url)
    test_apps.get(url)  # the schema
    app = build_app(url)
    yield from _serve(app, request)
    with app.app_context():
        close(app)


@pytest.fixture
def csrf_app(sqlite_app):
    """``sqlite_app`` with CSRF checks on, as in production."""
    sqlite_app.config["WTF_CSRF_ENABLED"] = True
    return sqlite_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """A commune with two villages, one user per role, and a household in each village."""
    return builders.World.create()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username, password=builders.PASSWORD):
        return self._client.post("/dang-nhap", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/dang-xuat")


@pytest.fixture
def auth(client):
    return AuthActions(client)
