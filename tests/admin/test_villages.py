"""Commune officers list, add, rename, merge and deactivate villages; history survives."""

import re

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.places.models import Village
from tests.admin.helpers import audit_rows, page


def _villages_named(commune, name):
    stmt = select(Village).where(Village.commune_id == commune.id, Village.name == name)
    return list(db.session.scalars(stmt))


def test_officer_sees_own_villages_with_household_counts(client, world, auth):
    auth.login("canbo")
    html = page(client.get("/quan-ly/thon"))
    assert "Thôn 1" in html and "Thôn 2" in html
    assert "Thôn Đông" not in html  # another commune's village
    assert "1 hộ · đã khảo sát 0" in html


def test_add_village_records_audit(client, world, auth):
    auth.login("canbo")
    response = client.post("/quan-ly/thon", data={"name": "  Thôn   3 "})
    assert response.status_code == 302
    [village] = _villages_named(world.commune, "Thôn 3")
    [entry] = [a for a in audit_rows("create", "village") if a.object_key == village.token]
    assert entry.user_id == world.officer.id
    assert entry.details["name"] == "Thôn 3"


def test_duplicate_village_name_is_refused(client, world, auth):
    auth.login("canbo")
    response = client.post("/quan-ly/thon", data={"name": "Thôn 1"})
    assert response.status_code == 200
    assert "Xã đã có thôn tên" in page(response)
    assert len(_villages_named(world.commune, "Thôn 1")) == 1


def test_rename_keeps_households_and_logs_old_and_new(client, world, auth):
    auth.login("canbo")
    url = f"/quan-ly/thon/{world.thon1.token}/doi-ten"
    assert client.post(url, data={"name": "Thôn Nam Thượng"}).status_code == 302
    db.session.refresh(world.thon1)
    db.session.refresh(world.hh1)
    assert world.thon1.name == "Thôn Nam Thượng"
    assert world.hh1.village_id == world.thon1.id
    [entry] = audit_rows("rename", "village")
    assert entry.details == {"old": "Thôn 1", "new": "Thôn Nam Thượng"}


def test_rename_to_a_taken_name_is_refused(client, world, auth):
    auth.login("canbo")
    response = client.post(f"/quan-ly/thon/{world.thon1.token}/doi-ten", data={"name": "Thôn 2"})
    assert "Xã đã có thôn tên" in page(response)
    db.session.refresh(world.thon1)
    assert world.thon1.name == "Thôn 1"


def test_deactivate_hides_village_from_volunteer_but_keeps_data(client, world, auth):
    auth.login("canbo")
    assert client.post(f"/quan-ly/thon/{world.thon1.token}/ngung").status_code == 302
    db.session.refresh(world.thon1)
    assert world.thon1.active is False
    assert db.session.get(Household, world.hh1.id) is not None
    assert audit_rows("deactivate", "village")[0].details["new"] == {"active": False}
    assert "Ngừng hoạt động" in page(client.get("/quan-ly/thon"))
    auth.logout()
    auth.login("tnv1")
    assert "Thôn 1" not in page(client.get("/thon/"))
    auth.logout()
    auth.login("canbo")
    client.post(f"/quan-ly/thon/{world.thon1.token}/dung-lai")
    db.session.refresh(world.thon1)
    assert world.thon1.active is True


