"""The import page for commune officers and admins, and the XLSX template download."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from household_forms import rules
from household_forms.import_template import COLUMNS
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests.builders import PASSWORD, World
from tests.imports.support import ROWS, csv_bytes, full_dump, import_on_page, upload

URL = "/quan-ly/nhap-du-lieu/"
TEMPLATE_URL = "/quan-ly/nhap-du-lieu/mau.xlsx"


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_officer_imports_into_own_commune(client, auth, world):
    auth.login("canbo")
    page = client.get(URL).get_data(as_text=True)
    assert "Hoàng Kim, Thanh Hóa" in page and TEMPLATE_URL in page and 'name="commune"' not in page
    response = import_on_page(client, csv_bytes())
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã nhập xong vào xã Hoàng Kim, Thanh Hóa" in text
    assert '<th scope="row">Hộ</th><td>3</td><td>0</td><td>0</td>' in text
    assert '<th scope="row">Nhân khẩu</th><td>5</td><td>0</td><td>0</td>' in text
    assert "Đã tạo 1 thôn mới: “Thôn Mới”." in text  # Thôn 1 and Thôn 2 exist
    db.session.rollback()
    imported = db.session.scalars(select(Household).where(Household.ma_ho.like("HK-1%"))).all()
    assert {h.commune_id for h in imported} == {world.commune.id} and len(imported) == 3
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert entry.user_id == world.officer.id


def test_officer_sees_every_bad_cell_and_nothing_is_imported(client, auth, world):
    auth.login("canbo")
    rows = [dict(r) for r in ROWS]
    rows[1]["Ngày sinh"] = "1970/5"
    rows[3]["Hộ kinh doanh"] = "có lẽ"
    before = full_dump()
    response = upload(client, csv_bytes(rows))
    text = response.get_data(as_text=True)
    assert "Tệp có 2 ô không hợp lệ. Chưa nhập dữ liệu nào." in text
    table = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", text)
    assert table == [
        ("3", "Ngày sinh", "1970/5", rules.BIRTH_MESSAGES["format"]),
        (
            "5",
            "Hộ kinh doanh",
            "có lẽ",
            "Chỉ nhận Có/Không (C, X, 1 / K, 0); để trống nếu chưa hỏi",
        ),
    ]
    db.session.rollback()
    after = full_dump()
    # the upload is recorded (its marked copy can be downloaded); the data is untouched
    assert len(after.pop("import_job")) == 1 and before.pop("import_job") == []
    assert after == before


def test_unreadable_or_missing_file(client, auth, world):
    auth.login("canbo")
    response = upload(client, b"\x00\x01", name="ho.xlsx")
    assert "Không đọc được tệp Excel" in response.get_data(as_text=True)
    response = client.post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Vui lòng chọn tệp." in response.get_data(as_text=True)
    response = upload(client, b"x", name="ho.xls")
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.get_data(as_text=True)


def test_admin_chooses_the_commune(client, auth, world):
    auth.login("admin")
    page = client.get(URL).get_data(as_text=True)
    assert "Thúy Sơn, Thanh Hóa" in page and "Hoàng Kim, Thanh Hóa" in page
    response = import_on_page(client, csv_bytes(), commune=world.other_commune.token)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()
    hk = db.session.scalars(select(Household).where(Household.ma_ho == "HK-101")).one()
    assert hk.commune_id == world.other_commune.id
    assert upload(client, csv_bytes(), commune="not-a-commune").status_code == 422


@pytest.mark.parametrize("username", ["truongthon1", "tnv1"])
def test_other_roles_are_forbidden(client, auth, world, username):
    auth.login(username)
    assert client.get(URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert upload(client, csv_bytes()).status_code == 403
    db.session.rollback()
    assert count(Person) == 3


def test_logged_out_users_are_sent_to_login(client, world):
    for url in (URL, TEMPLATE_URL):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.location
    files = {"file": (io.BytesIO(csv_bytes()), "ho.csv"), "consent": "y"}
    response = client.post(URL, data=files, content_type="multipart/form-data")
    assert response.status_code == 302 and "/dang-nhap" in response.location


def test_template_download_has_the_exact_headers(client, auth, world):
    auth.login("canbo")
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    lists = {
        str(dv.sqref).split(":")[0][:-1]: dv.formula1
        for dv in sheet.data_validations.dataValidation
    }
    letter = {c.key: sheet.cell(row=1, column=i + 1).column_letter for i, c in enumerate(COLUMNS)}
    assert lists[letter["dt_thong_minh"]] == '"Có,Không"'
    assert lists[letter["vneid"]] == '"Không,Chưa kích hoạt,Mức 1,Mức 2"'
    assert lists[letter["gioi_tinh"]] == '"Nam,Nữ"'
    assert lists[letter["cu_tru"]] == '"Có mặt,Tạm vắng,Đã chuyển đi,Đã mất"'
    assert sheet.column_dimensions[letter["ho_ten"]].width >= 24
    assert sheet.column_dimensions[letter["dia_chi"]].width >= 24
    assert sheet.column_dimensions[letter["gioi_tinh"]].width < 12
    for key in ("so_dien_thoai", "ngay_sinh", "ma_ho"):  # text: Excel keeps 0912…, 12/03/1968
        assert sheet[f"{letter[key]}2"].number_format == "@"
        assert sheet[f"{letter[key]}5000"].number_format == "@"


def test_the_template_reads_cleanly_and_its_sample_is_never_imported(client, auth, world):
    auth.login("canbo")
    data = client.get(TEMPLATE_URL).data
    before = count(Household)
    response = import_on_page(client, data, name="mau.xlsx")
    text = response.get_data(as_text=True)
    assert "Đã bỏ qua 1 hộ mẫu của tệp mẫu." in text, text
    db.session.rollback()
    assert db.session.scalar(select(Household).where(Household.ma_ho == "VD-001")) is None
    assert count(Household) == before


@pytest.fixture
def csrf_client(csrf_app):
    World.create()
    return csrf_app.test_client()


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_csrf_is_required(csrf_client):
    login_page = csrf_client.get("/dang-nhap").get_data(as_text=True)
    form = {"username": "canbo", "password": PASSWORD, "csrf_token": token_of(login_page)}
    assert csrf_client.post("/dang-nhap", data=form).status_code == 302
    token = token_of(csrf_client.get(URL).get_data(as_text=True))
    assert upload(csrf_client, csv_bytes()).status_code in (400, 422)
    assert count(Person) == 3
    response = import_on_page(csrf_client, csv_bytes(), csrf_token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()
    assert count(Person) == 8
