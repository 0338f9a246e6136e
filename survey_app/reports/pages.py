"""Read-only helpers of the report pages: volunteer progress, the "Cần hỗ trợ" rows, history.

The numbers themselves come from ``aggregation`` (compute, evidence_statement); this module only
shapes what the pages show around them.
"""

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from aggregation import criteria_sets, evidence_statement, numbers
from aggregation.criteria import CHOICE_FIELDS, Indicator
from survey_app.accounts.models import VILLAGE_HEAD, VOLUNTEER, User, user_village
from survey_app.admin.services import natural_key
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.households.vocabulary import VNEID
from survey_app.places.models import Commune, Village
from survey_app.text import fold
from survey_app.timeutil import start_of_day_utc, to_vn, utcnow, vn_today  # noqa: F401 (vn_today re-exported)

PROGRESS_DAYS = 14
NOT_ASKED = "Chưa hỏi"
# Short VNeID states for the work list (the long labels do not fit a phone's table cell).
VNEID_SHORT = {"khong": "Chưa có", "chua_kich_hoat": "Chưa kích hoạt"}


def applied_criteria(settings) -> list[str]:
    """The commune's criteria sets that exist, in its order (the default set if none is left)."""
    known = criteria_sets()
    ids = [cid for cid in (settings.criteria_ids or []) if cid in known]
    return ids or ["thanh-hoa-1829"]


# ---- volunteer progress ---------------------------------------------------------------------


@dataclass
class ProgressRow:
    name: str
    villages: str
    per_day: list[int]

    @property
    def total(self) -> int:
        return sum(self.per_day)


def _field_staff(commune: Commune) -> dict[int, tuple[str, str]]:
    """Volunteers and village heads of the commune: {user id: (name, their villages)}."""
    stmt = (
        select(User, Village.name)
        .outerjoin(user_village, user_village.c.user_id == User.id)
        .outerjoin(Village, Village.id == user_village.c.village_id)
        .where(User.commune_id == commune.id, User.role.in_((VOLUNTEER, VILLAGE_HEAD)))
        .order_by(Village.name, User.full_name, User.username)
    )
    staff: dict[int, tuple[str, list[str]]] = {}
    for user, village in db.session.execute(stmt):
        entry = staff.setdefault(user.id, (user.display_name, []))
        if village:
            entry[1].append(village)
    return {uid: (name, ", ".join(villages)) for uid, (name, villages) in staff.items()}


def volunteer_progress(commune: Commune, today: date, days: int = PROGRESS_DAYS):
    """Households surveyed per person per day (Vietnam dates) over the last ``days`` days.

    Times are stored in UTC and the day must be Vietnam's, so the window's rows are fetched and
    bucketed here: the same code on SQLite and PostgreSQL, and a few thousand rows at most.
    """
    first = today - timedelta(days=days - 1)
    start_utc = start_of_day_utc(first)
    stmt = select(Household.surveyed_by_id, Household.surveyed_at).where(
        Household.commune_id == commune.id,
        Household.removed_at.is_(None),
        Household.surveyed_at >= start_utc,
        Household.surveyed_by_id.is_not(None),
    )
    staff = _field_staff(commune)
    counts: dict[int, list[int]] = {uid: [0] * days for uid in staff}
    for user_id, at in db.session.execute(stmt):
        index = (to_vn(at).date() - first).days
        if 0 <= index < days:
            counts.setdefault(user_id, [0] * days)[index] += 1
    _add_other_surveyors(staff, counts)
    rows = [ProgressRow(*staff[uid], per_day) for uid, per_day in counts.items()]
    day_list = [first + timedelta(days=i) for i in range(days)]
    return day_list, rows


def _add_other_surveyors(staff: dict, counts: dict) -> None:
    """Officers (or moved users) who surveyed too appear under their own name."""
    missing = [uid for uid in counts if uid not in staff]
    if missing:
        for user in db.session.scalars(select(User).where(User.id.in_(missing))):
            staff[user.id] = (user.display_name, user.role_label)


