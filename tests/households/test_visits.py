"""The visit: what applies to whom, completeness, who surveyed vs who last edited, visit outcomes,
the walk to the next household, and the one set of rules behind the form, the API and the import.
Both engines."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from household_forms import rules
from household_forms.import_template import CellProblem, parse_phone
from survey_app.extensions import db
from survey_app.households import services
from survey_app.households import status as visit_status
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import HOUSEHOLD_YESNO, PERSON_YESNO
from survey_app.timeutil import vn_today
from tests import builders
from tests.sync.conftest import phone, update  # noqa: F401 (phone is a fixture)

TODAY = vn_today()
ADULT_ANSWERS = {key: True for key in PERSON_YESNO} | {"vneid": "muc_2"}


def person(name, born, sex="nam", **answers) -> dict:
    data = {"ho_ten": name, "birth_date": born, "birth_year_only": False, "gioi_tinh": sex}
    return data | {"quan_he": "", "cu_tru": "co_mat"} | answers


def reference_household() -> list[dict]:
    """Two adults with smartphones, a person of 70 without one, a child of 8."""
    year = TODAY.year
    return [
        person("Lê Văn Bình", date(year - 40, 3, 1), **ADULT_ANSWERS),
        person("Trần Thị Hoa", date(year - 38, 5, 2), "nu", **ADULT_ANSWERS),
        person(
            "Lê Văn Cả",
            date(year - 70, 1, 9),
            dt_thong_minh=False,
            tk_thanh_toan=False,
            chu_ky_so=False,
            dvc_truc_tuyen=False,
            ho_so_suc_khoe=True,
            kham_tu_xa=False,
            vneid="muc_1",
        ),
        person("Lê Bé Na", date(year - 8, 6, 1), "nu", ho_so_suc_khoe=True),
    ]


def household_answers(**extra) -> dict:
    return {key: False for key in HOUSEHOLD_YESNO if not key.startswith("kd_")} | extra


def test_a_child_and_a_person_without_a_smartphone_are_asked_only_what_applies(world):
    members = reference_household()
    members[3] |= {"dt_thong_minh": True, "tk_thanh_toan": False}  # typed by mistake: not asked
    members[2] |= {"ptt_an_toan": False, "ky_nang_so": True}
    data = {"consent": True, "ma_ho": "HK-300", "chu_ho": "Lê Văn Bình", "members": members}
    household = services.create_household(world.vol1, world.thon1, data | household_answers())
    db.session.commit()
    db.session.expire_all()
    adult, _, old, child = household.members
    assert visit_status.person_items(child, TODAY) == ["ho_so_suc_khoe"]
    # 70: no smartphone → no security-software item; past retirement age → no skills item
    assert "ptt_an_toan" not in visit_status.person_items(old, TODAY)
    assert "ky_nang_so" not in visit_status.person_items(old, TODAY)
    assert len(visit_status.person_items(adult, TODAY)) == len(PERSON_YESNO) + 1
    # What does not apply is stored as "không áp dụng" (None, listed), never as Không.
    assert (child.dt_thong_minh, child.tk_thanh_toan, child.vneid) == (None, None, None)
    assert set(child.khong_ap_dung.split()) == set(visit_status.ITEM_ORDER) - {"ho_so_suc_khoe"}
    assert (old.ptt_an_toan, old.ky_nang_so) == (None, None)
    assert set(old.khong_ap_dung.split()) == {"ptt_an_toan", "ky_nang_so"}
    assert adult.khong_ap_dung == ""


def test_surveyed_means_complete_and_keeps_the_first_complete_visit(world):
    data = {"consent": True, "ma_ho": "HK-301", "chu_ho": "Lê Văn Bình"}
    partial = [m | {"kham_tu_xa": None} for m in reference_household()]
    data |= household_answers(members=partial)
    household = services.create_household(world.vol1, world.thon1, data)
    db.session.commit()
    done = visit_status.completeness(household, TODAY)
    assert not done.complete and done.answered == done.total - 3  # 3 members asked kham_tu_xa
    assert visit_status.household_status(household) == visit_status.PARTIAL
    assert household.surveyed_at is None and household.last_edited_by == world.vol1

    tokens = [p.token for p in household.members]
    full = [m | {"token": t} for m, t in zip(reference_household(), tokens, strict=True)]
    services.save_household(
        world.vol1, household, household_answers(members=full), household.version
    )
    db.session.commit()
    assert visit_status.household_status(household) == visit_status.COMPLETE
    surveyed_at = household.surveyed_at
    assert household.surveyed_by == world.vol1 and surveyed_at is not None

    # The village head's one-field fix does not take the volunteer's credit.
    services.save_household(world.head1, household, {"dia_chi": "Xóm 3"}, household.version)
    db.session.commit()
    db.session.expire_all()
    assert household.surveyed_by == world.vol1 and household.surveyed_at == surveyed_at
    assert household.last_edited_by == world.head1 and household.last_edited_at > surveyed_at


def test_visit_outcomes_need_no_consent_and_show_in_the_list(world):
    hh1 = world.hh1
    assert not hh1.consent_given
    later = TODAY + timedelta(days=2)
    services.record_visit(
        world.vol1, hh1, {"visit_outcome": "hen_lai", "revisit_on": later}, hh1.version
    )
    db.session.commit()
    assert (hh1.visit_outcome, hh1.revisit_on, hh1.consent_given) == ("hen_lai", later, False)
    assert hh1.visit_outcome_by == world.vol1 and hh1.version == 2
    rows = services.village_rows(world.thon1.id)
    assert [(r.ma_ho, r.status) for r in rows] == [("HK-001", "hen_lai")]
    # Not due yet: nothing else to visit, so no next household until the day comes.
    assert services.next_to_visit(rows) is None
    assert services.next_to_visit(rows, today=later).token == hh1.token

    with pytest.raises(services.HouseholdError) as caught:
        services.record_visit(world.vol1, hh1, {"visit_outcome": "hen_lai"}, hh1.version)
    assert caught.value.field == "revisit_on"
    db.session.rollback()


def test_moved_away_household_leaves_every_count(world):
    household = world.hh1
    builders.make_person(household, "Lê Thị Mai", cu_tru="tam_vang")
    db.session.commit()
    services.record_visit(world.vol1, household, {"visit_outcome": "da_chuyen_di"}, 1)
    db.session.commit()
    assert {p.cu_tru for p in household.members} == {"da_chuyen_di"}
    assert visit_status.household_status(household) == visit_status.MOVED
    assert visit_status.completeness(household).total == len(visit_status.household_items({}))


def test_surveying_after_an_outcome_clears_it(world):
    household = world.hh1
    services.record_visit(world.vol1, household, {"visit_outcome": "khong_co_nha"}, 1)
    token = household.members[0].token
    member = reference_household()[0] | {"token": token}
    services.save_household(
        world.vol1, household, household_answers(consent=True, members=[member]), 2
    )
    db.session.commit()
    assert household.visit_outcome is None
    assert visit_status.household_status(household) == visit_status.COMPLETE


def test_village_counts_match_the_database(world):
    for n in range(6):
        builders.make_household(world.thon1, f"HK-1{n:02d}")
    db.session.commit()
    households = db.session.scalars(
        select(Household).where(Household.village_id == world.thon1.id).order_by(Household.ma_ho)
    ).all()
    services.record_visit(world.vol1, households[1], {"visit_outcome": "tu_choi"}, 1)
    services.record_visit(world.vol1, households[2], {"visit_outcome": "khong_co_nha"}, 1)
    db.session.commit()
    counts = services.status_counts(services.village_rows(world.thon1.id))
    direct = dict(
        db.session.execute(
            select(Household.visit_outcome, func.count())
            .where(Household.village_id == world.thon1.id, Household.visit_outcome.is_not(None))
            .group_by(Household.visit_outcome)
        ).all()
    )
    total = db.session.scalar(
        select(func.count()).where(Household.village_id == world.thon1.id).select_from(Household)
    )
    assert counts["tu_choi"] == direct["tu_choi"] == 1
    assert counts["khong_co_nha"] == direct["khong_co_nha"] == 1
    assert sum(counts.values()) == total == 7
    assert counts["chua_khao_sat"] == total - len(direct)


def test_next_household_follows_the_list_and_wraps(world):
    for code in ("HK-005", "HK-010"):
        builders.make_household(world.thon1, code)
    db.session.commit()
    rows = services.village_rows(world.thon1.id)
    assert [r.ma_ho for r in rows] == ["HK-001", "HK-005", "HK-010"]  # natural order
    assert services.next_to_visit(rows).ma_ho == "HK-001"
    assert services.next_to_visit(rows, after=rows[1].token).ma_ho == "HK-010"
    assert services.next_to_visit(rows, after=rows[2].token).ma_ho == "HK-001"


def test_suggested_ma_ho_is_the_next_free_number(world):
    builders.make_household(world.thon1, "HK-009")
    builders.make_household(world.thon2, "HK-010")  # same commune, other village: taken
    db.session.commit()
    assert services.suggest_ma_ho(world.thon1) == "HK-011"
    empty = builders.make_village(world.commune, "Thôn Mới")
    assert services.suggest_ma_ho(empty).startswith("HK-")


def test_sync_push_records_a_visit_outcome(phone, world):  # noqa: F811 (the fixture)
    change = update(
        world.hh1.token, 1, visit_outcome="hen_lai", revisit_on=TODAY.isoformat(), note="Đi làm"
    )
    result = phone("tnv1").result(change)
    assert result["status"] == "applied", result
    household = db.session.get(Household, world.hh1.id)
    db.session.refresh(household)
    assert (household.visit_outcome, household.revisit_on, household.note) == (
        "hen_lai",
        TODAY,
        "Đi làm",
    )
    pulled = phone("tnv1").pull()["households"][0]
    assert (pulled["status"], pulled["status_label"]) == ("hen_lai", "Hẹn lại")


# ---- One rule, one place ----


def test_phone_rule_is_the_same_for_import_form_and_api():
    # 8 digits used to pass the import and then fail every later "Lưu" of that household.
    with pytest.raises(CellProblem, match=rules.PHONE_MESSAGE):
        parse_phone("12345678")
    with pytest.raises(rules.RuleError):
        rules.clean_phone("12345678")
    assert parse_phone("0912 345 678") == rules.clean_phone("0912.345.678") == "0912345678"


@pytest.mark.parametrize(
    "typed, born",
    [
        ("05 03 1958", (date(1958, 3, 5), False)),
        ("05031958", (date(1958, 3, 5), False)),
        ("5.3.1958", (date(1958, 3, 5), False)),
        ("1958", (date(1958, 7, 1), True)),
    ],
)
def test_birth_as_a_phone_keypad_types_it(typed, born):
    assert rules.parse_birth(typed, date(2026, 12, 1)) == born


def test_future_dates_and_long_names_say_what_is_wrong():
    with pytest.raises(rules.RuleError, match="chưa tới"):
        rules.parse_birth("05/03/2027", date(2026, 12, 1))
    long_name = "Nguyễn " * 22  # 154 characters
    with pytest.raises(rules.RuleError) as caught:
        rules.check_text("ho_ten", long_name + "A")
    assert str(caught.value) == rules.TOO_LONG.format(max=120, length=len(long_name.strip()) + 2)


def test_form_refuses_a_long_name_instead_of_cutting_it(client, world, auth):
    auth.login("tnv1")
    name = "Nguyễn Thị " * 14  # 154 characters
    data = {"consent": "y", "ma_ho": "HK-400", "chu_ho": name, "m-0-ho_ten": name}
    data |= {"m-0-ngay_sinh": "1960", "m-0-gioi_tinh": "nu", "m-0-cu_tru": "co_mat"}
    response = client.post(f"/thon/{world.thon1.token}/ho-moi", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Dài quá 120 ký tự (đang có 153)" in page
    assert 'maxlength="120"' not in page  # the browser would cut it without a word
    assert db.session.scalar(select(func.count()).select_from(Person)) == 3


def test_village_head_sees_the_states_on_the_dashboard(client, world, auth):
    services.record_visit(world.vol1, world.hh1, {"visit_outcome": "tu_choi"}, 1)
    db.session.commit()
    auth.login("truongthon1")
    page = client.get(f"/bao-cao/thon/{world.thon1.token}").get_data(as_text=True)
    section = page[page.index("Tình trạng các hộ hôm nay") :]
    assert "Từ chối: <strong>1</strong>" in section
    assert "Chưa khảo sát: <strong>0</strong>" in section
    # The list's next-household button skips a household that refused.
    assert "Hộ tiếp theo" not in client.get(f"/thon/{world.thon1.token}/").get_data(as_text=True)


def test_hen_lai_without_a_day_is_refused_with_its_message_not_a_500(client, world, auth):
    auth.login("tnv1")
    url = f"/ho/{world.hh1.token}/lan-den"
    data = {"visit_outcome": "hen_lai", "revisit_on": "", "note": "Đi chợ", "version": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert rules.REQUIRED["revisit_on"] in page and 'value="Đi chợ"' in page  # the note is kept
    db.session.expire_all()
    assert db.session.get(Household, world.hh1.id).visit_outcome is None
    data |= {"visit_outcome": "khong_co_nha"}  # the day does not matter for "Không có nhà"
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Household, world.hh1.id)
    assert (saved.visit_outcome, saved.revisit_on) == ("khong_co_nha", None)


def test_progress_of_many_villages_agrees_with_each_village_list(world):
    data = {"consent": True, "ma_ho": "HK-310", "chu_ho": "Lê Văn Bình"}
    services.create_household(
        world.vol1, world.thon1, data | household_answers(members=reference_household())
    )
    services.record_visit(world.vol2, world.hh2, {"visit_outcome": "tu_choi"}, 1)
    db.session.commit()
    ids = [world.thon1.id, world.thon2.id]
    expected = {}
    for village_id in ids:
        rows = services.village_rows(village_id)
        expected[village_id] = (sum(r.status == visit_status.COMPLETE for r in rows), len(rows))
    assert (
        services.village_progress(ids)
        == expected
        == {world.thon1.id: (1, 2), world.thon2.id: (0, 1)}
    )
