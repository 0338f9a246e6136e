"""Server-side sessions: start one at sign-in, check it on every request, end it.

The signed cookie (and the remember-me cookie) carry only a random secret; Flask-Login's
user loader finds the session row by the secret's hash with one indexed query, so logging out,
a password reset or a staff "Đăng xuất thiết bị" ends the cookie's power at its next request.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from survey_app import audit
from survey_app.accounts.models import User
from survey_app.devices.models import UserSession
from survey_app.extensions import db
from survey_app.timeutil import utcnow

# last_seen_at is written at most this often per session: a write per request would cost more
# than the check itself (docs/security.md).
TOUCH_EVERY = timedelta(minutes=5)


def secret_hash(secret: str) -> str:
    """SHA-256 of a cookie or QR secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def lifetime(remember: bool) -> timedelta:
    """How long a sign-in holds on the server: the remember-me duration, or one working day."""
    key = "REMEMBER_COOKIE_DURATION" if remember else "SIGNED_IN_LIFETIME"
    value = current_app.config[key]
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def start(user: User, remember: bool, user_agent: str, via: str = "password") -> str:
    """Open a session row for ``user`` and return the secret its cookie will carry."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        secret_hash=secret_hash(secret),
        user_id=user.id,
        via=via,
        device=device_name(user_agent),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime(remember),
    )
    db.session.add(row)
    db.session.flush()
    user.session = row
    user.session_secret = secret
    return secret


def load(secret: str) -> User | None:
    """The user of the live session whose cookie carries ``secret``, else None."""
    found = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.secret_hash == secret_hash(secret))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if row.ended_at is not None or row.expires_at <= now or not user.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        _touch(row, now)
    user.session, user.session_secret = row, secret
    return user


def _touch(row: UserSession, now: datetime) -> None:
    # Part of the request's one unit of work (survey_app/transactions.py): committed with it,
    # and a request that is refused simply leaves the older time.
    row.last_seen_at = now


def end(actor, row: UserSession, reason: str) -> None:
    """End one session (logout, staff sign-out); its cookies stop working."""
    if row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason
        db.session.flush()
        action = "logout" if reason == "logout" else "device_sign_out"
        audit.record(actor, action, "user", row.user_id, session=row.token, reason=reason)


def end_all(actor, user: User, reason: str) -> int:
    """End every live session of ``user`` (password change, lock, role or village change)."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount:
        count = result.rowcount
        audit.record(actor, "sessions_end_all", "user", user.id, reason=reason, count=count)
    return result.rowcount


def live_for(user_ids) -> list[UserSession]:
    """Live sessions of these users, most recently seen first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id.in_(user_ids),
                UserSession.ended_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(UserSession.last_seen_at.desc())
        )
    )


_ANDROID = re.compile(r"Android ([\d.]+);(?: [\w-]+;)? ([^;)]+?)(?: Build/[^;)]*)?\)")
_SYSTEMS = ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux")
_BROWSERS = (("Zalo", "Zalo"), ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))


def device_name(user_agent: str) -> str:
    """A short name people recognise: "SM-A105F (Android 10)", "iPhone", "Chrome, Windows"."""
    agent = user_agent or ""
    match = _ANDROID.search(agent)
    if match and match.group(2).strip() not in ("K", "wv"):
        return f"{match.group(2).strip()} (Android {match.group(1)})"[:80]
    system = next((name for name in _SYSTEMS if name in agent), "")
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    if system in ("iPhone", "iPad"):
        return system
    return ", ".join(part for part in (browser, system) if part) or "Không rõ thiết bị"
