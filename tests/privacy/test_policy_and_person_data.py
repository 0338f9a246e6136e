"""The data policy page, and one person's data handed over on request (audited)."""

import json

from sqlalchemy import select

from survey_app.assistance.models import HelpRecord
from survey_app.audit import AuditLog
from survey_app.extensions import db

POLICY = "/chinh-sach-du-lieu"
PEOPLE = "/quan-ly/du-lieu-ca-nhan/"


def test_policy_page_is_open_and_linked_from_sign_in_and_menu(client, auth, world):
    page = client.get(POLICY)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for heading in ("Giữ những gì", "Để làm gì", "Giữ bao lâu", "Ai được xem", "5 năm"):
        assert heading in text
    assert POLICY in client.get("/dang-nhap").get_data(as_text=True)
    auth.login("tnv1")
    assert POLICY in client.get("/thon/").get_data(as_text=True)


def test_officer_finds_a_person_of_the_commune_without_accents(client, auth, world):
    auth.login("canbo")
    found = client.get(PEOPLE, query_string={"q": "binh"}).get_data(as_text=True)
    assert "Lê Văn Bình" in found and world.hh1.members[0].token in found
    other = client.get(PEOPLE, query_string={"q": "dung"}).get_data(as_text=True)
    assert "Phạm Văn Dũng" not in other  # xã Thúy Sơn's


def test_person_data_download_holds_everything_and_is_audited(client, auth, world):
    person = world.hh1.members[0]
    db.session.add(HelpRecord(person=person, household=world.hh1, kind="cai_vneid", note="Đã cài"))
    db.session.commit()
    auth.login("canbo")
    response = client.post(PEOPLE + person.token)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["nguoi"]["ho_ten"] == "Lê Văn Bình" and data["nguoi"]["birth_date"] == "1970-01-02"
    assert data["ho"]["chu_ho"] == "Lê Văn Bình" and data["ho"]["thon"] == "Thôn 1"
    assert [h["note"] for h in data["ho_tro"]] == ["Đã cài"]
    db.session.rollback()
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "person_data_export")
    ).one()
    assert (entry.user_id, entry.object_key) == (world.officer.id, person.token)


def test_another_communes_officer_gets_nothing_and_nothing_is_logged(client, auth, world):
    auth.login("canbo2")
    assert client.post(PEOPLE + world.hh1.members[0].token).status_code == 404
    db.session.rollback()
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "person_data_export" not in actions
