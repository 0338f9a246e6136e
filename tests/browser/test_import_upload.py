"""The import page on a phone: upload with a progress bar, errors in place, a preview to confirm,
then a summary."""

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.households.models import Person
from survey_app.imports.models import ImportJob
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
    page.check("#consent")  # each upload is vouched for on its own
    page.set_input_files("#file", files=[good])
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_selector("[data-preview]")
    assert page.evaluate("window.stayedOnPage") is True
    preview = page.inner_text("[data-preview]")
    assert "Xem trước: chưa nhập gì." in preview and "“Thôn Mới”" in preview
    assert "/quan-ly/nhap-du-lieu/" in page.url and page.url.endswith("/")  # reload shows it again
    assert run_axe(page) == []
    screenshot(page, "import-preview")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Person.id))) == 3  # nothing written yet
    page.click("text=Xác nhận nhập")
    page.wait_for_selector("table.import-summary")
    assert "Đã nhập xong" in page.inner_text("main")
    screenshot(page, "import-done")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Person.id))) == 8


def test_a_large_file_goes_to_its_job_page_and_shows_the_outcome(
    page, base_url, live_app, tmp_path
):
    live_app.config["IMPORT_INLINE_BYTES"] = 0  # every file counts as large here
    live_app.config["IMPORTS_DIR"] = str(tmp_path / "imports")
    world = builders.World.create()
    running = ImportJob(user_id=world.officer.id, commune_id=world.commune.id, file_name="a.csv")
    running.status, running.stage, running.done = "running", "check", 1500
    db.session.add(running)
    db.session.commit()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/quan-ly/nhap-du-lieu/{running.token}/")
    assert "đã đọc 1.500 dòng" in page.inner_text("[data-text]")
    assert run_axe(page) == []
    screenshot(page, "import-job-progress")
    running.status = "failed"  # let the next upload through: one import per commune at a time
    db.session.commit()
    page.goto(base_url + "/quan-ly/nhap-du-lieu/")
    good = {"name": "ho.csv", "mimeType": CSV, "buffer": csv_bytes()}
    page.check("#consent")  # the commune vouches it collected the data with consent
    page.set_input_files("#file", files=[good])
    page.click("form[data-upload] button[type=submit]")
    # The script follows the upload to the job's page, which polls until the preview is ready;
    # confirmed, the import runs as a job too.
    page.wait_for_selector("[data-preview]", timeout=60_000)
    page.click("text=Xác nhận nhập")
    page.wait_for_selector("table.import-summary", timeout=60_000)
    assert "/quan-ly/nhap-du-lieu/" in page.url and page.url != base_url + "/quan-ly/nhap-du-lieu/"
    assert "Đã nhập xong" in page.inner_text("main")
    assert run_axe(page) == []
    db.session.rollback()
    assert db.session.scalar(select(func.count(Person.id))) == 8
