"""A household's "Lịch sử thay đổi": its versions and its members', read as changes in words.

Consecutive versions of one row are compared field by field; a first version is an addition (or,
for rows that existed before history was kept, the state they were found in); a version closed
with no successor is a removal. Changes made together (same moment, same person, same source)
are shown as one entry.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import select

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.history.models import SOURCES, household_version, person_version
from survey_app.households.models import Household
from survey_app.households.vocabulary import (
    CU_TRU,
    GIOI_TINH,
    HOUSEHOLD_YESNO,
    PERSON_YESNO,
    VNEID,
)

HOUSEHOLD_LABELS = {
    "ma_ho": "Mã hộ",
    "chu_ho": "Chủ hộ",
    "dia_chi": "Địa chỉ",
    "so_dien_thoai": "Số điện thoại",
    "village_id": "Thôn",
    "note": "Ghi chú",
    **HOUSEHOLD_YESNO,
    "consent_given": "Hộ đồng ý",
    "visit_outcome": "Kết quả lần đến",
    "revisit_on": "Hẹn quay lại",
    "removed_reason": "Xóa khỏi danh sách (lý do)",
}
PERSON_LABELS = {
    "ho_ten": "Họ và tên",
    "birth_date": "Ngày sinh",
    "gioi_tinh": "Giới tính",
    "quan_he": "Quan hệ với chủ hộ",
    "cu_tru": "Tình trạng cư trú",
    **PERSON_YESNO,
    "vneid": "VNeID",
    "removed_reason": "Xóa khỏi danh sách (lý do)",
}
# Fields an officer may put back to an earlier value (answers and what identifies a person).
RESTORABLE = {
    "household": set(HOUSEHOLD_YESNO) | {"chu_ho", "dia_chi", "so_dien_thoai", "note"},
    "person": set(PERSON_YESNO) | {"ho_ten", "gioi_tinh", "quan_he", "cu_tru", "vneid"},
}
TABLES = {"household": household_version, "person": person_version}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    field: str
    kind: str  # "household" or "person"
    version_id: int  # the version holding the old value (restore puts it back)
    old_value: object = None
    restorable: bool = False


@dataclass
class Entry:
    at: datetime
    who: str
    source: str
    lines: list[str] = field(default_factory=list)  # additions and removals, in words
    fields: list[tuple[str, list[FieldChange]]] = field(default_factory=list)  # per subject


def words(name: str, value) -> str:
    """A stored value as a person reads it."""
    if value is None:
        asked = name in PERSON_YESNO or name in HOUSEHOLD_YESNO or name == "vneid"
        return "Chưa hỏi" if asked else "(trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if name == "vneid":
        return VNEID.get(value, value)
    if name == "cu_tru":
        return CU_TRU.get(value, value)
    if name == "gioi_tinh":
        return GIOI_TINH.get(value, value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value) if value != "" else "(trống)"


def _rows(household: Household):
    h = household_version
    p = person_version
    house = db.session.execute(
        select(h).where(h.c.household_id == household.id).order_by(h.c.valid_from, h.c.version_id)
    ).all()
    people = db.session.execute(
        select(p).where(p.c.household_id == household.id).order_by(p.c.valid_from, p.c.version_id)
    ).all()
    return house, people


def history_of(household: Household, villages: dict[int, str]) -> list[Entry]:
    """The household's changes, newest first."""
    house, people = _rows(household)
    events: list[tuple[tuple, str, object]] = []  # ((at, who, source), subject, line-or-change)
    # A member's removal closes their version; the household's version of that moment says who.
    stamps = {r.valid_from: (r.valid_from, r.changed_by_id, r.source) for r in house}
    _compare(events, "household", "household_id", house, HOUSEHOLD_LABELS, villages, stamps)
    _compare(events, "person", "person_id", people, PERSON_LABELS, villages, stamps)
    names = _user_names({key[1] for key, _, _ in events})
    entries: list[Entry] = []
    for key, group in groupby(sorted(events, key=lambda e: e[0], reverse=True), key=lambda e: e[0]):
        at, who, source = key
        entry = Entry(at, names.get(who, "Hệ thống"), SOURCES.get(source, source))
        subjects: dict[str, list[FieldChange]] = {}
        for _, subject, item in group:
            if isinstance(item, str):
                entry.lines.append(item)
            else:
                subjects.setdefault(subject, []).append(item)  # type: ignore[arg-type]
        entry.fields = list(subjects.items())
        entries.append(entry)
    return entries


def _compare(events, kind, key, rows, labels, villages, stamps) -> None:
    """Events of one row's versions: added, changed field by field, removed."""
    by_row = sorted(rows, key=lambda r: (getattr(r, key), r.valid_from, r.version_id))
    for _, group in groupby(by_row, key=lambda r: getattr(r, key)):
        versions = list(group)
        first = versions[0]
        stamp = (first.valid_from, first.changed_by_id, first.source)
        name = first.chu_ho if kind == "household" else first.ho_ten
        if first.source == "migration":
            what = "Hộ" if kind == "household" else f"Thành viên {name}"
            events.append((stamp, name, f"{what}: có từ trước khi lưu lịch sử"))
        else:
            what = "Thêm hộ" if kind == "household" else "Thêm thành viên"
            events.append((stamp, name, f"{what} {name}"))
        for old, new in itertools.pairwise(versions):
            stamp = (new.valid_from, new.changed_by_id, new.source)
            subject = "Hộ" if kind == "household" else f"Thành viên {new.ho_ten}"
            for name_, label in labels.items():
                before, after = getattr(old, name_), getattr(new, name_)
                if type(before) is type(after) and before == after:
                    continue
                if name_ == "village_id":
                    shown = (villages.get(before, "?"), villages.get(after, "?"))
                else:
                    shown = (words(name_, before), words(name_, after))
                change = FieldChange(
                    label, *shown, field=name_, kind=kind, version_id=old.version_id,
                    old_value=before, restorable=name_ in RESTORABLE[kind],
                )  # fmt: skip
                events.append((stamp, subject, change))
        last = versions[-1]
        if last.valid_to is not None and kind == "person":
            stamp = stamps.get(last.valid_to, (last.valid_to, None, "system"))
            events.append((stamp, "", f"Bỏ thành viên {last.ho_ten}"))


def _user_names(ids) -> dict:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(wanted)))
    return {u.id: u.display_name for u in users}
