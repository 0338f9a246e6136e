"""Where a household stands in the survey: one code per household, its label, and the list filters.

Every place that shows or counts "đã khảo sát" uses this module: the village list and its filters
(on the server and, from the pulled households, on the phone), the progress figures and the
village head's counts.
"""

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


def household_status(household) -> str:
    """The status code of a stored household (see LABELS)."""
    return COMPLETE if household.surveyed_at is not None else NOT_VISITED


def in_filter(status: str, key: str) -> bool:
    """Whether a household in ``status`` is shown under the filter tab ``key`` ('' = all)."""
    return key not in FILTERS or status in FILTERS[key]
