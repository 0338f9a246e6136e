"""The audit log page: a commune's rows only, Vietnamese words, filters, pages, CSV, read only."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from aggregation.documents.csv import SafeWriter, spreadsheet_safe
from survey_app import audit
from survey_app.audit import AuditLog
from survey_app.auditing import labels
from survey_app.extensions import db

URL = "/quan-ly/nhat-ky/"


def _row(user, action, obj_type, key, at=None, **details):
    entry = audit.record(user, action, obj_type, key, **details)
    if at is not None:
        entry.at = at
    return entry


@pytest.fixture
def logged(world):
    """Rows of xã Hoàng Kim (by its users or about its things) and of xã Thúy Sơn."""
    _row(world.officer, "rename", "village", world.thon1.token, name="HK-doi-ten")
    _row(world.admin, "update", "household", world.hh1.token, name="HK-admin-sua")
    _row(None, "login_failed", "user", str(world.vol1.id), username="HK-sai-mat-khau")
    _row(None, "login_failed", "user", "tnv2", reason="HK-theo-ten")
    _row(None, "login_failed", "user", "canbo2", reason="TS-theo-ten")
    _row(world.other_officer, "rename", "village", world.other_village.token, name="TS-doi-ten")
    _row(world.admin, "update", "household", world.hh_other.token, name="TS-admin-sua")
    db.session.commit()
    return world


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_officer_sees_own_commune_rows_only(client, auth, logged):
    auth.login("canbo")
    page = _text(client.get(URL))
    assert "HK-doi-ten" in page and "HK-admin-sua" in page and "HK-sai-mat-khau" in page
    assert "HK-theo-ten" in page
    assert "TS-doi-ten" not in page and "TS-admin-sua" not in page and "TS-theo-ten" not in page
    assert "Đổi tên" in page and "Đăng nhập sai" in page  # words, not codes


def test_admin_picks_a_commune(client, auth, logged):
    auth.login("admin")
    picker = _text(client.get(URL))
    assert "Chọn xã" in picker and logged.other_commune.token in picker
    page = _text(client.get(URL, query_string={"xa": logged.other_commune.token}))
    assert "TS-doi-ten" in page and "HK-doi-ten" not in page


def test_actions_in_words_and_unknown_ones_as_their_code(client, auth, world):
    _row(world.officer, "export", "commune", world.commune.token, full_data=True, format="xlsx")
    _row(world.officer, "hanh_dong_moi", "commune", world.commune.token)
    db.session.commit()
    auth.login("canbo")
    page = _text(client.get(URL))
    assert "Xuất danh sách" in page and "ĐẦY ĐỦ số điện thoại" in page
    assert "hanh_dong_moi" in page
    assert labels.action_label("hanh_dong_moi") == "hanh_dong_moi"


def test_role_and_village_changes_are_spelled_out(client, auth, world):
    old = {"role": "volunteer", "villages": ["Thôn 1"]}
    new = {"role": "village_head", "villages": ["Thôn 1", "Thôn 2"]}
    _row(world.officer, "update", "user", str(world.vol1.id), username="tnv1", old=old, new=new)
    db.session.commit()
    auth.login("canbo")
    page = _text(client.get(URL))
    assert "vai trò: Thành viên Tổ công nghệ số → Trưởng thôn" in page
    assert "thôn: Thôn 1 → Thôn 1, Thôn 2" in page


def test_filters_by_person_action_and_vietnam_dates(client, auth, world):
    # 23:30 UTC on 9 March is already 10 March in Vietnam.
    _row(
        world.officer,
        "rename",
        "village",
        world.thon1.token,
        datetime(2026, 3, 9, 23, 30),
        name="A",
    )
    _row(world.vol1, "visit", "household", world.hh1.token, datetime(2026, 3, 10, 5), name="B")
    _row(world.officer, "merge", "village", world.thon2.token, datetime(2026, 3, 12), name="C")
    db.session.commit()
    auth.login("canbo")

    def names(**args):
        rows = client.get(URL, query_string=args)
        return {n for n in "ABC" if f"tên: {n}<" in _text(rows) or f"tên: {n}\n" in _text(rows)}

    assert names() == {"A", "B", "C"}
    assert names(nguoi=str(world.officer.id)) == {"A", "C"}
    assert names(hanh_dong="merge") == {"C"}
    assert names(tu="2026-03-10", den="2026-03-10") == {"A", "B"}
    assert names(tu="2026-03-11") == {"C"}


def test_a_backwards_date_range_is_refused_in_vietnamese(client, auth, logged):
    auth.login("canbo")
    response = client.get(URL, query_string={"tu": "2026-03-10", "den": "2026-03-01"})
    assert response.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu." in _text(response)


def test_paged_fifty_rows_a_page(client, auth, world):
    for n in range(120):
        at = datetime(2026, 1, 1, n // 60, n % 60)
        _row(world.officer, "update", "village", world.thon1.token, at=at)
    db.session.commit()
    auth.login("canbo")  # may itself be logged: filter on the rows made here
    only = {"hanh_dong": "update"}
    first = _text(client.get(URL, query_string=only))
    last = _text(client.get(URL, query_string={**only, "page": 3}))
    assert first.count('<li class="card">') == 50 and "Trang 1/3" in first
    assert last.count('<li class="card">') == 20 and "Trang 3/3" in last


def test_csv_has_the_filtered_rows_with_formula_cells_neutralised(client, auth, world):
    world.officer.full_name = "@SUM(A1)"  # a name a spreadsheet would run
    _row(world.officer, "rename", "village", "-2+3", name="Gộp")
    _row(world.officer, "merge", "village", world.thon2.token, name="Gộp")
    db.session.commit()
    auth.login("canbo")
    response = client.get(URL + "nhat-ky.csv", query_string={"hanh_dong": "rename"})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Thời gian" and len(rows) == 2
    assert rows[1][1:5] == ["'@SUM(A1) (canbo)", "Đổi tên", "Thôn", "'-2+3"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_quotes_every_formula_start(start):
    """The audit log's CSV goes through the exports' one guard (aggregation/documents/csv.py)."""
    assert spreadsheet_safe(start + "1+1") == "'" + start + "1+1"
    assert spreadsheet_safe("1" + start) == "1" + start
    out = io.StringIO()
    SafeWriter(out).writerow([None, "x"])
    assert out.getvalue() == ",x\r\n"  # an empty cell stays empty


def test_no_request_changes_or_deletes_audit_rows(client, auth, app, logged):
    auth.login("canbo")
    before = [(r.id, r.action, r.details) for r in db.session.scalars(select(AuditLog))]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("auditing.")]
    assert rules
    for rule in rules:
        assert "POST" not in rule.methods
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.open(rule.rule, method=method).status_code == 405
    db.session.expire_all()
    after = [(r.id, r.action, r.details) for r in db.session.scalars(select(AuditLog))]
    assert after == before


def test_no_post_anywhere_changes_or_deletes_an_existing_audit_row(app, logged):
    """Every POST rule of the app, posted as admin and as the officer: old rows stay as they are."""
    from tests.test_access_walk import EXPECTED, Walk

    walk = Walk(app, logged)
    before = {
        r.id: (r.action, r.object_key, r.details) for r in db.session.scalars(select(AuditLog))
    }
    posted = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint not in EXPECTED:
            continue
        for role in ("admin", "officer"):
            walk.client(role).post(walk.url(rule, EXPECTED[rule.endpoint]))
            posted += 1
    db.session.rollback()
    after = {
        r.id: (r.action, r.object_key, r.details) for r in db.session.scalars(select(AuditLog))
    }
    assert posted > 20
    assert {key: after.get(key) for key in before} == before
