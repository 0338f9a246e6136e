"""Counting rules: as-of date, ages, the Labour Code retirement schedule (pure Python, no database).

Every age threshold becomes a birth-date cut-off computed here and bound as a parameter, so the
SQL only compares dates and behaves the same on SQLite and PostgreSQL.
"""

import calendar
from dataclasses import dataclass
from datetime import date

LEGAL = "legal"
CLASSIC = "classic"
WORKING_AGE_RULES = (LEGAL, CLASSIC)
ADULT_AGES = (15, 18)
MEN, WOMEN = "nam", "nu"
WORKING_AGE_FROM = 15


@dataclass(frozen=True)
class Rules:
    """The per-commune choices that change who is counted (defaults: docs/domain.md)."""

    working_age_rule: str = LEGAL
    adult_age: int = 15
    count_tam_vang: bool = True
    decimals: int = 2

    @property
    def residence_states(self) -> tuple[str, ...]:
        """Values of Person.cu_tru that are counted."""
        return ("co_mat", "tam_vang") if self.count_tam_vang else ("co_mat",)


def default_as_of(year: int) -> date:
    """The report's default as-of date: 31 December of the report year."""
    return date(year, 12, 31)


def retirement_months(sex: str, year: int) -> int:
    """Retirement age in months in ``year`` (BLLĐ 2019 Điều 169, NĐ 135/2020)."""
    if sex == MEN:
        start, step, cap = 60 * 12, 3, 62 * 12
    else:
        start, step, cap = 55 * 12, 4, 60 * 12
    if year < 2021:
        return start
    return min(start + step * (year - 2020), cap)


def classic_upper_months(sex: str) -> int:
    """The old rule: men under 60, women under 55, in completed years."""
    return (60 if sex == MEN else 55) * 12


def months_before(day: date, months: int) -> date:
    """``day`` minus ``months``, the day clamped to the month's end (29/2 → 28/2).

    A person born on or before this date has completed ``months`` months of age on ``day``.
    """
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_cutoff(as_of: date, years: int) -> date:
    """Latest birth date of someone aged at least ``years`` on ``as_of``."""
    return months_before(as_of, years * 12)


def working_age_upper_cutoffs(rules: Rules, as_of: date) -> dict[str, date]:
    """Per sex, the birth date on or before which a person has reached retirement age."""
    if rules.working_age_rule == CLASSIC:
        months = {sex: classic_upper_months(sex) for sex in (MEN, WOMEN)}
    else:
        months = {sex: retirement_months(sex, as_of.year) for sex in (MEN, WOMEN)}
    return {sex: months_before(as_of, m) for sex, m in months.items()}
