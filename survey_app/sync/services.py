"""Apply pushed changes exactly once. Services flush; each change is committed on its own.

A change runs in its own savepoint. It first claims its ``change_id`` by inserting a SyncChange
row (unique constraint), then saves through the household services. A refused change rolls the
savepoint back, so it leaves nothing behind. A replay, or a twin request that lost the race for the
unique constraint, gets the stored result, byte for byte, and touches nothing — as long as the
user may still see the household: a replay re-checks access, because a stored conflict holds the
whole household record.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import ObjectDeletedError

from household_forms.sync import UUID_RE, HouseholdOut, load_change
from survey_app import audit
from survey_app.access import village_ids_stmt
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.households.models import Household, Person
from survey_app.households.services import (
    ConflictError,
    HouseholdError,
    create_household,
    save_household,
)
from survey_app.places.models import Village
from survey_app.sync.models import APPLIED, CONFLICT, SyncChange
from survey_app.timeutil import utcnow

NOT_FOUND = {
    "household": "Không tìm thấy hộ này trong các thôn bạn được giao.",
    "village": "Không tìm thấy thôn này trong các thôn bạn được giao.",
}


class Refused(Exception):
    """The change cannot be applied; ``result`` says why. Nothing of it is kept."""

    def __init__(self, result: dict):
        super().__init__(result["status"])
        self.result = result


def invalid(change_id: str | None, errors: dict[str, list[str]]) -> dict:
    return {"change_id": change_id, "status": "invalid", "code": 422, "errors": errors}


def not_found(change_id: str, key: str) -> dict:
    return {
        "change_id": change_id,
        "status": "not_found",
        "code": 404,
        "errors": {key: [NOT_FOUND[key]]},
    }


def apply_change(user, raw) -> dict:
    """Apply one pushed change for ``user`` and return its result (see docs/sync-api.md)."""
    change_id = _change_id(raw)
    if change_id:
        stored = _stored(change_id)
        if stored is not None:
            return _replay(stored, user)
    change, errors = load_change(raw)
    if errors:
        return invalid(change_id, errors)
    history.attribute(user, "sync")
    return _apply_once(user, change, raw)


def prune(before) -> int:
    """Forget pushed changes recorded before ``before`` (their data is personal); return how many.

    A phone retrying a change older than that gets it applied as new, so keep well beyond the
    longest time a phone may stay offline with a queue.
    """
    result = db.session.execute(delete(SyncChange).where(SyncChange.created_at < before))
    return result.rowcount


def prune_past_retention(days: int | None = None) -> tuple[int, int]:
    """``prune`` what is older than ``days`` (default SYNC_RETENTION_DAYS): (how many, days).
    The `sync prune` command and the worker's nightly task."""
    days = days or current_app.config["SYNC_RETENTION_DAYS"]
    return prune(utcnow() - timedelta(days=days)), days


def _change_id(raw) -> str | None:
    value = raw.get("change_id") if isinstance(raw, dict) else None
    return value.lower() if isinstance(value, str) and UUID_RE.fullmatch(value.lower()) else None


def _stored(change_id: str) -> SyncChange | None:
    return db.session.scalar(select(SyncChange).where(SyncChange.change_id == change_id))


def _replay(stored: SyncChange, user) -> dict:
    if stored.user_id != user.id:
        message = "Mã thay đổi này đã được dùng cho một thay đổi khác. Hãy tạo mã mới."
        return invalid(stored.change_id, {"change_id": [message]})
    if not _still_visible(user, stored.household_token):
        return not_found(stored.change_id, "household")
    return stored.result


def _still_visible(user, household_token: str) -> bool:
    """Whether the household is in one of ``user``'s villages now (not when the change ran)."""
    stmt = select(Household.id).where(
        Household.token == household_token,
        Household.village_id.in_(village_ids_stmt(user)),
        Household.removed_at.is_(None),  # removed by an officer: gone, as for the feed
    )
    return db.session.scalar(stmt) is not None


def _apply_once(user, change: dict, raw: dict, retry: bool = True) -> dict:
    savepoint = db.session.begin_nested()
    try:
        row = _claim(user, change, raw, "pending")
    except IntegrityError:
        savepoint.rollback()
        return _after_race(user, change, raw, retry)
    try:
        result = _run(user, change)
    except Refused as exc:
        savepoint.rollback()
        return exc.result
    except ConflictError:
        savepoint.rollback()
        return _record_conflict(user, change, raw)
    except ObjectDeletedError:  # deleted by someone else while this change was being applied
        savepoint.rollback()
        return not_found(change["change_id"], "household")
    except (IntegrityError, DataError):
        # Two phones took the same mã hộ or token at the same instant: the database said no.
        savepoint.rollback()
        message = "Dữ liệu trùng với một bản ghi vừa được lưu. Hãy tải lại rồi thử lại."
        return invalid(change["change_id"], {"data": [message]})
    row.status, row.result, row.household_token = APPLIED, result, result["household"]
    db.session.flush()
    savepoint.commit()
    return result


