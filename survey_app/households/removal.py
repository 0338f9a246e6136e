"""Removing a household or a person (an officer's act) and restoring them.

Removal is soft: the row stays, marked with who, when and why; it drops out of every count,
list, export and phone, and its history keeps every state. Removing a household removes its
present members with it (same moment and reason), so whatever counts people leaves it out too;
restoring it brings back exactly those members. Each change is a version (history source
"remove") and an audit row.
"""

from sqlalchemy import select

from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.households.models import Household, Person
from survey_app.timeutil import utcnow
from survey_app.transactions import ServiceError

HOUSEHOLD_GONE = "Hộ đã bị xóa"  # the reason kept on members removed with their household


class RemovalError(ServiceError):
    """A removal or restore that cannot be made, with the reason in Vietnamese."""


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())[:200]
    if not reason:
        raise RemovalError("Hãy ghi lý do xóa.", "reason")
    return reason


def remove_household(actor, household: Household, reason: str) -> int:
    """Remove the household and its present members; returns how many members went with it."""
    if household.removed_at is not None:
        raise RemovalError("Hộ này đã bị xóa trước đó.")
    why, now = _reason(reason), utcnow()
    history.attribute(actor, "remove")
    members = list(household.members)
    for person in members:
        _mark(person, actor, now, HOUSEHOLD_GONE)
    _mark(household, actor, now, why)
    household.version += 1
    db.session.flush()
    db.session.expire(household, ["members", "all_members"])
    audit.record(
        actor, "remove", "household", household.token,
        ma_ho=household.ma_ho, reason=why, members=len(members),
    )  # fmt: skip
    return len(members)


def restore_household(actor, household: Household) -> int:
    """Bring back a removed household and the members removed with it; returns how many."""
    if household.removed_at is None:
        raise RemovalError("Hộ này chưa bị xóa.")
    history.attribute(actor, "remove")
    removed_with = db.session.scalars(
        select(Person).where(
            Person.household_id == household.id, Person.removed_at == household.removed_at
        )
    ).all()
    for person in removed_with:
        _mark(person, None, None, "")
    _mark(household, None, None, "")
    household.version += 1
    db.session.flush()
    db.session.expire(household, ["members", "all_members"])
    audit.record(
        actor, "restore_removed", "household", household.token,
        ma_ho=household.ma_ho, members=len(removed_with),
    )  # fmt: skip
    return len(removed_with)


def remove_person(actor, person: Person, reason: str) -> None:
    """Remove one member of a household (entered twice, not a real member…)."""
    if person.removed_at is not None:
        raise RemovalError("Người này đã bị xóa trước đó.")
    why = _reason(reason)
    history.attribute(actor, "remove")
    _mark(person, actor, utcnow(), why)
    household = person.household
    household.version += 1
    db.session.flush()
    db.session.expire(household, ["members", "all_members"])
    audit.record(
        actor, "remove", "person", person.token,
        household=household.token, reason=why,
    )  # fmt: skip


def restore_person(actor, person: Person) -> None:
    """Bring back a removed member (their household must not be removed itself)."""
    if person.removed_at is None:
        raise RemovalError("Người này chưa bị xóa.")
    household = person.household
    if household.removed_at is not None:
        raise RemovalError("Hộ của người này đang bị xóa: hãy khôi phục hộ trước.")
    history.attribute(actor, "remove")
    _mark(person, None, None, "")
    household.version += 1
    db.session.flush()
    db.session.expire(household, ["members", "all_members"])
    audit.record(actor, "restore_removed", "person", person.token, household=household.token)


def _mark(row, actor, when, reason: str) -> None:
    row.removed_at, row.removed_reason = when, reason
    row.removed_by_id = getattr(actor, "id", None) if when else None
