"""A small, varied village for the report page tests (built through the test builders)."""

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from survey_app.extensions import db
from survey_app.timeutil import utcnow
from tests import builders
from tests.support.database import RECORDED_SINCE, data_true_since

YEAR = 2025


def _a(dt=None, vneid=None, tk=None):
    """Answers: smartphone, VNeID state, payment account (None = not asked yet)."""
    return {"dt_thong_minh": dt, "vneid": vneid, "tk_thanh_toan": tk}


# (mã hộ, chủ hộ, địa chỉ, fibre, [(name, birth, sex, answers)])
THON1 = [
    ("HK-010", "Nguyễn Văn Hùng", "Xóm Đông", True, [
        ("Nguyễn Văn Hùng", date(1968, 3, 2), "nam", _a(True, "muc_2", True)),
        ("Đỗ Thị Lan", date(1972, 9, 9), "nu", _a(True, "chua_kich_hoat", False)),
        ("Nguyễn Minh Khoa", date(2009, 5, 1), "nam", _a(False)),
    ]),
    ("HK-011", "Lê Thị Mai", "Xóm Tây", False, [
        ("Lê Thị Mai", date(1950, 1, 1), "nu", _a(False, "khong", False)),
        ("Trần Văn Tư", date(1948, 6, 6), "nam", _a(vneid="muc_1")),
    ]),
    ("HK-012", "Phạm Quốc Bảo", "Xóm Giữa", None, [
        ("Phạm Quốc Bảo", date(1990, 2, 2), "nam", _a(True, "muc_1", True)),
        ("Vũ Thị Hạnh", date(1993, 4, 4), "nu", _a(True, None, True)),
    ]),
]  # fmt: skip


def populate(world, surveyed_by=None):
    """Add three households to Thôn 1 (two surveyed by ``surveyed_by``, today and 3 days ago)."""
    now = utcnow()
    for index, (ma_ho, chu_ho, dia_chi, fibre, people) in enumerate(THON1):
        surveyed = index < 2 and surveyed_by is not None
        household = builders.make_household(
            world.thon1, ma_ho, chu_ho, dia_chi=dia_chi, cap_quang=fibre,
            surveyed_by_id=surveyed_by.id if surveyed else None,
            surveyed_at=now - timedelta(days=3 * index) if surveyed else None,
        )  # fmt: skip
        for position, (name, birth, sex, ans) in enumerate(people):
            builders.make_person(household, name, birth, gioi_tinh=sex, position=position, **ans)
    db.session.commit()
    data_true_since(RECORDED_SINCE)  # the figures of past years read this data too


def text_of(response) -> str:
    """A page's visible text with tags removed and whitespace collapsed, for number checks."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


class _Tables(HTMLParser):
    """Collect the rows of every <table class="NAME"> as lists of cell texts."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.depth, self.rows, self.cell = name, 0, [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.name in classes):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None:
            self.cell.append(" ")  # <br>, <span>...: words on either side stay apart

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif self.cell is not None:
            self.cell.append(" ")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, name: str) -> list[list[str]]:
    """The rows (cell texts) of the page's table with class ``name``."""
    parser = _Tables(name)
    parser.feed(response.get_data(as_text=True))
    return parser.rows


def cards(response) -> dict[str, str]:
    """{indicator code: visible text of its card} on the village dashboard."""
    body = response.get_data(as_text=True)
    found = {}
    for chunk in body.split('<section class="card ind"')[1:]:
        chunk = chunk.split(">", 1)[1].split("</section>")[0]
        code = re.search(r'<span class="code">([^<]+)</span>', chunk).group(1)
        found[code] = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", chunk)).split())
    return found
