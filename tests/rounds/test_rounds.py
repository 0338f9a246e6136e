"""Survey rounds: carried-forward answers marked and confirmed with one tap (page and phone),
figures counting only confirmed answers against a count by hand, sign-off and reopening."""

import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from aggregation import compute
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.rounds import services
from survey_app.rounds.models import SurveyRound
from survey_app.timeutil import vn_today
from tests import builders
from tests.sync.conftest import PUSH, member, update

SET = "thanh-hoa-1829"


@pytest.fixture
def survey_round(client, auth, world):
    auth.login("canbo")
    today = vn_today()
    response = client.post(
        f"/bao-cao/xa/{world.commune.token}/dot-khao-sat",
        data={"name": "Đợt khảo sát năm 2026", "starts_on": today.isoformat(),
              "ends_on": (today + timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302, response.text
    auth.logout()
    return db.session.scalars(select(SurveyRound)).one()


def household_page(client, household) -> str:
    return re.sub(r"\s+", " ", client.get(f"/ho/{household.token}").get_data(as_text=True))


def test_carried_forward_answers_are_marked_and_one_tap_confirms(client, auth, world, survey_round):
    auth.login("tnv1")
    page = household_page(client, world.hh1)
    assert "chưa xác nhận lại" in page and "Lê Văn Bình: Không đổi" in page
    person = world.hh1.members[0]
    data = {
        "version": world.hh1.version, "consent": "y", "ma_ho": "HK-001", "chu_ho": "Lê Văn Bình",
        "m-0-token": person.token, "m-0-ho_ten": "Lê Văn Bình", "m-0-ngay_sinh": "02/01/1970",
        "m-0-gioi_tinh": "nam", "m-0-cu_tru": "co_mat", "m-0-xac_nhan": "1", "xac_nhan": "1",
    }  # fmt: skip
    assert client.post(f"/ho/{world.hh1.token}", data=data).status_code == 302
    db.session.expire_all()
    assert person.confirmed_at >= survey_round.since
    assert world.hh1.confirmed_at >= survey_round.since
    assert "chưa xác nhận lại" not in household_page(client, world.hh1)


def test_a_phone_confirms_offline_through_sync(client, auth, world, survey_round):
    auth.login("tnv1")
    person = world.hh1.members[0]
    row = member("Lê Văn Bình", "02/01/1970", token=person.token, xac_nhan=True)
    change = update(world.hh1.token, world.hh1.version, members=[row])
    response = client.post(PUSH, json={"changes": [change]})
    assert response.get_json()["results"][0]["status"] == "applied", response.get_json()
    db.session.expire_all()
    assert person.confirmed_at >= survey_round.since
    assert not services.carried_forward(person, survey_round)


def test_only_confirmed_answers_count_against_a_count_by_hand(world, survey_round):
    rng = random.Random(7)
    since = survey_round.since
    people = []
    for k in range(12):
        household = builders.make_household(world.thon1, f"R-{k}", f"Hộ {k}")
        for i in range(3):
            person = builders.make_person(
                household, f"Người {k}-{i}", date(1950 + 7 * i + k, 1 + k % 12, 1),
                dt_thong_minh=rng.choice([True, False, None]),
                tk_thanh_toan=rng.choice([True, False, None]),
            )  # fmt: skip
            person.confirmed_at = rng.choice(
                [None, since - timedelta(days=3), since + timedelta(hours=2)]
            )
            people.append(person)
    db.session.commit()
    confirmed = compute(db.session, world.commune, SET, vn_today().year, confirmed_since=since)
    everything = compute(db.session, world.commune, SET, vn_today().year)
    as_of = confirmed.as_of
    every = [
        p
        for p in db.session.scalars(
            select(Person).join(Household).where(Household.commune_id == world.commune.id)
        )
    ]

    def age(p):
        return (
            as_of.year
            - p.birth_date.year
            - ((as_of.month, as_of.day) < (p.birth_date.month, p.birth_date.day))
        )

    def ok(p):
        return p.confirmed_at is not None and p.confirmed_at >= since

    adults = [p for p in every if age(p) >= 15 and p.cu_tru in ("co_mat", "tam_vang")]
    smart = confirmed.indicator("3.4")
    assert smart.denominator == len(adults)
    assert smart.numerator == sum(p.dt_thong_minh is True and ok(p) for p in adults)
    assert smart.unknown == sum(p.dt_thong_minh is None or not ok(p) for p in adults)
    pay = confirmed.indicator("3.2")
    assert pay.numerator == sum(p.tk_thanh_toan is True and ok(p) for p in adults)
    assert everything.indicator("3.4").numerator == sum(p.dt_thong_minh is True for p in adults)
    assert everything.indicator("3.4").numerator > smart.numerator  # the option changed something


def test_sign_off_and_reopen_are_audited_and_checked(client, auth, world, survey_round):
    url = f"/dot-khao-sat/{survey_round.token}/thon/{world.thon1.token}"
    auth.login("tnv1")
    assert client.post(f"{url}/xac-nhan").status_code == 403  # a volunteer cannot sign off
    auth.logout()
    auth.login("truongthon1")
    other = f"/dot-khao-sat/{survey_round.token}/thon/{world.thon2.token}/xac-nhan"
    assert client.post(other).status_code == 404  # not their village
    assert client.post(f"{url}/xac-nhan").status_code == 302
    page = re.sub(
        r"\s+", " ", client.get(f"/dot-khao-sat/{survey_round.token}").get_data(as_text=True)
    )
    assert "Trưởng thôn đã xác nhận" in page
    assert client.post(f"{url}/mo-lai").status_code == 403  # only the commune reopens
    auth.logout()
    auth.login("canbo")
    page = re.sub(
        r"\s+", " ", client.get(f"/dot-khao-sat/{survey_round.token}").get_data(as_text=True)
    )
    assert "Trưởng thôn đã xác nhận" in page and world.head1.display_name in page
    assert client.post(f"{url}/mo-lai").status_code == 302
    actions = [
        (r.action, r.user_id) for r in db.session.scalars(select(AuditLog).order_by(AuditLog.id))
    ]
    assert ("village_signoff", world.head1.id) in actions and (
        "village_reopen",
        world.officer.id,
    ) in actions
    auth.logout()
    auth.login("canbo2")
    assert client.get(f"/dot-khao-sat/{survey_round.token}").status_code == 404


def test_visited_and_not_visited_per_village_and_volunteer(client, auth, world, survey_round):
    auth.login("tnv1")
    person = world.hh1.members[0]
    data = {
        "version": world.hh1.version, "consent": "y", "ma_ho": "HK-001", "chu_ho": "Lê Văn Bình",
        "m-0-token": person.token, "m-0-ho_ten": "Lê Văn Bình", "m-0-ngay_sinh": "02/01/1970",
        "m-0-gioi_tinh": "nam", "m-0-cu_tru": "co_mat", "cap_quang": "1",
    }  # fmt: skip
    assert client.post(f"/ho/{world.hh1.token}", data=data).status_code == 302
    [thon1, thon2] = services.progress(survey_round, [world.thon1, world.thon2])
    assert [h.ma_ho for h in thon1.visited] == ["HK-001"] and thon1.not_visited == []
    assert thon2.visited == [] and [h.ma_ho for h in thon2.not_visited] == ["HK-002"]
    assert [(u.username, n) for u, n in services.by_volunteer(survey_round)] == [("tnv1", 1)]
