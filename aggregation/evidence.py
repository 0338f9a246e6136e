"""Who is behind a figure: statements selecting the people or households of an indicator.

Built from the same expressions as the counts (populations.py), so an evidence list always has
exactly as many rows as the number it backs. Used by the exports ("danh sách minh chứng") and
the "Cần hỗ trợ" work list (``which="complement"``).
"""

from datetime import date, datetime

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
from aggregation.source import source_for
from survey_app.places.models import Commune

WHICH = ("numerator", "complement", "unknown", "denominator")


def _which(ind: Indicator, which: str, cut: Cutoffs, members):
    yes = condition_yes(ind.numerator, cut, members)
    unknown = condition_unknown(ind.numerator, cut, members)
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
    confirmed_since: datetime | None = None,
    ages_at: date | None = None,
    at: datetime | None = None,
) -> Select:
    """SELECT of the Person (or Household) rows of indicator ``code``, ordered by thôn, mã hộ.

    ``which``: "numerator" (counted), "complement" (in the denominator but not counted — the
    "Cần hỗ trợ" list), "unknown" (item not asked yet) or "denominator" (everyone). Person rows
    come with ``person.household.village`` loaded; Household rows with ``household.village``.

    Like compute(): ages at ``ages_at`` or ``as_of`` (default 31/12 of ``year``); today's rows
    unless ``as_of`` is given and has ended, then the rows as they stood: such a statement is
    for reading columns (``with_only_columns``, as the documents do), not today's objects.
    """
    indicator = get_criteria(criteria_id).indicator(code)
    if indicator.is_manual:
        raise ValueError(f"{criteria_id} {code} is a manual indicator: it has no evidence list")
    settings = settings or load_settings(session, [commune])[commune.id]
    src, params = source_for(as_of, confirmed_since, at)
    cut = Cutoffs.build(rules_of(settings), ages_at or as_of or default_as_of(year), src)
    if indicator.unit_kind == "household":
        stmt = _household_statement(indicator, cut, commune, which)
    else:
        stmt = _person_statement(indicator, cut, commune, which)
    if village_id is not None:
        stmt = stmt.where(src.H.village_id == village_id)
    return stmt.params(**params) if params else stmt


def _person_statement(ind: Indicator, cut: Cutoffs, commune: Commune, which: str) -> Select:
    H, P, V = cut.src.H, cut.src.P, cut.src.V
    conditions = [denominator(ind, cut), _which(ind, which, cut, None)]
    stmt = (
        select(P)
        .join(H, H.id == P.household_id)
        .join(V, V.id == H.village_id)
        .where(H.commune_id == commune.id, *[c for c in conditions if c is not None])
        .order_by(V.name, V.id, H.ma_ho, P.position, P.id)
    )
    if cut.src.historical:  # read as columns (with_only_columns), never as today's objects
        return stmt
    return stmt.options(contains_eager(P.household).contains_eager(H.village))


def _household_statement(ind: Indicator, cut: Cutoffs, commune: Commune, which: str) -> Select:
    H, V = cut.src.H, cut.src.V
    members = member_summary(cut, [commune.id])
    conditions = [denominator(ind, cut, members), _which(ind, which, cut, members)]
    stmt = (
        select(H)
        .join(members, members.c.household_id == H.id)
        .join(V, V.id == H.village_id)
        .where(H.commune_id == commune.id, and_(*[c for c in conditions if c is not None]))
        .order_by(V.name, V.id, H.ma_ho, H.id)
    )
    if cut.src.historical:
        return stmt
    return stmt.options(contains_eager(H.village))
