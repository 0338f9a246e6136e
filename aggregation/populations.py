"""Who is counted: populations, numerators and unknowns as SQL expressions.

The counting queries and the evidence lists build their WHERE/CASE clauses from these functions
only, so a person is in an evidence list exactly when they are in the count.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from aggregation.criteria import CHOICE_FIELDS, DERIVED_HOUSEHOLD, Condition, Indicator
from aggregation.rules import MEN, WOMEN, Rules, age_cutoff, working_age_upper_cutoffs
from survey_app.households.models import Household, Person


@dataclass(frozen=True)
class Cutoffs:
    """Birth-date limits for one as-of date and one commune's rules.

    ``Cutoffs.placeholders()`` holds bound parameters instead of values, for statements that are
    built once and executed with ``cut.params()``.
    """

    as_of: date
    age14: date
    age15: date
    adult: date
    retired: dict[str, date]  # per sex: born on or before this date = reached retirement age
    states: tuple[str, ...]

    @classmethod
    def build(cls, rules: Rules, as_of: date) -> "Cutoffs":
        return cls(
            as_of=as_of,
            age14=age_cutoff(as_of, 14),
            age15=age_cutoff(as_of, 15),
            adult=age_cutoff(as_of, rules.adult_age),
            retired=working_age_upper_cutoffs(rules, as_of),
            states=rules.residence_states,
        )

    @classmethod
    def placeholders(cls) -> "Cutoffs":
        """Bound parameters in place of the values (see params())."""
        dates = {name: bindparam(name, type_=Date) for name in PARAM_DATES}
        retired = {MEN: dates.pop("retired_nam"), WOMEN: dates.pop("retired_nu")}
        return cls(**dates, retired=retired, states=bindparam("states", expanding=True))

    def params(self) -> dict:
        """Values for a statement built from placeholders()."""
        values = {name: getattr(self, name) for name in ("as_of", "age14", "age15", "adult")}
        values.update(retired_nam=self.retired[MEN], retired_nu=self.retired[WOMEN])
        return {**values, "states": list(self.states)}


PARAM_DATES = ("as_of", "age14", "age15", "adult", "retired_nam", "retired_nu")


def person_counted(cut: Cutoffs):
    """People who count at all: a counted residence state, born by the as-of date."""
    return and_(Person.cu_tru.in_(cut.states), Person.birth_date <= cut.as_of)


def person_population(population: str, cut: Cutoffs):
    """Extra condition of a person population (None for everyone counted)."""
    if population == "all_people":
        return None
    if population == "age14plus":
        return Person.birth_date <= cut.age14
    if population == "age15plus":
        return Person.birth_date <= cut.age15
    if population == "adults":
        return Person.birth_date <= cut.adult
    if population == "working_age":
        below_retirement = or_(
            and_(Person.gioi_tinh == MEN, Person.birth_date > cut.retired[MEN]),
            and_(Person.gioi_tinh == WOMEN, Person.birth_date > cut.retired[WOMEN]),
        )
        return and_(Person.birth_date <= cut.age15, below_retirement)
    raise ValueError(f"not a person population: {population}")


def member_summary(cut: Cutoffs, commune_ids=None):
    """Per household with ≥1 counted member: whether any counted member has a smartphone."""
    smart_yes = func.max(case((Person.dt_thong_minh.is_(True), 1), else_=0))
    smart_unknown = func.max(case((Person.dt_thong_minh.is_(None), 1), else_=0))
    stmt = (
        select(
            Person.household_id.label("household_id"),
            smart_yes.label("smart_yes"),
            smart_unknown.label("smart_unknown"),
        )
        .where(person_counted(cut))
        .group_by(Person.household_id)
    )
    if commune_ids is not None:
        stmt = stmt.join(Household, Household.id == Person.household_id).where(
            in_communes(commune_ids)
        )
    return stmt.subquery("members")


def in_communes(commune_ids):
    """Rows of people (joined to Household) in these communes.

    Says it twice on purpose: ``household.commune_id IN …`` and ``person.household_id IN (SELECT
    id FROM household WHERE commune_id IN …)``. The second lets PostgreSQL's planner see how few
    people that is and probe the person index per household instead of scanning every person
    (one commune of 20: 30 ms → 6 ms; see docs/benchmarks.md).
    """
    chosen = aliased(Household)
    households = select(chosen.id).where(chosen.commune_id.in_(commune_ids))
    return and_(Household.commune_id.in_(commune_ids), Person.household_id.in_(households))


def household_population(population: str, members):
    """Condition of a household population over Household joined (outer) to member_summary."""
    counted = members.c.household_id.is_not(None)
    if population == "households":
        return counted
    if population == "business_households":
        return and_(counted, Household.ho_kinh_doanh.is_(True))
    raise ValueError(f"not a household population: {population}")


def condition_yes(cond: Condition, members=None):
    """The item counts in the numerator (or passes a denominator filter)."""
    if cond.field in DERIVED_HOUSEHOLD:
        return members.c.smart_yes == 1
    column = _column(cond)
    if cond.field in CHOICE_FIELDS:
        return column.in_(cond.values)
    return column.is_(True)


def condition_unknown(cond: Condition, members=None):
    """The item is not answered yet (and, for the derived item, not known to be yes)."""
    if cond.field in DERIVED_HOUSEHOLD:
        return and_(members.c.smart_yes == 0, members.c.smart_unknown == 1)
    return _column(cond).is_(None)


def _column(cond: Condition):
    model = Person if hasattr(Person, cond.field) else Household
    return getattr(model, cond.field)


def denominator(indicator: Indicator, cut: Cutoffs, members=None, with_base: bool = True):
    """Denominator condition of an indicator: population and optional filter.

    ``with_base=False`` leaves out person_counted() for queries whose WHERE already has it.
    """
    if indicator.unit_kind == "household":
        parts = [household_population(indicator.population, members)]
    else:
        base = person_counted(cut) if with_base else None
        parts = [base, person_population(indicator.population, cut)]
    if indicator.denominator_filter is not None:
        parts.append(condition_yes(indicator.denominator_filter, members))
    parts = [p for p in parts if p is not None]
    return and_(*parts) if parts else None
