"""Create and change user accounts. Services flush; the caller commits."""

from sqlalchemy import func, select

from survey_app import audit
from survey_app.accounts.models import (
    ADMIN,
    COMMUNE_OFFICER,
    ROLES,
    VILLAGE_HEAD,
    VOLUNTEER,
    User,
)
from survey_app.devices import sessions
from survey_app.extensions import db
from survey_app.places.models import Commune, Village
from survey_app.transactions import ServiceError


class AccountError(ServiceError):
    """A request that cannot be carried out, with a message for the user."""


def create_user(
    actor,
    username: str,
    password: str,
    role: str,
    commune: Commune | None,
    villages: list[Village] = (),
    full_name: str = "",
    phone: str | None = None,
) -> User:
    """Create a user, checking role, places and password length."""
    username = username.strip()
    if role not in ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(ROLES)}.")
    if not username:
        raise AccountError("Tên đăng nhập không được để trống.")
    if len(password) < 8:
        raise AccountError("Mật khẩu phải có ít nhất 8 ký tự.")
    if role != ADMIN and commune is None:
        raise AccountError("Người dùng (trừ admin) phải thuộc một xã.")
    if any(v.commune_id != commune.id for v in villages):
        raise AccountError("Thôn được gán phải thuộc cùng xã với người dùng.")
    taken = db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if taken:
        raise AccountError(f"Tên đăng nhập '{username}' đã có người dùng.")
    user = User(
        username=username,
        role=role,
        commune=commune,
        villages=list(villages),
        full_name=full_name,
        phone=phone or None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "user",
        user.id,
        username=username,
        role=role,
        villages=[v.name for v in villages],
    )
    return user


# Roles a commune officer may give; admins are made with the create-user command only.
MANAGED_ROLES = (COMMUNE_OFFICER, VILLAGE_HEAD, VOLUNTEER)


def _check_villages(user: User, role: str, villages) -> list[Village]:
    """Villages for ``role``: none for officers (they see the whole commune), same commune only."""
    if role == COMMUNE_OFFICER:
        return []
    if any(v.commune_id != user.commune_id for v in villages):
        raise AccountError("Thôn được gán phải thuộc cùng xã với người dùng.")
    return sorted(villages, key=lambda v: v.name)


def _not_self(actor, user: User, what: str) -> None:
    # An officer who locks themselves out needs an admin to get back in.
    if actor is not None and actor.id == user.id:
        raise AccountError(f"Bạn không thể tự {what} tài khoản của chính mình.")


def update_user(actor, user: User, full_name: str, phone: str | None, role: str, villages) -> User:
    """Change a user's details, role and villages, recording old and new values."""
    if role not in MANAGED_ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role}.")
    if role != user.role:
        _not_self(actor, user, "đổi vai trò")
    villages = _check_villages(user, role, villages)
    old = _snapshot(user)
    user.full_name, user.phone, user.role = full_name.strip(), (phone or None), role
    user.villages = villages
    db.session.flush()
    new = _snapshot(user)
    changed = {k: v for k, v in new.items() if old[k] != v}
    if "role" in changed or "villages" in changed:
        # What the user may see changed: their phones sign in again and pull afresh.
        sessions.end_all(actor, user, "role_or_villages")
    if changed:
        audit.record(
            actor,
            "update",
            "user",
            user.id,
            username=user.username,
            old={k: old[k] for k in changed},
            new=changed,
        )
    return user


def _snapshot(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "role": user.role,
        "villages": [v.name for v in user.villages],
    }


def assign_villages(actor, user: User, villages) -> User:
    """Set the villages a volunteer or village head works in."""
    return update_user(actor, user, user.full_name, user.phone, user.role, villages)


def set_village_members(actor, village: Village, users) -> None:
    """Make exactly ``users`` (village heads and volunteers of its commune) work in ``village``."""
    chosen = {u.id for u in users}
    candidates = db.session.scalars(
        select(User).where(
            User.commune_id == village.commune_id, User.role.in_((VILLAGE_HEAD, VOLUNTEER))
        )
    ).all()
    for user in candidates:
        has = village in user.villages
        if (user.id in chosen) != has:
            others = [v for v in user.villages if v.id != village.id]
            assign_villages(actor, user, others + ([village] if not has else []))


def reset_password(actor, user: User, password: str) -> User:
    """Give the user a new password (stored hashed; never written to the audit log)."""
    if len(password) < 8:
        raise AccountError("Mật khẩu phải có ít nhất 8 ký tự.")
    user.set_password(password)
    db.session.flush()
    audit.record(actor, "reset_password", "user", user.id, username=user.username)
    sessions.end_all(actor, user, "password_reset")
    return user


def set_user_active(actor, user: User, active: bool) -> User:
    """Lock or unlock a user. Users are never deleted: their surveys keep their name."""
    if user.active != active:
        if not active:
            _not_self(actor, user, "khóa")
        user.active = active
        db.session.flush()
        if not active:
            sessions.end_all(actor, user, "deactivated")
        action = "reactivate" if active else "deactivate"
        audit.record(
            actor,
            action,
            "user",
            user.id,
            username=user.username,
            old={"active": not active},
            new={"active": active},
        )
    return user
