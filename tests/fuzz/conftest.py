"""Fixtures of the fuzz tests: the access walk's World, restored after each writing request."""

import pytest

from tests.test_access_walk import Walk


@pytest.fixture
def walk(app, world, tmp_path):
    """A Walk over the World; an export the fuzzer starts writes under tmp_path."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return Walk(app, world)
