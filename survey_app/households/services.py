"""Save households and their members; list a village's households. Services flush; callers commit.

``data`` is a plain dict of clean values (from the page form or a sync schema). Household keys
(``ma_ho``, ``chu_ho``, ``dia_chi``, ``so_dien_thoai``, the HOUSEHOLD_YESNO items, ``consent``)
are applied when present. ``members``, when present, is the full ordered list: a dict with the
``token`` of an existing member updates it, one without a token adds a member, and members left
out are deleted. Yes/no values are True / False / None, and None ("chưa hỏi") is never False.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from household_forms import rules
from survey_app import audit
from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households import status as visit_status
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import BUSINESS_ONLY, HOUSEHOLD_YESNO, PERSON_YESNO
from survey_app.text import fold
from survey_app.timeutil import utcnow, vn_today
from survey_app.tokens import new_token
from survey_app.transactions import ServiceError

HOUSEHOLD_FIELDS = (
    "ma_ho",
    "chu_ho",
    "dia_chi",
    "so_dien_thoai",
    "note",
    "gps_lat",
    "gps_lng",
    "gps_accuracy",
    *HOUSEHOLD_YESNO,
)
PERSON_FIELDS = (
    "ho_ten",
    "birth_date",
    "birth_year_only",
    "gioi_tinh",
    "quan_he",
    "cu_tru",
    *PERSON_YESNO,
    "vneid",
)


class HouseholdError(ServiceError):
    """Data that cannot be saved, with a Vietnamese message and the form field it belongs to."""


class ConflictError(Exception):
    """Someone saved the household after the client loaded it: refuse rather than overwrite."""

    def __init__(self, household: Household, expected_version: int | None):
        super().__init__(
            f"household {household.token} is at version {household.version}, not {expected_version}"
        )
        self.household = household
        self.expected_version = expected_version
        self.current_version = household.version


def create_household(actor, village, data: dict) -> Household:
    """Add a surveyed household (with its members) to ``village``."""
    _require_consent(None, data)
    _check_ma_ho(village.commune_id, data.get("ma_ho"), None)
    # A phone that created the household offline sends its own token (checked by the sync API).
    token = data.get("token") or new_token()
    household = Household(token=token, commune_id=village.commune_id, village=village)
    db.session.add(household)
    with _unique_ma_ho(data.get("ma_ho")):  # autoflush may insert before the flush below
        changes = _apply(household, data, HOUSEHOLD_FIELDS)
        _apply_business_rule(household, changes)
        _apply_members(actor, household, data.get("members", []))
        _mark_surveyed(actor, household, changes)
        household.confirmed_at = utcnow()
        household.version = 1
        db.session.flush()
    audit.record(actor, "create", "household", household.token, version=1)
    return household


def save_household(actor, household: Household, data: dict, expected_version: int | None):
    """Update ``household`` from ``data`` if it is still at ``expected_version``; bump version.

    ``data`` with a ``visit_outcome`` records a visit that did not survey (record_visit).
    """
    if data.get("visit_outcome"):
        return record_visit(actor, household, data, expected_version)
    _require_consent(household, data)
    if "ma_ho" in data:
        _check_ma_ho(household.commune_id, data["ma_ho"], household.id)
    _claim_version(household, expected_version)
    with _unique_ma_ho(data.get("ma_ho", household.ma_ho)):
        changes = _apply(household, data, HOUSEHOLD_FIELDS)
        _apply_business_rule(household, changes)
        if "members" in data:
            _apply_members(actor, household, data["members"])
        _mark_surveyed(actor, household, changes)
        if _answers_changed(changes) or data.get("xac_nhan") is True:
            household.confirmed_at = utcnow()
        db.session.flush()
    audit.record(actor, "update", "household", household.token, version=household.version)
    return household


def record_visit(actor, household: Household, data: dict, expected_version: int | None):
    """A visit that ended without a survey: not at home, come back on a day, refused, moved.

    Needs no consent and takes no personal answers. "Đã chuyển đi" marks every member as moved
    away, so the household leaves every count; the members stay on record.
    """
    outcome = data.get("visit_outcome")
    if outcome not in visit_status.OUTCOMES:
        raise HouseholdError("Kết quả lần đến không hợp lệ.", "visit_outcome")
    revisit_on = data.get("revisit_on") if outcome == visit_status.LATER else None
    if outcome == visit_status.LATER and revisit_on is None:
        raise HouseholdError(rules.REQUIRED["revisit_on"], "revisit_on")
    _claim_version(household, expected_version)
    now = utcnow()
    values = {"visit_outcome": outcome, "revisit_on": revisit_on}
    values["note"] = data.get("note", household.note)
    _apply(household, values, ("visit_outcome", "revisit_on", "note"))
    household.visit_outcome_at, household.visit_outcome_by = now, actor
    household.last_edited_at, household.last_edited_by = now, actor
    if outcome == visit_status.MOVED:
        for person in household.members:
            person.cu_tru = "da_chuyen_di"
    db.session.flush()
    audit.record(
        actor, "visit", "household", household.token, outcome=outcome, version=household.version
    )
    return household


def _claim_version(household: Household, expected_version: int | None) -> None:
    """Move the version on in one conditional UPDATE so two concurrent saves cannot both win."""
    if expected_version is None or expected_version != household.version:
        raise ConflictError(household, expected_version)
    result = db.session.execute(
        update(Household)
        .where(Household.id == household.id, Household.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(household)
        raise ConflictError(household, expected_version)
    household.version = expected_version + 1


@contextmanager
def _unique_ma_ho(ma_ho: str | None):
    """A mã hộ another save took since _check_ma_ho looked is refused like a taken one."""
    try:
        yield
    except IntegrityError as exc:
        if "ma_ho" not in str(exc.orig):  # another constraint: not the user's to fix
            raise
        # Two people saved the same mã hộ at the same moment: the unique constraint decides.
        message = f"Mã hộ {ma_ho} vừa được người khác dùng. Hãy kiểm tra lại mã."
        raise HouseholdError(message, "ma_ho") from None


def _require_consent(household: Household | None, data: dict) -> None:
    if data.get("consent") is not True and not (household and household.consent_given):
        raise HouseholdError("Cần hộ đồng ý trước khi ghi thông tin.", "consent")


# One neutral answer wherever the code is used (this thôn or one the user cannot see): a volunteer
# must not learn from a push or a save which codes other villages hold, or where.
MA_HO_TAKEN = "Không dùng được mã hộ này. Hãy chọn mã khác, hoặc hỏi cán bộ xã mã đúng của hộ."


def _check_ma_ho(commune_id: int, ma_ho: str | None, own_id: int | None) -> None:
    """mã hộ is unique in the commune; compared without case so 'hk-1' cannot shadow 'HK-1'."""
    if not ma_ho:
        raise HouseholdError("Vui lòng nhập mã hộ.", "ma_ho")
    stmt = select(Household.id).where(
        Household.commune_id == commune_id, func.lower(Household.ma_ho) == ma_ho.lower()
    )
    if own_id is not None:
        stmt = stmt.where(Household.id != own_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise HouseholdError(MA_HO_TAKEN, "ma_ho")


def _not_applicable(person: Person) -> dict:
    """Clear the items that do not apply to ``person`` (stored None, listed in khong_ap_dung)."""
    asked = set(visit_status.person_items(person, vn_today()))
    skipped = [key for key in visit_status.ITEM_ORDER if key not in asked]
    changes = {}
    for key in skipped:
        if getattr(person, key) is not None:
            changes[key] = [getattr(person, key), None]
            setattr(person, key, None)
    person.khong_ap_dung = " ".join(skipped)
    return changes


def _apply(obj, data: dict, fields) -> dict:
    """Set the fields present in ``data``; return {field: [old, new]} of what changed."""
    changes = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(obj, field), data[field]
        # Compare with the type: None (chưa hỏi) must not equal False (Không).
        if type(old) is not type(new) or old != new:
            setattr(obj, field, new)
            changes[field] = [_json(old), _json(new)]
    return changes


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _apply_business_rule(household: Household, changes: dict) -> None:
    """Business items only mean something for a business household; otherwise they are unknown."""
    if household.ho_kinh_doanh is True:
        return
    for field in BUSINESS_ONLY:
        old = getattr(household, field)
        if old is not None:
            setattr(household, field, None)
            changes[field] = [old, None]


def _apply_members(actor, household: Household, members: list[dict]) -> None:
    """Make the household's members exactly ``members``, in that order (each change of a member
    becomes a version of that member: survey_app/history)."""
    if not members:
        raise HouseholdError("Hộ phải có ít nhất một thành viên.", "m")
    existing = {person.token: person for person in household.members}
    kept: list[Person] = []
    for position, item in enumerate(members):
        person = _member(household, existing, item)
        if person in kept:
            raise HouseholdError("Một thành viên bị gửi hai lần.", "m")
        person.position = position
        kept.append(person)
    household.members = kept  # delete-orphan removes the members left out


def _member(household: Household, existing: dict, item: dict) -> Person:
    token = item.get("token")
    if token and token not in existing:
        raise HouseholdError("Thành viên này không thuộc hộ.", "m")
    # ``new_token``: a token the phone made for a member added offline (checked by the sync API).
    person = existing[token] if token else Person(token=item.get("new_token") or new_token())
    changes = _apply(person, item, PERSON_FIELDS)
    _not_applicable(person)
    # Answers given or changed now, or confirmed unchanged ("Không đổi"), are confirmed now.
    if changes or item.get("xac_nhan") is True or not token:
        person.confirmed_at = utcnow()
    return person


def _answers_changed(changes: dict) -> bool:
    """Whether a save changed the household's own yes/no answers (they are then confirmed)."""
    return any(key in HOUSEHOLD_YESNO for key in changes)


