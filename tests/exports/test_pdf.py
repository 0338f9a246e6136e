"""The PDF: A4 landscape, Vietnamese text in an embedded Times-compatible serif, the header row
on every page, "Trang x/y" per appendix, names and totals findable in the text. SQLite only: the
subject is the layout."""

import io
import re
import shutil
import subprocess
from datetime import date

from pypdf import PdfReader

from aggregation import compute
from survey_app.extensions import db
from tests import builders
from tests.exports.support import SET, YEAR, expected


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _fonts(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_pdf_has_names_totals_and_page_numbers(sqlite_world, export_bytes, tmp_path):
    world = sqlite_world
    report = compute(db.session, world.commune, SET, YEAR)
    data, result = export_bytes(world, "pdf", codes=("3.4", "3.12"), issued_on=date(2024, 1, 5))
    assert result.fmt == "pdf"
    reader = _reader(data)
    texts = _texts(reader)
    whole = "\n".join(texts)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    # Times New Roman, as commune documents are set, or its metric twin Liberation Serif
    assert _fonts(reader) and all(
        "LiberationSerif" in name or "TimesNewRoman" in name for name in _fonts(reader)
    ), _fonts(reader)
    if shutil.which("pdffonts"):  # what the issue asks to check with: the fonts it embeds
        listed = subprocess.run(["pdffonts", "-"], input=data, capture_output=True).stdout
        if not listed:  # older poppler reads only a file
            path = tmp_path / "a.pdf"
            path.write_bytes(data)
            listed = subprocess.run(["pdffonts", str(path)], capture_output=True).stdout
        assert b"LiberationSerif" in listed and b"DejaVu" not in listed
    for line in ("UBND XÃ HOÀNG KIM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHỤ LỤC 01"):
        assert line in whole
    assert "Độc lập - Tự do - Hạnh phúc" in whole and "TM. ỦY BAN NHÂN DÂN" in whole
    for name, _ma_ho in expected(world.commune, "3.4")[0]:
        assert name in whole, name
    assert "Nguyễn Thị Ánh Tuyết" in whole  # diacritics survive
    for code in ("3.4", "3.12"):
        assert report.indicator(code).display in whole
    # the page count is drawn once per section (a form every footer shows): text extraction
    # reads it apart from "Trang 1/"
    assert re.search(r"Phụ lục 01 — Trang 1/\s*\d", texts[0])
    assert any(re.search(r"Phụ lục 3\.12 — Trang 1/\s*1", t) for t in texts)


def test_a_long_list_runs_over_pages_with_headers_and_numbers_on_every_page(sqlite_world):
    world = sqlite_world
    household = builders.make_household(world.thon1, "DAI-01", "Đinh Văn Dài")
    for n in range(70):
        builders.make_person(
            household, f"Đinh Thị Số {n:02d}", date(1990, 1, 1), ho_so_suc_khoe=True, position=n
        )
    db.session.commit()
    from aggregation.documents import ExportRequest, write

    buffer = io.BytesIO()
    write(db.session, ExportRequest(world.commune, SET, YEAR, codes=("3.5",)), buffer, "pdf")
    texts = _texts(_reader(buffer.getvalue()))
    pages = [t for t in texts if "Phụ lục 3.5 — Trang" in t]
    assert len(pages) >= 3
    assert [re.search(r"Phụ lục 3\.5 — Trang (\d+)/\s*(\d+)", t).groups() for t in pages] == [
        (str(i), str(len(pages))) for i in range(1, len(pages) + 1)
    ]
    assert all("Họ và tên" in t for t in pages)  # the header row is repeated on every page
    whole = "\n".join(pages)
    for n in range(70):
        assert whole.count(f"Đinh Thị Số {n:02d}") == 1, n
    report = compute(db.session, world.commune, SET, YEAR).indicator("3.5")
    assert report.display in pages[-1] and "CHỦ TỊCH" in pages[-1]
    # Pages before the last are full: none ends with a half-empty table and a blank below.
    rows_per_page = [len(re.findall(r"Đinh Thị Số \d\d", t)) for t in pages]
    assert min(rows_per_page[:-1]) >= 20, rows_per_page
