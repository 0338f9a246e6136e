"""save_household / create_household: versions, audit, consent, birth years, unknown vs Không."""

from datetime import date

import pytest
from sqlalchemy import select, update

from household_forms.rules import parse_birth
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.history.models import household_version, person_version
from survey_app.households.models import Household, Person
from survey_app.households.services import (
    MA_HO_TAKEN,
    ConflictError,
    HouseholdError,
    create_household,
    fold,
    save_household,
    search_rows,
    village_rows,
)


def member(name="Lê Thị Hoa", **fields):
    data = {
        "ho_ten": name,
        "birth_date": date(1958, 7, 1),
        "birth_year_only": True,
        "gioi_tinh": "nu",
        "quan_he": "Chủ hộ",
        "cu_tru": "co_mat",
    }
    return data | fields


def household_data(ma_ho="HK-100", members=None, **fields):
    data = {"consent": True, "ma_ho": ma_ho, "chu_ho": "Lê Thị Hoa", "dia_chi": "Xóm 2"}
    data["members"] = members if members is not None else [member()]
    return data | fields


def versions(table, **key):
    [(name, value)] = key.items()
    stmt = select(table).where(table.c[name] == value).order_by(table.c.version_id)
    return db.session.execute(stmt).all()


def audit_rows(obj_type, key=None):
    stmt = select(AuditLog).where(AuditLog.object_type == obj_type).order_by(AuditLog.id)
    if key:
        stmt = stmt.where(AuditLog.object_key == key)
    return db.session.scalars(stmt).all()


def test_create_records_consent_survey_and_members(world):
    household = create_household(world.vol1, world.thon1, household_data())
    db.session.commit()
    db.session.expire_all()
    assert household.consent_given and household.consent_by == world.vol1
    assert household.consent_at is not None and household.last_edited_by == world.vol1
    # Items still "Chưa hỏi": saved, but not yet surveyed (tests/households/test_visits.py).
    assert household.surveyed_at is None and household.version == 1
    assert household.commune_id == world.commune.id
    assert [p.ho_ten for p in household.members] == ["Lê Thị Hoa"]
    created = audit_rows("household", household.token)
    assert created[0].action == "create" and created[0].details == {"version": 1}
    [first] = versions(household_version, household_id=household.id)
    assert (first.ma_ho, first.source, first.changed_by_id) == ("HK-100", "system", None)


def test_year_only_birth_is_first_of_july(world):
    born, year_only = parse_birth("1958", date(2025, 6, 1))
    household = create_household(
        world.vol1,
        world.thon1,
        household_data(members=[member(birth_date=born, birth_year_only=year_only)]),
    )
    db.session.commit()
    person = db.session.scalar(select(Person).where(Person.household_id == household.id))
    assert (person.birth_date, person.birth_year_only) == (date(1958, 7, 1), True)
    assert person.birth_display == "1958"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1958", (date(1958, 7, 1), True)),
        ("05/03/1958", (date(1958, 3, 5), False)),
        ("5.3.1958", (date(1958, 3, 5), False)),
        (" 05-03-1958 ", (date(1958, 3, 5), False)),
    ],
)
def test_parse_birth_accepts_year_or_full_date(text, expected):
    assert parse_birth(text, date(2025, 6, 1)) == expected


@pytest.mark.parametrize("text", ["58", "31/02/1990", "1899", "2026", "01/07/2025", "abc", ""])
def test_parse_birth_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_birth(text, date(2025, 6, 1))


