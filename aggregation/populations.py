"""Who is counted: populations, numerators and unknowns as SQL expressions.

The counting queries and the evidence lists build their WHERE/CASE clauses from these functions
only, so a person is in an evidence list exactly when they are in the count. Each clause reads the
rows of ``cut.src`` (aggregation/source.py): today's tables, or the history as it stood.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from aggregation.criteria import CHOICE_FIELDS, DERIVED_HOUSEHOLD, Condition, Indicator
from aggregation.rules import MEN, WOMEN, Rules, age_cutoff, working_age_upper_cutoffs
from aggregation.source import LIVE, Source
from survey_app.households.models import Person


@dataclass(frozen=True)
class Cutoffs:
    """Birth-date limits for one as-of date and one commune's rules, and the rows they apply to.

    ``Cutoffs.placeholders()`` holds bound parameters instead of values, for statements that are
    built once and executed with ``cut.params()``.
    """

    as_of: date
    age14: date
    age15: date
    adult: date
    retired: dict[str, date]  # per sex: born on or before this date = reached retirement age
    states: tuple[str, ...]
    src: Source = LIVE

    @classmethod
    def build(cls, rules: Rules, as_of: date, src: Source = LIVE) -> "Cutoffs":
        return cls(
            as_of=as_of,
            age14=age_cutoff(as_of, 14),
            age15=age_cutoff(as_of, 15),
            adult=age_cutoff(as_of, rules.adult_age),
            retired=working_age_upper_cutoffs(rules, as_of),
            states=rules.residence_states,
            src=src,
        )

    @classmethod
    def placeholders(cls, src: Source = LIVE) -> "Cutoffs":
        """Bound parameters in place of the values (see params())."""
        dates = {name: bindparam(name, type_=Date) for name in PARAM_DATES}
        retired = {MEN: dates.pop("retired_nam"), WOMEN: dates.pop("retired_nu")}
        states = bindparam("states", expanding=True)
        return cls(**dates, retired=retired, states=states, src=src)

    def params(self) -> dict:
        """Values for a statement built from placeholders()."""
        values = {name: getattr(self, name) for name in ("as_of", "age14", "age15", "adult")}
        values.update(retired_nam=self.retired[MEN], retired_nu=self.retired[WOMEN])
        return {**values, "states": list(self.states)}


PARAM_DATES = ("as_of", "age14", "age15", "adult", "retired_nam", "retired_nu")


def person_counted(cut: Cutoffs):
    """People who count at all: not removed by an officer, a counted residence state, born by
    the as-of date. (Removing a household removes its members too, so it drops out as well.)"""
    P = cut.src.P
    return and_(P.removed_at.is_(None), P.cu_tru.in_(cut.states), P.birth_date <= cut.as_of)


def person_population(population: str, cut: Cutoffs):
    """Extra condition of a person population (None for everyone counted)."""
    P = cut.src.P
    if population == "all_people":
        return None
    if population == "age14plus":
        return P.birth_date <= cut.age14
    if population == "age15plus":
        return P.birth_date <= cut.age15
    if population == "adults":
        return P.birth_date <= cut.adult
    if population == "working_age":
        below_retirement = or_(
            and_(P.gioi_tinh == MEN, P.birth_date > cut.retired[MEN]),
            and_(P.gioi_tinh == WOMEN, P.birth_date > cut.retired[WOMEN]),
        )
        return and_(P.birth_date <= cut.age15, below_retirement)
    raise ValueError(f"not a person population: {population}")


def member_summary(cut: Cutoffs, commune_ids=None):
    """Per household with ≥1 counted member: whether any counted member has a smartphone."""
    P, H = cut.src.P, cut.src.H
    smart_yes = func.max(case((_yes(cut, P, P.dt_thong_minh.is_(True)), 1), else_=0))
    smart_unknown = func.max(case((_unknown(cut, P, P.dt_thong_minh), 1), else_=0))
    stmt = (
        select(
            P.household_id.label("household_id"),
            smart_yes.label("smart_yes"),
            smart_unknown.label("smart_unknown"),
        )
        .where(person_counted(cut))
        .group_by(P.household_id)
    )
    if commune_ids is not None:
        stmt = stmt.join(H, H.id == P.household_id).where(in_communes(cut, commune_ids))
    return stmt.subquery("members")


def in_communes(cut: Cutoffs, commune_ids):
    """Rows of people (joined to Household) in these communes.

    Says it twice on purpose: ``household.commune_id IN …`` and ``person.household_id IN (SELECT
    id FROM household WHERE commune_id IN …)``. The second lets PostgreSQL's planner see how few
    people that is and probe the person index per household instead of scanning every person
    (one commune of 20: 30 ms → 6 ms; see docs/benchmarks.md).
    """
    H, P = cut.src.H, cut.src.P
    chosen = aliased(H)
    households = select(chosen.id).where(chosen.commune_id.in_(commune_ids))
    return and_(H.commune_id.in_(commune_ids), P.household_id.in_(households))


def household_population(population: str, cut: Cutoffs, members):
    """Condition of a household population over households joined (outer) to member_summary."""
    counted = members.c.household_id.is_not(None)
    if population == "households":
        return counted
    if population == "business_households":
        H = cut.src.H
        return and_(counted, _yes(cut, H, H.ho_kinh_doanh.is_(True)))
    raise ValueError(f"not a household population: {population}")


def condition_yes(cond: Condition, cut: Cutoffs, members=None):
    """The item counts in the numerator (or passes a denominator filter)."""
    if cond.field in DERIVED_HOUSEHOLD:
        return members.c.smart_yes == 1
    owner, column = _column(cond, cut)
    if cond.field in CHOICE_FIELDS:
        return _yes(cut, owner, column.in_(cond.values))
    return _yes(cut, owner, column.is_(True))


def condition_unknown(cond: Condition, cut: Cutoffs, members=None):
    """The item is not answered yet (and, for the derived item, not known to be yes)."""
    if cond.field in DERIVED_HOUSEHOLD:
        return and_(members.c.smart_yes == 0, members.c.smart_unknown == 1)
    owner, column = _column(cond, cut)
    return _unknown(cut, owner, column)


def _column(cond: Condition, cut: Cutoffs):
    """The row (person or household) an item is asked of, and its column."""
    owner = cut.src.P if hasattr(Person, cond.field) else cut.src.H
    return owner, getattr(owner, cond.field)


def _yes(cut: Cutoffs, owner, condition):
    """``condition`` on an answer; with a confirmed-only source, confirmed since the round began."""
    if not cut.src.confirmed:
        return condition
    return and_(condition, owner.confirmed_at >= cut.src.confirmed_since())


def _unknown(cut: Cutoffs, owner, column):
    """Not answered yet; with a confirmed-only source, also an answer not confirmed again."""
    if not cut.src.confirmed:
        return column.is_(None)
    since = cut.src.confirmed_since()
    return or_(column.is_(None), owner.confirmed_at.is_(None), owner.confirmed_at < since)


def denominator(indicator: Indicator, cut: Cutoffs, members=None, with_base: bool = True):
    """Denominator condition of an indicator: population and optional filter.

    ``with_base=False`` leaves out person_counted() for queries whose WHERE already has it.
    """
    if indicator.unit_kind == "household":
        parts = [household_population(indicator.population, cut, members)]
    else:
        base = person_counted(cut) if with_base else None
        parts = [base, person_population(indicator.population, cut)]
    if indicator.denominator_filter is not None:
        parts.append(condition_yes(indicator.denominator_filter, cut, members))
    parts = [p for p in parts if p is not None]
    return and_(*parts) if parts else None