def _mark_surveyed(actor, household: Household, changes: dict) -> None:
    """Consent, last edit, and "surveyed by" for the first save that leaves it complete."""
    now = utcnow()
    if not household.consent_given:
        household.consent_given = True
        household.consent_by = actor
        household.consent_at = now
    if household.visit_outcome is not None:
        changes["visit_outcome"] = [household.visit_outcome, None]
        household.visit_outcome, household.revisit_on = None, None
    household.last_edited_by, household.last_edited_at = actor, now
    if household.surveyed_at is None and visit_status.completeness(household).complete:
        household.surveyed_by, household.surveyed_at = actor, now
    if "gps_lat" in changes or "gps_lng" in changes:
        household.gps_at = now


# Reading: the household list of a village. A village has a few hundred households, so the
# search runs in Python over its rows, which lets it ignore Vietnamese diacritics on any engine.


@dataclass
class HouseholdRow:
    token: str
    ma_ho: str
    chu_ho: str
    dia_chi: str
    surveyed_at: datetime | None
    surveyed_by: str | None
    status: str
    answered: int
    total: int
    revisit_on: date | None


def village_rows(village_id: int, today: date | None = None) -> list[HouseholdRow]:
    """Every household of a village with its status, sorted by mã hộ (numbers in natural order).

    Read as plain rows, not ORM objects: the page of a thôn of a few hundred households is the
    one a volunteer opens most, and building an object per household and member was most of
    its time (32 → 12 ms for 150 households; docs/benchmarks.md)."""
    today = today or vn_today()
    h, p = Household.__table__, Person.__table__
    households = db.session.execute(
        select(h, User.full_name.label("by_name"), User.username.label("by_username"))
        .outerjoin(User, User.id == h.c.surveyed_by_id)
        .where(h.c.village_id == village_id, h.c.removed_at.is_(None))
    ).all()
    people: dict[int, list] = {row.id: [] for row in households}
    member_rows = db.session.execute(
        select(p)
        .join(h, h.c.id == p.c.household_id)
        .where(h.c.village_id == village_id, h.c.removed_at.is_(None), p.c.removed_at.is_(None))
    )
    for person in member_rows:
        people[person.household_id].append(person)
    rows = []
    for household in households:
        done = visit_status.completeness(household, today, people[household.id])
        rows.append(
            HouseholdRow(
                token=household.token,
                ma_ho=household.ma_ho,
                chu_ho=household.chu_ho,
                dia_chi=household.dia_chi,
                surveyed_at=household.surveyed_at,
                surveyed_by=household.by_name or household.by_username,
                status=visit_status.household_status(household, today, done),
                answered=done.answered,
                total=done.total,
                revisit_on=household.revisit_on,
            )
        )
    return sorted(rows, key=lambda row: _natural_key(row.ma_ho))


