"""Test data for sessions and sign-in codes: the access walk's records, a signed-in client."""

from datetime import timedelta

from sqlalchemy import select

from survey_app.accounts.models import User
from survey_app.devices import sessions, signin_codes
from survey_app.devices.models import SignInCode, UserSession
from survey_app.extensions import db
from survey_app.timeutil import utcnow

WALK_USER = "tnv.walk"
WALK_CODE = "walk-signin-code"
WALK_DEVICE = "walk-device"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


def _walk_user() -> User:
    return db.session.scalar(select(User).where(User.username == WALK_USER))


def walk_signin_code(world) -> str:
    """Token of a live sign-in code the officer issued for the walk's volunteer."""
    if db.session.scalar(select(SignInCode.id).where(SignInCode.token == WALK_CODE)) is None:
        code = SignInCode(
            token=WALK_CODE,
            user_id=_walk_user().id,
            issued_by_id=world.officer.id,
            secret_hash=sessions.secret_hash(signin_codes.secret_for(WALK_CODE)),
            expires_at=utcnow() + timedelta(hours=2),
        )
        db.session.add(code)
        db.session.commit()
    return WALK_CODE


def walk_signin_secret(world) -> str:
    """The secret the walk's sign-in QR carries."""
    return signin_codes.secret_for(walk_signin_code(world))


def walk_device(world) -> str:
    """Public token of a live session of the walk's volunteer."""
    if db.session.scalar(select(UserSession.id).where(UserSession.token == WALK_DEVICE)) is None:
        sessions.start(_walk_user(), True, ANDROID)
        db.session.flush()
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == _walk_user().id))
        row.token = WALK_DEVICE
        db.session.commit()
    return WALK_DEVICE


def signed_in_secret(user: User, remember: bool = True) -> str:
    """Start a session for ``user`` without the password form; the cookie's secret."""
    secret = sessions.start(user, remember, ANDROID)
    db.session.commit()
    return secret
