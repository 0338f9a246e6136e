"""Who is behind a figure: statements selecting the people or households of an indicator.

Built from the same expressions as the counts (populations.py), so an evidence list always has
exactly as many rows as the number it backs. Used by the exports ("danh sách minh chứng") and
the "Cần hỗ trợ" work list (``which="complement"``).
"""

from datetime import date

from sqlalchemy import Select, and_, not_, or_, select
from sqlalchemy.orm import contains_eager

from aggregation.criteria import Indicator, get_criteria
from aggregation.engine import load_settings, rules_of
from aggregation.populations import (
    Cutoffs,
    condition_unknown,
    condition_yes,
    denominator,
    member_summary,
)
from aggregation.rules import default_as_of
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village

WHICH = ("numerator", "complement", "unknown", "denominator")


def _which(ind: Indicator, which: str, members):
    yes = condition_yes(ind.numerator, members)
    unknown = condition_unknown(ind.numerator, members)
    if which == "numerator":
        return yes
    if which == "complement":  # not counted yet, including "not asked yet"
        return or_(unknown, not_(yes))
    if which == "unknown":
        return unknown
    if which == "denominator":
        return None
    raise ValueError(f"which must be one of {WHICH}")


def evidence_statement(
    session,
    commune: Commune,
    criteria_id: str,
    code: str,
    year: int,
    *,
    as_of: date | None = None,
    settings=None,
    village_id: int | None = None,
    which: str = "numerator",
) -> Select:
    """SELECT of the Person (or Household) rows of indicator ``code``, ordered by thôn, mã hộ.

    ``which``: "numerator" (counted), "complement" (in the denominator but not counted — the
    "Cần hỗ trợ" list), "unknown" (item not asked yet) or "denominator" (everyone). Person rows
    come with ``person.household.village`` loaded; Household rows with ``household.village``.
    """
    indicator = get_criteria(criteria_id).indicator(code)
    if indicator.is_manual:
        raise ValueError(f"{criteria_id} {code} is a manual indicator: it has no evidence list")
    settings = settings or load_settings(session, [commune])[commune.id]
    cut = Cutoffs.build(rules_of(settings), as_of or default_as_of(year))
    if indicator.unit_kind == "household":
        stmt = _household_statement(indicator, cut, commune, which)
    else:
        stmt = _person_statement(indicator, cut, commune, which)
    if village_id is not None:
        stmt = stmt.where(Household.village_id == village_id)
    return stmt


def _person_statement(ind: Indicator, cut: Cutoffs, commune: Commune, which: str) -> Select:
    conditions = [denominator(ind, cut), _which(ind, which, None)]
    return (
        select(Person)
        .join(Person.household)
        .join(Household.village)
        .options(contains_eager(Person.household).contains_eager(Household.village))
        .where(Household.commune_id == commune.id, *[c for c in conditions if c is not None])
        .order_by(Village.name, Village.id, Household.ma_ho, Person.position, Person.id)
    )


def _household_statement(ind: Indicator, cut: Cutoffs, commune: Commune, which: str) -> Select:
    members = member_summary(cut, [commune.id])
    conditions = [denominator(ind, cut, members), _which(ind, which, members)]
    return (
        select(Household)
        .join(members, members.c.household_id == Household.id)
        .join(Household.village)
        .options(contains_eager(Household.village))
        .where(Household.commune_id == commune.id, and_(*[c for c in conditions if c is not None]))
        .order_by(Village.name, Village.id, Household.ma_ho, Household.id)
    )