def _natural_key(text: str) -> list:
    # isdecimal, not isdigit: '²' is a digit int() refuses, and a mã hộ may contain one.
    parts = _DIGITS.split(text)
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part) for part in parts]


_DIGITS = re.compile(r"(\d+)")


def page_of(rows: list, wanted: int, per_page: int) -> tuple[list, int, int]:
    """(that page's rows, page, pages) of a list; a page number out of range shows the nearest.

    db.paginate() pages a SELECT. This list is searched without accents and filtered by computed
    statuses in Python, and its page needs every row anyway (counts, next to visit, due today).
    """
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(wanted, 1), pages)
    return rows[(page - 1) * per_page : page * per_page], page, pages


def search_rows(rows: list[HouseholdRow], query: str, status: str) -> list[HouseholdRow]:
    """Rows matching every word of ``query`` (name, mã hộ or address) and the status filter."""
    words = fold(query).split()
    rows = [row for row in rows if visit_status.in_filter(row.status, status)]
    if not words:
        return rows
    return [row for row in rows if _matches(row, words)]


def _matches(row: HouseholdRow, words: list[str]) -> bool:
    haystack = fold(f"{row.ma_ho} {row.chu_ho} {row.dia_chi}")
    return all(word in haystack for word in words)


def village_progress(village_ids) -> dict[int, tuple[int, int]]:
    """{village id: (complete, total)}: complete as in status.COMPLETE. Two column-only queries
    for all the villages together, however many there are."""
    today = vn_today()
    keys = ("household_id", "birth_date", "gioi_tinh", "cu_tru", *visit_status.ITEM_ORDER)
    people: dict[int, list] = {}
    members = select(*(getattr(Person, k) for k in keys)).join(Household)
    members = members.where(Household.village_id.in_(village_ids), Person.removed_at.is_(None))
    for person in db.session.execute(members):
        people.setdefault(person.household_id, []).append(person)
    columns = ("id", "village_id", "visit_outcome", "consent_given", *HOUSEHOLD_YESNO)
    households = select(*(getattr(Household, k) for k in columns)).where(
        Household.village_id.in_(village_ids), Household.removed_at.is_(None)
    )
    progress: dict[int, tuple[int, int]] = {}
    for row in db.session.execute(households):
        done = visit_status.completeness(row, today, people.get(row.id, []))
        complete = visit_status.household_status(row, today, done) == visit_status.COMPLETE
        surveyed, total = progress.get(row.village_id, (0, 0))
        progress[row.village_id] = (surveyed + complete, total + 1)
    return progress


