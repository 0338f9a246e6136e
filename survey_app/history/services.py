"""Putting an earlier value back: a new version like any other change (source "restore")."""

from sqlalchemy import select

from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture
from survey_app.history.changes import RESTORABLE, TABLES, words
from survey_app.households.models import Household, Person
from survey_app.timeutil import utcnow
from survey_app.transactions import ServiceError


class RestoreError(ServiceError):
    """A value that cannot be put back, with the reason in Vietnamese."""


def restore_value(actor, household: Household, kind: str, version_id: int, field: str) -> None:
    """Set ``field`` of the household (or one of its members) back to its value in version
    ``version_id``. The household's version moves on, so phones pull the restored copy."""
    table = TABLES.get(kind)
    if table is None or field not in RESTORABLE[kind]:
        raise RestoreError("Không khôi phục được mục này.")
    row = db.session.execute(select(table).where(table.c.version_id == version_id)).one_or_none()
    if row is None or row.household_id != household.id:
        raise RestoreError("Không tìm thấy giá trị cũ này của hộ.")
    if kind == "household":
        target: Household | Person = household
    else:
        person = db.session.get(Person, row.person_id)
        if person is None or person.household_id != household.id:
            raise RestoreError("Thành viên này đã bị bỏ khỏi hộ; không khôi phục được.")
        target = person
    old, value = getattr(target, field), getattr(row, field)
    if type(old) is type(value) and old == value:
        raise RestoreError("Giá trị hiện tại đã là giá trị này.")
    capture.attribute(actor, "restore")
    setattr(target, field, value)
    household.version += 1
    household.last_edited_by, household.last_edited_at = actor, utcnow()
    db.session.flush()
    audit.record(
        actor, "restore_value", kind, target.token,
        household=household.token, field=field, old=words(field, old), new=words(field, value),
    )  # fmt: skip
