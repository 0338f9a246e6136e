"""Door plates on both engines: issuing, renewing and revoking (audited, household untouched),
what a scanned /h/<token> opens for whom, and the phone's offline map."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.plates import services
from survey_app.plates.models import DoorPlate
from tests.plates.support import populate


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(DoorPlate).where(*where))


def _actions() -> list[str]:
    stmt = select(AuditLog.action).where(AuditLog.action.like("plate%")).order_by(AuditLog.id)
    return list(db.session.scalars(stmt))


def test_printing_issues_one_plate_per_household_and_leaves_households_alone(app, world):
    households = [world.hh1, *populate(world.thon1, 4)]
    before = {h.id: (h.version, h.updated_at) for h in households}
    plates = services.issue_missing(world.head1, world.thon1)
    db.session.commit()
    assert len(plates) == 5 and _count() == 5
    assert services.issue_missing(world.head1, world.thon1) == []  # a second print: no new ones
    db.session.expire_all()
    assert {h.id: (h.version, h.updated_at) for h in households} == before
    tokens = {p.token for p in plates}
    assert len(tokens) == 5 and not tokens & {h.token for h in households}
    assert all(len(t) >= 22 for t in tokens)  # 16 random bytes, URL-safe
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "plates_issue"))
    assert entry.user_id == world.head1.id and entry.object_key == world.thon1.token
    assert entry.details["count"] == 5 and sorted(entry.details["households"]) == sorted(
        h.token for h in households
    )
    assert _count(DoorPlate.household_id == world.hh2.id) == 0  # other thôn: not printed


def test_renew_and_revoke(app, world):
    first = services.plate_for(world.officer, world.hh1)
    db.session.commit()
    version = world.hh1.version
    second = services.renew(world.officer, world.hh1)
    db.session.commit()
    assert first.revoked_at is not None and first.revoked_by_id == world.officer.id
    assert second.active and second.token != first.token
    assert services.household_for_token(first.token) is None
    assert services.household_for_token(second.token) == world.hh1
    assert services.revoke(world.officer, world.hh1) is second
    db.session.commit()
    assert services.household_for_token(second.token) is None
    assert services.revoke(world.officer, world.hh1) is None  # nothing left to revoke
    assert world.hh1.version == version
    assert _actions() == ["plate_issue", "plate_revoke", "plate_renew", "plate_revoke"]


def test_the_database_allows_one_active_plate_per_household(app, world):
    services.plate_for(None, world.hh1)
    db.session.commit()
    db.session.add(DoorPlate(household_id=world.hh1.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    services.revoke(None, world.hh1)
    services.plate_for(None, world.hh1)  # after a revoke a new active one is fine
    db.session.commit()
    assert _count() == 2 and _count(DoorPlate.revoked_at.is_(None)) == 1


def _plate(world, household=None) -> str:
    plate = services.plate_for(world.head1, household or world.hh1)
    db.session.commit()
    return plate.token


def test_scanned_plate_signed_out_goes_through_sign_in_to_the_household(app, world, client):
    token = _plate(world)
    response = client.get(f"/h/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dang-nhap?next=%2Fh%2F{token}"
    response = client.post(
        f"/dang-nhap?next=/h/{token}", data={"username": "tnv1", "password": "mat-khau-thu-1"}
    )
    assert response.headers["Location"] == f"/h/{token}"
    response = client.get(f"/h/{token}")
    assert response.headers["Location"] == f"/ho/{world.hh1.token}"
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("case", ["other_village", "revoked", "unknown", "other_commune"])
def test_not_allowed_revoked_or_unknown_plates_get_the_plain_404(app, world, client, auth, case):
    token = _plate(world)
    if case == "revoked":
        services.revoke(world.head1, world.hh1)
        db.session.commit()
    elif case == "unknown":
        token = "x" * 22
    elif case == "other_commune":
        token = _plate(world, world.hh_other)
    auth.login("tnv2" if case == "other_village" else "tnv1")
    response = client.get(f"/h/{token}")
    plain = client.get("/khong-co-trang-nay")
    assert response.status_code == plain.status_code == 404
    assert response.data == plain.data
    assert world.hh1.token.encode() not in response.data


def test_public_base_url_setting_and_default(app, world, client, auth):
    token = _plate(world)
    auth.login("truongthon1")
    html = client.get(f"/thon/{world.thon1.token}/bien-so").get_data(as_text=True)
    assert "http://localhost/h/…" in html  # the host the sheet was printed from
    app.config["PUBLIC_BASE_URL"] = "https://khaosat.example.vn/"
    with app.test_request_context():
        assert services.plate_url(token) == f"https://khaosat.example.vn/h/{token}"
    app.config["PUBLIC_BASE_URL"] = None
    assert services.plate_url(token) == f"http://localhost:8000/h/{token}"  # CLI: no request


def test_print_view_lists_every_household_once(app, world, client, auth):
    households = [world.hh1, *populate(world.thon1, 25)]
    auth.login("canbo")
    html = client.get(f"/thon/{world.thon1.token}/bien-so").get_data(as_text=True)
    assert html.count('<td class="label">') == 26 and html.count('<table class="sheet">') == 2
    for household in households:
        assert html.count(f">{household.ma_ho}</b>") == 1
    assert html.count("Quét mã để mở phiếu của hộ") == 26
    assert "Tải bản PDF để in" in html


def test_household_plate_page_renews_and_revokes(app, world, client, auth):
    token = _plate(world)
    auth.login("truongthon1")
    page = client.get(f"/ho/{world.hh1.token}/bien-so").get_data(as_text=True)
    assert "Cấp biển mới" in page and "Thu hồi biển" in page and 'class="qr"' in page
    response = client.post(f"/ho/{world.hh1.token}/bien-so/cap-moi", follow_redirects=True)
    assert "Đã cấp biển mới cho hộ HK-001" in response.get_data(as_text=True)
    assert services.household_for_token(token) is None
    new = services.active_plate(world.hh1.id).token
    response = client.post(f"/ho/{world.hh1.token}/bien-so/thu-hoi", follow_redirects=True)
    assert "Đã thu hồi biển của hộ HK-001" in response.get_data(as_text=True)
    assert services.household_for_token(new) is None
    assert "chưa có biển nào đang dùng" in client.get(f"/ho/{world.hh1.token}/bien-so").get_data(
        as_text=True
    )


def test_volunteers_cannot_print_or_revoke(app, world, client, auth):
    _plate(world)
    auth.login("tnv1")
    assert client.get(f"/thon/{world.thon1.token}/bien-so").status_code == 403
    assert client.post(f"/ho/{world.hh1.token}/bien-so/thu-hoi").status_code == 403
    assert _count(DoorPlate.revoked_at.is_(None)) == 1


def test_offline_map_holds_the_users_plates_only(app, world, client, auth):
    assert client.get("/api/sync/plates").status_code == 401
    mine, theirs = _plate(world), _plate(world, world.hh2)
    revoked = services.renew(None, world.hh1)  # the first plate of hh1 is now revoked
    db.session.commit()
    auth.login("tnv1")
    response = client.get("/api/sync/plates")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {revoked.token: world.hh1.token}
    assert mine not in response.get_json() and theirs not in response.get_json()
    again = client.get("/api/sync/plates", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    auth.logout()
    auth.login("canbo")
    assert set(client.get("/api/sync/plates").get_json().values()) == {
        world.hh1.token,
        world.hh2.token,
    }
