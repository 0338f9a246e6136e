"""Build 1: a sign-in QR for one volunteer, issued by staff or their village head: used once,
within 15 minutes, unless revoked; it signs the phone in for that volunteer's villages only."""

import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.devices import signin_codes
from survey_app.devices.models import SignInCode, UserSession
from survey_app.extensions import db
from tests.devices.support import ANDROID


def _as(app, username):
    client = app.test_client()
    data = {"username": username, "password": "mat-khau-thu-1"}
    assert client.post("/dang-nhap", data=data).status_code == 302
    return client


def _issue(staff_client, username="tnv1") -> str:
    """Issue a code as ``staff_client``; the link decoded from the QR's PNG."""
    response = staff_client.post(f"/thiet-bi/{username}/ma-qr")
    assert response.status_code == 302, response.status_code
    page = staff_client.get(response.headers["Location"])
    png_url = page.text.split('<img src="')[1].split('"')[0]
    png = staff_client.get(png_url)
    assert png.mimetype == "image/png" and png.headers["Cache-Control"] == "no-store"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert len(found) == 1
    return found[0].text


def _path(url: str) -> str:
    return url.split("localhost", 1)[1]


def _scan_and_sign_in(app, url):
    phone = app.test_client()
    landing = phone.get(_path(url), headers={"User-Agent": ANDROID})
    response = phone.post(_path(url), headers={"User-Agent": ANDROID})
    return phone, landing, response


def test_officer_issues_a_qr_that_signs_the_volunteer_in_once(app, world):
    url = _issue(_as(app, "canbo"))
    assert "/dang-nhap/qr/" in url
    phone, landing, response = _scan_and_sign_in(app, url)
    assert landing.status_code == 200 and world.vol1.display_name in landing.text
    assert response.status_code == 302 and response.headers["Location"].endswith("/thon/")
    assert phone.get("/api/sync/session").json["user"]["username"] == "tnv1"
    again = app.test_client().post(_path(url))
    assert again.status_code == 410 and "không dùng được nữa" in again.text
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"signin_qr_issue", "signin_qr_use", "login"} <= actions


def test_the_phone_sees_only_the_volunteers_villages(app, world):
    phone, _, _ = _scan_and_sign_in(app, _issue(_as(app, "canbo")))
    assert phone.get(f"/thon/{world.thon1.token}/").status_code == 200
    assert phone.get(f"/thon/{world.thon2.token}/").status_code == 404
    villages = [v["name"] for v in phone.get("/api/sync/session").json["villages"]]
    assert villages == ["Thôn 1"]


def test_an_expired_code_is_refused(app, world, clock):
    url = _issue(_as(app, "canbo"))
    clock.move(minutes=15, seconds=1)
    phone, landing, response = _scan_and_sign_in(app, url)
    assert landing.status_code == 410 and response.status_code == 410
    assert phone.get("/api/sync/session").status_code == 401


def test_a_revoked_code_is_refused(app, world):
    officer = _as(app, "canbo")
    url = _issue(officer)
    code = db.session.scalar(select(SignInCode))
    assert officer.post(f"/thiet-bi/ma-qr/{code.token}/thu-hoi").status_code == 302
    phone, _, response = _scan_and_sign_in(app, url)
    assert response.status_code == 410 and phone.get("/api/sync/session").status_code == 401
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "signin_qr_revoke"))


def test_a_new_code_revokes_the_unused_one(app, world):
    officer = _as(app, "canbo")
    first, second = _issue(officer), _issue(officer)
    assert _scan_and_sign_in(app, first)[2].status_code == 410
    assert _scan_and_sign_in(app, second)[2].status_code == 302


def test_a_village_head_issues_only_for_volunteers_of_their_villages(app, world):
    head = _as(app, "truongthon1")
    assert "/dang-nhap/qr/" in _issue(head, "tnv1")
    assert head.post("/thiet-bi/tnv2/ma-qr").status_code == 404  # Thôn 2's volunteer
    assert head.post("/thiet-bi/canbo/ma-qr").status_code == 404
    assert _as(app, "canbo2").post("/thiet-bi/tnv1/ma-qr").status_code == 404  # other commune
    assert _as(app, "tnv1").post("/thiet-bi/tnv1/ma-qr").status_code == 403


def test_a_code_of_a_volunteer_moved_out_of_the_heads_village_is_refused(app, world):
    from survey_app.accounts import services as accounts

    url = _issue(_as(app, "truongthon1"))
    accounts.assign_villages(world.officer, world.vol1, [world.thon2])
    db.session.commit()
    assert _scan_and_sign_in(app, url)[2].status_code == 410


def test_the_secret_is_long_and_stored_hashed(app, world):
    url = _issue(_as(app, "canbo"))
    secret = url.rsplit("/", 1)[1]
    assert len(secret) >= 43  # 256 bits in URL-safe base64 (at least 128 asked)
    code = db.session.scalar(select(SignInCode))
    stored = [str(value) for value in code.__dict__.values()]
    assert not any(secret in value for value in stored)
    assert signin_codes.find(secret).id == code.id


def test_staff_see_the_device_and_sign_it_out(app, world):
    phone, _, _ = _scan_and_sign_in(app, _issue(_as(app, "canbo")))
    officer = _as(app, "canbo")
    page = officer.get("/thiet-bi")
    assert 'device-name">SM-A105F (Android 10) · QR' in page.text and "Thôn 1" in page.text
    device = db.session.scalar(select(UserSession).where(UserSession.via == "qr"))
    assert officer.post(f"/thiet-bi/phien/{device.token}/dang-xuat").status_code == 302
    assert phone.get("/api/sync/session").status_code == 401
    assert 'device-name">SM-A105F' not in officer.get("/thiet-bi").text


def test_the_devices_page_lists_the_people_one_looks_after(app, world):
    head = _as(app, "truongthon1").get("/thiet-bi").text
    assert 'id="u-tnv1"' in head
    assert 'id="u-tnv2"' not in head and 'id="u-truongthon1"' not in head
    officer = _as(app, "canbo").get("/thiet-bi").text
    assert all(f'id="u-{name}"' in officer for name in ("tnv1", "tnv2", "truongthon1"))
    assert 'id="u-canbo2"' not in officer
