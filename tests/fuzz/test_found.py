"""Server errors the form fuzzer found, each pinned by (a shortened form of) its request.

Every one of these answered 500 before its fix; now bad input gets the page back with a
Vietnamese message, or a plain refusal, and nothing is written.
"""

import io

from sqlalchemy import func, select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household


def _audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


def test_a_file_posted_as_a_text_field_is_an_empty_field(client, auth, world):
    """A file in the targets form's t0 reached TargetField as a FileStorage (.strip() → 500)."""
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat/chi-tieu?bo=thanh-hoa-1829&nam=2023"
    before = _audit_rows()
    response = client.post(url, data={"t0": (io.BytesIO(b"72,5"), "ho.csv"), "t1": "x"})
    assert response.status_code == 422
    assert "Nhập một số, ví dụ 65 hoặc 72,5." in response.get_data(as_text=True)
    assert _audit_rows() == before


def test_the_import_still_gets_its_file(client, auth, world):
    """The upload field itself keeps its file: a CSV with a bad header is read and refused."""
    auth.login("canbo")
    data = {"file": (io.BytesIO(b"ma_ho,chu_ho\nA,B\n"), "ho.csv")}
    response = client.post("/quan-ly/nhap-du-lieu/", data=data)
    assert response.status_code == 422
    assert "Chọn tệp" not in response.get_data(as_text=True)  # the file was not lost


def test_a_json_body_on_a_page_is_read_as_text_fields(client, auth, world):
    """JSON that is not an object (0, "²", [0.0]) crashed Flask-WTF's MultiDict; numbers in an
    object reached text fields as numbers."""
    auth.login("canbo")
    lock = "/quan-ly/nguoi-dung/tnv1/khoa"
    for body in (0, "²", [0.0], False, {"csrf_token": 5}):
        assert client.post(lock, json=body).status_code in (302, 400, 422), body
    new = f"/thon/{world.thon1.token}/ho-moi"
    response = client.post(new, json={"consent": "y", "ma_ho": 5, "chu_ho": ["An", 7]})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Household)) == 3
    assert client.post("/dang-xuat", json=0).status_code == 302


def test_a_position_without_its_longitude_shows_the_form_again(client, auth, world):
    """gps_lat alone made the page format None as a number ('%.5f')."""
    auth.login("tnv1")
    data = {"consent": "y", "ma_ho": "HK-009", "chu_ho": "Đỗ Văn Ổn", "gps_lat": "21.5"}
    data |= {"gps_lng": "x", "m-0-ho_ten": ""}
    response = client.post(f"/thon/{world.thon1.token}/ho-moi", data=data)
    assert response.status_code == 422
    assert "Đã có vị trí" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Household)) == 3


def test_a_signalling_nan_target_is_a_message(client, auth, world):
    """Decimal accepts "sNaN"; the page then failed to turn it into a float."""
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat/chi-tieu?bo=thanh-hoa-1829&nam=2023"
    before = _audit_rows()
    for value in ("sNaN", "NaN", "-Infinity"):
        response = client.post(url, data={"t0": value})
        assert response.status_code == 422, value
        assert "Nhập một số, ví dụ 65 hoặc 72,5." in response.get_data(as_text=True)
    assert _audit_rows() == before
