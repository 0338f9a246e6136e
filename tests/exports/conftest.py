"""Fixtures of the export tests: the usual World with export data, files written to bytes."""

import io

import pytest

from aggregation.documents import ExportRequest, write
from survey_app.extensions import db
from tests import builders
from tests.exports.support import SET, YEAR, populate


@pytest.fixture
def ex_world(world):
    """World (xã Hoàng Kim, Thôn 1, Thôn 2) plus households with known answers."""
    populate(world)
    return world


@pytest.fixture
def sqlite_world(sqlite_app):
    """ex_world on SQLite only, for tests of a file format rather than of the counting."""
    world = builders.World.create()
    populate(world)
    return world


@pytest.fixture
def export_bytes():
    """export_bytes(world, fmt, **request) → (bytes, ExportResult) of a fresh export."""

    def run(world, fmt, **options):
        request = ExportRequest(world.commune, options.pop("criteria", SET), YEAR, **options)
        buffer = io.BytesIO()
        result = write(db.session, request, buffer, fmt)
        return buffer.getvalue(), result

    return run


@pytest.fixture
def exports_dir(app, tmp_path):
    """Exported page files go to a temporary folder, not the checkout's instance/."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return tmp_path / "exports"
