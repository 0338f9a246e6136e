"""Pushing changes: create, update, replay exactly once, invalid and foreign changes, limits."""

from datetime import timedelta

from sqlalchemy import select

from household_forms import rules
from survey_app.extensions import db
from survey_app.households.models import Person
from survey_app.households.services import MA_HO_TAKEN
from survey_app.sync.models import SyncChange
from tests.sync.conftest import (
    PUSH,
    counts,
    create,
    household,
    member,
    new_id,
    new_token,
    update,
)


def test_create_keeps_the_phones_tokens(phone, world):
    vol = phone("tnv1")
    head_token, spouse_token = new_token(), new_token()
    members = [
        member("Đỗ Văn Hải", "05/03/1958", quan_he="Chủ hộ", token=head_token, dt_thong_minh=True),
        member("Lê Thị Hoa", "1962", "nu", token=spouse_token, vneid="muc_2"),
    ]
    change = create(world.thon1.token, "HK-901", members=members, so_dien_thoai="0912 345 678")
    result = vol.result(change)
    assert result == {
        "change_id": change["change_id"],
        "status": "applied",
        "code": 201,
        "kind": "create",
        "household": change["household"],
        "village": world.thon1.token,
        "version": 1,
        "members": [head_token, spouse_token],
    }
    saved = household(change["household"])
    assert (saved.ma_ho, saved.so_dien_thoai, saved.last_edited_by_id) == (
        "HK-901",
        "0912345678",
        world.vol1.id,
    )
    head, spouse = saved.members
    assert (head.ho_ten, head.birth_year_only, head.dt_thong_minh, head.ptt_an_toan) == (
        "Đỗ Văn Hải",
        False,
        True,
        None,
    )
    assert (spouse.birth_date.isoformat(), spouse.birth_year_only, spouse.vneid) == (
        "1962-07-01",
        True,
        "muc_2",
    )


def test_update_then_edit_a_member_added_offline(phone, world):
    vol = phone("tnv1")
    old = world.hh1.members[0].token
    new = new_token()
    members = [
        {**member("Lê Văn Bình", "02/01/1970"), "token": old},
        member("Lê Văn Cường", token=new),
    ]
    first = update(world.hh1.token, 1, members=members, cap_quang=True)
    # The phone edits the new member again before it ever synced: base_version = 1 + 1.
    second = update(world.hh1.token, 2, members=[members[0], {**members[1], "tk_thanh_toan": True}])
    results = vol.results(first, second)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert [r["version"] for r in results] == [2, 3]
    assert results[1]["members"] == [old, new]
    saved = household(world.hh1.token)
    assert saved.cap_quang is True and saved.version == 3
    assert [(p.token, p.tk_thanh_toan) for p in saved.members] == [(old, None), (new, True)]


def test_replay_answers_the_first_result_and_writes_nothing(phone, world):
    vol = phone("tnv1")
    change = create(world.thon1.token, "HK-902")
    first = vol.push(change)
    before = counts()
    # The response was lost after the commit: the phone sends the same change again.
    again = vol.push(change)
    assert again.get_data() == first.get_data()
    assert counts() == before
    # Even with other content, a change_id is applied once; its first answer stands.
    edited = {**change, "data": {**change["data"], "chu_ho": "Tên khác"}}
    assert vol.push(edited).get_data() == first.get_data()
    assert household(change["household"]).chu_ho == "Nguyễn Văn Tư"
    rows = db.session.scalars(select(SyncChange).where(SyncChange.change_id == change["change_id"]))
    assert len(rows.all()) == 1


def test_replayed_update_is_not_a_conflict(phone, world):
    vol = phone("tnv1")
    change = update(world.hh1.token, 1, dia_chi="Xóm 5")
    first = vol.push(change)
    assert vol.push(change).get_data() == first.get_data()
    assert household(world.hh1.token).version == 2


def test_a_change_id_of_another_user_is_refused(phone, world):
    change = create(world.thon1.token, "HK-903")
    phone("tnv1").push(change)
    head = phone("truongthon1")  # signing in writes its own audit row
    before = counts()
    result = head.result(change)
    assert result["status"] == "invalid" and "change_id" in result["errors"]
    assert counts() == before


def test_invalid_changes_write_nothing_and_others_still_apply(phone, world):
    vol = phone("tnv1")
    good = update(world.hh1.token, 1, dia_chi="Xóm 7")
    bad_birth = create(world.thon1.token, "HK-904", members=[member(ngay_sinh="31/02/1990")])
    no_consent = create(world.thon1.token, "HK-905", consent=False)
    taken_ma_ho = create(world.thon1.token, "hk-002")
    before = counts()
    results = vol.results(bad_birth, good, no_consent, taken_ma_ho)
    assert [r["status"] for r in results] == ["invalid", "applied", "invalid", "invalid"]
    assert results[0]["errors"] == {
        "data.members.0.ngay_sinh": [rules.BIRTH_MESSAGES["impossible"].format(text="31/02/1990")]
    }
    assert results[2]["errors"] == {"data.consent": ["Cần hộ đồng ý trước khi ghi thông tin."]}
    assert results[3]["errors"] == {"data.ma_ho": [MA_HO_TAKEN]}
    households, people, audits, changes = counts()
    # Only the good change wrote: one SyncChange, the household's audit row, nothing created.
    assert (households, people, changes) == (before[0], before[1], before[3] + 1)
    assert audits == before[2] + 1


