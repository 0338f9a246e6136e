"""The import page on a phone: upload with a progress bar, errors in place, then a summary."""

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.households.models import Person
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot
from tests.imports.support import ROWS, csv_bytes

CSV = "text/csv"


def test_officer_uploads_a_bad_file_then_a_good_one(page, base_url, live_app, tmp_path):
    builders.World.create()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/quan-ly/nhap-du-lieu/")
    assert run_axe(page) == []
    page.evaluate("window.stayedOnPage = true")  # a full page load would forget this
    page.set_input_files(
        "#file", files=[{"name": "ho.csv", "mimeType": CSV, "buffer": csv_bytes()}]
    )
    page.click("form[data-upload] button[type=submit]")  # nobody vouched for consent yet
    page.wait_for_selector("#consent-err")
    assert "Cần xác nhận xã đã thu thập dữ liệu" in page.inner_text("#consent-err")
    assert run_axe(page) == []
    page.check("#consent")  # the commune vouches it collected the data with consent

    bad = [dict(r) for r in ROWS]
    bad[0]["Ngày sinh"] = "31/02/1968"
    page.set_input_files(
        "#file", files=[{"name": "ho.csv", "mimeType": CSV, "buffer": csv_bytes(bad)}]
    )
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_selector("table.import-errors")
    assert page.evaluate("window.stayedOnPage") is True  # answered in place by the script
    row = page.inner_text("table.import-errors tbody tr")
    assert "31/02/1968" in row and "Không có ngày 31/02/1968" in row
    assert run_axe(page) == []
    screenshot(page, "import-errors")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Person.id))) == 3

    good = {"name": "ho.csv", "mimeType": CSV, "buffer": csv_bytes()}
    page.set_input_files("#file", files=[good])
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_selector("table.import-summary")
    assert "Đã nhập xong" in page.inner_text("main")
    screenshot(page, "import-done")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Person.id))) == 8
