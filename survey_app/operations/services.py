"""Record an operation that may be undone, and undo it.

An operation dates every version it writes with its own instant (``history.capture.at``), so
the history alone tells which rows it wrote and what each held just before. Undo is allowed
while every one of those versions is still the current state of its row: nothing changed those
households, people or villages since. Then each row goes back to its previous version, and a
row the operation created is deleted (its versions stay in the history). The undo is itself a
change like any other (history source "undo"), so it shows in each household's history.
"""

from collections.abc import Sequence

from sqlalchemy import delete, exists, func, insert, select, update

from survey_app import audit, timeutil
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.history.models import BY_NAME
from survey_app.operations.models import MERGE_VILLAGE, Operation
from survey_app.transactions import ServiceError

BATCH = 500  # ids per IN (…): well under SQLite's limit on bound parameters
BOOKKEEPING = ("id", "version", "updated_at")  # not put back: they move on, so phones pull
ORDER = ("person", "household", "village")  # deletes go children first
REFERRING = {  # what may point at a row an operation created, in words
    "door_plate": "biển số nhà",
    "help_record": "ghi nhận hỗ trợ",
    "class_attendance": "danh sách lớp tập huấn",
    "training_class": "lớp tập huấn",
    "not_duplicate": "ghi “không trùng”",
    "user_village": "phân công thôn",
    "export_job": "yêu cầu xuất danh sách",
    "frozen_report": "báo cáo đã chốt",
    "household": "hộ",
    "person": "nhân khẩu",
}


class UndoError(ServiceError):
    """An operation that cannot be undone (any more), with the reason in Vietnamese."""


def begin(actor, kind: str, commune, source: str, label: str = "", **details) -> Operation:
    """Start recording an operation in this transaction; its writes follow (the caller commits)."""
    now = timeutil.utcnow()
    history.attribute(actor, source)
    history.at(db.session, now)
    operation = Operation(
        kind=kind,
        commune_id=commune.id,
        user_id=getattr(actor, "id", None),
        at=now,
        source=source,
        label=label[:200],
        details=details,
    )
    db.session.add(operation)
    return operation


def _batches(ids: Sequence[int]):
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _written(operation: Operation, name: str) -> list:
    """The versions the operation wrote to table ``name``."""
    _model, table = BY_NAME[name]
    return list(
        db.session.execute(
            select(table).where(
                table.c.valid_from == operation.at, table.c.source == operation.source
            )
        )
    )


def _counts(operation: Operation, changed_since: bool) -> dict[str, int]:
    """How many rows of each table the operation wrote (``changed_since``: only those that
    changed again afterwards, whose version is closed)."""
    counts: dict[str, int] = {}
    for name in ORDER:
        _model, table = BY_NAME[name]
        stmt = select(func.count()).where(
            table.c.valid_from == operation.at, table.c.source == operation.source
        )
        if changed_since:
            stmt = stmt.where(table.c.valid_to.is_not(None))
        counts[name] = db.session.scalar(stmt) or 0
    return counts


def written_counts(operation: Operation) -> dict[str, int]:
    """How many households, people and villages the operation wrote (what an undo puts back)."""
    return _counts(operation, changed_since=False)


def blocker(operation: Operation) -> str | None:
    """Why the operation cannot be undone now, or None."""
    if operation.undone_at is not None:
        return "Thao tác này đã được hoàn tác."
    later = _counts(operation, changed_since=True)
    if later["household"] or later["person"] or later["village"]:
        parts = [
            f"{later['household']} hộ" if later["household"] else "",
            f"{later['person']} nhân khẩu" if later["person"] else "",
            f"{later['village']} thôn" if later["village"] else "",
        ]
        what = ", ".join(p for p in parts if p)
        return (
            f"Không hoàn tác được: {what} đã được sửa sau thao tác này. "
            "Hãy sửa trực tiếp trên trang của hộ."
        )
    return None


