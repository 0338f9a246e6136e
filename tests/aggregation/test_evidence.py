"""Evidence statements select exactly the people/households behind each figure."""

from datetime import date

import pytest

from aggregation import compute, evidence_statement
from aggregation.criteria import get_criteria
from survey_app.extensions import db
from tests.aggregation.helpers import commune_with_villages
from tests.builders import make_household, make_person


def _data():
    commune, (thon1, thon2) = commune_with_villages("Thôn 1", "Thôn 2")
    values = (True, False, None)
    for index, village in enumerate((thon1, thon2)):
        for h in range(3):
            hh = make_household(village, f"T{index}-{h}", dien_khong_tien_mat=values[h],
                                cap_quang=values[(h + 1) % 3], ho_kinh_doanh=values[h],
                                kd_thanh_toan_dt=values[(h + index) % 3])  # fmt: skip
            for p in range(3):
                make_person(
                    hh, f"P{index}{h}{p}", date(1950 + 20 * p, 1 + h, 1), gioi_tinh="nu",
                    cu_tru=("co_mat", "tam_vang", "da_mat")[(p + h) % 3],
                    dt_thong_minh=values[(p + h) % 3], vneid=(None, "muc_1", "khong")[p],
                    ptt_an_toan=values[p], ky_nang_so=values[(p + index) % 3],
                )  # fmt: skip
    return commune


@pytest.mark.parametrize("criteria_id", ["thanh-hoa-1829", "thon-thong-minh", "ha-nam-ntm"])
def test_lists_match_the_counts_per_village(app, criteria_id):
    commune = _data()
    report = compute(db.session, commune, criteria_id, 2023)
    for indicator in get_criteria(criteria_id).indicators:
        if indicator.is_manual:
            continue
        result = report.indicator(indicator.code)
        for row in result.villages:

            def rows(which, village=row.village.id, code=indicator.code):
                stmt = evidence_statement(
                    db.session, commune, criteria_id, code, 2023, village_id=village, which=which
                )
                return db.session.scalars(stmt).all()

            label = (indicator.code, row.village.name)
            assert len(rows("numerator")) == row.numerator, label
            assert len(rows("denominator")) == row.denominator, label
            assert len(rows("unknown")) == row.unknown, label
            assert len(rows("complement")) == row.denominator - row.numerator, label


def test_rows_carry_their_village_and_household(app):
    commune = _data()
    stmt = evidence_statement(
        db.session, commune, "thanh-hoa-1829", "3.4", 2023, which="complement"
    )
    people = db.session.scalars(stmt).all()
    assert [p.household.village.name for p in people] == sorted(
        p.household.village.name for p in people
    )
    assert all(p.dt_thong_minh is not True for p in people)
    with pytest.raises(ValueError, match="manual"):
        evidence_statement(db.session, commune, "thanh-hoa-1829", "3.7", 2023)
