"""The one source of every rule a household record must meet, for every way in.

The page form (household_forms/household.py), the sync API (household_forms/sync.py), the import
(household_forms/import_template.py) and the phone (static/js/rules.js, which reads ``to_json()``)
all check values with what is defined here, and speak with the same Vietnamese messages. The
phone's copy is data, not code: patterns, limits and messages are exported, and rules.js only
interprets them, so a rule changed here changes on the phone at its next page load.

Which items apply to whom (``applicable``) is derived from the criteria sets: an item is asked of a
person when some indicator counts it in a population the person can be in at the survey's as-of
date (31 December of the current year). What does not apply is stored as "không áp dụng".
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from survey_app.households.vocabulary import CU_TRU, GIOI_TINH, PERSON_YESNO, VNEID

MIN_BIRTH_YEAR = 1900

# Text limits, by field key. A value over its limit is refused with a message, never cut.
MAX_LENGTH = {
    "ma_ho": 40,
    "chu_ho": 120,
    "dia_chi": 255,
    "ho_ten": 120,
    "quan_he": 40,
    "note": 500,
    "ngay_sinh": 20,
}
REQUIRED = {
    "ma_ho": "Vui lòng nhập mã hộ.",
    "chu_ho": "Vui lòng nhập họ tên chủ hộ.",
    "ho_ten": "Vui lòng nhập họ và tên.",
    "ngay_sinh": "Vui lòng nhập năm sinh hoặc ngày sinh.",
    "gioi_tinh": "Vui lòng chọn giới tính.",
    "cu_tru": "Vui lòng chọn tình trạng cư trú.",
    "consent": "Cần hộ đồng ý trước khi ghi thông tin. Hãy hỏi rồi đánh dấu.",
    "members": "Hộ phải có ít nhất một thành viên. Bấm “Thêm thành viên”.",
    "visit_outcome": "Chọn một kết quả: Không có nhà, Hẹn lại, Từ chối hoặc Đã chuyển đi.",
    "revisit_on": "Chọn ngày hẹn quay lại.",
}
TOO_LONG = "Dài quá {max} ký tự (đang có {length}). Hãy viết gọn lại."
CONTROL = "Có ký tự không hợp lệ."
# Runs of these become one space (the same list on the phone: JavaScript's \s is not Python's).
SPACES = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
# After that, any other control or unassigned character is refused.
CONTROL_RE = (
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff0-\uffff]"
)

# Phone numbers: these separators are dropped, then 9–12 digits (a leading + allowed). Nine digits
# without a leading 0 are a Vietnamese mobile whose 0 a spreadsheet dropped: the 0 is put back.
# Spaces are SPACES' list (Python's \s and JavaScript's differ); digits are ASCII (Python's \d
# takes any script's digits, JavaScript's does not).
PHONE_STRIP = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000.\-()]"
PHONE_RE = r"^\+?[0-9]{9,12}$"
PHONE_MESSAGE = "Số điện thoại không đúng: cần 10 chữ số, ví dụ 0912345678."

# Birth: a year alone (1 July of it, the domain's convention), or a day, month and year in any of
# these spellings. Patterns are JavaScript-compatible: the phone uses them as they are.
# ASCII digits only, and " " for a space: the text is squeezed first (SPACES → one " ").
BIRTH_FORMATS = (
    (r"^([0-9]{4})$", "y"),
    (r"^([0-9]{1,2}) ?[/.\- ] ?([0-9]{1,2}) ?[/.\- ] ?([0-9]{4})$", "dmy"),
    (r"^([0-9]{2})([0-9]{2})([0-9]{4})$", "dmy"),
    (r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$", "ymd"),
)
BIRTH_MESSAGES = {
    "format": "Nhập năm sinh (1958) hoặc ngày tháng năm (05/03/1958 hoặc 05 03 1958).",
    "impossible": "Không có ngày {text}. Hãy kiểm tra lại ngày và tháng.",
    "future": "Ngày sinh {text} chưa tới (hôm nay là {today}). Hãy kiểm tra lại.",
    "future_year": "Năm sinh {year} chưa tới (năm nay là {this_year}). Hãy kiểm tra lại.",
    "too_old": "Năm sinh phải từ {min_year} trở về sau.",
}
BIRTH_HINT = "Biết năm thì gõ năm, ví dụ 1958. Biết đủ thì gõ 05 03 1958 (ngày tháng năm)."

CHOICES = {"gioi_tinh": tuple(GIOI_TINH), "cu_tru": tuple(CU_TRU), "vneid": tuple(VNEID)}
CHOICE_MESSAGE = "Lựa chọn không hợp lệ."


class RuleError(ValueError):
    """A value that breaks a rule; ``str()`` is the Vietnamese message shown beside the field."""


def _vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def squeeze(value: str | None) -> str:
    """Trim and collapse runs of spaces into one, as the phone does."""
    return re.sub(SPACES, " ", value or "").strip(" ")


def check_control(value: str | None) -> str | None:
    """``value`` unchanged, or RuleError when it holds a control or invisible character.

    Every text that comes in passes here: forms through household_forms/base.py, the sync API
    and the import through check_text. The SPACES (tab, line breaks...) are not refused: a
    one-line field squeezes them into a space, a note keeps its lines.
    """
    if re.search(CONTROL_RE, re.sub(SPACES, " ", value or "")):
        raise RuleError(CONTROL)
    return value


def check_text(key: str, value: str | None) -> str:
    """``value`` trimmed and single-spaced; RuleError when required and empty, or too long."""
    value = check_control(squeeze(value)) or ""
    if not value and key in REQUIRED:
        raise RuleError(REQUIRED[key])
    limit = MAX_LENGTH.get(key)
    if limit and len(value) > limit:
        raise RuleError(TOO_LONG.format(max=limit, length=len(value)))
    return value


def clean_phone(text: str | None) -> str | None:
    """A phone number as stored (digits, maybe a leading +), None when empty; else RuleError."""
    compact = re.sub(PHONE_STRIP, "", text or "")
    if not compact:
        return None
    if not re.fullmatch(PHONE_RE, compact):
        raise RuleError(PHONE_MESSAGE)
    return "0" + compact if len(compact) == 9 and compact[0] != "0" else compact


def parse_birth(text, today: date) -> tuple[date, bool]:
    """'1958' → (1 July 1958, True); '05/03/1958', '05 03 1958', '05031958' → (date, False)."""
    if isinstance(text, date):  # a spreadsheet's date cell
        return _check_birth(text, False, _vn_date(text), today)
    text = check_text("ngay_sinh", str(text or ""))
    for pattern, order in BIRTH_FORMATS:
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        if order == "y":
            if int(text) < MIN_BIRTH_YEAR:  # before date(): there is no year 0
                raise RuleError(BIRTH_MESSAGES["too_old"].format(min_year=MIN_BIRTH_YEAR))
            return _check_birth(date(int(text), 7, 1), True, text, today)
        parts = [int(g) for g in match.groups()]
        year, month, day = parts if order == "ymd" else parts[::-1]
        shown = f"{day:02d}/{month:02d}/{year}"
        if year < MIN_BIRTH_YEAR:
            raise RuleError(BIRTH_MESSAGES["too_old"].format(min_year=MIN_BIRTH_YEAR))
        try:
            born = date(year, month, day)
        except ValueError:
            raise RuleError(BIRTH_MESSAGES["impossible"].format(text=shown)) from None
        return _check_birth(born, False, shown, today)
    raise RuleError(BIRTH_MESSAGES["format"])


def _check_birth(born: date, year_only: bool, shown: str, today: date) -> tuple[date, bool]:
    if born.year < MIN_BIRTH_YEAR:
        raise RuleError(BIRTH_MESSAGES["too_old"].format(min_year=MIN_BIRTH_YEAR))
    if year_only and born.year > today.year:
        message = BIRTH_MESSAGES["future_year"]
        raise RuleError(message.format(year=born.year, this_year=today.year))
    if not year_only and born > today:
        raise RuleError(BIRTH_MESSAGES["future"].format(text=shown, today=_vn_date(today)))
    return born, year_only


def birth_text(born: date, year_only: bool) -> str:
    """The text a volunteer would type for a stored birth date."""
    return str(born.year) if year_only else born.strftime("%d/%m/%Y")


# ---- Which items apply to a person ----

# A person's items are asked only while they live here (Có mặt / Tạm vắng): the populations count
# no one else.
COUNTED_STATES = ("co_mat", "tam_vang")
# ptt_an_toan is about the person's smartphone: it is not asked of someone who has none.
NEEDS_SMARTPHONE = ("ptt_an_toan",)


@dataclass(frozen=True)
class ItemReach:
    """Who an item is asked of: at least ``min_age`` at the as-of date, and below retirement
    age too when every indicator counting it is about the working-age population."""

    min_age: int
    working_age_only: bool


@cache
def item_reach() -> dict[str, ItemReach]:
    """For each per-person item, its widest population over every criteria set."""
    from aggregation.criteria import criteria_sets

    ages = {"all_people": 0, "age14plus": 14, "age15plus": 15, "adults": 15, "working_age": 15}
    found: dict[str, list[str]] = {}
    for criteria in criteria_sets().values():
        for indicator in criteria.indicators:
            field = indicator.numerator.field if indicator.numerator else None
            population = indicator.population  # None only for a manual indicator
            if population and field and (field in PERSON_YESNO or field == "vneid"):
                found.setdefault(field, []).append(population)
    reach = {}
    for key in (*PERSON_YESNO, "vneid"):
        populations = found.get(key) or ["all_people"]  # counted nowhere: ask everyone
        reach[key] = ItemReach(
            min_age=min(ages.get(p, 0) for p in populations),
            working_age_only=all(p == "working_age" for p in populations),
        )
    return reach


def survey_as_of(today: date) -> date:
    """The date applicability is judged at: the end of the current year."""
    return date(today.year, 12, 31)


@cache
def _cutoffs(as_of: date) -> dict:
    from aggregation.rules import Rules, age_cutoff, working_age_upper_cutoffs

    return {
        "ages": {age: age_cutoff(as_of, age) for age in {r.min_age for r in item_reach().values()}},
        "retired": working_age_upper_cutoffs(Rules(), as_of),
    }


def applicable(person: dict, today: date) -> set[str]:
    """The item keys asked of ``person`` (birth_date, gioi_tinh, cu_tru, dt_thong_minh)."""
    if person.get("cu_tru", "co_mat") not in COUNTED_STATES or not person.get("birth_date"):
        return set()
    cut = _cutoffs(survey_as_of(today))
    born = person["birth_date"]
    keys = set()
    for key, reach in item_reach().items():
        if born > cut["ages"][reach.min_age]:
            continue
        retired = cut["retired"].get(person.get("gioi_tinh"))
        if reach.working_age_only and retired and born <= retired:
            continue
        if key in NEEDS_SMARTPHONE and person.get("dt_thong_minh") is not True:
            continue
        keys.add(key)
    return keys


def to_json(today: date) -> dict:
    """The rules as data for the phone (static/js/rules.js)."""
    cut = _cutoffs(survey_as_of(today))
    return {
        "today": today.isoformat(),
        "max_length": MAX_LENGTH,
        "required": REQUIRED,
        "too_long": TOO_LONG,
        "control": CONTROL,
        "spaces": SPACES,
        "control_re": CONTROL_RE,
        "phone": {"strip": PHONE_STRIP, "pattern": PHONE_RE, "message": PHONE_MESSAGE},
        "birth": {
            "formats": [list(f) for f in BIRTH_FORMATS],
            "messages": BIRTH_MESSAGES,
            "min_year": MIN_BIRTH_YEAR,
        },
        "choices": {k: list(v) for k, v in CHOICES.items()},
        "choice_message": CHOICE_MESSAGE,
        "reach": {
            key: {
                "born_by": cut["ages"][r.min_age].isoformat(),
                "working_age_only": r.working_age_only,
            }
            for key, r in item_reach().items()
        },
        "retired_by": {sex: day.isoformat() for sex, day in cut["retired"].items()},
        "counted_states": list(COUNTED_STATES),
        "needs_smartphone": list(NEEDS_SMARTPHONE),
    }
