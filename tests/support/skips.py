"""Skips that say why, and that become failures where the whole suite must run."""

import os

import pytest

PG_URL = os.environ.get("TEST_DATABASE_URL")


def skip_or_fail(reason: str):
    """Skip with a visible reason; in CI (REQUIRE_FULL_SUITE=1) a missing part is a failure."""
    if os.environ.get("REQUIRE_FULL_SUITE") == "1":
        pytest.fail("REQUIRE_FULL_SUITE is set but " + reason)
    pytest.skip(reason)


def database_url(engine: str, sqlite_url: str) -> str:
    """The URL tests use for ``engine``; PostgreSQL skips (or fails in CI) when not configured."""
    if engine == "postgresql":
        if not PG_URL:
            skip_or_fail(
                "PostgreSQL not configured: set TEST_DATABASE_URL to run this on PostgreSQL"
            )
        return PG_URL
    return sqlite_url
