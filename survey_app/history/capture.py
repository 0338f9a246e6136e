"""Every change to a household, person or village becomes a version, whoever wrote it.

How: the ORM reports what each flush inserted, changed or deleted (``after_flush``); bulk
statements that bypass the ORM (imports, merges) name their rows with ``touched()``. Just before
the transaction commits, each touched row gets one new version — a copy of the live row, made by
the database — and its previous version is closed at the same instant. A rolled-back transaction
writes nothing.

Who and how: ``attribute(actor, source)`` names them for the transaction; without it a request's
signed-in user and "page" are assumed, and outside a request "system".
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import DateTime, Integer, String, event, insert, literal, select, update
from sqlalchemy.orm import Session

from survey_app import timeutil
from survey_app.history.models import BY_NAME, SOURCES, VERSIONED

_PENDING = "history.pending"
_WHO = "history.who"
_AT = "history.at"
CHUNK = 500


@dataclass
class _Pending:
    changed: dict[str, set[int]] = field(default_factory=lambda: {n: set() for n in BY_NAME})
    deleted: dict[str, set[int]] = field(default_factory=lambda: {n: set() for n in BY_NAME})

    def __bool__(self) -> bool:
        return any(self.changed.values()) or any(self.deleted.values())


def _pending(session: Session) -> _Pending:
    return session.info.setdefault(_PENDING, _Pending())


def attribute(actor, source: str) -> None:
    """Name who makes this transaction's changes and through what (a key of SOURCES)."""
    from survey_app.extensions import db

    if source not in SOURCES:
        raise ValueError(f"unknown history source {source!r}")
    db.session.info[_WHO] = (getattr(actor, "id", None), source)


def at(session, moment) -> None:
    """Date this transaction's versions ``moment`` (an operation that may be undone names the
    versions it made by their instant: survey_app/operations)."""
    session.info[_AT] = moment


def touched(session, table: str, ids: Iterable[int]) -> None:
    """Rows of ``table`` changed by a bulk statement the ORM did not see."""
    _pending(session).changed[table].update(ids)


def gone(session, table: str, ids: Iterable[int]) -> None:
    """Rows of ``table`` deleted by a bulk statement the ORM did not see."""
    _pending(session).deleted[table].update(ids)


def _name_of(obj) -> str | None:
    model = type(obj)
    return model.__tablename__ if model in VERSIONED else None


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    changed = [o for o in session.new if _name_of(o)]
    changed += [
        o
        for o in session.dirty
        if _name_of(o) and session.is_modified(o, include_collections=False)
    ]
    deleted = [o for o in session.deleted if _name_of(o)]
    if not (changed or deleted):
        return
    pending = _pending(session)
    for obj in changed:
        pending.changed[obj.__tablename__].add(obj.id)
    for obj in deleted:
        pending.deleted[obj.__tablename__].add(obj.id)


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    session.flush()  # changes not flushed yet are pending too
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if not pending:
        session.info.pop(_WHO, None)
        session.info.pop(_AT, None)
        return
    user_id, source = session.info.pop(_WHO, None) or _default_who()
    now = session.info.pop(_AT, None) or timeutil.utcnow()
    for model, table in VERSIONED.items():
        name = model.__tablename__
        key = table.c[f"{name}_id"]
        changed, deleted = pending.changed[name], pending.deleted[name]
        for ids in _chunks(changed | deleted):
            session.execute(
                update(table).where(key.in_(ids), table.c.valid_to.is_(None)).values(valid_to=now)
            )
        live = model.__table__
        data = [c for c in live.columns if c.name != "id"]
        for ids in _chunks(changed - deleted):
            copy = select(
                live.c.id,
                literal(now, DateTime),
                literal(user_id, Integer),
                literal(source, String),
                *data,
            ).where(live.c.id.in_(ids))
            names = [key.name, "valid_from", "changed_by_id", "source", *(c.name for c in data)]
            session.execute(insert(table).from_select(names, copy))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_WHO, None)
        session.info.pop(_AT, None)


def _default_who() -> tuple[int | None, str]:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, "page"
    return None, "system"


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    ordered = sorted(i for i in ids if i is not None)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
