"""What a push tells about places the user cannot see: nothing a stranger's push would not."""

from survey_app.accounts.services import assign_villages
from survey_app.extensions import db
from survey_app.households.services import MA_HO_TAKEN
from tests.sync.conftest import create, update


def test_a_replay_after_losing_the_village_gets_nothing_back(phone, world):
    """A stored conflict holds the whole household: replaying it re-checks access."""
    vol = phone("tnv1")
    assert vol.result(update(world.hh1.token, 1, dia_chi="Xóm 1"))["status"] == "applied"
    stale = update(world.hh1.token, 1, dia_chi="Xóm 2")
    applied = update(world.hh1.token, 2, dia_chi="Xóm 3")
    conflict = vol.result(stale)
    assert conflict["status"] == "conflict" and conflict["server"]["chu_ho"] == "Lê Văn Bình"
    assert vol.result(applied)["status"] == "applied"

    assign_villages(world.officer, world.vol1, [world.thon2])  # moved to Thôn 2
    db.session.commit()
    vol = phone("tnv1")  # a village change ends her sessions: the phone signs in again
    for change in (stale, applied):
        replay = vol.result(change)
        assert replay["status"] == "not_found" and replay["code"] == 404
        assert set(replay) == {"change_id", "status", "code", "errors"}
        assert "Lê Văn Bình" not in str(replay) and world.thon1.token not in str(replay)

    assign_villages(world.officer, world.vol1, [world.thon1])  # given back: the answer stands
    db.session.commit()
    vol = phone("tnv1")
    assert vol.result(stale) == conflict


def test_a_code_of_another_village_is_refused_like_one_of_ones_own(phone, world):
    """hk-002 is in Thôn 2, which tnv1 cannot see; HK-001 is in her Thôn 1."""
    vol = phone("tnv1")
    elsewhere = vol.result(create(world.thon1.token, "hk-002"))
    own = vol.result(create(world.thon1.token, "hk-001"))
    renamed = vol.result(update(world.hh1.token, 1, ma_ho="HK-002"))
    for result in (elsewhere, own, renamed):
        assert (result["status"], result["code"]) == ("invalid", 422)
        assert result["errors"] == {"data.ma_ho": [MA_HO_TAKEN]}
        assert "Thôn 2" not in str(result) and world.hh2.token not in str(result)