def _claim(user, change: dict, raw: dict, status: str, result: dict | None = None) -> SyncChange:
    row = SyncChange(
        change_id=change["change_id"],
        user_id=user.id,
        kind=change["kind"],
        household_token=change.get("household") or "",
        status=status,
        payload=raw,
        result=result,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _after_race(user, change: dict, raw: dict, retry: bool) -> dict:
    """Another request claimed this change_id first: answer with what it stored."""
    stored = _stored(change["change_id"])
    if stored is not None:
        return _replay(stored, user)
    if retry:  # the other request rolled back after all: apply the change here
        return _apply_once(user, change, raw, retry=False)
    raise RuntimeError(f"change {change['change_id']} can neither be claimed nor found")


def _run(user, change: dict) -> dict:
    if change["kind"] == "create":
        return _create(user, change)
    return _update(user, change)


def _create(user, change: dict) -> dict:
    change_id, data = change["change_id"], change["data"]
    village = db.session.scalar(
        select(Village).where(
            Village.token == change["village"], Village.id.in_(village_ids_stmt(user))
        )
    )
    if village is None:
        raise Refused(not_found(change_id, "village"))
    if not village.active:
        raise Refused(invalid(change_id, {"village": ["Thôn này đã ngừng hoạt động."]}))
    token = change.get("household")
    if token and db.session.scalar(select(Household.id).where(Household.token == token)):
        message = "Mã hộ trên máy đã được dùng. Hãy tạo mã mới cho hộ này."
        raise Refused(invalid(change_id, {"household": [message]}))
    data["token"] = token
    data["members"] = _member_tokens(change_id, data["members"], {})
    household = _saved(change_id, create_household, user, village, data)
    return _applied(change, household, code=201)


def _update(user, change: dict) -> dict:
    change_id, data = change["change_id"], change["data"]
    household = db.session.scalar(
        select(Household).where(
            Household.token == change["household"],
            Household.village_id.in_(village_ids_stmt(user)),
            Household.removed_at.is_(None),  # removed by an officer: gone, as for the feed
        )
    )
    if household is None:
        raise Refused(not_found(change_id, "household"))
    if household.version != change["base_version"]:
        raise ConflictError(household, change["base_version"])
    if "members" in data:
        existing = {person.token: person for person in household.members}
        data["members"] = _member_tokens(change_id, data["members"], existing)
    _saved(change_id, save_household, user, household, data, change["base_version"])
    return _applied(change, household, code=200)


def _member_tokens(change_id: str, members: list[dict], existing: dict) -> list[dict]:
    """A token the household does not know yet is a new member's token made by the phone."""
    seen, errors = set(), {}
    for index, member in enumerate(members):
        token = member.pop("token", None)
        if token and token in seen:
            errors[f"data.members.{index}.token"] = ["Mã thành viên bị lặp trong hộ."]
        elif token:
            member["token" if token in existing else "new_token"] = token
            seen.add(token)
    fresh = [m["new_token"] for m in members if "new_token" in m]
    taken = set(db.session.scalars(select(Person.token).where(Person.token.in_(fresh))))
    for index, member in enumerate(members):
        if member.get("new_token") in taken:
            errors[f"data.members.{index}.token"] = ["Mã thành viên đã được dùng ở hộ khác."]
    if errors:
        raise Refused(invalid(change_id, errors))
    return members


def _saved(change_id: str, save, *args):
    try:
        return save(*args)
    except HouseholdError as exc:
        key = "data.members" if exc.field in (None, "m") else f"data.{exc.field}"
        raise Refused(invalid(change_id, {key: [exc.message]})) from None


def _applied(change: dict, household: Household, code: int) -> dict:
    return {
        "change_id": change["change_id"],
        "status": "applied",
        "code": code,
        "kind": change["kind"],
        "household": household.token,
        "village": household.village.token,
        "version": household.version,
        "members": [person.token for person in household.members],
    }


def _record_conflict(user, change: dict, raw: dict) -> dict:
    """Keep the refused change (SyncChange + audit) and answer with the server's household."""
    current = db.session.scalar(
        select(Household)
        .where(Household.token == change["household"], Household.removed_at.is_(None))
        .options(selectinload(Household.members), selectinload(Household.village))
        .execution_options(populate_existing=True)
    )
    if current is None:  # deleted or removed meanwhile
        return not_found(change["change_id"], "household")
    result = {
        "change_id": change["change_id"],
        "status": "conflict",
        "code": 409,
        "kind": change["kind"],
        "household": current.token,
        "base_version": change["base_version"],
        "version": current.version,
        "server": HouseholdOut().dump(current),
    }
    savepoint = db.session.begin_nested()
    try:
        _claim(user, change, raw, CONFLICT, result)
    except IntegrityError:
        savepoint.rollback()
        return _after_race(user, change, raw, retry=False)
    audit.record(
        user, "sync_conflict", "household", current.token,
        change_id=change["change_id"], base_version=change["base_version"],
        server_version=current.version,
    )  # fmt: skip
    db.session.flush()
    savepoint.commit()
    return result
