"""Fixtures: an app per database engine, a clean database per test, builders for records.

Database tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set. The
``app`` fixture is parametrised over both; the PostgreSQL case is skipped, with a visible reason,
when no server is configured.
"""

import os

import pytest
from hypothesis import settings
from sqlalchemy import delete, text

from survey_app import create_app
from survey_app.extensions import db
from tests import builders

PG_URL = os.environ.get("TEST_DATABASE_URL")

# In CI the property tests draw the same examples every run, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
ENGINES = ["sqlite", "postgresql"]


def pytest_report_header(config):
    lines = []
    if PG_URL:
        lines.append(f"PostgreSQL tests: ON ({PG_URL.rsplit('@', 1)[-1]})")
    else:
        lines.append("PostgreSQL tests: SKIPPED (TEST_DATABASE_URL is not set)")
    return lines


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def skip_or_fail(reason: str):
    """Skip with a visible reason; in CI (REQUIRE_FULL_SUITE=1) a missing part is a failure."""
    if os.environ.get("REQUIRE_FULL_SUITE") == "1":
        pytest.fail("REQUIRE_FULL_SUITE is set but " + reason)
    pytest.skip(reason)


def _url_for(engine: str, sqlite_url: str) -> str:
    if engine == "postgresql":
        if not PG_URL:
            skip_or_fail(
                "PostgreSQL not configured: set TEST_DATABASE_URL to run this on PostgreSQL"
            )
        return PG_URL
    return sqlite_url


_schema_ready: set[str] = set()


def make_app(url: str, **extra):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **extra,
        }
    )
    with app.app_context():
        if url not in _schema_ready:
            if url.startswith("postgresql"):
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            else:
                db.drop_all()
                db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.session.commit()
            db.create_all()
            _schema_ready.add(url)
        _wipe()
    return app


def _wipe():
    """Empty every table (children first): quicker than recreating the schema per test."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


def _close(app):
    db.session.rollback()
    db.session.remove()
    for engine in app.extensions["sqlalchemy"]._app_engines[app].values():
        engine.dispose()


@pytest.fixture(params=ENGINES)
def db_engine(request):
    return request.param


@pytest.fixture
def app(db_engine, sqlite_url):
    app = make_app(_url_for(db_engine, sqlite_url))
    with app.app_context():
        yield app
        _close(app)


@pytest.fixture
def sqlite_app(sqlite_url):
    """The app on SQLite only, for tests whose subject is not the database engine."""
    app = make_app(sqlite_url)
    with app.app_context():
        yield app
        _close(app)


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