def test_unknown_is_kept_distinct_from_no(world):
    data = household_data(
        cap_quang=False,
        dien_khong_tien_mat=None,
        members=[member(dt_thong_minh=True, ptt_an_toan=False, tk_thanh_toan=None, vneid=None)],
    )
    household = create_household(world.vol1, world.thon1, data)
    db.session.commit()
    db.session.expire_all()
    person = household.members[0]
    assert (household.cap_quang, household.dien_khong_tien_mat) == (False, None)
    assert (person.dt_thong_minh, person.ptt_an_toan, person.tk_thanh_toan) == (True, False, None)
    # Changing "chưa hỏi" to "Không" is a real change, kept as such in the history.
    save_household(world.vol1, household, {"dien_khong_tien_mat": False}, expected_version=1)
    db.session.commit()
    before, after = versions(household_version, household_id=household.id)
    assert (before.dien_khong_tien_mat, after.dien_khong_tien_mat) == (None, False)
    stmt = select(Person.id).where(Person.household_id == household.id)
    assert db.session.scalar(stmt.where(Person.tk_thanh_toan.is_(None))) == person.id
    assert db.session.scalar(stmt.where(Person.ptt_an_toan.is_(False))) == person.id
    assert db.session.scalar(stmt.where(Person.ptt_an_toan.is_(None))) is None


def test_save_bumps_version_and_audits_changed_fields(world):
    household = world.hh1
    keep = household.members[0]
    data = {
        "consent": True,
        "chu_ho": "Lê Văn Bình Mới",
        "members": [
            {"token": keep.token, "tk_thanh_toan": True},
            member("Lê Thị Nụ", birth_date=date(2001, 3, 5), birth_year_only=False),
        ],
    }
    save_household(world.vol1, household, data, expected_version=1)
    db.session.commit()
    db.session.expire_all()
    assert household.version == 2 and household.chu_ho == "Lê Văn Bình Mới"
    assert household.last_edited_by == world.vol1
    assert [p.ho_ten for p in household.members] == ["Lê Văn Bình", "Lê Thị Nụ"]
    hh_audit = audit_rows("household", household.token)[-1]
    assert hh_audit.action == "update" and hh_audit.user_id == world.vol1.id
    assert hh_audit.details == {"version": 2}  # the values are in the history, not repeated here
    names = [v.chu_ho for v in versions(household_version, household_id=household.id)]
    assert names == ["Lê Văn Bình", "Lê Văn Bình Mới"]
    kept = versions(person_version, person_id=keep.id)
    assert [v.tk_thanh_toan for v in kept] == [None, True]
    added = household.members[1]
    assert len(versions(person_version, person_id=added.id)) == 1


def test_members_left_out_are_deleted_and_audited(world):
    household = world.hh1
    old = household.members[0]
    data = {"consent": True, "members": [member("Người mới")]}
    save_household(world.vol1, household, data, expected_version=1)
    db.session.commit()
    assert db.session.scalar(select(Person).where(Person.token == old.token)) is None
    [last] = versions(person_version, person_id=old.id)
    assert last.valid_to is not None  # closed with no successor: removed, and still on record


def test_stale_version_is_refused_without_changes(world):
    household = world.hh1
    save_household(world.vol1, household, {"consent": True, "dia_chi": "A"}, expected_version=1)
    db.session.commit()
    with pytest.raises(ConflictError) as caught:
        save_household(
            world.head1, household, {"consent": True, "dia_chi": "B"}, expected_version=1
        )
    db.session.rollback()
    assert caught.value.current_version == 2
    assert db.session.get(Household, household.id).dia_chi == "A"


