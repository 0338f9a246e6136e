"""Everything the product holds about one person, for a request under the data-protection law."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_, select

from survey_app import audit
from survey_app.assistance.models import ClassAttendance, HelpRecord
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.sync.models import SyncChange
from survey_app.timeutil import utcnow

# Columns that are the product's plumbing, not data about the person.
SKIP = {"id", "household_id", "commune_id", "village_id", "version"}


def person_data(actor, person: Person) -> dict[str, Any]:
    """The person's record, their household, help, classes, phone changes and audit rows.

    Records one audit row (who asked, when); the caller commits.
    """
    household = person.household
    data = {
        "xuat_luc": _plain(utcnow()),
        "nguoi": _columns(person),
        "ho": {**_columns(household), "thon": household.village.name,
               "xa": household.commune.full_name},
        "ho_tro": [_columns(r) for r in _rows(HelpRecord, HelpRecord.person_id == person.id)],
        "lop_tap_huan": _classes(person),
        "thay_doi_tu_dien_thoai": _sync_changes(household),
        "nhat_ky": _audit_rows(person, household),
    }  # fmt: skip
    audit.record(actor, "person_data_export", "person", person.token, household=household.token)
    db.session.flush()
    return data


def _columns(record) -> dict[str, Any]:
    mapper = inspect(record).mapper
    return {c.key: _plain(getattr(record, c.key)) for c in mapper.column_attrs if c.key not in SKIP}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(model, condition) -> list:
    return list(db.session.scalars(select(model).where(condition).order_by(model.id)))


def _classes(person: Person) -> list[dict[str, Any]]:
    rows = _rows(ClassAttendance, ClassAttendance.person_id == person.id)
    return [
        {"ngay": _plain(a.training_class.held_on), "noi": a.training_class.place,
         "chu_de": a.training_class.topic, "ghi_danh_luc": _plain(a.added_at)}
        for a in rows
    ]  # fmt: skip


def _sync_changes(household: Household) -> list[dict[str, Any]]:
    rows = _rows(SyncChange, SyncChange.household_token == household.token)
    return [
        {"luc": _plain(c.created_at), "trang_thai": c.status, "du_lieu": c.payload} for c in rows
    ]


def _audit_rows(person: Person, household: Household) -> list[dict[str, Any]]:
    keys = or_(AuditLog.object_key == person.token, AuditLog.object_key == household.token)
    return [
        {"luc": _plain(r.at), "hanh_dong": r.action, "doi_tuong": r.object_type,
         "chi_tiet": r.details}
        for r in _rows(AuditLog, keys)
    ]  # fmt: skip