def test_foreign_places_answer_not_found(phone, world):
    vol = phone("tnv1")
    before = counts()
    results = vol.results(
        update(world.hh2.token, 1, dia_chi="X"),  # Thôn 2: not hers
        update(world.hh_other.token, 1, dia_chi="X"),  # another commune
        create(world.thon2.token, "HK-906"),
        create(world.other_village.token, "TS-906"),
        update(new_token(), 1, dia_chi="X"),  # nobody's
    )
    assert [r["code"] for r in results] == [404] * 5
    assert results[0]["errors"] == {
        "household": ["Không tìm thấy hộ này trong các thôn bạn được giao."]
    }
    assert set(results[2]["errors"]) == {"village"}
    assert counts() == before
    # The commune officer may write anywhere in the commune, never in another one.
    officer = phone("canbo")
    statuses = [r["status"] for r in officer.results(
        update(world.hh2.token, 1, dia_chi="X"), update(world.hh_other.token, 1, dia_chi="X")
    )]  # fmt: skip
    assert statuses == ["applied", "not_found"]


def test_tokens_already_taken_are_refused(phone, world):
    vol = phone("tnv1")
    taken = world.hh2.members[0].token
    results = vol.results(
        create(world.thon1.token, "HK-907", token=world.hh_other.token),
        create(world.thon1.token, "HK-908", members=[member(token=taken)]),
        create(
            world.thon1.token, "HK-909", members=[member(token="a" * 22), member(token="a" * 22)]
        ),
        create(world.thon1.token, "HK-910", token="short"),
    )
    assert [r["status"] for r in results] == ["invalid"] * 4
    assert list(results[0]["errors"]) == ["household"]
    assert list(results[1]["errors"]) == ["data.members.0.token"]
    assert list(results[2]["errors"]) == ["data.members.1.token"]
    assert list(results[3]["errors"]) == ["household"]
    assert (
        db.session.scalar(select(Person).where(Person.token == taken)).household_id == world.hh2.id
    )


def test_envelope_errors_are_json_and_never_500(phone, world):
    client = phone("tnv1").client
    for body, status in [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"changes": {}}', 400),
        (b'{"changes": [], "extra": 1}', 400),
        (b"\xff\xfe\x00", 400),
        (b"[" * 100_000, 400),
        (b'"' + b"x" * 2_000_000 + b'"', 413),
    ]:
        response = client.post(PUSH, data=body, content_type="application/json")
        assert response.status_code == status, body[:20]
        assert response.is_json and response.get_json()["message"]
    response = client.post(PUSH, data="changes=1")
    assert response.status_code == 415 and response.is_json
    too_many = {"changes": [update(world.hh1.token, 1) for _ in range(101)]}
    response = client.post(PUSH, json=too_many)
    assert response.status_code == 413 and response.get_json()["error"] == "too_many_changes"
    assert client.post(PUSH, json={"changes": []}).get_json() == {"results": []}


def test_change_errors_name_each_field_in_vietnamese(phone, world):
    change = {
        "change_id": "not-a-uuid",
        "kind": "update",
        "household": world.hh1.token,
        "base_version": "1",
        "data": {"cap_quang": "yes", "members": [{"ho_ten": "", "gioi_tinh": "x"}], "zz": 1},
    }
    result = phone("tnv1").result(change)
    assert result["change_id"] is None and result["code"] == 422
    assert result["errors"] == {
        "change_id": ["Phải là một UUID, ví dụ 3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f."],
        "base_version": ["Phải là số nguyên."],
        "data.cap_quang": ["Chỉ nhận true, false hoặc null (chưa hỏi)."],
        "data.members.0.ho_ten": ["Vui lòng nhập họ và tên."],
        "data.members.0.ngay_sinh": ["Thiếu thông tin này."],
        "data.members.0.gioi_tinh": ["Giá trị không hợp lệ, chọn một trong: nam, nu"],
        "data.zz": ["Trường này không được hỗ trợ."],
    }


def test_results_keep_the_order_of_the_changes(phone, world):
    ids = [new_id() for _ in range(3)]
    changes = [update(world.hh1.token, 1 + i, dia_chi=f"Xóm {i}") for i in range(3)]
    for change, change_id in zip(changes, ids, strict=True):
        change["change_id"] = change_id
    results = phone("tnv1").results(*changes)
    assert [r["change_id"] for r in results] == ids
    assert [r["version"] for r in results] == [2, 3, 4]


def test_create_without_a_phone_token_gets_a_server_token(phone, world):
    change = create(world.thon1.token, "HK-911")
    del change["household"]
    result = phone("tnv1").result(change)
    assert result["status"] == "applied" and len(result["household"]) >= 16
    row = db.session.scalar(select(SyncChange).where(SyncChange.change_id == change["change_id"]))
    assert row.household_token == result["household"] and row.payload == change


def test_prune_forgets_old_changes_only(phone, world, app):
    old, recent = update(world.hh1.token, 1, dia_chi="A"), update(world.hh1.token, 2, dia_chi="B")
    phone("tnv1").push(old, recent)
    row = db.session.scalar(select(SyncChange).where(SyncChange.change_id == old["change_id"]))
    row.created_at -= timedelta(days=400)
    db.session.commit()
    outcome = app.test_cli_runner().invoke(args=["sync", "prune", "--days", "365"])
    assert outcome.exit_code == 0 and "Đã xóa 1" in outcome.output
    assert db.session.scalars(select(SyncChange.change_id)).all() == [recent["change_id"]]


def test_a_pushed_change_is_in_the_history_as_sync(phone, world):
    from survey_app.history.models import household_version

    result = phone("tnv1").result(update(world.hh1.token, world.hh1.version, cap_quang=True))
    assert result["status"] == "applied", result
    rows = db.session.execute(
        select(
            household_version.c.source,
            household_version.c.changed_by_id,
            household_version.c.cap_quang,
        )
        .where(household_version.c.household_id == world.hh1.id)
        .order_by(household_version.c.version_id)
    ).all()
    assert rows[-1] == ("sync", world.vol1.id, True)
