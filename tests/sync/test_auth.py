"""Signed-out phones get 401 JSON (never the login page); pushes need the CSRF header."""

import re

import pytest

from survey_app.extensions import db
from tests import builders
from tests.sync.conftest import PULL, PUSH, Phone, counts, update


@pytest.mark.parametrize(
    "method, url", [("get", "/api/sync/session"), ("get", PULL), ("post", PUSH)]
)
def test_signed_out_gets_401_json(app, world, method, url):
    response = getattr(Phone(app, None).client, method)(url, json={"changes": []})
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["error"] == "unauthenticated"
    assert "Location" not in response.headers


def test_session_expiry_keeps_nothing_half_done_then_sync_resumes(app, phone, world):
    vol = phone("tnv1")
    change = update(world.hh1.token, 1, dia_chi="Xóm 4")
    vol.client.post("/dang-xuat")  # the session ends while the phone is offline
    before = counts()
    response = vol.push(change, status=401)
    assert response.get_json()["message"].startswith("Phiên đăng nhập đã hết")
    assert counts() == before
    vol = phone("tnv1")  # signed in again: the queued change goes through
    assert vol.result(change)["status"] == "applied"


def test_deactivated_user_is_signed_out(phone, world):
    vol = phone("tnv1")
    world.vol1.active = False
    db.session.commit()
    assert vol.pull(status=401)["error"] == "unauthenticated"


def test_session_gives_user_villages_and_a_csrf_token(phone, world):
    info = phone("truongthon1").client.get("/api/sync/session").get_json()
    assert info["user"]["username"] == "truongthon1" and info["user"]["role"] == "village_head"
    assert info["villages"] == [
        {"token": world.thon1.token, "name": "Thôn 1", "commune": "Hoàng Kim"}
    ]
    assert info["csrf_token"] and info["limits"]["max_changes"] == 100


def test_push_needs_the_csrf_header(csrf_app):
    world = builders.World.create()
    phone = Phone(csrf_app, None)
    page = phone.client.get("/dang-nhap").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    login = {"username": "tnv1", "password": builders.PASSWORD, "csrf_token": form_token}
    assert phone.client.post("/dang-nhap", data=login).status_code == 302
    body = {"changes": [update(world.hh1.token, 1, dia_chi="Xóm 6")]}

    refused = phone.client.post(PUSH, json=body)
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf"
    wrong = phone.client.post(PUSH, json=body, headers={"X-CSRFToken": "nope"})
    assert wrong.status_code == 403
    assert db.session.get(type(world.hh1), world.hh1.id).version == 1

    token = phone.client.get("/api/sync/session").get_json()["csrf_token"]
    accepted = phone.client.post(PUSH, json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert accepted.get_json()["results"][0]["status"] == "applied"
    assert phone.client.get(PULL).status_code == 200  # reads need no token


def test_openapi_description_is_served_and_pages_keep_html_errors(client, world):
    spec = client.get("/api/openapi.json").get_json()
    assert {"/api/sync/session", "/api/sync/pull", "/api/sync/push"} <= set(spec["paths"])
    push = spec["paths"]["/api/sync/push"]["post"]
    assert "requestBody" in push and {"200", "401", "403", "413"} <= set(push["responses"])
    assert {"HouseholdOut", "MemberIn", "ChangeResult"} <= set(spec["components"]["schemas"])
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
