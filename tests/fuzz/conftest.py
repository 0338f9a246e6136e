"""Fixtures of the fuzz tests: the access walk's World, restored after each writing request."""

import pytest

from tests.test_access_walk import Walk


@pytest.fixture
def walk(app, world, tmp_path):
    """A Walk over the World. An export the fuzzer starts runs inside its request (the tests'
    queue runs a job at once, never while the World is restored), its file under tmp_path."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return Walk(app, world)