# ---- "Cần hỗ trợ" -----------------------------------------------------------------------------


@dataclass
class SupportItem:
    record: object  # Person or Household
    status: str  # "Không", "Chưa hỏi" or the VNeID state
    unknown: bool


@dataclass
class SupportGroup:
    household: Household
    items: list[SupportItem] = field(default_factory=list)


def support_groups(commune, village, indicator: Indicator, criteria_id, picker):
    """The village's people (or households) not yet meeting ``indicator``, grouped by household."""
    # A work list: who needs help now (today's data), with ages at the chosen date.
    args = dict(ages_at=picker.as_of, village_id=village.id)
    code, year = indicator.code, picker.year
    stmt = evidence_statement(
        db.session, commune, criteria_id, code, year, which="complement", **args
    )
    unknown_stmt = evidence_statement(
        db.session, commune, criteria_id, code, year, which="unknown", **args
    )
    records = db.session.scalars(stmt).all()
    unknown = {r.id for r in db.session.scalars(unknown_stmt)}
    groups: OrderedDict[int, SupportGroup] = OrderedDict()
    for record in records:
        household = record if isinstance(record, Household) else record.household
        group = groups.setdefault(household.id, SupportGroup(household))
        is_unknown = record.id in unknown
        group.items.append(SupportItem(record, _status(record, indicator, is_unknown), is_unknown))
    return list(groups.values())


def _status(record, indicator: Indicator, unknown: bool) -> str:
    if unknown:
        return NOT_ASKED
    name = indicator.numerator.field
    if name in CHOICE_FIELDS:
        value = getattr(record, name, None)
        return VNEID_SHORT.get(value) or VNEID.get(value, "Không")
    return "Không"


# ---- settings history -------------------------------------------------------------------------

HISTORY_TYPES = ("commune_settings", "commune_target")
SETTING_LABELS = {
    "criteria_ids": "Bộ tiêu chí áp dụng",
    "working_age_rule": "Cách tính độ tuổi lao động",
    "adult_age": "Tuổi dân số trưởng thành",
    "count_tam_vang": "Tính người tạm vắng",
    "decimals": "Số chữ số thập phân",
}
RULE_LABELS = {"legal": "Bộ luật Lao động 2019", "classic": "Cách tính cũ (nam 60, nữ 55)"}


@dataclass
class Change:
    what: str
    old: str
    new: str


