"""Pulling: each user gets exactly their villages' households, and a cursor never loses a change."""

import gzip
import json

import pytest
from sqlalchemy import update as sql_update

from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.households.services import save_household
from tests import builders
from tests.sync.conftest import PULL, create, update


@pytest.mark.parametrize(
    "username, villages, households",
    [
        ("tnv1", ["Thôn 1"], ["HK-001"]),
        ("tnv2", ["Thôn 2"], ["HK-002"]),
        ("truongthon1", ["Thôn 1"], ["HK-001"]),
        ("canbo", ["Thôn 1", "Thôn 2"], ["HK-001", "HK-002"]),
        ("canbo2", ["Thôn Đông"], ["TS-001"]),
        ("admin", ["Thôn 1", "Thôn 2", "Thôn Đông"], ["HK-001", "HK-002", "TS-001"]),
    ],
)
def test_each_user_gets_only_their_villages(phone, world, username, villages, households):
    page = phone(username).pull()
    assert sorted(v["name"] for v in page["villages"]) == villages
    assert sorted(h["ma_ho"] for h in page["households"]) == households
    assert len(page["reset"]) == len(villages) and page["more"] is False
    tokens = {v["token"] for v in page["villages"]}
    assert all(h["village"] in tokens for h in page["households"])


def test_pulled_household_has_what_the_phone_needs(phone, world):
    household = phone("tnv2").pull()["households"][0]
    assert household["token"] == world.hh2.token and household["village"] == world.thon2.token
    assert household["version"] == 1 and household["updated_at"].endswith("Z")
    assert household["members"] == [
        {
            "token": world.hh2.members[0].token,
            "ho_ten": "Trần Thị Cúc",
            "ngay_sinh": "1975",  # only the year known: shown and sent back as typed
            "gioi_tinh": "nu",
            "quan_he": "",
            "cu_tru": "co_mat",
            "vneid": None,
            "khong_ap_dung": [],
            **dict.fromkeys(
                ["dt_thong_minh", "ptt_an_toan", "tk_thanh_toan", "chu_ky_so", "ky_nang_so"]
                + ["dvc_truc_tuyen", "ho_so_suc_khoe", "kham_tu_xa"]
            ),
        }
    ]


def test_cursor_returns_each_change_once(phone, world):
    vol = phone("tnv1")
    first = vol.pull()
    assert [h["ma_ho"] for h in first["households"]] == ["HK-001"]
    quiet = vol.pull(first["cursor"])
    assert (quiet["households"], quiet["removed"], quiet["reset"]) == ([], [], [])
    # A push, a page-form-like save and a bulk update (as imports do) all show up once.
    new = create(world.thon1.token, "HK-950")
    vol.push(new, update(world.hh1.token, 1, dia_chi="Xóm 1"))
    changed = vol.pull(quiet["cursor"])
    assert sorted(h["ma_ho"] for h in changed["households"]) == ["HK-001", "HK-950"]
    save_household(world.head1, db.session.get(Household, world.hh1.id), {"dia_chi": "Xóm 2"}, 2)
    db.session.commit()
    again = vol.pull(changed["cursor"])
    assert [(h["ma_ho"], h["version"], h["dia_chi"]) for h in again["households"]] == [
        ("HK-001", 3, "Xóm 2")
    ]
    _bulk_bump(world.hh1.id, chu_ho="Lê Văn Bình (nhập lại)")
    last = vol.pull(again["cursor"])
    assert [h["chu_ho"] for h in last["households"]] == ["Lê Văn Bình (nhập lại)"]
    assert vol.pull(last["cursor"])["households"] == []


def _bulk_bump(household_id: int, **values):
    """What an import or a village merge does: a Core UPDATE that moves the version on."""
    db.session.execute(
        sql_update(Household)
        .where(Household.id == household_id)
        .values(version=Household.version + 1, **values)
    )
    db.session.commit()


def test_pages_cover_everything_once(phone, world):
    for number in range(7):
        builders.make_household(world.thon1, f"HK-1{number:02d}")
    db.session.commit()
    households, removed, cursor, pages = phone("tnv1").pull_all(limit=3)
    assert pages == 3 and len(households) == 8 and removed == []
    assert phone("tnv1").pull(cursor)["households"] == []


