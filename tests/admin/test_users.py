"""Commune officers create, edit, reset, lock users and give them villages; audited, scoped."""

import re

from sqlalchemy import func, select

from survey_app.accounts.models import User
from survey_app.extensions import db
from tests.admin.helpers import audit_rows, page

NEW_VOLUNTEER = {
    "username": "Lan.TNV",
    "password": "hoa-sen-2025",
    "full_name": "Nguyễn Thị  Lan",
    "phone": "0912 345 678",
    "role": "volunteer",
}


def _user(username) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_officer_creates_volunteer_who_sees_thon1_only(client, world, auth):
    auth.login("canbo")
    form = page(client.get(f"/quan-ly/nguoi-dung/moi?thon={world.thon1.token}"))
    assert re.search(r'name="password"[^>]*value="[a-z2-9]{5}-[a-z2-9]{5}"', form)
    data = {**NEW_VOLUNTEER, "villages": [world.thon1.token]}
    response = client.post("/quan-ly/nguoi-dung/moi", data=data)
    assert response.status_code == 302, page(response)
    user = _user("lan.tnv")
    assert (user.full_name, user.phone, user.role) == ("Nguyễn Thị Lan", "0912345678", "volunteer")
    assert user.commune_id == world.commune.id
    assert "hoa-sen-2025" not in user.password_hash and user.check_password("hoa-sen-2025")
    [entry] = [e for e in audit_rows("create", "user") if e.details["username"] == "lan.tnv"]
    assert entry.user_id == world.officer.id and entry.details["villages"] == ["Thôn 1"]
    assert "hoa-sen-2025" not in str(entry.details)
    auth.logout()
    assert auth.login("lan.tnv", "hoa-sen-2025").status_code == 302
    villages = page(client.get("/thon/"))
    assert "Thôn 1" in villages and "Thôn 2" not in villages
    assert client.get("/quan-ly/nguoi-dung").status_code == 403


def test_taken_username_and_bad_input_are_refused(client, world, auth):
    auth.login("canbo")
    taken = client.post("/quan-ly/nguoi-dung/moi", data={**NEW_VOLUNTEER, "username": "TNV1"})
    assert "đã có người dùng" in page(taken)
    bad = client.post(
        "/quan-ly/nguoi-dung/moi",
        data={**NEW_VOLUNTEER, "username": "lan tnv", "password": "ngan", "phone": "12ab"},
    )
    html = page(bad)
    assert "Chỉ dùng chữ không dấu" in html
    assert "từ 8 đến 128 ký tự" in html
    assert "chỉ gồm 9–15 chữ số" in html
    assert 'value="Nguyễn Thị Lan"' in html  # what was typed stays
    count = db.session.scalar(select(func.count(User.id)))
    assert count == 6  # the World's users only


def test_officer_cannot_create_admin_or_use_other_commune_villages(client, world, auth):
    auth.login("canbo")
    response = client.post("/quan-ly/nguoi-dung/moi", data={**NEW_VOLUNTEER, "role": "admin"})
    assert response.status_code == 200  # the form again, with its message in Vietnamese
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert "Not a valid choice" not in response.get_data(as_text=True)
    assert _user("lan.tnv") is None
    data = {**NEW_VOLUNTEER, "villages": [world.other_village.token]}
    assert client.post("/quan-ly/nguoi-dung/moi", data=data).status_code == 200
    assert _user("lan.tnv") is None


def test_list_shows_only_own_commune(client, world, auth):
    auth.login("canbo")
    html = page(client.get("/quan-ly/nguoi-dung"))
    for username in ("canbo", "truongthon1", "tnv1", "tnv2"):
        assert f'/quan-ly/nguoi-dung/{username}"' in html
    assert "canbo2" not in html and "/quan-ly/nguoi-dung/admin" not in html