def _setting_value(name: str, value) -> str:
    if value is None:
        return "mặc định"
    if name == "criteria_ids":
        sets = criteria_sets()
        return "; ".join(sets[c].name + f" ({c})" if c in sets else c for c in value)
    if name == "working_age_rule":
        return RULE_LABELS.get(value, str(value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)


def _target_value(value) -> str:
    return "mặc định" if value is None else numbers.format_percent(value)


def describe(entry: AuditLog) -> list[Change]:
    """What one audit row of the settings changed, in words."""
    details = entry.details or {}
    if entry.object_type == "commune_target":
        get = details.get
        what = f"Chỉ tiêu {get('indicator')} ({get('criteria')}), năm {get('year')}"
        return [Change(what, _target_value(get("old")), _target_value(get("new")))]
    return [
        Change(
            SETTING_LABELS.get(name, name),
            _setting_value(name, d.get("old")),
            _setting_value(name, d.get("new")),
        )
        for name, d in (details.get("changes") or {}).items()
    ]


def settings_history(commune: Commune, limit: int = 50) -> list[tuple[AuditLog, str]]:
    """The latest changes of the commune's settings and targets, with who made them."""
    stmt = (
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.object_type.in_(HISTORY_TYPES), AuditLog.object_key == commune.token)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    return [(entry, user.display_name if user else "") for entry, user in db.session.execute(stmt)]


def still_needed(ratio, target, comparator: str) -> int | None:
    """How many more people (or households) would meet the target; None when not applicable."""
    num, den = ratio.numerator, ratio.denominator
    if not den or target is None or ratio.passed:
        return None
    goal = Fraction(Decimal(str(target))) * den / 100
    need = math.floor(goal) + 1 if comparator == ">" else math.ceil(goal)
    return max(min(need, den) - num, 0) or None


def worst_first(rows: list) -> list:
    """(indicator, village row) pairs: those missing their target first, the furthest from it
    first (by percentage points), then those without data, then those met."""

    def key(pair):
        item, row = pair
        if row is None or not row.denominator:
            return (1, 0, item.code)
        if row.passed:
            return (2, 0, item.code)
        gap = float(item.target or 0) - float(row.percent or 0)
        return (0, -gap, item.code)

    return sorted(rows, key=key)


def village_volunteers(village) -> list[tuple[str, int]]:
    """(name, households of the village they surveyed) for each volunteer and head assigned to
    the village, most first: the village head sees who is behind."""
    people = db.session.scalars(
        select(User)
        .join(user_village, user_village.c.user_id == User.id)
        .where(user_village.c.village_id == village.id, User.role.in_((VOLUNTEER, VILLAGE_HEAD)))
    ).all()
    counts = dict(
        db.session.execute(
            select(Household.surveyed_by_id, func.count())
            .where(Household.village_id == village.id, Household.removed_at.is_(None))
            .where(Household.surveyed_at.is_not(None))
            .group_by(Household.surveyed_by_id)
        ).all()
    )
    rows = [(user.display_name, counts.get(user.id, 0)) for user in people]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def search_groups(groups: list, query: str) -> list:
    """The support list's households whose head, mã hộ, address or a listed member matches
    ``query`` (diacritics, case and spacing ignored)."""
    words = fold(query).split()

    def hit(group) -> bool:
        household = group.household
        texts = [household.chu_ho, household.ma_ho, household.dia_chi or ""]
        texts += [getattr(entry.record, "ho_ten", "") for entry in group.items]
        folded = " ".join(fold(text) for text in texts)
        return all(word in folded for word in words)

    return [group for group in groups if hit(group)]


def page_of(groups: list, page: int, size: int | None) -> tuple[list, int]:
    """(the households of page ``page``, how many pages): whole households, about ``size``
    rows a page; everything on one page when ``size`` is None."""
    if size is None:
        return groups, 1
    pages_, current, rows = [], [], 0
    for group in groups:
        if current and rows + len(group.items) > size:
            pages_.append(current)
            current, rows = [], 0
        current.append(group)
        rows += len(group.items)
    pages_.append(current)
    page = min(max(page, 1), len(pages_))
    return pages_[page - 1], len(pages_)


def first_number(found: list, shown: list) -> int:
    """The STT of the first row shown (rows are numbered over the whole list)."""
    before = 0
    for group in found:
        if shown and group is shown[0]:
            break
        before += len(group.items)
    return before + 1


@dataclass
class Priority:
    """One household on the village's priority list: how many items it still needs in all."""

    household: Household
    needs: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, people)

    @property
    def total(self) -> int:
        return sum(count for _code, _name, count in self.needs)


def priority_list(commune, village, criteria, picker) -> list[Priority]:
    """The village's households to visit first: those who still need the most items across all
    the set's household targets, with what each needs (the "Cần hỗ trợ" lists, by household)."""
    by_household: dict[int, Priority] = {}
    for indicator in criteria.indicators:
        if indicator.is_manual:
            continue
        for group in support_groups(commune, village, indicator, criteria.id, picker):
            entry = by_household.setdefault(group.household.id, Priority(group.household))
            entry.needs.append((indicator.code, indicator.name, len(group.items)))
    return sorted(by_household.values(), key=lambda p: (-p.total, natural_key(p.household.ma_ho)))
