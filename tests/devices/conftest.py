"""A clock the tests can move, for expiry of sessions and sign-in codes."""

from datetime import timedelta

import pytest

from survey_app.devices import sessions, signin_codes, views
from survey_app.timeutil import utcnow

CLOCKED = (sessions, signin_codes, views)


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
