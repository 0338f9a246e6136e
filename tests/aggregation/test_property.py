"""Property: for random small communes, SQLite, PostgreSQL and a plain-Python count agree."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregation import compute
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Province, Village
from survey_app.reports.models import CommuneSettings
from tests.aggregation.reference import reference_json
from tests.aggregation.test_rules import MEN, WOMEN
from tests.support.database import RECORDED_SINCE, data_true_since, rolled_back
from tests.support.skips import PG_URL, skip_or_fail

TRI = st.sampled_from([True, False, None])
ITEMS = ("dt_thong_minh", "ptt_an_toan", "tk_thanh_toan", "chu_ky_so", "ky_nang_so",
         "dvc_truc_tuyen", "ho_so_suc_khoe", "kham_tu_xa")  # fmt: skip
HOUSE_ITEMS = (
    "cap_quang",
    "dien_khong_tien_mat",
    "dia_chi_so",
    "ho_kinh_doanh",
    "kd_thanh_toan_dt",
)
CRITERIA = ("thanh-hoa-1829", "thon-thong-minh", "ntm-kieu-mau-cds", "ha-nam-ntm")


def _near_boundaries(as_of: date) -> list[date]:
    """Birth dates on and around the ages that matter at ``as_of`` (14, 15, 18, retirement)."""
    legal = [MEN[as_of.year], WOMEN[as_of.year]]
    days = []
    for years, months in [(14, 0), (15, 0), (18, 0), (55, 0), (60, 0), *legal]:
        total = as_of.year * 12 + as_of.month - 1 - years * 12 - months
        year, month = divmod(total, 12)
        base = date(year, month + 1, min(as_of.day, calendar.monthrange(year, month + 1)[1]))
        days += [base - timedelta(days=1), base, base + timedelta(days=1)]
    return days


@st.composite
def people(draw, as_of):
    near = st.sampled_from(_near_boundaries(as_of))  # three times as likely as any date
    born = draw(st.one_of(near, near, near, st.dates(date(1940, 1, 1), as_of + timedelta(400))))
    person = {name: draw(TRI) for name in ITEMS}
    person.update(
        birth_date=born,
        gioi_tinh=draw(st.sampled_from(["nam", "nu"])),
        cu_tru=draw(st.sampled_from(["co_mat", "co_mat", "tam_vang", "da_chuyen_di", "da_mat"])),
        vneid=draw(st.sampled_from([None, "khong", "chua_kich_hoat", "muc_1", "muc_2"])),
    )
    return person


@st.composite
def commune_cases(draw):
    year = draw(st.integers(2021, 2036))
    as_of = draw(
        st.one_of(st.just(date(year, 12, 31)), st.dates(date(year, 1, 1), date(year, 12, 31)))
    )
    villages = []
    for index in range(draw(st.integers(1, 3))):
        households = []
        for _ in range(draw(st.integers(0, 4))):
            household = {name: draw(TRI) for name in HOUSE_ITEMS}
            household["people"] = draw(st.lists(people(as_of), max_size=4))
            households.append(household)
        villages.append({"name": f"Thôn {index + 1}", "active": draw(st.booleans()) or index == 0,
                         "households": households})  # fmt: skip
    return {
        "criteria": draw(st.sampled_from(CRITERIA)),
        "year": year,
        "as_of": as_of,
        "villages": villages,
        "working_age_rule": draw(st.sampled_from(["legal", "classic"])),
        "adult_age": draw(st.sampled_from([15, 18])),
        "count_tam_vang": draw(st.booleans()),
        "decimals": draw(st.integers(0, 2)),
    }


def _store(case) -> Commune:
    commune = Commune(name="Hoàng Kim", province=Province(name="Thanh Hóa"))
    db.session.add(commune)
    for village_case in case["villages"]:
        village = Village(commune=commune, name=village_case["name"], active=village_case["active"])
        db.session.add(village)
        for number, house in enumerate(village_case["households"]):
            fields = {k: house[k] for k in HOUSE_ITEMS}
            code = f"{village.name}-{number}"
            household = Household(
                commune=commune, village=village, ma_ho=code, chu_ho="Chủ hộ", **fields
            )
            household.members = [
                Person(ho_ten=f"Người {i}", **p) for i, p in enumerate(house["people"])
            ]
            db.session.add(household)
    rules = {k: case[k] for k in ("working_age_rule", "adult_age", "count_tam_vang", "decimals")}
    db.session.add(CommuneSettings(commune=commune, **rules))
    db.session.commit()  # inside rolled_back(): released, then undone at the end
    data_true_since(RECORDED_SINCE)
    return commune


def _json_on(app, case) -> dict:
    with app.app_context(), rolled_back(app):
        commune = _store(case)
        return compute(db.session, commune, case["criteria"], case["year"], case["as_of"]).to_json()


@pytest.fixture(scope="module")
def engines(sqlite_url, test_apps):
    """The run's app on each configured engine (hypothesis needs fixtures wider than a test)."""
    apps = {"sqlite": test_apps.get(sqlite_url)}
    if PG_URL:
        apps["postgresql"] = test_apps.get(PG_URL)
    return apps


SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
FAST = settings(max_examples=100, deadline=None, database=None, suppress_health_check=SLOW_OK)


@FAST
@given(case=commune_cases())
def test_sqlite_equals_plain_python(engines, case):
    assert _json_on(engines["sqlite"], case) == reference_json(case)


@settings(FAST, max_examples=40)
@given(case=commune_cases())
def test_sqlite_and_postgresql_give_identical_json(engines, case):
    if "postgresql" not in engines:
        skip_or_fail("PostgreSQL not configured: set TEST_DATABASE_URL to compare engines")
    from_sqlite = _json_on(engines["sqlite"], case)
    assert _json_on(engines["postgresql"], case) == from_sqlite
    assert from_sqlite == reference_json(case)
