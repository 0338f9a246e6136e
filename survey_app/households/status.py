"""Where a household stands in the survey: one code per household, its label, and the list filters.

Every place that shows or counts "đã khảo sát" uses this module: the village list and its filters
(on the server and, from the pulled households, on the phone), the progress figures and the
village head's counts.
"""

from dataclasses import dataclass
from datetime import date

from household_forms import rules
from survey_app.households.vocabulary import BUSINESS_ONLY, HOUSEHOLD_YESNO, PERSON_YESNO
from survey_app.timeutil import vn_today

NOT_VISITED = "chua_khao_sat"  # nothing recorded yet
PARTIAL = "dang_do"  # consent given, some items still "Chưa hỏi"
COMPLETE = "da_khao_sat"  # every item that applies is answered
NOT_HOME = "khong_co_nha"  # visit outcome: nobody at home
LATER = "hen_lai"  # visit outcome: come back on a given day
REFUSED = "tu_choi"  # visit outcome: the household refused
MOVED = "da_chuyen_di"  # visit outcome: moved away / no longer lives here

LABELS = {
    NOT_VISITED: "Chưa khảo sát",
    PARTIAL: "Chưa xong",
    COMPLETE: "Đã khảo sát",
    NOT_HOME: "Không có nhà",
    LATER: "Hẹn lại",
    REFUSED: "Từ chối",
    MOVED: "Đã chuyển đi",
}

# The village list's filter tabs: ?tt=<key> shows the households in these states.
OUTCOMES = (NOT_HOME, LATER, REFUSED, MOVED)
OUTCOME_HINTS = {
    NOT_HOME: "Không ai ở nhà. Hộ vẫn nằm trong danh sách cần khảo sát.",
    LATER: "Hộ hẹn hôm khác. Chọn ngày quay lại.",
    REFUSED: "Hộ không đồng ý cho ghi thông tin.",
    MOVED: "Cả hộ đã chuyển đi, không còn ở thôn. Các thành viên không được tính nữa.",
}

FILTERS = {
    "chua": (NOT_VISITED, PARTIAL, NOT_HOME, LATER),
    "da": (COMPLETE,),
    "khac": (REFUSED, MOVED),
}
FILTER_LABELS = {
    "": "Tất cả",
    "chua": "Cần khảo sát",
    "da": "Đã khảo sát",
    "khac": "Từ chối, chuyển đi",
}


ITEM_ORDER = (*PERSON_YESNO, "vneid")


def person_items(person, today: date) -> list[str]:
    """The items asked of one person (an ORM Person or a dict of its clean values), in order."""
    get = (
        person.get
        if isinstance(person, dict)
        else lambda key, default=None: getattr(person, key, default)
    )
    values = {key: get(key) for key in ("birth_date", "gioi_tinh", "cu_tru", "dt_thong_minh")}
    values["cu_tru"] = values["cu_tru"] or "co_mat"  # a new member's default, before the flush
    keys = rules.applicable(values, today)
    return [key for key in ITEM_ORDER if key in keys]


def household_items(household) -> list[str]:
    """The household's own items; the business ones only for a business household."""
    get = household.get if isinstance(household, dict) else lambda k: getattr(household, k)
    business = get("ho_kinh_doanh") is True
    return [k for k in HOUSEHOLD_YESNO if business or k not in BUSINESS_ONLY]


@dataclass(frozen=True)
class Completeness:
    """Answered / total of the items that apply, per member (in order) and for the household."""

    answered: int
    total: int
    members: tuple[tuple[int, int], ...]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def completeness(household, today: date | None = None, people=None) -> Completeness:
    """How much of ``household`` is answered, counting only what applies. ``household`` is an ORM
    object, or a row of its columns with its members' rows given as ``people``."""
    today = today or vn_today()
    members = []
    for person in household.members if people is None else people:
        keys = person_items(person, today)
        members.append((sum(getattr(person, k) is not None for k in keys), len(keys)))
    own = household_items(household)
    answered = sum(getattr(household, k) is not None for k in own) + sum(a for a, _ in members)
    total = len(own) + sum(t for _, t in members)
    return Completeness(answered, total, tuple(members))


def household_status(household, today: date | None = None, done: Completeness | None = None):
    """The status code of a stored household (see LABELS)."""
    if household.visit_outcome in OUTCOMES:
        return household.visit_outcome
    if not household.consent_given:
        return NOT_VISITED
    done = done or completeness(household, today)
    return COMPLETE if done.complete and done.members else PARTIAL


def in_filter(status: str, key: str) -> bool:
    """Whether a household in ``status`` is shown under the filter tab ``key`` ('' = all)."""
    return key not in FILTERS or status in FILTERS[key]
