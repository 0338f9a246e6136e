"""A test's database work rolled back at its end, and emptying every table for those that commit.

Rolling back follows SQLAlchemy's "joining a session into an external transaction" recipe: the
test owns one connection and its outer transaction; the app's session joins it with a savepoint,
so the app's ``commit()`` releases a savepoint and its ``rollback()`` returns to one, and at the end
the outer transaction is rolled back and nothing the test did stays.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from flask import Flask
from flask_sqlalchemy.session import Session
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import scoped_session, sessionmaker

from survey_app.extensions import db


def empty_tables() -> None:
    """Delete every row of every table (children first) and commit."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


class JoinedSession(Session):
    """Flask-SQLAlchemy's session, kept on the test's connection for every table."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        # Flask-SQLAlchemy would pick the engine by the table's bind key, leaving the transaction.
        return bind if bind is not None else self.bind

    def connection(self, bind_arguments=None, execution_options=None):
        # The outer transaction is already open, so its isolation level can no longer change.
        options = {k: v for k, v in (execution_options or {}).items() if k != "isolation_level"}
        return super().connection(bind_arguments, execution_options=options or None)


@contextmanager
def rolled_back(app: Flask) -> Iterator[Connection]:
    """Inside an app context of ``app``: every session joins one transaction, rolled back after."""
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        driver = connection.connection.driver_connection
        legacy, driver.isolation_level = driver.isolation_level, None
    outer = connection.begin()
    if sqlite:  # pysqlite, left to itself, neither begins here nor handles SAVEPOINT correctly
        connection.exec_driver_sql("BEGIN")
    real_session = db.session
    db.session = _joined_sessions(connection)
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = real_session
        outer.rollback()
        if sqlite:
            driver.isolation_level = legacy
        connection.close()


def _joined_sessions(connection: Connection) -> scoped_session:
    """Sessions scoped like Flask-SQLAlchemy's (per app context), all bound to ``connection``."""
    factory = sessionmaker(
        class_=JoinedSession,
        db=db,
        bind=connection,
        join_transaction_mode="create_savepoint",
        query_cls=db.Query,
    )
    return scoped_session(factory, scopefunc=db.session.registry.scopefunc)


RECORDED_SINCE = date(2000, 1, 1)


def data_true_since(day: date) -> None:
    """Let the rows a test made count as recorded since ``day`` (for figures "as of" a past
    date): each row's first version starts then. Commits."""
    from survey_app.history.models import VERSIONED

    start = datetime.combine(day, time.min)
    for model, table in VERSIONED.items():
        key = table.c[f"{model.__tablename__}_id"]
        first = select(func.min(table.c.version_id)).group_by(key)
        db.session.execute(
            update(table).where(table.c.version_id.in_(first)).values(valid_from=start)
        )
    db.session.commit()
