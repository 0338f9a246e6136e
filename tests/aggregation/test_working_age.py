"""Working age through the database: both sexes at their boundary in every year 2021–2036."""

from datetime import date, timedelta

from aggregation import compute, evidence_statement
from survey_app.extensions import db
from survey_app.reports.models import CommuneSettings
from tests.aggregation.helpers import add_households, add_people, commune_with_villages
from tests.aggregation.test_rules import MEN, WOMEN, YEARS, _minus, completed_months

CLASSIC_LIMIT = {"nam": 60 * 12, "nu": 55 * 12}


def reference_working_age(born: date, sex: str, on: date, rule: str) -> bool:
    """Plain reading of docs/domain.md, for comparison with the SQL."""
    months = completed_months(born, on)
    if rule == "classic":
        limit = CLASSIC_LIMIT[sex]
    else:
        table = MEN if sex == "nam" else WOMEN
        limit = table[on.year][0] * 12 + table[on.year][1]
    return 15 * 12 <= months < limit


def _boundary_people():
    """For each year and sex: born exactly at retirement age on 31/12, and one day later."""
    people = []
    for year in YEARS:
        as_of = date(year, 12, 31)
        for sex, table in (("nam", MEN), ("nu", WOMEN)):
            for born in (_minus(as_of, *table[year]), _minus(as_of, *table[year]) + timedelta(1)):
                people.append(
                    {"ho_ten": f"{sex} {year} {born}", "gioi_tinh": sex, "birth_date": born}
                )
        people.append(
            {"ho_ten": f"15 {year}", "gioi_tinh": "nu", "birth_date": date(year - 15, 12, 31)}
        )
        people.append(
            {"ho_ten": f"14 {year}", "gioi_tinh": "nam", "birth_date": date(year - 14, 1, 1)}
        )
    for sex, years in (("nam", 60), ("nu", 55)):  # classic rule edges, as of 31/12/2023
        people.append(
            {"ho_ten": f"c{sex}", "gioi_tinh": sex, "birth_date": date(2023 - years, 12, 31)}
        )
        people.append(
            {"ho_ten": f"c{sex}+", "gioi_tinh": sex, "birth_date": date(2024 - years, 1, 1)}
        )
    return people


def test_working_age_every_year_both_rules(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    (household,) = add_households(thon, [{}])
    people = _boundary_people()
    add_people(household, people)
    db.session.flush()
    for rule in ("legal", "classic"):
        settings = CommuneSettings.defaults(commune)
        settings.working_age_rule = rule
        for year in YEARS:
            as_of = date(year, 12, 31)
            stmt = evidence_statement(
                db.session, commune, "thon-thong-minh", "2", year, settings=settings,
                which="denominator",
            )  # fmt: skip
            got = {p.ho_ten for p in db.session.scalars(stmt)}
            expected = {
                p["ho_ten"]
                for p in people
                if reference_working_age(p["birth_date"], p["gioi_tinh"], as_of, rule)
            }
            assert got == expected, (rule, year, got ^ expected)
            report = compute(db.session, commune, "thon-thong-minh", year, settings=settings)
            assert report.indicator("2").denominator == len(expected)


def test_a_few_boundaries_spelled_out(app):
    commune, (thon,) = commune_with_villages("Thôn 1")
    (household,) = add_households(thon, [{}])
    add_people(household, [
        {"ho_ten": "Nam đủ 60 tuổi 9 tháng", "gioi_tinh": "nam", "birth_date": date(1963, 3, 31)},
        {"ho_ten": "Nam kém 1 ngày", "gioi_tinh": "nam", "birth_date": date(1963, 4, 1)},
        {"ho_ten": "Nữ đủ 56 tuổi", "gioi_tinh": "nu", "birth_date": date(1967, 12, 31)},
        {"ho_ten": "Nữ kém 1 ngày", "gioi_tinh": "nu", "birth_date": date(1968, 1, 1)},
    ])  # fmt: skip
    stmt = evidence_statement(
        db.session, commune, "thon-thong-minh", "2", 2023, which="denominator"
    )
    assert [p.ho_ten for p in db.session.scalars(stmt)] == ["Nam kém 1 ngày", "Nữ kém 1 ngày"]
