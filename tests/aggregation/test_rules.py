"""Retirement schedule, age cut-offs and as-of dates (pure arithmetic, docs/domain.md)."""

from datetime import date, timedelta

import pytest

from aggregation.rules import (
    CLASSIC,
    LEGAL,
    Rules,
    age_cutoff,
    default_as_of,
    months_before,
    retirement_months,
    working_age_upper_cutoffs,
)

# Written out from BLLĐ 2019 Điều 169 / NĐ 135/2020, not computed: (years, months) per year.
MEN = {2021: (60, 3), 2022: (60, 6), 2023: (60, 9), 2024: (61, 0), 2025: (61, 3), 2026: (61, 6),
       2027: (61, 9), 2028: (62, 0), 2029: (62, 0), 2030: (62, 0), 2031: (62, 0), 2032: (62, 0),
       2033: (62, 0), 2034: (62, 0), 2035: (62, 0), 2036: (62, 0)}  # fmt: skip
WOMEN = {2021: (55, 4), 2022: (55, 8), 2023: (56, 0), 2024: (56, 4), 2025: (56, 8), 2026: (57, 0),
         2027: (57, 4), 2028: (57, 8), 2029: (58, 0), 2030: (58, 4), 2031: (58, 8), 2032: (59, 0),
         2033: (59, 4), 2034: (59, 8), 2035: (60, 0), 2036: (60, 0)}  # fmt: skip
YEARS = range(2021, 2037)


def completed_months(born: date, on: date) -> int:
    """Age in completed months, the plain way (reference for the cut-offs)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - (1 if on.day < born.day else 0)


def _minus(day: date, years: int, months: int) -> date:
    """Latest birth date with at least years+months completed on ``day``, found by scanning."""
    target = years * 12 + months
    guess = date(day.year - years - 1, 1, 1)
    while completed_months(guess + timedelta(days=1), day) >= target:
        guess += timedelta(days=1)
    return guess


@pytest.mark.parametrize("year", YEARS)
def test_retirement_age_each_year(year):
    assert retirement_months("nam", year) == MEN[year][0] * 12 + MEN[year][1]
    assert retirement_months("nu", year) == WOMEN[year][0] * 12 + WOMEN[year][1]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("as_of_day", [(12, 31), (6, 15), (1, 1)])
def test_legal_boundary_both_sexes(year, as_of_day):
    as_of = date(year, *as_of_day)
    cut = working_age_upper_cutoffs(Rules(LEGAL), as_of)
    for sex, table in (("nam", MEN), ("nu", WOMEN)):
        reached = _minus(as_of, *table[year])  # born that day: exactly at retirement age
        assert cut[sex] == reached, (sex, year)
        # SQL keeps people born strictly after the cut-off: one day younger is still working age.
        assert reached + timedelta(days=1) > cut[sex]


@pytest.mark.parametrize("year", YEARS)
def test_classic_boundary_both_sexes(year):
    as_of = date(year, 12, 31)
    cut = working_age_upper_cutoffs(Rules(CLASSIC), as_of)
    assert cut["nam"] == date(year - 60, 12, 31)
    assert cut["nu"] == date(year - 55, 12, 31)


def test_before_2021_the_old_ages_apply():
    assert retirement_months("nam", 2020) == 60 * 12
    assert retirement_months("nu", 2019) == 55 * 12


def test_age_cutoffs_and_leap_days():
    assert age_cutoff(date(2023, 12, 31), 15) == date(2008, 12, 31)
    # Born 29/2/2008: 15 on 1/3/2023, not on 28/2/2023.
    assert age_cutoff(date(2023, 2, 28), 15) == date(2008, 2, 28)
    assert age_cutoff(date(2023, 3, 1), 15) == date(2008, 3, 1)
    assert months_before(date(2023, 3, 31), 1) == date(2023, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2023, 1, 15), 13) == date(2021, 12, 15)


def test_birth_year_only_is_first_of_july():
    # The stored birth date of a year-only person is 1/7 (households model); 15 on that day.
    cut_before, cut_on = age_cutoff(date(2023, 6, 30), 15), age_cutoff(date(2023, 7, 1), 15)
    assert date(2008, 7, 1) > cut_before
    assert date(2008, 7, 1) <= cut_on


def test_default_as_of_and_residence_rules():
    assert default_as_of(2023) == date(2023, 12, 31)
    assert Rules().residence_states == ("co_mat", "tam_vang")
    assert Rules(count_tam_vang=False).residence_states == ("co_mat",)
