"""A signed-in device (one server-side session) and a one-time sign-in code shown as a QR."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token


class UserSession(db.Model):
    """One sign-in on one device. The cookie carries a secret whose SHA-256 is ``secret_hash``;
    the row, not the cookie, decides whether the sign-in still holds (ended, expired)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public handle for the staff's "Đăng xuất thiết bị" button: never the cookie's secret.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    via: Mapped[str] = mapped_column(String(16), default="password")  # password | qr
    device: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[Optional[datetime]]
    ended_reason: Mapped[Optional[str]] = mapped_column(String(24))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.ended_at is not None}>"


class SignInCode(db.Model):
    """A sign-in QR for one volunteer: works once, until ``expires_at``, unless revoked. Only
    the SHA-256 of its secret is stored (services derive the secret from the token and the key)."""

    __tablename__ = "signin_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]
    session_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("user_session.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[Optional[User]] = relationship(foreign_keys=[issued_by_id])

    def usable(self, now: datetime) -> bool:
        """True while the code may still sign a phone in."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
