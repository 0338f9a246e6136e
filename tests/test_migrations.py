"""Every migration runs up and down on each engine, and the result matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey_app.extensions import db
from tests import conftest


@pytest.fixture
def empty_db(db_engine, sqlite_url, tmp_path):
    if db_engine == "sqlite":
        url = "sqlite:///" + str(tmp_path / "migrations.db")
    else:
        url = conftest._url_for("postgresql", sqlite_url)
    app = conftest.create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db_engine == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            conftest._schema_ready.discard(url)  # other tests rebuild their schema
        yield app
        conftest._close(app)


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