def test_officer_pages_across_villages(phone, world):
    for number in range(4):
        builders.make_household(world.thon2, f"HK-2{number:02d}")
    db.session.commit()
    households, _, cursor, pages = phone("canbo").pull_all(limit=2)
    assert (pages, len(households)) == (3, 6)
    officer = phone("canbo")
    officer.push(update(world.hh2.token, 1, dia_chi="Xóm 3"))
    assert [h["ma_ho"] for h in officer.pull(cursor)["households"]] == ["HK-002"]


def test_change_committed_during_a_pull_is_not_missed(app, phone, world, wipe):
    """A writer whose transaction is still open while a phone pulls must reach the next pull."""
    vol = phone("tnv1")
    cursor = vol.pull()["cursor"]
    with db.engine.connect() as other:
        other.execute(
            sql_update(Household)
            .where(Household.id == world.hh1.id)
            .values(chu_ho="Ghi lúc đang tải", version=Household.version + 1)
        )  # not committed yet
        during = vol.pull(cursor)
        assert during["households"] == []
        other.commit()
    after = vol.pull(during["cursor"])
    assert [h["chu_ho"] for h in after["households"]] == ["Ghi lúc đang tải"]


def test_deleted_and_moved_households_are_removed(phone, world):
    vol, officer = phone("tnv1"), phone("canbo")
    extra = builders.make_household(world.thon1, "HK-300")
    db.session.commit()
    vol_cursor = vol.pull()["cursor"]
    officer_cursor = officer.pull_all()[2]
    db.session.delete(db.session.get(Household, extra.id))
    db.session.commit()
    _bulk_bump(world.hh1.id, village_id=world.thon2.id)  # moved to Thôn 2
    page = vol.pull(vol_cursor)
    assert page["households"] == [] and page["removed"] == sorted([extra.token, world.hh1.token])
    assert vol.pull(page["cursor"])["removed"] == []
    # The officer sees both villages: the moved household is updated, not removed.
    page = officer.pull(officer_cursor)
    assert page["removed"] == [extra.token]
    assert [(h["token"], h["village"]) for h in page["households"]] == [
        (world.hh1.token, world.thon2.token)
    ]


def test_village_filter_and_foreign_village(phone, world):
    officer = phone("canbo")
    page = officer.pull(village=world.thon2.token)
    assert [h["ma_ho"] for h in page["households"]] == ["HK-002"]
    error = officer.pull(village=world.other_village.token, status=404)
    assert error["error"] == "not_found" and error["message"]


def test_bad_cursor_and_limit_are_422(phone, world):
    vol = phone("tnv1")
    assert vol.pull("forged.cursor", status=422)["errors"] == {"since": ["Con trỏ không hợp lệ."]}
    assert set(vol.pull(limit=0, status=422)["errors"]) == {"limit"}
    assert set(vol.pull(limit="many", status=422)["errors"]) == {"limit"}


def test_cursor_from_another_database_starts_over(app, phone, world):
    """A cursor ahead of the server (a restored backup): the village is sent again from scratch."""
    from survey_app.sync.feed import encode_cursor

    vol = phone("tnv1")
    page = vol.pull(encode_cursor(app.secret_key, {world.thon1.id: 10**9}))
    assert page["reset"] == [world.thon1.token]
    assert [h["ma_ho"] for h in page["households"]] == ["HK-001"]


def test_pages_are_gzipped_when_the_phone_accepts_it(phone, world):
    for number in range(5):
        builders.make_household(world.thon1, f"HK-4{number:02d}")
    db.session.commit()
    response = phone("tnv1").client.get(PULL, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.content_encoding == "gzip" and response.headers["Cache-Control"] == "no-store"
    page = json.loads(gzip.decompress(response.get_data()))
    assert len(page["households"]) == 6


def test_a_removed_household_leaves_the_phones_and_comes_back_when_restored(phone, world):
    from survey_app.households import removal

    vol = phone("tnv1")
    cursor = vol.pull()["cursor"]
    removal.remove_household(world.officer, world.hh1, "Hộ mẫu nhập nhầm")
    db.session.commit()
    page = vol.pull(cursor)
    assert page["households"] == [] and page["removed"] == [world.hh1.token]
    # an edit from a phone that had not pulled yet: the household is gone, not overwritten
    [result] = vol.results(update(world.hh1.token, 1, dia_chi="X"))
    assert result["status"] == "not_found"
    db.session.expire_all()
    assert world.hh1.dia_chi != "X"
    removal.restore_household(world.officer, world.hh1)
    db.session.commit()
    page = vol.pull(page["cursor"])
    assert [h["token"] for h in page["households"]] == [world.hh1.token]
    assert len(page["households"][0]["members"]) == 1
