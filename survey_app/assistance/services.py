"""Record help and training classes; read the figures. Services flush; the request commits.

Figures of the village page are counted in SQL (one grouped query per table on the page), so
they are what the database holds, on SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select

from survey_app import audit
from survey_app.accounts.models import User
from survey_app.assistance.models import (
    HELP_KINDS,
    NOTE_MAX,
    ClassAttendance,
    HelpRecord,
    TrainingClass,
)
from survey_app.extensions import db
from survey_app.households import services as household_services
from survey_app.households.models import Household, Person
from survey_app.text import fold, squeeze
from survey_app.timeutil import start_of_day_utc, to_vn, utcnow
from survey_app.transactions import ServiceError

SKILL_KEY = "ky_nang_so"


class AssistanceError(ServiceError):
    """Input that cannot be saved, with a Vietnamese message."""


# ---- help given ----------------------------------------------------------------------------


def record_help(actor, person: Person, kinds: list[str], note: str = "") -> list[HelpRecord]:
    """One HelpRecord per kind ticked, all at the same moment. Survey answers are not touched."""
    kinds = list(dict.fromkeys(kinds))  # keep order, drop repeats
    if not kinds:
        raise AssistanceError("Hãy chọn ít nhất một việc đã hỗ trợ.", "kinds")
    unknown = [k for k in kinds if k not in HELP_KINDS]
    if unknown:
        raise AssistanceError("Việc hỗ trợ không hợp lệ.", "kinds")
    note = squeeze(note or "")
    if len(note) > NOTE_MAX:
        raise AssistanceError(f"Ghi chú dài quá {NOTE_MAX} ký tự.", "note")
    now = utcnow()
    records = [
        HelpRecord(
            person=person,
            household_id=person.household_id,
            kind=kind,
            note=note,
            helped_by=actor,
            helped_at=now,
        )
        for kind in kinds
    ]
    db.session.add_all(records)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "help_record",
        person.token,
        household=person.household.token,
        kinds=kinds,
        note=note,
        ids=[r.id for r in records],
    )
    return records


def person_help(person: Person) -> list[HelpRecord]:
    """The person's earlier help, newest first."""
    stmt = (
        select(HelpRecord)
        .where(HelpRecord.person_id == person.id)
        .order_by(HelpRecord.helped_at.desc(), HelpRecord.id.desc())
    )
    return list(db.session.scalars(stmt))


@dataclass
class HelperRow:
    """One helper's line on the village page: counts per kind, records and people helped."""

    user_id: int | None
    name: str
    counts: dict[str, int]
    total: int
    people: int


def month_range(month: str | None) -> tuple[datetime, datetime] | None:
    """'2026-03' → (start, end) in stored UTC of that month in Vietnam time; None if invalid."""
    try:
        year, mon = (int(part) for part in (month or "").split("-"))
        start = date(year, mon, 1)
    except ValueError:
        return None
    end = date(year + mon // 12, mon % 12 + 1, 1)
    return _utc(start), _utc(end)


def _utc(day: date) -> datetime:
    return start_of_day_utc(day)


def _village_filter(stmt, village_id: int, period):
    stmt = stmt.join(Household, Household.id == HelpRecord.household_id).where(
        Household.village_id == village_id
    )
    if period is not None:
        stmt = stmt.where(HelpRecord.helped_at >= period[0], HelpRecord.helped_at < period[1])
    return stmt


def _count_columns():
    per_kind = [
        func.sum(case((HelpRecord.kind == kind, 1), else_=0)).label(kind) for kind in HELP_KINDS
    ]
    return [
        *per_kind,
        func.count(HelpRecord.id).label("total"),
        func.count(func.distinct(HelpRecord.person_id)).label("people"),
    ]


def helper_rows(village_id: int, period=None) -> tuple[list[HelperRow], HelperRow]:
    """Per helper (who recorded the help) counts per kind, total and people; plus the totals."""
    name = func.coalesce(func.nullif(User.full_name, ""), User.username)
    stmt = (
        select(HelpRecord.helped_by_id, name.label("name"), *_count_columns())
        .outerjoin(User, User.id == HelpRecord.helped_by_id)
        .group_by(HelpRecord.helped_by_id, User.full_name, User.username)
    )
    rows = [
        _helper_row(row, row.helped_by_id, row.name or "(tài khoản đã xóa)")
        for row in db.session.execute(_village_filter(stmt, village_id, period))
    ]
    rows.sort(key=lambda r: (-r.total, fold(r.name)))
    total = db.session.execute(_village_filter(select(*_count_columns()), village_id, period))
    return rows, _helper_row(total.one(), None, "Cả thôn")


def _helper_row(row, user_id, name) -> HelperRow:
    counts = {kind: int(getattr(row, kind) or 0) for kind in HELP_KINDS}
    return HelperRow(user_id, name, counts, int(row.total or 0), int(row.people or 0))


def latest_help(village_id: int, period=None, limit: int = 30) -> list[HelpRecord]:
    stmt = select(HelpRecord).order_by(HelpRecord.helped_at.desc(), HelpRecord.id.desc())
    return list(db.session.scalars(_village_filter(stmt, village_id, period).limit(limit)))


def help_months(village_id: int) -> list[str]:
    """Months ('2026-03', Vietnam time) that have help in the village, newest first."""
    stmt = _village_filter(select(HelpRecord.helped_at), village_id, None)
    months = {f"{to_vn(at):%Y-%m}" for (at,) in db.session.execute(stmt)}
    return sorted(months, reverse=True)


# ---- training classes -----------------------------------------------------------------------


def create_class(actor, village, held_on: date, place: str, topic: str) -> TrainingClass:
    place, topic = squeeze(place or ""), squeeze(topic or "")
    if not place:
        raise AssistanceError("Vui lòng nhập địa điểm.", "place")
    if not topic:
        raise AssistanceError("Vui lòng nhập nội dung tập huấn.", "topic")
    klass = TrainingClass(
        village=village, held_on=held_on, place=place, topic=topic, created_by=actor
    )
    db.session.add(klass)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "training_class",
        klass.token,
        village=village.token,
        held_on=held_on.isoformat(),
        place=place,
        topic=topic,
    )
    return klass


