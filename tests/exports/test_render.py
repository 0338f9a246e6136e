"""Pages rendered to PNG in test-artifacts/ (kept out of git) for a person to look at: the PDF
with pdftoppm (required), the XLSX through LibreOffice headless (optional: skipped without it)."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from aggregation import compute
from survey_app.extensions import db
from tests.exports.support import SET, YEAR
from tests.support.skips import skip_or_fail

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ISSUED = date(2024, 1, 15)


def _png(pdf: Path, name: str, pages: int) -> list[Path]:
    """Render the first ``pages`` pages of ``pdf`` to test-artifacts/<name>-<n>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    prefix = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def _ink(path: Path) -> float:
    """Share of pixels that are not (nearly) white: text, borders and shading."""
    with Image.open(path) as image:
        histogram = image.convert("L").histogram()
    return 1 - sum(histogram[240:]) / sum(histogram)


def _landscape(path: Path) -> bool:
    with Image.open(path) as image:
        width, height = image.size
    return width > height


def test_pdf_pages_render(sqlite_world, export_bytes, tmp_path):
    if not shutil.which("pdftoppm"):
        skip_or_fail("pdftoppm (poppler-utils) is needed to render the PDF to PNG")
    data, _ = export_bytes(sqlite_world, "pdf", codes=("3.4",), complement=True, issued_on=ISSUED)
    pdf = tmp_path / "lists.pdf"
    pdf.write_bytes(data)
    pngs = _png(pdf, "exports-pdf", 4)
    assert len(pngs) == 4
    for png in pngs:
        assert _landscape(png) and 0.01 < _ink(png) < 0.5, png


def test_xlsx_pages_render_with_libreoffice(sqlite_world, export_bytes, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed: the XLSX is not rendered (optional, not in CI)")
    if not shutil.which("pdftoppm"):
        skip_or_fail("pdftoppm (poppler-utils) is needed to render pages to PNG")
    data, _ = export_bytes(sqlite_world, "xlsx", codes=("3.4", "3.12"), issued_on=ISSUED)
    book = tmp_path / "lists.xlsx"
    book.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    pdf = tmp_path / "lists.pdf"
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    report = compute(db.session, sqlite_world.commune, SET, YEAR)
    # pypdf reads LibreOffice's stacked diacritics out of order: check plain parts only.
    assert "UBND XÃ HOÀNG KIM" in text and "Trang 1/" in text
    assert report.indicator("3.4").display in text
    pngs = _png(pdf, "exports-xlsx", 3)
    assert pngs and all(_landscape(p) for p in pngs)
    assert all(0.01 < _ink(p) < 0.5 for p in pngs)
