"""A clock the tests can move, for expiry of sessions and sign-in codes."""

from datetime import timedelta

import pytest
from flask import g

from survey_app.devices import sessions, signin_codes, views
from survey_app.timeutil import utcnow

CLOCKED = (sessions, signin_codes, views)


@pytest.fixture(autouse=True)
def user_loaded_per_request(app):
    """Requests share the test's app context; drop Flask-Login's cached user before each one,
    so every request checks its own cookies as it would in production. The app is shared by
    the whole run (tests/support/apps.py), so the hook is added for this test and taken away."""

    def _forget_user():
        g.pop("_login_user", None)

    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.append(_forget_user)
    yield
    hooks.remove(_forget_user)


class Clock:
    def __init__(self):
        self.shift = timedelta()

    def now(self):
        return utcnow() + self.shift

    def move(self, **delta) -> None:
        self.shift += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Every clock the sessions and sign-in codes read, moved together by ``clock.move()``."""
    moved = Clock()
    for module in CLOCKED:
        monkeypatch.setattr(module, "utcnow", moved.now)
    return moved


def fresh_client(app, **cookies):
    """A new browser holding only ``cookies`` (name → value)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def cookies_of(client) -> dict[str, str]:
    return {
        name: client.get_cookie(name).value
        for name in ("session", "remember_token")
        if client.get_cookie(name) is not None
    }
