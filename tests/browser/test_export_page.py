"""The export page on a phone: choose, follow the progress bar, download the file."""

import threading

from openpyxl import load_workbook

from aggregation.documents import ExportRequest
from survey_app import jobs
from survey_app.exports import services
from survey_app.exports.models import ExportJob
from survey_app.extensions import db
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot
from tests.exports.support import SET, YEAR, populate
from tests.support.jobs import in_app


def test_officer_exports_a_village_on_a_phone(page, base_url, live_app, tmp_path):
    live_app.config["EXPORTS_DIR"] = str(tmp_path)
    world = builders.World.create()
    populate(world)
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/xuat/")
    assert run_axe(page) == []
    heights = page.eval_on_selector_all(".opts label", "els => els.map(e => e.offsetHeight)")
    assert heights and min(heights) >= 48  # tap targets
    screenshot(page, "export-form")
    page.fill("#year", str(YEAR))
    page.select_option("#scope", label="Thôn 1")
    page.check("input[name=fmt][value=xlsx]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Tệp đã sẵn sàng", timeout=60_000)
    assert run_axe(page) == []
    screenshot(page, "export-ready")
    with page.expect_download() as info:
        page.click("a[download]")
    path = tmp_path / "downloaded.xlsx"
    info.value.save_as(path)
    assert "PL 3.4" in load_workbook(path).sheetnames


def _queued_export(live_app, tmp_path, village_of):
    """The officer's XLSX export of one thôn, queued, its file to go under tmp_path."""
    live_app.config["EXPORTS_DIR"] = str(tmp_path)
    world = builders.World.create()
    populate(world)
    request = ExportRequest(world.commune, SET, YEAR, village=village_of(world))
    job = services.start_job(world.officer, request, "xlsx", tmp_path)
    db.session.commit()
    return job


def test_progress_page_follows_a_running_export(page, base_url, live_app, tmp_path):
    job = _queued_export(live_app, tmp_path, lambda world: world.thon2)
    jobs.set_state(ExportJob, job.id, status="running", done=30, total=120)  # as a worker does
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/xuat/{job.token}/")
    assert page.get_attribute("progress[data-bar]", "value") == "25"
    assert "Đã xử lý 30/120 dòng (25%)." in page.inner_text("[data-text]")
    assert run_axe(page) == []
    screenshot(page, "export-progress")
    worker = threading.Thread(target=in_app, args=(live_app, services.run_job, job.id))
    worker.start()  # the page's script polls and reloads once the file is ready
    page.wait_for_selector("text=Tệp đã sẵn sàng", timeout=60_000)
    worker.join(30)
    assert "minh-chung_hoang-kim_thanh-hoa-1829_2023_thon-2.xlsx" in page.inner_text("main")


def test_a_waiting_then_failed_export_can_be_run_again_on_a_phone(
    page, base_url, live_app, tmp_path
):
    job = _queued_export(live_app, tmp_path, lambda world: world.thon1)
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/xuat/{job.token}/")  # queued: no worker has taken it yet
    assert "Đang chờ đến lượt" in page.inner_text("main")
    assert run_axe(page) == []
    screenshot(page, "export-waiting")
    message = jobs.INTERRUPTED_MESSAGE.format(attempts=jobs.MAX_ATTEMPTS)
    jobs.set_state(ExportJob, job.id, status="failed", message=message, attempts=3)
    page.reload()  # the page's script would reload it on the change of state
    assert "Không tạo được tệp" in page.inner_text("main") and message in page.inner_text("main")
    assert run_axe(page) == []
    screenshot(page, "export-failed")
    page.click("button:has-text('Chạy lại')")  # the tests' queue runs it inside this request
    page.wait_for_selector("text=Tệp đã sẵn sàng", timeout=60_000)
    with page.expect_download() as info:
        page.click("a[download]")
    path = tmp_path / "again.xlsx"
    info.value.save_as(path)
    assert "PL 3.4" in load_workbook(path).sheetnames
