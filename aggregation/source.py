"""Which rows the counts and the lists read: today's tables, or the history as it stood.

Every statement in populations.py, counting.py and evidence.py is built from a ``Source``: its
``H``, ``P`` and ``V`` stand for households, people and villages. ``LIVE`` is the mapped classes
themselves, so today's figures run exactly the SQL they always did. ``at(moment)`` is the same
three, aliased over the version tables (survey_app/history): the state each row was in at that
moment (valid_from < moment ≤ valid_to, or still open), with the live column names, so one
statement serves both.

``confirmed_since`` (survey rounds): an answer counts as "yes" only when the household or person
was confirmed (or changed) by a volunteer since then; an older answer counts as not known yet.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, bindparam, or_, select
from sqlalchemy.orm import aliased

from survey_app import timeutil
from survey_app.history.models import household_version, person_version, village_version
from survey_app.households.models import Household, Person
from survey_app.places.models import Village


@dataclass(frozen=True)
class Source:
    H: Any
    P: Any
    V: Any
    historical: bool = False
    confirmed: bool = False

    def confirmed_since(self):
        """The bound time since which answers count as confirmed (``confirmed`` sources only)."""
        return bindparam("confirmed_since", type_=DateTime)


LIVE = Source(Household, Person, Village)
LIVE_CONFIRMED = Source(Household, Person, Village, confirmed=True)


def _as_it_stood(model, table, moment):
    """``model`` aliased over its version table at ``moment`` (a bound parameter)."""
    key = table.c[f"{model.__tablename__}_id"]
    columns = [key.label("id")] + [
        table.c[c.name] for c in model.__table__.columns if c.name != "id"
    ]
    valid = (table.c.valid_from < moment) & or_(
        table.c.valid_to.is_(None), table.c.valid_to >= moment
    )
    rows = select(*columns).where(valid).subquery(f"{model.__tablename__}_then")
    return aliased(model, rows, adapt_on_names=True, name=f"{model.__tablename__}_then")


def historical(confirmed: bool = False, moment: datetime | None = None) -> Source:
    """The source of rows as they stood at ``moment`` (a parameter named "moment" when None)."""
    when = bindparam("moment", value=moment, type_=DateTime)
    return Source(
        _as_it_stood(Household, household_version, when),
        _as_it_stood(Person, person_version, when),
        _as_it_stood(Village, village_version, when),
        historical=True,
        confirmed=confirmed,
    )


def moment_of(as_of: date | None) -> datetime | None:
    """When the data must be read for figures "as of" ``as_of``: the end of that day in Vietnam,
    or None (today's tables) when no date was asked for or that day has not ended yet."""
    if as_of is None or as_of >= timeutil.vn_today():
        return None
    return timeutil.start_of_day_utc(as_of + timedelta(days=1))


def source_for(
    as_of: date | None, confirmed_since: datetime | None = None, at: datetime | None = None
) -> tuple[Source, dict]:
    """The source for figures as of ``as_of`` (None: today's data) and the parameter values its
    statements need. ``at``: read the rows as they stood at that moment instead (a frozen
    report reads the moment it froze)."""
    moment = at if at is not None else moment_of(as_of)
    params: dict = {}
    if confirmed_since is not None:
        params["confirmed_since"] = confirmed_since
    if moment is None:
        return (LIVE_CONFIRMED if confirmed_since else LIVE), params
    params["moment"] = moment
    return _HISTORICAL[confirmed_since is not None], params


_HISTORICAL = {False: historical(False), True: historical(True)}
