"""Counting through the real database (SQLite and PostgreSQL): residence, unknowns, filters."""

from datetime import date

from aggregation import compute, compute_many
from survey_app.extensions import db
from survey_app.reports.models import CommuneSettings
from tests.aggregation.helpers import commune_with_villages
from tests.builders import make_household, make_person
from tests.support.database import RECORDED_SINCE, data_true_since

ADULT = date(1990, 3, 3)
TH = "thanh-hoa-1829"


def _settings(commune, **changes):
    settings = CommuneSettings.defaults(commune)
    for key, value in changes.items():
        setattr(settings, key, value)
    return settings


def _one(code, commune, year=2023, criteria=TH, **kwargs):
    return compute(db.session, commune, criteria, year, **kwargs).indicator(code)


def test_residence_states(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    for state in ("co_mat", "tam_vang", "da_chuyen_di", "da_mat"):
        make_person(hh, state, ADULT, cu_tru=state, dt_thong_minh=True)
    assert _one("3.4", commune).display == "2/2 = 100%"
    narrow = _settings(commune, count_tam_vang=False)
    assert _one("3.4", commune, settings=narrow).display == "1/1 = 100%"


def test_unknown_is_not_no_and_is_counted_apart(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    for value in (True, False, None, None):
        make_person(hh, birth=ADULT, dt_thong_minh=value)
    result = _one("3.4", commune)
    assert (result.numerator, result.denominator, result.unknown) == (1, 4, 2)
    assert result.display == "1/4 = 25%" and result.passed is False


def test_denominator_filter_of_3_3(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    for smart, safe in ((True, True), (True, None), (True, False), (False, True), (None, True)):
        make_person(hh, birth=ADULT, dt_thong_minh=smart, ptt_an_toan=safe)
    result = _one("3.3", commune)
    assert (result.numerator, result.denominator, result.unknown) == (1, 3, 1)


def test_vneid_levels_and_age_14(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    for level in ("muc_1", "muc_2", "chua_kich_hoat", "khong", None):
        make_person(hh, birth=ADULT, vneid=level)
    make_person(hh, "14 tuổi", date(2009, 12, 31), vneid="muc_2")
    make_person(hh, "13 tuổi", date(2010, 1, 1), vneid="muc_2")
    result = _one("3.9", commune)
    assert (result.numerator, result.denominator, result.unknown) == (3, 6, 1)


def test_households_need_a_counted_member(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    present = make_household(thon, "A", dien_khong_tien_mat=True)
    make_person(present, birth=ADULT)
    gone = make_household(thon, "B", dien_khong_tien_mat=True)
    make_person(gone, birth=ADULT, cu_tru="da_chuyen_di")
    make_household(thon, "C", dien_khong_tien_mat=True)  # nobody recorded yet
    unknown = make_household(thon, "D")
    make_person(unknown, birth=ADULT, cu_tru="tam_vang")
    report = compute(db.session, commune, TH, 2023)
    result = report.indicator("3.12")
    assert (result.numerator, result.denominator, result.unknown) == (1, 2, 1)
    cov = report.total_coverage
    assert (cov.households, cov.households_counted, cov.people) == (4, 2, 2)


def test_business_households_and_derived_smartphone(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    shop = make_household(thon, "A", ho_kinh_doanh=True, kd_thanh_toan_dt=True)
    make_person(shop, birth=ADULT, dt_thong_minh=False)
    make_person(shop, birth=ADULT, dt_thong_minh=True, cu_tru="da_chuyen_di")
    farm = make_household(thon, "B", ho_kinh_doanh=True)
    make_person(farm, birth=ADULT, dt_thong_minh=None)
    make_person(farm, birth=ADULT, dt_thong_minh=False)
    home = make_household(thon, "C", ho_kinh_doanh=False)
    make_person(home, birth=ADULT, dt_thong_minh=True, cu_tru="tam_vang")
    ten = _one("10", commune, criteria="thon-thong-minh")
    assert (ten.numerator, ten.denominator, ten.unknown) == (1, 2, 1)
    smart = _one("8.9.2", commune, criteria="ha-nam-ntm")
    # A's only smartphone owner moved away; B has an unknown answer; C has one.
    assert (smart.numerator, smart.denominator, smart.unknown) == (1, 3, 1)


def test_denominator_zero_and_village_rows(app):
    commune, (thon1, thon2) = commune_with_villages("Thôn 1", "Thôn 2")
    make_person(make_household(thon1, "A"), birth=ADULT, dt_thong_minh=True)
    result = _one("3.4", commune)
    rows = {row.village.name: row for row in result.villages}
    assert rows["Thôn 1"].display == "1/1 = 100%" and rows["Thôn 1"].passed is True
    empty = rows["Thôn 2"]
    assert (empty.display, empty.percent, empty.passed) == ("Chưa có dữ liệu", None, None)
    assert empty.to_json() == {
        "village": "Thôn 2", "numerator": 0, "denominator": 0, "unknown": 0,
        "percent": None, "passed": None, "display": "Chưa có dữ liệu",
    }  # fmt: skip
    assert _one("10", commune, criteria="thon-thong-minh").display == "Chưa có dữ liệu"


def test_adult_age_setting(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    make_person(hh, "16 tuổi", date(2007, 5, 5), dt_thong_minh=True)
    make_person(hh, birth=ADULT, dt_thong_minh=False)
    assert _one("3.4", commune).display == "1/2 = 50%"
    assert _one("3.4", commune, settings=_settings(commune, adult_age=18)).display == "0/1 = 0%"
    assert _one("3.2", commune, settings=_settings(commune, adult_age=18)).denominator == 2


def test_as_of_date_moves_and_birth_year_only(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    make_person(hh, "Sinh 15/6/2008", date(2008, 6, 15))
    make_person(hh, "Chỉ biết năm 2008", date(2008, 7, 1), birth_year_only=True)
    make_person(hh, "Sinh 2024", date(2024, 1, 5))
    db.session.commit()
    data_true_since(RECORDED_SINCE)

    def count(code, day):
        return _one(code, commune, as_of=day).denominator

    assert count("3.2", date(2023, 6, 14)) == 0
    assert count("3.2", date(2023, 6, 15)) == 1
    assert count("3.2", date(2023, 6, 30)) == 1
    assert count("3.2", date(2023, 7, 1)) == 2
    assert count("3.5", date(2023, 12, 31)) == 2  # not born yet at the as-of date
    assert count("3.5", date(2024, 1, 5)) == 3
    assert compute(db.session, commune, TH, 2023).as_of == date(2023, 12, 31)


def test_targets_overrides_and_manual_entries_in_results(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    hh = make_household(thon, "A")
    for value in (True, True, False):
        make_person(hh, birth=ADULT, dt_thong_minh=value)
    assert _one("3.4", commune).passed is True  # 66,67% ≥ 65%
    settings = _settings(commune, target_overrides={TH: {"3.4": {"2023": 70}}})
    overridden = _one("3.4", commune, settings=settings)
    assert (overridden.passed, overridden.target_overridden, float(overridden.target)) == (
        False, True, 70.0,
    )  # fmt: skip
    assert _one("3.4", commune, year=2024, settings=settings).passed is True
    manual = _one("3.7", commune)
    assert (manual.display, manual.passed, manual.numerator) == ("Chưa nhập", None, None)


def test_compute_many_matches_compute(app):
    first, villages = commune_with_villages("Thôn 1", "Thôn 2")
    second, (other,) = commune_with_villages("Thôn Đông", commune="Thúy Sơn")
    for index, village in enumerate([*villages, other]):
        hh = make_household(village, f"H{index}", dien_khong_tien_mat=index % 2 == 0)
        make_person(hh, birth=ADULT, dt_thong_minh=True, gioi_tinh="nu")
        make_person(hh, birth=date(1960, 1, 1), dt_thong_minh=index == 1)
    db.session.add(CommuneSettings(commune=second, working_age_rule="classic", adult_age=18))
    db.session.flush()
    many = compute_many(db.session, None, TH, 2023)
    assert [r.commune for r in many] == ["Hoàng Kim", "Thúy Sơn"]
    for commune, report in zip((first, second), many, strict=True):
        assert report.to_json() == compute(db.session, commune, TH, 2023).to_json()
    assert compute_many(db.session, [second], TH, 2023)[0].to_json() == many[1].to_json()