def status_counts(rows: list[HouseholdRow]) -> dict[str, int]:
    """{status code: households} for every code of status.LABELS (zeros included)."""
    counts = dict.fromkeys(visit_status.LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def next_to_visit(rows: list[HouseholdRow], after: str | None = None, today: date | None = None):
    """The household to go to next: one due back today first, else the next that still needs a
    visit after ``after`` (a token) in the list's order, wrapping round; None when all are done."""
    today = today or vn_today()
    waiting = [r for r in rows if r.status in visit_status.FILTERS["chua"] and r.token != after]
    due = [r for r in waiting if r.status == visit_status.LATER and r.revisit_on <= today]
    if due:
        return due[0]
    waiting = [r for r in waiting if r.status != visit_status.LATER]
    if not waiting:
        return None
    tokens = [r.token for r in rows]
    start = tokens.index(after) if after in tokens else -1
    order = {token: (i - start - 1) % len(tokens) for i, token in enumerate(tokens)}
    # Never visited first, then the ones left unfinished, and last the ones nobody was home at.
    rank = {visit_status.NOT_VISITED: 0, visit_status.PARTIAL: 1, visit_status.NOT_HOME: 2}
    return min(waiting, key=lambda r: (rank[r.status], order[r.token]))


_CODE = re.compile(r"^(.*?)(\d+)$")


def suggest_ma_ho(village) -> str:
    """The next free mã hộ after the village's highest numbered one ("HK-041" → "HK-042"); the
    commune's when the village has none yet, "HO-001" in a new commune."""
    codes = db.session.scalars(
        select(Household.ma_ho).where(Household.commune_id == village.commune_id)
    ).all()
    own = db.session.scalars(select(Household.ma_ho).where(Household.village_id == village.id))
    numbered = [m for m in (_CODE.match(code) for code in (own.all() or codes)) if m]
    if not numbered:
        prefix, number, width = "HO-", 0, 3
    else:
        best = max(numbered, key=lambda m: (int(m.group(2)), m.group(1)))
        prefix, number, width = best.group(1), int(best.group(2)), len(best.group(2))
    taken = {code.lower() for code in codes}
    while True:
        number += 1
        code = f"{prefix}{number:0{width}d}"
        if code.lower() not in taken:
            return code


def set_person_answer(actor, person: Person, key: str, value, source: str) -> bool:
    """Set one yes/no answer of one member from outside the survey form (a training class...).

    Bumps the household's version like ``save_household`` (so phones holding the old version see
    a conflict instead of overwriting) and audits the change with its ``source``. Returns whether
    anything changed: an answer already equal to ``value`` is left alone, version and all.
    """
    if key not in PERSON_YESNO:
        raise ValueError(f"{key} is not a yes/no item of a person")
    old = getattr(person, key)
    if type(old) is type(value) and old == value:
        return False
    household = person.household
    _claim_version(household, household.version)
    setattr(person, key, value)
    household.last_edited_by, household.last_edited_at = actor, utcnow()
    db.session.flush()
    audit.record(
        actor,
        "update",
        "person",
        person.token,
        household=household.token,
        changes={key: [old, value]},
        source=source,
        version=household.version,
    )
    return True
