"""Large page imports run as background jobs: progress, then the same outcome as inline."""

import io

import pytest
from sqlalchemy import func, select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.imports import jobs
from survey_app.imports.models import ImportJob
from tests.imports.support import IMPORT_URL, ROWS, csv_bytes, full_dump, hidden
from tests.support.jobs import wait_for_job

# The job runs in a thread on its own connection: the test commits for real.
pytestmark = pytest.mark.usefixtures("wipe")


@pytest.fixture
def background(app, tmp_path):
    """Every page import runs as a job; uploads wait in a temporary folder."""
    app.config["IMPORT_INLINE_BYTES"] = 0
    app.config["IMPORTS_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def _wait(client, status_url: str) -> dict:
    return wait_for_job(client, status_url, "import")


def upload(client, data: bytes, name="ho.csv"):
    files = {"file": (io.BytesIO(data), name), "consent": "y"}
    return client.post(IMPORT_URL, data=files, content_type="multipart/form-data")


def test_a_large_upload_becomes_a_job_and_imports_all(client, auth, world, background):
    auth.login("canbo")
    response = upload(client, csv_bytes())
    assert response.status_code == 302
    status_url = response.headers["Location"]
    assert _wait(client, status_url)["status"] == "done"
    preview = client.get(status_url).get_data(as_text=True)
    assert "Xem trước: chưa nhập gì." in preview
    assert len(list(background.iterdir())) == 1  # the upload waits for the officer's word
    confirmed = client.post(status_url + "xac-nhan", data={"digest": hidden(preview, "digest")})
    assert confirmed.status_code == 302
    assert _wait(client, status_url)["status"] == "done"
    text = client.get(status_url).get_data(as_text=True)
    assert "Đã nhập xong vào xã Hoàng Kim, Thanh Hóa" in text
    assert '<th scope="row">Nhân khẩu</th><td>5</td><td>0</td><td>0</td>' in text
    db.session.rollback()
    imported = db.session.scalars(select(Household).where(Household.ma_ho.like("HK-1%"))).all()
    assert len(imported) == 3
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.user_id.isnot(None)))
    assert "import" in set(actions)
    assert list(background.iterdir()) == []  # the upload holds personal data: gone once read


def test_a_job_with_bad_cells_imports_nothing_and_lists_them(client, auth, world, background):
    rows = [ROWS[0] | {"Mã hộ": f"B-{i}", "Giới tính": "?"} for i in range(1200)]
    auth.login("canbo")
    db.session.commit()
    before = full_dump()
    status_url = upload(client, csv_bytes(rows)).headers["Location"]
    assert _wait(client, status_url)["status"] == "done"
    text = client.get(status_url).get_data(as_text=True)
    assert "Tệp có 1.200 ô không hợp lệ. Chưa nhập dữ liệu nào." in text
    assert "<td>2</td><td>Giới tính</td><td>?</td><td>Chỉ nhận Nam hoặc Nữ</td>" in text
    assert "… và 200 ô khác." in text
    assert client.get(status_url + "o-loi.xlsx").status_code == 200  # the marked copy
    db.session.rollback()
    after = full_dump()
    assert {k: v for k, v in after.items() if k not in ("import_job", "audit_log")} == {
        k: v for k, v in before.items() if k not in ("import_job", "audit_log")
    }


def test_progress_page_and_json_of_a_running_job(client, auth, world):
    job = ImportJob(user_id=world.officer.id, commune_id=world.commune.id, file_name="ho.csv")
    job.status, job.stage, job.done = "running", "check", 12345
    db.session.add(job)
    db.session.commit()
    auth.login("canbo")
    page = client.get(f"/quan-ly/nhap-du-lieu/{job.token}/").get_data(as_text=True)
    assert "Đang kiểm tra: đã đọc 12.345 dòng…" in page
    state = client.get(f"/quan-ly/nhap-du-lieu/{job.token}/trang-thai").get_json()
    assert state["status"] == "running" and state["text"] == "Đang kiểm tra: đã đọc 12.345 dòng…"
    auth.logout()
    auth.login("canbo2")  # another commune's officer: not theirs
    assert client.get(f"/quan-ly/nhap-du-lieu/{job.token}/").status_code == 404


def test_a_job_whose_file_cannot_be_read_says_why(client, auth, world, background):
    auth.login("canbo")
    status_url = upload(client, b"\xff\xfe not utf-8").headers["Location"]
    assert _wait(client, status_url)["status"] == "done"
    assert "UTF-8" in client.get(status_url).get_data(as_text=True)
    assert jobs.job_for(world.officer, status_url.rstrip("/").rsplit("/", 1)[1]) is not None


def test_one_import_at_a_time_per_commune(client, auth, world, background):
    running = ImportJob(user_id=world.admin.id, commune_id=world.commune.id, file_name="a.csv")
    running.status = "running"
    db.session.add(running)
    db.session.commit()
    auth.login("canbo")
    response = upload(client, csv_bytes())
    assert response.status_code == 409
    assert jobs.ImportBusy.MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1
