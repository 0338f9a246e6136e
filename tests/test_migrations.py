"""Every migration runs up and down on each engine, and the result matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey_app.extensions import db
from tests.support.apps import build_app, close
from tests.support.skips import database_url


@pytest.fixture
def empty_db(db_engine, sqlite_url, tmp_path, test_apps):
    if db_engine == "sqlite":
        url = "sqlite:///" + str(tmp_path / "migrations.db")
    else:
        url = database_url("postgresql", sqlite_url)
    app = build_app(url)
    with app.app_context():
        if db_engine == "postgresql":
            test_apps.schema_changed(url)  # the run's app on this database rebuilds its schema
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        yield app
        close(app)


def test_upgrade_matches_models_then_downgrade_to_nothing(empty_db):
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()  # and up again, so downgrade left nothing behind that blocks it
    assert "household" in inspect(db.engine).get_table_names()
