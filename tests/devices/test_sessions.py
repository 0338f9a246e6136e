"""Finding 2: a sign-in is a server-side session that logout, a password reset, a staff
sign-out, a lock or a change of role or villages ends, cookies and all."""

import pytest
from sqlalchemy import select

from survey_app.accounts import services as accounts
from survey_app.audit import AuditLog
from survey_app.devices import sessions
from survey_app.devices.models import UserSession
from survey_app.extensions import db
from tests.devices.conftest import cookies_of, fresh_client
from tests.devices.support import ANDROID, signed_in_secret

SYNC = "/api/sync/session"


def _sign_in(app, username, remember=True):
    client = app.test_client()
    data = {"username": username, "password": "mat-khau-thu-1"}
    if remember:
        data["remember"] = "y"
    response = client.post("/dang-nhap", data=data, headers={"User-Agent": ANDROID})
    assert response.status_code == 302, response.text
    return client


def _refused_everywhere(app, cookies):
    """Each cookie alone, replayed in a fresh browser, gets 401 on the API and the login page."""
    for name, value in cookies.items():
        api = fresh_client(app, **{name: value}).get(SYNC)
        assert api.status_code == 401, f"{name} still opens the sync API"
        page = fresh_client(app, **{name: value}).get("/thon/")
        assert page.status_code == 302 and "/dang-nhap" in page.headers["Location"], name


def test_both_cookies_work_before_anything_ends(app, world):
    client = _sign_in(app, "tnv1")
    cookies = cookies_of(client)
    assert set(cookies) == {"session", "remember_token"}
    for name, value in cookies.items():
        assert fresh_client(app, **{name: value}).get(SYNC).status_code == 200, name


def test_remember_token_differs_at_each_sign_in(app, world):
    first = cookies_of(_sign_in(app, "tnv1"))["remember_token"]
    second = cookies_of(_sign_in(app, "tnv1"))["remember_token"]
    assert first != second
    assert str(world.vol1.id) != first.split("|")[0]  # the cookie no longer names the user


def test_logout_ends_the_old_cookies(app, world):
    client = _sign_in(app, "tnv1")
    cookies = cookies_of(client)
    assert client.post("/dang-xuat").status_code == 302
    _refused_everywhere(app, cookies)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "logout"))


def test_password_reset_ends_every_session_of_the_user(app, world):
    phone, laptop = _sign_in(app, "tnv1"), _sign_in(app, "tnv1", remember=False)
    old = [cookies_of(phone), cookies_of(laptop)]
    accounts.reset_password(world.officer, world.vol1, "mat-khau-moi-2")
    db.session.commit()
    for cookies in old:
        _refused_everywhere(app, cookies)


def test_staff_sign_out_of_one_device_leaves_the_others(app, world):
    phone, laptop = _sign_in(app, "tnv1"), _sign_in(app, "tnv1")
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == world.vol1.id))
    first = min(rows, key=lambda row: row.id)
    officer = _sign_in(app, "canbo")
    assert officer.post(f"/thiet-bi/phien/{first.token}/dang-xuat").status_code == 302
    _refused_everywhere(app, cookies_of(phone))
    assert laptop.get(SYNC).status_code == 200
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "device_sign_out" in actions


@pytest.mark.parametrize("change", ["lock", "role", "villages"])
def test_lock_or_role_or_village_change_ends_sessions(app, world, change):
    client = _sign_in(app, "tnv1")
    cookies = cookies_of(client)
    vol = world.vol1
    if change == "lock":
        accounts.set_user_active(world.officer, vol, False)
    elif change == "role":
        accounts.update_user(world.officer, vol, vol.full_name, None, "village_head", vol.villages)
    else:
        accounts.assign_villages(world.officer, vol, [world.thon1, world.thon2])
    db.session.commit()
    _refused_everywhere(app, cookies)


def test_a_name_change_keeps_the_session(app, world):
    client = _sign_in(app, "tnv1")
    accounts.update_user(world.officer, world.vol1, "Tên mới", None, "volunteer", [world.thon1])
    db.session.commit()
    assert client.get(SYNC).status_code == 200


def test_the_server_bounds_each_sign_in(app, world, clock):
    remembered, plain = _sign_in(app, "tnv1"), _sign_in(app, "tnv1", remember=False)
    clock.move(hours=13)  # past a working day: the sign-in without "Ghi nhớ" is over
    assert plain.get(SYNC).status_code == 401
    assert remembered.get(SYNC).status_code == 200
    clock.move(days=30)  # past the remember-me bound, whatever the cookie's own date says
    _refused_everywhere(app, cookies_of(remembered))


def test_last_seen_is_written_at_most_every_few_minutes(app, world, clock):
    client = _sign_in(app, "tnv1")
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.vol1.id))
    first_seen = row.last_seen_at
    clock.move(minutes=2)
    client.get(SYNC)
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == first_seen
    clock.move(minutes=4)
    client.get(SYNC)
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at > first_seen


def test_sign_in_rotates_the_session_and_its_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get("/dang-nhap")
    with client.session_transaction() as session:
        before = session["csrf_token"]
        session["planted"] = "giá trị cũ"
    page = client.get("/dang-nhap").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"username": "tnv1", "password": "mat-khau-thu-1", "csrf_token": token}
    assert client.post("/dang-nhap", data=data).status_code == 302
    client.get(SYNC)
    with client.session_transaction() as session:
        assert session["csrf_token"] != before
        assert "planted" not in session


def test_users_compare_by_person_not_by_sign_in(app, world):
    first, second = signed_in_secret(world.vol1), signed_in_secret(world.vol1)
    assert sessions.load(first) == sessions.load(second) == world.vol1
    assert world.vol1 != world.vol2


def test_sign_out_everywhere_ends_every_device_of_the_user(app, world):
    phone, laptop = _sign_in(app, "tnv1"), _sign_in(app, "tnv1")
    old = cookies_of(phone)
    assert laptop.post("/dang-xuat/moi-thiet-bi").status_code == 302
    _refused_everywhere(app, old)
    assert laptop.get(SYNC).status_code == 401
    assert _sign_in(app, "tnv1").get(SYNC).status_code == 200  # a new sign-in still works
