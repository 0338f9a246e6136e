"""One commit path: services only flush; whoever started the work commits once, or rolls back.

* A request: ``SurveyApp`` commits once, after the view returned, and rolls back on any exception
  (an ``abort(404)`` included). Nothing is committed for a request a view refused.
* A view signals a refusal with ``attempt()`` (run a service, show its ``ServiceError`` on a form
  field) or, having caught a service's error itself, ``refuse()``. The refused change is undone at
  once, so the page is re-rendered from clean data, and the request ends without a commit.
* Work that must outlive the request's end (an export job's thread) goes in ``after_commit()``.
* CLI commands wrap their writes in ``unit_of_work()``. So does the sync API, the one documented
  exception to "one commit per request": each pushed change stands alone (a later failure cannot
  undo it) and a pull's cursor may only point at committed feed numbers.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import Flask, flash, has_request_context, request
from sqlalchemy import text

from survey_app.extensions import db

_STATE = "survey_app.transaction"
T = TypeVar("T")


class ServiceError(ValueError):
    """A change a service refuses, with a Vietnamese message and the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SurveyApp(Flask):
    """Flask whose requests end in exactly one commit or one rollback."""

    def dispatch_request(self):
        """Run the view, then commit its work unless it refused; errors go to the handlers."""
        response = super().dispatch_request()
        _finish()
        return response

    def handle_user_exception(self, e):
        _roll_back()
        return super().handle_user_exception(e)

    def handle_exception(self, e):
        _roll_back()
        return super().handle_exception(e)


def _state() -> dict:
    # Kept on the request, not on g: tests reuse one app context for many requests.
    return request.environ.setdefault(_STATE, {"refused": False, "after_commit": []})


def _finish() -> None:
    state = _state()
    if state["refused"]:
        db.session.rollback()
        return
    db.session.commit()
    for callback in state["after_commit"]:
        callback()


def _roll_back() -> None:
    db.session.rollback()
    if has_request_context():
        _state()["refused"] = True


def refuse() -> None:
    """Undo this request's writes now, and commit nothing at its end."""
    _roll_back()


def attempt(action: Callable[[], object], field=None) -> bool:
    """Run a service call; if it refuses, undo it and show why on ``field`` (else flash it)."""
    try:
        action()
    except ServiceError as exc:
        refuse()
        if field is not None:
            field.errors = [*field.errors, exc.message]
        else:
            flash(exc.message, "error")
        return False
    return True


def attempt_value(action: Callable[[], T], field=None) -> T | None:
    """attempt() for a service call whose result the view needs: that result, or None when the
    service refused (shown on ``field`` or flashed, as attempt() does)."""
    result: list[T] = []
    return result[0] if attempt(lambda: result.append(action()), field) else None


def after_commit(callback: Callable[[], object]) -> None:
    """Call ``callback`` once the request's work is committed (never if it rolls back)."""
    _state()["after_commit"].append(callback)


@contextmanager
def unit_of_work(*, dry_run: bool = False) -> Iterator[None]:
    """Commit what the block wrote, or roll it back and re-raise if the block fails.

    ``dry_run``: roll back even when the block succeeds (a command's ``--dry-run``).
    """
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


BULK_ROWS = 500  # a write this large changes the tables' statistics enough to matter
COUNTED_TABLES = ("household", "person")


def refresh_statistics(rows_written: int) -> None:
    """After a bulk write (an import, generated data, a restore) on PostgreSQL, refresh the
    planner's statistics of the counted tables in the same transaction.

    Without it, a commune imported into a new or small database is counted with plans made
    for empty tables until autovacuum's next ANALYZE: a thôn's dashboard took 10 s instead of
    40 ms right after 3.000 households were written (docs/scaling.md). ANALYZE samples a fixed
    number of rows, so it costs a fraction of a second even at a million households.
    """
    if rows_written >= BULK_ROWS and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {', '.join(COUNTED_TABLES)}"))
