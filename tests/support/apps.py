"""One app per database for the whole run: building it and its schema costs far more than a test.

Tests change an app's settings freely (``app.config[...] = ...``); ``kept_config`` puts them back
after each test, so the shared app starts every test as built here.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from sqlalchemy import text

from survey_app import create_app
from survey_app.extensions import db
from tests.support.database import empty_tables

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the default's 600 000 rounds take seconds
    "QUEUE_IMMEDIATE": True,  # a job runs in the request that starts it (tests/jobs: a worker)
}


def build_app(url: str, **extra) -> Flask:
    """A new app on ``url`` with the test settings (the schema is left as it is)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **extra})
    # A test's app context outlives its requests, and Flask-Login caches the signed-in user in
    # ``g``: forget it around every request, so each is seen as its own cookies say (as in
    # production, where every request gets a fresh ``g``).
    app.before_request(_forget_user)
    app.teardown_request(_forget_user)
    return app


def _forget_user(*_exc) -> None:
    g.pop("_login_user", None)


def create_schema(app: Flask) -> None:
    """Drop whatever is in the database and create every table of the models, empty."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        empty_tables()


def close(app: Flask) -> None:
    """Give back every connection of ``app`` (an app context must be active)."""
    db.session.rollback()
    db.session.remove()
    for engine in app.extensions["sqlalchemy"]._app_engines[app].values():
        engine.dispose()


class AppPool:
    """The run's apps by database URL, each built and given a fresh schema on first use."""

    def __init__(self) -> None:
        self._apps: dict[str, Flask] = {}
        self._stale: set[str] = set()

    def get(self, url: str) -> Flask:
        """The app on ``url``, its schema (re)created if it is new or was marked changed."""
        if url not in self._apps:
            self._apps[url] = build_app(url)
            self._stale.add(url)
        if url in self._stale:
            create_schema(self._apps[url])
            self._stale.discard(url)
        return self._apps[url]

    def schema_changed(self, url: str) -> None:
        """A test dropped or migrated the schema at ``url``: recreate it before the next use."""
        self._stale.add(url)

    def close_all(self) -> None:
        """Dispose of every app's connections at the end of the run."""
        for app in self._apps.values():
            with app.app_context():
                close(app)


@contextmanager
def kept_config(app: Flask) -> Iterator[Flask]:
    """Let a test change ``app.config``; restore the settings afterwards."""
    saved = app.config.copy()
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(saved)