def test_concurrent_save_loses_at_the_database(world):
    """Another worker moved the version on after we loaded the row: the conditional UPDATE sees."""
    household = world.hh1
    assert household.version == 1
    db.session.execute(
        update(Household).where(Household.id == household.id).values(version=2),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(ConflictError):
        save_household(world.vol1, household, {"consent": True, "dia_chi": "X"}, expected_version=1)


def test_consent_is_required_before_anything_is_saved(world):
    with pytest.raises(HouseholdError) as caught:
        create_household(world.vol1, world.thon1, household_data(consent=False))
    assert caught.value.field == "consent"
    db.session.rollback()
    assert db.session.scalar(select(Household).where(Household.ma_ho == "HK-100")) is None
    with pytest.raises(HouseholdError):
        save_household(world.vol1, world.hh1, {"dia_chi": "X"}, expected_version=1)


def test_consent_given_once_is_kept(world):
    household = world.hh1
    save_household(world.vol1, household, {"consent": True}, expected_version=1)
    first_at = household.consent_at
    save_household(world.head1, household, {"dia_chi": "Y"}, expected_version=2)
    assert household.consent_by == world.vol1 and household.consent_at == first_at
    assert household.last_edited_by == world.head1


def test_ma_ho_is_unique_in_the_commune_ignoring_case(world):
    with pytest.raises(HouseholdError) as caught:
        create_household(world.vol1, world.thon1, household_data(ma_ho="hk-002"))
    assert caught.value.field == "ma_ho" and caught.value.message == MA_HO_TAKEN
    # Another commune may use the same code.
    create_household(world.other_officer, world.other_village, household_data(ma_ho="HK-002"))


def test_member_of_another_household_cannot_be_moved_in(world):
    stranger = world.hh2.members[0]
    with pytest.raises(HouseholdError):
        save_household(
            world.vol1, world.hh1, {"members": [{"token": stranger.token}]}, expected_version=1
        )


def test_business_items_only_kept_for_business_households(world):
    data = household_data(ho_kinh_doanh=True, kd_thanh_toan_dt=True, kd_san_tmdt=False)
    household = create_household(world.vol1, world.thon1, data)
    assert (household.kd_thanh_toan_dt, household.kd_san_tmdt) == (True, False)
    save_household(world.vol1, household, {"ho_kinh_doanh": False}, expected_version=1)
    assert (household.kd_thanh_toan_dt, household.kd_san_tmdt) == (None, None)


def test_at_least_one_member(world):
    with pytest.raises(HouseholdError):
        create_household(world.vol1, world.thon1, household_data(members=[]))


def test_search_ignores_diacritics_case_and_word_order(world):
    create_household(world.vol1, world.thon1, household_data("HK-010", chu_ho="Nguyễn Đức Thắng"))
    db.session.commit()
    rows = village_rows(world.thon1.id)
    assert [r.ma_ho for r in rows] == ["HK-001", "HK-010"]
    assert fold("Nguyễn Đức") == "nguyen duc"
    assert [r.ma_ho for r in search_rows(rows, "duc nguyen", "")] == ["HK-010"]
    assert [r.ma_ho for r in search_rows(rows, "hk-001", "")] == ["HK-001"]
    assert [r.ma_ho for r in search_rows(rows, "xom 2", "")] == ["HK-010"]
    # HK-010 has consent but its items are "Chưa hỏi": still to survey (status.PARTIAL).
    assert [r.ma_ho for r in search_rows(rows, "", "chua")] == ["HK-001", "HK-010"]
    assert [r.status for r in rows] == ["chua_khao_sat", "dang_do"]
    assert [r.ma_ho for r in search_rows(rows, "", "da")] == []


@pytest.mark.parametrize("save", ["create", "update"])
def test_a_ma_ho_taken_since_the_check_is_refused_by_the_service(world, monkeypatch, save):
    """Two saves of one mã hộ at the same moment: the unique constraint decides, and the service
    (not the view) turns its IntegrityError into a refusal the form can show."""
    from survey_app.households import services

    monkeypatch.setattr(services, "_check_ma_ho", lambda *args: None)  # the other save won
    with pytest.raises(HouseholdError) as refused:
        if save == "create":
            create_household(world.vol1, world.thon1, household_data(ma_ho="HK-001"))
        else:
            data = household_data(ma_ho="HK-001")
            save_household(world.vol1, world.hh2, data | {"ma_ho": "HK-001"}, world.hh2.version)
    assert refused.value.field == "ma_ho"
    assert refused.value.message == "Mã hộ HK-001 vừa được người khác dùng. Hãy kiểm tra lại mã."
