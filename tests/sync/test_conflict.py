"""Two volunteers edit one household: the second gets the server's version, chooses, resubmits."""

from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.history.models import household_version
from survey_app.sync.models import SyncChange
from tests.sync.conftest import counts, household, update


def test_conflict_then_merge_keeps_every_value(phone, world):
    vol, head = phone("tnv1"), phone("truongthon1")
    token = world.hh1.token
    # Both phones loaded version 1 while offline, then edited the same household.
    first = update(token, 1, dia_chi="Xóm Đông", cap_quang=True)
    second = update(token, 1, dia_chi="Xóm Tây", dien_khong_tien_mat=True)
    assert vol.result(first)["status"] == "applied"
    before = counts()

    conflict = head.result(second)
    assert conflict["status"] == "conflict" and conflict["code"] == 409
    assert (conflict["base_version"], conflict["version"]) == (1, 2)
    server = conflict["server"]
    assert (server["token"], server["version"], server["dia_chi"]) == (token, 2, "Xóm Đông")
    assert server["cap_quang"] is True and server["dien_khong_tien_mat"] is None
    assert [m["ho_ten"] for m in server["members"]] == ["Lê Văn Bình"]
    # Nothing was overwritten, and the refused change is kept with what was typed.
    saved = household(token)
    assert (saved.version, saved.dia_chi, saved.dien_khong_tien_mat) == (2, "Xóm Đông", None)
    kept = db.session.scalar(select(SyncChange).where(SyncChange.change_id == second["change_id"]))
    assert kept.status == "conflict" and kept.payload["data"]["dia_chi"] == "Xóm Tây"
    assert kept.user_id == world.head1.id
    _, _, audits, changes = counts()
    assert (audits, changes) == (before[2] + 1, before[3] + 1)  # the sync_conflict audit row
    # A replay of the refused change gets the same conflict answer, without a second record.
    assert head.result(second) == conflict
    assert counts() == (*before[:2], before[2] + 1, before[3] + 1)

    # The volunteer chose field by field: her address, the other's electricity answer.
    merged = update(token, conflict["version"], dia_chi="Xóm Tây", cap_quang=True)
    merged["data"]["dien_khong_tien_mat"] = True
    applied = head.result(merged)
    assert applied["status"] == "applied" and applied["version"] == 3
    saved = household(token)
    assert (saved.dia_chi, saved.cap_quang, saved.dien_khong_tien_mat) == ("Xóm Tây", True, True)

    # The earlier values are not lost: the history holds each step; the audit log each action.
    rows = db.session.scalars(
        select(AuditLog)
        .where(AuditLog.object_type == "household", AuditLog.object_key == token)
        .order_by(AuditLog.id)
    ).all()
    assert [row.action for row in rows] == ["update", "sync_conflict", "update"]
    assert rows[1].details["change_id"] == second["change_id"]
    v = household_version.c
    steps = db.session.execute(
        select(v.dia_chi, v.source).where(v.household_id == saved.id).order_by(v.version_id)
    ).all()
    assert [tuple(step) for step in steps][-3:] == [
        ("", "system"),
        ("Xóm Đông", "sync"),
        ("Xóm Tây", "sync"),
    ]


def test_conflict_with_the_page_form(phone, world, client, auth):
    """A save made on the household page also moves the version: the phone sees the conflict."""
    auth.login("truongthon1")
    form = {"version": "1", "consent": "y", "ma_ho": "HK-001", "chu_ho": "Lê Văn Bình"}
    form |= {"m-0-token": world.hh1.members[0].token, "m-0-ho_ten": "Lê Văn Bình"}
    form |= {"m-0-ngay_sinh": "1970", "m-0-gioi_tinh": "nam", "m-0-cu_tru": "co_mat"}
    assert client.post(f"/ho/{world.hh1.token}", data=form).status_code == 302
    result = phone("tnv1").result(update(world.hh1.token, 1, dia_chi="Xóm 9"))
    assert result["status"] == "conflict"
    assert result["server"]["members"][0]["ngay_sinh"] == "1970"
