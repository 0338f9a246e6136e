"""Fixtures of the fuzz tests: the access walk's World, restored after each writing request."""

import pytest

from survey_app.exports import services as export_services
from tests.test_access_walk import Walk, run_export_now


@pytest.fixture
def walk(app, world, tmp_path, monkeypatch):
    """A Walk over the World. An export the fuzzer starts runs inside its request (a thread
    would still be writing while the World is restored), its file under tmp_path."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    monkeypatch.setattr(export_services, "launch", run_export_now)
    return Walk(app, world)
