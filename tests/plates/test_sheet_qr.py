"""Acceptance: every QR of a printed sheet decodes (zxing-cpp) to PUBLIC_BASE_URL/h/<token> of
the right household, from the PDF rendered by pdftoppm and from each label's own QR image."""

import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.plates import services
from survey_app.plates.models import DoorPlate
from tests.plates.support import populate

BASE = "https://khaosat.hoangkim.example.vn"
HOUSEHOLDS = 30


@pytest.fixture
def sheet(app, world, client, auth):
    app.config["PUBLIC_BASE_URL"] = BASE + "/"  # a trailing slash is tolerated
    households = [world.hh1, *populate(world.thon1, HOUSEHOLDS - 1)]
    auth.login("truongthon1")
    return households


def _expected(households) -> dict[str, str]:
    """URL → household token, from the database."""
    rows = db.session.execute(
        select(DoorPlate.token, DoorPlate.household_id).where(DoorPlate.revoked_at.is_(None))
    ).all()
    by_id = {h.id: h.token for h in households}
    return {f"{BASE}/h/{token}": by_id[hid] for token, hid in rows if hid in by_id}


def _decode(image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_every_qr_of_the_pdf_decodes_to_its_household(sheet, client, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    response = client.get(f"/thon/{sheet[0].village.token}/bien-so.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2  # 30 labels, 24 a page
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert text.count("Quét mã để mở phiếu của hộ") == HOUSEHOLDS
    assert "HK-001 Lê Văn Bình" in text and "BS-029 Đỗ Văn Ổn Số 30, Xóm Tây Thôn 1" in text

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "p")], check=True)
    found = []
    for png in sorted(tmp_path.glob("p-*.png")):
        found += _decode(Image.open(png))
    expected = _expected(sheet)
    assert len(expected) == HOUSEHOLDS
    assert sorted(found) == sorted(expected)  # each household once, nothing else
    assert all(re.fullmatch(re.escape(BASE) + r"/h/[A-Za-z0-9_-]{22}", url) for url in found)


def test_each_label_qr_decodes_from_png_and_svg(sheet, client, tmp_path):
    village = sheet[0].village
    html = client.get(f"/thon/{village.token}/bien-so").get_data(as_text=True)
    labels = services.sheet_labels(village)
    assert [label.household.token for label in labels].count(sheet[0].token) == 1
    assert {label.household.id for label in labels} == {h.id for h in sheet}
    expected = _expected(sheet)
    for label in labels:
        assert expected[label.url] == label.household.token
        png = tmp_path / "label.png"
        png.write_bytes(services.qr_png(label.url))
        assert _decode(Image.open(png)) == [label.url]
        # The SVG that the print view shows: drawn back into pixels from its path.
        assert label.qr_svg in html
        assert _decode(_svg_to_image(label.qr_svg)) == [label.url]


def _svg_to_image(svg: str, scale: int = 6) -> Image.Image:
    """Rasterise the label's SVG: one path of module-high runs "Mx,yhNv1Hxz" on a viewBox."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.search(r' d="([^"]*)"', svg).group(1)
    runs = re.findall(r"M(\d+),(\d+)h(\d+)v1H\d+z", path)
    assert "".join(f"M{x},{y}h{n}v1H{x}z" for x, y, n in runs) == path  # nothing else drawn
    image = Image.new("L", (size * scale, size * scale), 255)
    for x, y, n in runs:
        x, y, n = int(x) * scale, int(y) * scale, int(n) * scale
        image.paste(0, (x, y, x + n, y + scale))
    return image