def test_other_commune_users_and_admins_are_404(client, world, auth):
    auth.login("canbo")
    for username in ("canbo2", "admin", "nobody"):
        assert client.get(f"/quan-ly/nguoi-dung/{username}").status_code == 404
        assert client.post(f"/quan-ly/nguoi-dung/{username}/khoa").status_code == 404
        response = client.post(
            f"/quan-ly/nguoi-dung/{username}/mat-khau", data={"password": "x" * 9}
        )
        assert response.status_code == 404
    assert _user("canbo2").active and _user("canbo2").check_password("mat-khau-thu-1")


def test_edit_changes_role_and_villages_with_audit(client, world, auth):
    auth.login("canbo")
    data = {
        "full_name": "Trần Văn Hai",
        "phone": "0987654321",
        "role": "village_head",
        "villages": [world.thon2.token],
    }
    assert client.post("/quan-ly/nguoi-dung/tnv1", data=data).status_code == 302
    user = _user("tnv1")
    assert (user.role, [v.name for v in user.villages]) == ("village_head", ["Thôn 2"])
    [entry] = audit_rows("update", "user")
    assert entry.details["old"] == {
        "full_name": "",
        "phone": None,
        "role": "volunteer",
        "villages": ["Thôn 1"],
    }
    assert entry.details["new"]["role"] == "village_head"


def test_making_someone_an_officer_clears_their_villages(client, world, auth):
    auth.login("canbo")
    data = {"full_name": "Lê Văn Ba", "role": "commune_officer", "villages": [world.thon1.token]}
    response = client.post("/quan-ly/nguoi-dung/tnv1", data=data)
    assert response.status_code == 302 and response.location.endswith("/quan-ly/nguoi-dung")
    user = _user("tnv1")
    assert (user.role, user.full_name, user.villages) == ("commune_officer", "Lê Văn Ba", [])


def test_reset_password(client, world, auth):
    auth.login("canbo")
    response = client.post("/quan-ly/nguoi-dung/tnv1/mat-khau", data={"password": "moi-moi-123"})
    assert response.status_code == 302
    [entry] = audit_rows("reset_password", "user")
    assert "moi-moi-123" not in str(entry.details)
    auth.logout()
    assert "không đúng" in page(auth.login("tnv1"))
    assert auth.login("tnv1", "moi-moi-123").status_code == 302


def test_deactivate_blocks_login_and_reactivate_restores(client, world, auth):
    auth.login("canbo")
    assert client.post("/quan-ly/nguoi-dung/tnv1/khoa").status_code == 302
    assert _user("tnv1").active is False
    assert audit_rows("deactivate", "user")[0].details["new"] == {"active": False}
    assert "Đã khóa" in page(client.get("/quan-ly/nguoi-dung"))
    client.post("/quan-ly/nguoi-dung/tnv1/mo-khoa")
    assert _user("tnv1").active is True


def test_officer_cannot_lock_themselves_out(client, world, auth):
    auth.login("canbo")
    response = client.post("/quan-ly/nguoi-dung/canbo/khoa", follow_redirects=True)
    assert "không thể tự khóa" in page(response)
    assert _user("canbo").active is True
    data = {"full_name": "Cán Bộ", "role": "volunteer"}
    assert "không thể tự đổi vai trò" in page(client.post("/quan-ly/nguoi-dung/canbo", data=data))
    assert _user("canbo").role == "commune_officer"


def test_admin_manages_users_of_any_commune(client, world, auth):
    auth.login("admin")
    token = world.other_commune.token
    html = page(client.get(f"/quan-ly/nguoi-dung?xa={token}"))
    assert "canbo2" in html and "tnv1" not in html
    data = {**NEW_VOLUNTEER, "villages": [world.other_village.token]}
    assert client.post(f"/quan-ly/nguoi-dung/moi?xa={token}", data=data).status_code == 302
    user = _user("lan.tnv")
    assert user.commune_id == world.other_commune.id
    assert [v.name for v in user.villages] == ["Thôn Đông"]
