"""Whose devices and sign-in codes a member of staff may see: people of their villages."""

from sqlalchemy import Select, select

from survey_app.access import village_ids_stmt
from survey_app.accounts.models import VILLAGE_HEAD, VOLUNTEER, User, user_village
from survey_app.extensions import db


def _roles_for(actor: User) -> tuple[str, ...]:
    # A village head looks after the volunteers of their villages; staff also after the heads.
    return (VOLUNTEER,) if actor.role == VILLAGE_HEAD else (VILLAGE_HEAD, VOLUNTEER)


def people_stmt(actor: User) -> Select:
    """Users working in one of ``actor``'s villages that ``actor`` looks after, by name."""
    shared = select(user_village.c.user_id).where(
        user_village.c.village_id.in_(village_ids_stmt(actor))
    )
    return (
        select(User)
        .where(User.id.in_(shared), User.role.in_(_roles_for(actor)), User.id != actor.id)
        .order_by(User.full_name, User.username)
    )


def in_charge(actor: User, user: User | None) -> bool:
    """True when ``actor`` looks after ``user`` (see people_stmt)."""
    if user is None:
        return False
    stmt = people_stmt(actor).where(User.id == user.id).limit(1)
    return db.session.execute(stmt).first() is not None


def may_issue_code(actor: User, user: User | None) -> bool:
    """A sign-in QR is for an active volunteer the actor looks after."""
    return user is not None and user.role == VOLUNTEER and user.active and in_charge(actor, user)
