"""Which audit rows belong to a commune, and the page's filters, as statements.

Audit rows name their object by token (or a user by id) and carry no commune, so a commune's
rows are found from both ends: rows written by its users, and rows about its places, households,
people, classes or users, whoever wrote them (an admin's change to the commune is shown too).
Tokens are unique across tables, so one IN over all of them cannot match another commune's row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, String, and_, cast, or_, select, union_all

from survey_app.accounts.models import User
from survey_app.assistance.models import TrainingClass
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village
from survey_app.timeutil import start_of_day_utc


@dataclass(frozen=True)
class Filters:
    """What the officer asked for; None means any."""

    user_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def commune_scope(commune: Commune) -> ColumnElement[bool]:
    """Condition true for the audit rows of ``commune``."""
    users = select(User.id).where(User.commune_id == commune.id)
    villages = select(Village.id).where(Village.commune_id == commune.id)
    tokens = union_all(
        select(Commune.token).where(Commune.id == commune.id),
        select(Village.token).where(Village.commune_id == commune.id),
        select(Household.token).where(Household.commune_id == commune.id),
        select(Person.token).join(Household).where(Household.commune_id == commune.id),
        select(TrainingClass.token).where(TrainingClass.village_id.in_(villages)),
    )
    # A user is named by id, or by user name where no id exists (a failed sign-in).
    user_keys = union_all(
        select(cast(User.id, String)).where(User.commune_id == commune.id),
        select(User.username).where(User.commune_id == commune.id),
    )
    return or_(
        AuditLog.user_id.in_(users),
        AuditLog.object_key.in_(tokens),
        and_(AuditLog.object_type == "user", AuditLog.object_key.in_(user_keys)),
    )


def rows_stmt(commune: Commune, filters: Filters) -> Select:
    """The commune's audit rows matching ``filters``, newest first."""
    stmt = select(AuditLog).where(commune_scope(commune))
    if filters.user_id is not None:
        stmt = stmt.where(AuditLog.user_id == filters.user_id)
    if filters.action:
        stmt = stmt.where(AuditLog.action == filters.action)
    if filters.date_from:
        stmt = stmt.where(AuditLog.at >= _utc_start(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditLog.at < _utc_start(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())


def _utc_start(day: date) -> datetime:
    """Midnight of ``day`` in Vietnam, as the naive UTC the log stores."""
    return start_of_day_utc(day)


def people_stmt(commune: Commune) -> Select:
    """Users who may appear in the commune's log (its own users), by name."""
    return select(User).where(User.commune_id == commune.id).order_by(User.full_name, User.username)


def actions_in(commune: Commune) -> list[str]:
    """The action codes the commune's log holds, for the filter's list."""
    stmt = select(AuditLog.action).where(commune_scope(commune)).distinct()
    return sorted(db.session.scalars(stmt))
