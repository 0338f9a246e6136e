"""Read-side helpers of the officer's pages: lists with counts, choices for forms."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey_app.accounts.models import ROLES, VILLAGE_HEAD, VOLUNTEER, User
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.places.models import Commune, Province, Village


def natural_key(name: str) -> list:
    """Sort 'Thôn 2' before 'Thôn 10'."""
    return [int(part) if part.isdecimal() else part.lower() for part in re.split(r"(\d+)", name)]


@dataclass
class VillageRow:
    village: Village
    households: int
    surveyed: int


def village_rows(commune: Commune) -> list[VillageRow]:
    """Every village of the commune (active first) with its household and surveyed counts."""
    stmt = (
        select(Village, func.count(Household.id), func.count(Household.surveyed_at))
        .outerjoin(Household, (Household.village_id == Village.id) & Household.removed_at.is_(None))
        .where(Village.commune_id == commune.id)
        .group_by(Village.id)
    )
    rows = [VillageRow(v, n, s) for v, n, s in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: (not r.village.active, natural_key(r.village.name)))


def active_villages(commune: Commune) -> list[Village]:
    """The commune's active villages in natural order, for checkboxes and selects."""
    villages = db.session.scalars(
        select(Village).where(Village.commune_id == commune.id, Village.active.is_(True))
    ).all()
    return sorted(villages, key=lambda v: natural_key(v.name))


def villages_by_token(commune: Commune, tokens: list[str]) -> list[Village]:
    """The commune's active villages among ``tokens`` (unknown tokens are ignored)."""
    if not tokens:
        return []
    return list(
        db.session.scalars(
            select(Village).where(
                Village.commune_id == commune.id,
                Village.active.is_(True),
                Village.token.in_(tokens),
            )
        )
    )


def commune_users(commune: Commune) -> list[User]:
    """The commune's users, active first, officers before heads before volunteers."""
    users = db.session.scalars(
        select(User).where(User.commune_id == commune.id).options(selectinload(User.villages))
    ).all()
    return sorted(users, key=lambda u: (not u.active, ROLES.index(u.role), u.username))


def field_staff(commune: Commune) -> list[User]:
    """Active village heads and volunteers of the commune: who can be assigned to a village."""
    return [u for u in commune_users(commune) if u.active and u.role in (VILLAGE_HEAD, VOLUNTEER)]


def communes_for_picker() -> list[Commune]:
    """All communes by province then name, for the admin's commune selector."""
    stmt = (
        select(Commune)
        .join(Province)
        .options(selectinload(Commune.province))
        .order_by(Province.name, Commune.name)
    )
    return list(db.session.scalars(stmt))
