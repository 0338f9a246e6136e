"""The settings page: changes are saved, audited with old and new values, and shown."""

import re

import pytest
from sqlalchemy import select

from aggregation import compute
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.reports.services import get_settings
from tests import builders
from tests.reports.data import YEAR, cards, populate, text_of

SET = "thanh-hoa-1829"
SETTINGS = {
    "criteria_ids": [SET, "thon-thong-minh"],
    "working_age_rule": "classic",
    "adult_age": "18",
    "count_tam_vang": "0",
    "decimals": "1",
}


def checked(body: str, name: str, value: str) -> bool:
    """Whether the radio or checkbox ``name`` = ``value`` is ticked in the page."""
    for tag in re.findall(r"<input [^>]*>", body):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


def audit_rows(kind):
    return db.session.scalars(select(AuditLog).where(AuditLog.object_type == kind)).all()


def test_settings_change_is_saved_audited_and_listed(client, auth, world):
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    page = client.get(url)
    assert checked(page.get_data(as_text=True), "working_age_rule", "legal")
    response = client.post(url, data=SETTINGS)
    assert response.status_code == 302
    settings = get_settings(world.commune)
    assert (settings.working_age_rule, settings.adult_age) == ("classic", 18)
    assert settings.count_tam_vang is False and settings.decimals == 1
    assert settings.criteria_ids == [SET, "thon-thong-minh"]
    [entry] = audit_rows("commune_settings")
    assert entry.user_id == world.officer.id and entry.object_key == world.commune.token
    assert entry.details["changes"]["adult_age"] == {"old": 15, "new": 18}
    assert entry.details["changes"]["count_tam_vang"] == {"old": True, "new": False}
    history = text_of(client.get(url))
    assert "canbo" in history
    assert "Tuổi dân số trưởng thành: từ 15 thành 18" in history
    assert "Tính người tạm vắng: từ Có thành Không" in history
    assert "Cách tính độ tuổi lao động: từ Bộ luật Lao động 2019 thành Cách tính cũ" in history


@pytest.mark.parametrize("db_engine", ["sqlite"])  # form handling, not the database
def test_bad_settings_and_targets_show_errors_beside_fields(client, auth, world):
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    response = client.post(url, data={**SETTINGS, "criteria_ids": [], "decimals": "9"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Chọn ít nhất một bộ tiêu chí." in body and "Vui lòng chọn một mục." in body
    assert checked(body, "adult_age", "18") and checked(body, "working_age_rule", "classic")
    assert not checked(body, "criteria_ids", SET)  # kept what was sent
    assert get_settings(world.commune).id is None and audit_rows("commune_settings") == []
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat/chi-tieu?bo={SET}&nam={YEAR}"
    response = client.post(url, data={"t0": "abc", "t1": "150", "t2": "70"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nhập một số, ví dụ 65 hoặc 72,5." in body
    assert "Chỉ tiêu phải từ 0 đến 100 (%)." in body
    assert 'value="abc"' in body and 'value="150"' in body and 'value="70"' in body
    wrong_set = url.replace(f"bo={SET}", "bo=khong-co")  # never saved into another set
    assert client.post(wrong_set, data={"t0": "70"}).status_code == 400
    assert audit_rows("commune_target") == []


def test_target_override_is_audited_and_used(client, auth, world):
    populate(world)
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat/chi-tieu?bo={SET}&nam={YEAR}"
    index = [i.code for i in compute(db.session, world.commune, SET, YEAR).indicators].index("3.9")
    response = client.post(url, data={f"t{index}": "37,5"})
    assert response.status_code == 302 and f"nam={YEAR}" in response.location
    [entry] = audit_rows("commune_target")
    assert entry.details == {
        "criteria": SET, "indicator": "3.9", "year": YEAR, "old": None, "new": 37.5,
    }  # fmt: skip
    auth.login("truongthon1")
    card = cards(client.get(f"/bao-cao/thon/{world.thon1.token}?nam={YEAR}"))["3.9"]
    assert "Chỉ tiêu: ≥ 37,5% (riêng của xã)" in card and "✓ Đạt" in card  # 3/8 = 37,5%
    other_year = cards(client.get(f"/bao-cao/thon/{world.thon1.token}?nam={YEAR - 1}"))["3.9"]
    assert "≥ 50%" in other_year
    auth.login("canbo")
    page = text_of(client.get(f"/bao-cao/xa/{world.commune.token}/cai-dat?nam={YEAR}"))
    assert f"Chỉ tiêu 3.9 ({SET}), năm {YEAR}: từ mặc định thành 37,5%" in page
    client.post(url, data={f"t{index}": ""})  # blank: back to the default
    assert audit_rows("commune_target")[-1].details["new"] is None


def test_forms_need_the_csrf_token(csrf_app):
    world = builders.World.create()
    client = csrf_app.test_client()
    token = _token(client.get("/dang-nhap"))
    client.post("/dang-nhap", data={"username": "canbo", "password": builders.PASSWORD,
                                    "csrf_token": token})  # fmt: skip
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    assert client.post(url, data=SETTINGS).status_code == 400
    token = _token(client.get(url))
    assert client.post(url, data={**SETTINGS, "csrf_token": token}).status_code == 302
    manual = f"/bao-cao/xa/{world.commune.token}/chi-tieu-thu-cong/{SET}"
    assert client.post(manual, data={"chi_tieu": "3.7"}).status_code == 400


def _token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(True))[1]