def test_merge_moves_households_and_people_then_keeps_source(client, world, auth):
    auth.login("canbo")
    url = f"/quan-ly/thon/{world.thon2.token}/gop"
    asked = page(client.post(url, data={"target": world.thon1.token}))
    assert "Gộp Thôn 2 vào Thôn 1?" in asked  # nothing moves before the officer confirms
    assert re.search(r'data-count="households">1<', asked)
    assert re.search(r'data-count="people">1<', asked)
    assert re.search(r'data-count="users">1<', asked)
    db.session.expire_all()
    assert world.hh2.village_id == world.thon2.id and world.thon2.active
    response = client.post(url, data={"target": world.thon1.token, "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.hh2.village_id == world.thon1.id
    assert world.hh2.version == 2
    assert world.thon2.active is False
    assert world.thon1 in world.vol2.villages and world.thon2 not in world.vol2.villages
    [entry] = audit_rows("merge", "village")
    assert entry.object_key == world.thon2.token
    assert entry.details["households"] == ["HK-002"]
    count = db.session.scalar(select(func.count(Village.id)).where(Village.id == world.thon2.id))
    assert count == 1  # never deleted


def test_members_checkboxes_assign_and_unassign(client, world, auth):
    auth.login("canbo")
    page_html = page(client.get(f"/quan-ly/thon/{world.thon1.token}"))
    assert re.search(r'<input checked[^>]*value="tnv1"', page_html)
    assert not re.search(r'<input checked[^>]*value="tnv2"', page_html)
    url = f"/quan-ly/thon/{world.thon1.token}/phan-cong"
    assert client.post(url, data={"users": ["truongthon1", "tnv2"]}).status_code == 302
    db.session.expire_all()
    assert {v.name for v in world.vol2.villages} == {"Thôn 1", "Thôn 2"}
    assert world.vol1.villages == []
    entries = audit_rows("update", "user")
    assert {e.details["username"] for e in entries} == {"tnv1", "tnv2"}
    by_user = {e.details["username"]: e.details for e in entries}
    assert by_user["tnv1"]["old"]["villages"] == ["Thôn 1"]
    assert by_user["tnv1"]["new"]["villages"] == []


def test_other_commune_officer_gets_404_and_changes_nothing(client, world, auth):
    auth.login("canbo2")
    token = world.thon1.token
    assert client.get(f"/quan-ly/thon/{token}").status_code == 404
    assert client.post(f"/quan-ly/thon/{token}/doi-ten", data={"name": "X"}).status_code == 404
    assert client.post(f"/quan-ly/thon/{token}/ngung").status_code == 404
    assert client.get(f"/quan-ly/thon?xa={world.commune.token}").status_code == 404
    db.session.refresh(world.thon1)
    assert world.thon1.name == "Thôn 1" and world.thon1.active


def test_admin_picks_a_commune(client, world, auth):
    auth.login("admin")
    picker = page(client.get("/quan-ly/thon"))
    assert "Hoàng Kim" in picker and "Thúy Sơn" in picker
    html = page(client.get(f"/quan-ly/thon?xa={world.other_commune.token}"))
    assert "Thôn Đông" in html and "Thôn 1" not in html
    client.post(f"/quan-ly/thon?xa={world.other_commune.token}", data={"name": "Thôn Tây"})
    assert len(_villages_named(world.other_commune, "Thôn Tây")) == 1


def test_field_roles_are_forbidden_and_anonymous_sent_to_login(client, world, auth):
    assert client.get("/quan-ly/thon").headers["Location"].startswith("/dang-nhap")
    for username in ("tnv1", "truongthon1"):
        auth.login(username)
        assert client.get("/quan-ly/thon").status_code == 403
        assert client.post("/quan-ly/thon", data={"name": "Thôn 9"}).status_code == 403
        auth.logout()
    assert _villages_named(world.commune, "Thôn 9") == []


def test_posts_need_a_csrf_token(app, client, world, auth):
    auth.login("canbo")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/quan-ly/thon/{world.thon1.token}/ngung").status_code == 400
    form_page = page(client.get(f"/quan-ly/thon/{world.thon1.token}"))
    assert form_page.count('name="csrf_token"') >= 5  # every form on the page carries one
    db.session.refresh(world.thon1)
    assert world.thon1.active is True


def test_a_merge_can_be_undone_while_nothing_moved_has_changed(client, world, auth):
    from survey_app.operations.models import Operation

    auth.login("canbo")
    url = f"/quan-ly/thon/{world.thon2.token}/gop"
    client.post(url, data={"target": world.thon1.token, "confirmed": "1"})
    listing = page(client.get("/quan-ly/thon"))
    operation = db.session.scalars(select(Operation)).one()
    assert (
        "Thôn 2 → Thôn 1" in listing and f"/quan-ly/thao-tac/{operation.token}/hoan-tac" in listing
    )
    undo = client.post(f"/quan-ly/thao-tac/{operation.token}/hoan-tac")
    assert undo.status_code == 302
    db.session.expire_all()
    assert world.hh2.village_id == world.thon2.id and world.thon2.active
    assert world.thon2 in world.vol2.villages and world.thon1 not in world.vol2.villages
    assert world.hh2.version == 3  # moved on again, so phones pull it back
    [entry] = audit_rows("undo", "operation")
    assert entry.details["kind"] == "merge_village"
