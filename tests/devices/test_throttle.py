"""Finding 3: failed sign-ins are throttled per account and per address (429, Vietnamese,
Retry-After), and a failed attempt is audited with the name as typed, never the password."""

import time

from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db

WRONG = "sai-mat-khau"


def _attempt(client, username, password=WRONG, address="10.0.0.1"):
    return client.post(
        "/dang-nhap",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_thirty_wrong_passwords_meet_429_and_the_right_one_waits(app, world):
    client = app.test_client()
    codes = [_attempt(client, "tnv1").status_code for _ in range(30)]
    assert 429 in codes[:29], codes
    assert codes.index(429) == 10  # ten failures allowed in the window, then refused
    refused = _attempt(client, "tnv1", "mat-khau-thu-1")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Đã thử đăng nhập sai quá nhiều lần" in refused.text
    assert app.test_client().get("/api/sync/session").status_code == 401


def test_the_account_stays_throttled_from_another_address(app, world):
    client = app.test_client()
    for _ in range(10):
        _attempt(client, "tnv1")
    assert _attempt(client, "TNV1 ", address="10.9.9.9").status_code == 429
    assert _attempt(client, "tnv2", "mat-khau-thu-1", address="10.9.9.9").status_code == 302


def test_one_address_guessing_many_accounts_is_throttled(app, world):
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "5 per 15 minutes"
    client = app.test_client()
    codes = [_attempt(client, f"nguoi{k}").status_code for k in range(6)]
    assert codes == [200] * 5 + [429]
    assert _attempt(client, "tnv1", "mat-khau-thu-1", address="10.0.0.2").status_code == 302


def test_successful_sign_ins_do_not_count(app, world):
    client = app.test_client()
    for _ in range(12):
        assert _attempt(client, "tnv1", "mat-khau-thu-1").status_code == 302
        client.post("/dang-xuat")


def test_the_window_passes(app, world):
    app.config["SIGNIN_LIMIT_PER_ACCOUNT"] = "2 per 2 seconds"
    client = app.test_client()
    assert [_attempt(client, "tnv1").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(2.2)
    assert _attempt(client, "tnv1", "mat-khau-thu-1").status_code == 302


def test_a_failed_sign_in_is_audited_without_the_password(app, world):
    _attempt(app.test_client(), " Không-có-ai ", "bi-mat-123")
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "login_failed"))
    assert row.details == {"username": " Không-có-ai "} and row.user_id is None
    assert "bi-mat-123" not in str(row.details)


def test_guessing_sign_in_qr_links_is_throttled_per_address(app, world):
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    codes = [client.post(f"/dang-nhap/qr/doan-bua-{k}").status_code for k in range(4)]
    assert codes == [410, 410, 410, 429]
