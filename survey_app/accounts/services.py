"""Create and change user accounts. Services flush; the caller commits."""

from sqlalchemy import func, select

from survey_app import audit
from survey_app.accounts.models import ADMIN, ROLES, User
from survey_app.extensions import db
from survey_app.places.models import Commune, Village


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the user."""


def create_user(
    actor,
    username: str,
    password: str,
    role: str,
    commune: Commune | None,
    villages: list[Village] = (),
    full_name: str = "",
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
    taken = db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())
    )
    if taken:
        raise AccountError(f"Tên đăng nhập '{username}' đã có người dùng.")
    user = User(
        username=username,
        role=role,
        commune=commune,
        villages=list(villages),
        full_name=full_name,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor, "create", "user", user.id, username=username, role=role,
        villages=[v.name for v in villages],
    )
    return user
