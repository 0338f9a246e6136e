"""After a bulk write, PostgreSQL's planner knows how many rows the counted tables hold."""

import random

import pytest
from sqlalchemy import text

from survey_app.demo.generator import Generator
from survey_app.extensions import db
from survey_app.transactions import BULK_ROWS, refresh_statistics


def _estimated_households() -> float:
    return db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'household'"))


@pytest.mark.parametrize("db_engine", ["postgresql"])  # SQLite keeps no such statistics
def test_a_bulk_write_refreshes_the_planners_statistics(app, db_engine):
    generator = Generator(random.Random(3))
    commune, villages = generator.places("Thanh Hóa", "Thống Kê", ["Thôn 1", "Thôn 2"])
    made = generator.households(commune, villages, 300, {})
    db.session.flush()
    refresh_statistics(BULK_ROWS - 1)  # a small write leaves them to autovacuum
    before = _estimated_households()
    refresh_statistics(made.households + made.people)
    assert before < 300 <= _estimated_households()
