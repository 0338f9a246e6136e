"""Who may see what. Every view loads records through these helpers, scoped to the user's places."""

from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, STAFF, User, user_village
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village


def roles_required(*roles: str):
    """Require a signed-in user with one of ``roles``; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def village_ids_stmt(user: User) -> Select:
    """Statement selecting the ids of the villages ``user`` may see."""
    if user.role == ADMIN:
        return select(Village.id)
    if user.role == COMMUNE_OFFICER:
        return select(Village.id).where(Village.commune_id == user.commune_id)
    return select(user_village.c.village_id).where(user_village.c.user_id == user.id)


def visible_villages_stmt(user: User) -> Select:
    """Statement for the active villages the user may see, by name."""
    return (
        select(Village)
        .where(Village.id.in_(village_ids_stmt(user)), Village.active.is_(True))
        .order_by(Village.name)
    )


def commune_ids_stmt(user: User) -> Select:
    """Statement selecting ids of the communes the user works in."""
    if user.role == ADMIN:
        return select(Commune.id)
    if user.role == COMMUNE_OFFICER:
        return select(Commune.id).where(Commune.id == user.commune_id)
    return select(Village.commune_id).where(Village.id.in_(village_ids_stmt(user)))


def can_see_village(user: User, village_id: int) -> bool:
    stmt = village_ids_stmt(user).where(_village_id_col(user) == village_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def _village_id_col(user: User):
    if user.role in STAFF:
        return Village.id
    return user_village.c.village_id


def visible_or_404(record, village_id_of):
    """``record`` if it lies in one of the current user's villages (``village_id_of(record)``),
    else 404, the same for a record that does not exist (never 403: no leak)."""
    if record is None or not can_see_village(current_user, village_id_of(record)):
        abort(404)
    return record


def by_token(model, token: str):
    """The ``model`` row whose public token is ``token``, or None."""
    return db.session.scalar(select(model).where(model.token == token))


def get_village_or_404(token: str) -> Village:
    """The village with ``token`` if the current user may see it."""
    return visible_or_404(by_token(Village, token), lambda village: village.id)


def get_household_or_404(token: str, removed_ok: bool = False) -> Household:
    """The household with ``token`` if it lies in one of the current user's villages (and is
    not removed, unless ``removed_ok``: its history, restoring it)."""
    household = visible_or_404(by_token(Household, token), lambda h: h.village_id)
    if household.removed_at is not None and not removed_ok:
        abort(404)
    return household


def get_person_or_404(token: str, removed_ok: bool = False) -> Person:
    """The person with ``token`` if their household lies in one of the user's villages (and
    neither is removed, unless ``removed_ok``)."""
    person = visible_or_404(by_token(Person, token), lambda p: p.household.village_id)
    if not removed_ok and (person.removed_at or person.household.removed_at) is not None:
        abort(404)
    return person


def get_commune_or_404(token: str) -> Commune:
    """The commune with ``token`` if the current user works in it."""
    commune = db.session.scalar(
        select(Commune).where(
            Commune.token == token, Commune.id.in_(commune_ids_stmt(current_user))
        )
    )
    if commune is None:
        abort(404)
    return commune


def staff_commune() -> Commune | None:
    """The commune a staff page works on: an officer's own (403 without one), the admin's pick
    from ``?xa=<token>`` (None until picked: show the picker); None for the other roles."""
    if current_user.role == COMMUNE_OFFICER:
        if current_user.commune is None:
            abort(403)
        return get_commune_or_404(current_user.commune.token)
    token = request.args.get("xa", "").strip()
    if current_user.role == ADMIN and token:
        return get_commune_or_404(token)
    return None