def village_classes(village_id: int) -> list[tuple[TrainingClass, int]]:
    """The village's classes, newest first, each with its number of attendees (one query)."""
    attendees = (
        select(ClassAttendance.class_id, func.count().label("n"))
        .group_by(ClassAttendance.class_id)
        .subquery()
    )
    stmt = (
        select(TrainingClass, func.coalesce(attendees.c.n, 0))
        .outerjoin(attendees, attendees.c.class_id == TrainingClass.id)
        .where(TrainingClass.village_id == village_id)
        .order_by(TrainingClass.held_on.desc(), TrainingClass.id.desc())
    )
    return [(klass, int(n)) for klass, n in db.session.execute(stmt)]


def attendees(klass: TrainingClass) -> list[ClassAttendance]:
    stmt = (
        select(ClassAttendance)
        .join(Person, Person.id == ClassAttendance.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(ClassAttendance.class_id == klass.id)
        .order_by(Household.ma_ho, Person.position, Person.id)
    )
    return list(db.session.scalars(stmt))


@dataclass
class Candidate:
    """A person of the village, for the attendee picker."""

    token: str
    name: str
    birth_year: int
    ma_ho: str
    chu_ho: str
    ky_nang_so: bool | None
    attending: bool

    @property
    def search_text(self) -> str:
        return fold(f"{self.name} {self.ma_ho} {self.chu_ho}")


def candidates(klass: TrainingClass, query: str = "") -> list[Candidate]:
    """The village's people (those living there), by household, for ticking attendees."""
    attending = select(ClassAttendance.person_id).where(ClassAttendance.class_id == klass.id)
    stmt = (
        select(
            Person.token,
            Person.ho_ten,
            Person.birth_date,
            Household.ma_ho,
            Household.chu_ho,
            Person.ky_nang_so,
            Person.id.in_(attending),
        )
        .join(Household, Household.id == Person.household_id)
        .where(Household.village_id == klass.village_id)
        .where(Person.removed_at.is_(None), Person.cu_tru.in_(("co_mat", "tam_vang")))
    )
    rows = [
        Candidate(token, name, born.year, ma_ho, chu_ho, skill, bool(att))
        for token, name, born, ma_ho, chu_ho, skill, att in db.session.execute(stmt)
    ]
    rows.sort(key=lambda c: (household_services._natural_key(c.ma_ho), fold(c.name)))
    words = fold(query).split()
    if words:
        rows = [c for c in rows if all(w in c.search_text for w in words)]
    return rows


def add_attendees(actor, klass: TrainingClass, person_tokens: list[str]) -> tuple[int, int]:
    """Add the people (of the class's village) as attendees and set their ky_nang_so to Có.

    Returns (people added, answers changed). People already attending are skipped; a token that
    is not a person of the village refuses the whole save.
    """
    tokens = list(dict.fromkeys(t for t in person_tokens if t))
    if not tokens:
        raise AssistanceError("Chưa chọn người nào. Hãy đánh dấu người tham dự rồi bấm Lưu.")
    people = db.session.scalars(
        select(Person)
        .join(Household, Household.id == Person.household_id)
        .where(Person.token.in_(tokens), Household.village_id == klass.village_id)
    ).all()
    if len(people) != len(tokens):
        raise AssistanceError("Có người không thuộc thôn này. Hãy tải lại trang rồi chọn lại.")
    already = set(
        db.session.scalars(
            select(ClassAttendance.person_id).where(ClassAttendance.class_id == klass.id)
        )
    )
    added, changed = [], 0
    source = f"training_class:{klass.token}"
    for person in people:
        if person.id in already:
            continue
        db.session.add(ClassAttendance(training_class=klass, person=person, added_by=actor))
        added.append(person.token)
        if household_services.set_person_answer(actor, person, SKILL_KEY, True, source):
            changed += 1
    db.session.flush()
    if added:
        audit.record(actor, "add_attendees", "training_class", klass.token, people=added)
    return len(added), changed


def remove_attendee(actor, klass: TrainingClass, person_token: str) -> Person:
    """Take a person off the list. Their ky_nang_so answer stays as it is."""
    row = db.session.scalar(
        select(ClassAttendance)
        .join(Person, Person.id == ClassAttendance.person_id)
        .where(ClassAttendance.class_id == klass.id, Person.token == person_token)
    )
    if row is None:
        raise AssistanceError("Người này không có trong danh sách lớp.")
    person = row.person
    db.session.execute(delete(ClassAttendance).where(ClassAttendance.id == row.id))
    db.session.flush()
    audit.record(actor, "remove_attendee", "training_class", klass.token, person=person.token)
    return person
