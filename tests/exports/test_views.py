"""The export pages: staff choose and download with progress; a village head only their own
thôn; files are reachable only by who asked for them; every export leaves an audit row."""

from sqlalchemy import select

from aggregation import compute
from aggregation.documents import ExportRequest
from survey_app import jobs
from survey_app.audit import AuditLog
from survey_app.exports import services
from survey_app.exports.models import ExportJob
from survey_app.extensions import db
from tests.exports.support import SET, YEAR, label_line, load
from tests.support.jobs import wait_for_job

FORM = {"criteria": SET, "year": str(YEAR), "as_of": "", "scope": "", "fmt": "xlsx"}


# Tests that run an export job ask for ``wipe``: the job's thread and its progress updates use
# connections of their own, which must see the test's committed data.


def _wait(client, status_url: str) -> dict:
    return wait_for_job(client, status_url, "export")


def _exports():
    stmt = select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)
    return list(db.session.scalars(stmt))


def test_officer_exports_the_commune_and_downloads(client, auth, ex_world, exports_dir, wipe):
    auth.login("canbo")
    page = client.get("/xuat/").get_data(as_text=True)
    assert "Toàn xã" in page and "Thôn 2" in page and "Hiện đầy đủ số điện thoại" in page
    response = client.post("/xuat/", data=FORM | {"complement": "y"})
    assert response.status_code == 302
    status_url = response.headers["Location"]
    state = _wait(client, status_url)
    assert state["status"] == "done" and state["percent"] == 100, state
    page = client.get(status_url).get_data(as_text=True)
    assert "Tệp đã sẵn sàng" in page
    with client.get(state["download_url"]) as download:
        assert download.status_code == 200
        disposition = download.headers["Content-Disposition"]
        data = download.data
    assert "minh-chung_hoang-kim_thanh-hoa-1829_2023.xlsx" in disposition
    book = load(data)
    display = compute(db.session, ex_world.commune, SET, YEAR).indicator("3.4").display
    assert label_line(book["PL 3.4"], "Tổng cộng")[3] == display
    assert "PL 3.4 chưa đạt" in book.sheetnames
    (entry,) = _exports()
    assert entry.user_id == ex_world.officer.id and entry.object_type == "commune"
    assert entry.details | {"job": None} == entry.details | {
        "via": "web", "scope": "toàn xã", "format": "xlsx", "full_data": False,
        "complement": True, "criteria": SET, "year": YEAR, "as_of": "2023-12-31", "job": None,
    }  # fmt: skip
    assert list(exports_dir.iterdir()) == [exports_dir / f"{entry.details['job']}.xlsx"]


def test_full_data_is_logged_for_the_officer(client, auth, ex_world, exports_dir, wipe):
    auth.login("canbo")
    data = FORM | {"scope": ex_world.thon1.token, "fmt": "csv", "full_data": "y"}
    status_url = client.post("/xuat/", data=data).headers["Location"]
    assert _wait(client, status_url)["status"] == "done"
    (entry,) = _exports()
    assert entry.details["full_data"] is True and entry.details["scope"] == "Thôn 1"
    job = db.session.scalar(select(ExportJob))
    assert (job.fmt, job.full_data) == ("zip", True)  # ten lists: a zip of CSVs


def test_village_head_only_their_own_village(client, auth, ex_world, exports_dir, wipe):
    auth.login("canbo")
    officer_job = client.post("/xuat/", data=FORM).headers["Location"]
    _wait(client, officer_job)
    auth.logout()
    auth.login("truongthon1")
    page = client.get("/xuat/").get_data(as_text=True)
    assert "Thôn 1" in page and "Thôn 2" not in page and "Toàn xã" not in page
    assert "Hiện đầy đủ số điện thoại" not in page
    other = FORM | {"scope": ex_world.thon2.token}
    assert client.post("/xuat/", data=other).status_code == 404
    assert client.post("/xuat/", data=FORM).status_code == 404  # the whole commune
    forged = FORM | {"scope": ex_world.thon1.token, "full_data": "y"}
    status_url = client.post("/xuat/", data=forged | {"fmt": "docx"}).headers["Location"]
    assert _wait(client, status_url)["status"] == "done"
    entry = _exports()[-1]
    assert (entry.user_id, entry.object_key) == (ex_world.head1.id, ex_world.thon1.token)
    assert entry.details["full_data"] is False  # only an officer may unmask
    for suffix in ("", "trang-thai", "tai-ve"):  # the officer's job is not theirs
        assert client.get(officer_job + suffix).status_code == 404
    assert len(_exports()) == 2  # refused requests left no audit row


def test_volunteers_cannot_export_and_bad_input_is_shown(client, auth, ex_world, exports_dir):
    auth.login("tnv1")
    assert client.get("/xuat/").status_code == 403
    auth.logout()
    auth.login("canbo")
    response = client.post("/xuat/", data=FORM | {"year": "19"})
    assert response.status_code == 422 and "Năm từ 2000 đến 2100." in response.get_data(True)
    response = client.post("/xuat/", data=FORM | {"as_of": "2019-12-31"})
    assert response.status_code == 422
    assert client.post("/xuat/", data=FORM | {"scope": "khong-co"}).status_code == 404
    assert not _exports() and not db.session.scalars(select(ExportJob)).all()


def test_admin_picks_a_commune_first(client, auth, ex_world, exports_dir, wipe):
    auth.login("admin")
    page = client.get("/xuat/").get_data(as_text=True)
    assert "Hoàng Kim, Thanh Hóa" in page and "Thúy Sơn" in page
    url = f"/xuat/?xa={ex_world.commune.token}"
    assert "Toàn xã" in client.get(url).get_data(as_text=True)
    status_url = client.post(url, data=FORM | {"fmt": "docx"}).headers["Location"]
    state = _wait(client, status_url)
    assert state["status"] == "done", state
    with client.get(state["download_url"]) as download:
        assert download.data.startswith(b"PK")  # a .docx is a zip


def test_failed_job_shows_its_message(app, client, auth, ex_world, exports_dir, wipe):
    auth.login("canbo")
    assert client.post("/xuat/", data=FORM | {"criteria": "khong-co"}).status_code == 422
    request = ExportRequest(ex_world.commune, "khong-co", YEAR)  # e.g. a set since removed
    job = services.start_job(ex_world.officer, request, "xlsx", exports_dir)
    db.session.commit()
    jobs.run(services.KIND, job.id)  # what a worker runs, here in the foreground
    db.session.expire_all()  # the test shares one session with its requests
    state = client.get(f"/xuat/{job.token}/trang-thai").get_json()
    assert state["status"] == "failed" and "khong-co" in state["message"]
    assert "Không tạo được tệp" in client.get(f"/xuat/{job.token}/").get_data(as_text=True)
    assert client.get(f"/xuat/{job.token}/tai-ve").status_code == 404