def undo(actor, operation: Operation) -> dict[str, int]:
    """Put back every row the operation wrote; returns how many rows of each table were put
    back or deleted. Raises UndoError (nothing written) when it cannot."""
    reason = blocker(operation)
    if reason:
        raise UndoError(reason)
    history.attribute(actor, "undo")
    now = timeutil.utcnow()
    written = {name: _written(operation, name) for name in ORDER}
    created: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for name in reversed(ORDER):  # parents first: a household goes back to a village that exists
        created[name] = _put_back(operation, name, written[name], now)
        counts[name] = len(written[name])
    if operation.kind == MERGE_VILLAGE:
        _restore_assignments(operation.details)
    for name in ORDER:
        _delete(name, created[name])
    operation.undone_at, operation.undone_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    db.session.expire_all()  # bulk statements bypass the identity map
    audit.record(
        actor, "undo", "operation", operation.token,
        kind=operation.kind, label=operation.label, rows=counts,
    )  # fmt: skip
    return counts


def _put_back(operation: Operation, name: str, versions: list, now) -> list[int]:
    """Set each row back to its version before the operation; returns the rows it created."""
    model, table = BY_NAME[name]
    key = table.c[f"{name}_id"]
    ids = [getattr(v, key.name) for v in versions]
    current_version = {getattr(v, key.name): getattr(v, "version", None) for v in versions}
    previous = {}
    for batch in _batches(ids):
        stmt = select(table).where(key.in_(batch), table.c.valid_to == operation.at)
        previous.update({getattr(row, key.name): row for row in db.session.execute(stmt)})
    columns = [c.name for c in model.__table__.columns if c.name not in BOOKKEEPING]
    rows = []
    for row_id, row in previous.items():
        values = {column: getattr(row, column) for column in columns}
        values["id"] = row_id
        if "updated_at" in model.__table__.c:
            values["updated_at"] = now
        if "version" in model.__table__.c:
            values["version"] = (current_version[row_id] or 0) + 1
        rows.append(values)
    if rows:
        db.session.execute(update(model), rows)
        history.touched(db.session, name, previous)
    return [row_id for row_id in ids if row_id not in previous]


def _delete(name: str, ids: list[int]) -> None:
    """Delete rows the operation created, unless something else now points at them."""
    if not ids:
        return
    model, _table = BY_NAME[name]
    for batch in _batches(ids):
        _refuse_if_referenced(model, batch)
        db.session.execute(
            delete(model)
            .where(model.__table__.c.id.in_(batch))
            .execution_options(synchronize_session=False)
        )
    history.gone(db.session, name, ids)


def _refuse_if_referenced(model, ids: list[int]) -> None:
    """Raise UndoError when a row of another table refers to one of ``ids``."""
    target = model.__table__
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target:
                continue
            column = fk.parent
            if db.session.scalar(select(exists().where(column.in_(ids)))):
                what = REFERRING.get(table.name, table.name)
                raise UndoError(
                    "Không hoàn tác được: đã có dữ liệu khác gắn với hộ, người hoặc thôn do thao "
                    f"tác này tạo ({what}). Hãy xóa từng hộ trên trang lịch sử của hộ."
                )


def _restore_assignments(details: dict) -> None:
    """A village merge moved the source village's users to the target: move them back."""
    from survey_app.accounts.models import user_village

    source, target = details.get("source_id"), details.get("target_id")
    users, added = details.get("users", []), details.get("added", [])
    if source is None or target is None:
        return
    if added:
        db.session.execute(
            delete(user_village).where(
                user_village.c.village_id == target, user_village.c.user_id.in_(added)
            )
        )
    if users:
        db.session.execute(
            insert(user_village), [{"user_id": uid, "village_id": source} for uid in users]
        )


def operations_for(user, kind: str, limit: int = 50) -> list[Operation]:
    """The latest operations of one kind in the communes ``user`` looks after, newest first."""
    from survey_app.access import commune_ids_stmt

    stmt = (
        select(Operation)
        .where(Operation.commune_id.in_(commune_ids_stmt(user)), Operation.kind == kind)
        .order_by(Operation.at.desc(), Operation.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
