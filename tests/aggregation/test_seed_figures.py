"""The figures of xã Hoàng Kim's 2023 report (seed 004), rebuilt through the real database."""

from datetime import date

from aggregation import compute
from survey_app.extensions import db
from survey_app.reports.services import set_target
from tests.aggregation.helpers import add_households, add_people_bulk, commune_with_villages

WORKING, SMART = 3501, 3323  # working-age people; of whom with a smartphone
AGE15, PAYING = 4551, 3420  # 15 and over; of whom with a payment account


def _build():
    commune, villages = commune_with_villages("Thôn 1", "Thôn 2", "Thôn 3")
    people = []
    for i in range(AGE15):
        working = i < WORKING
        people.append(
            {
                "birth_date": date(1985, 1, 1) if working else date(1950, 1, 1),
                "gioi_tinh": "nam" if i % 2 else "nu",
                "dt_thong_minh": working and i < SMART,
                "tk_thanh_toan": i < PAYING,
            }
        )
    households = []
    for index, village in enumerate(villages):
        households += add_households(village, [{} for _ in range(500 + index)])
    for i, person in enumerate(people):
        person["household_id"] = households[i % len(households)]
    add_people_bulk(people)
    db.session.flush()
    return commune


def test_seed_figures(app):
    commune = _build()
    set_target(None, commune, "thon-thong-minh", "2", 2023, 65)  # the 65% of the acceptance
    report = compute(db.session, commune, "thon-thong-minh", 2023)
    smart = report.indicator("2")
    assert smart.display == "3.323/3.501 = 94,92%"
    assert (smart.passed, smart.evaluation, float(smart.percent)) == (True, "Đạt", 94.92)
    assert sum(v.denominator for v in smart.villages) == WORKING
    th = compute(db.session, commune, "thanh-hoa-1829", 2023)
    paying = th.indicator("3.2")
    assert paying.display == "3.420/4.551 = 75,15%"
    assert paying.passed is True and float(paying.target) == 75.0
    assert th.to_json()["indicators"][1]["percent"] == 75.15
    assert th.total_coverage.households == 1503 and th.total_coverage.people == AGE15
