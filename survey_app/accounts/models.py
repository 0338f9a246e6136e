"""Users, their role and the places they may see."""

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts import passwords
from survey_app.extensions import db
from survey_app.places.models import Commune, Village
from survey_app.timeutil import utcnow

ADMIN = "admin"
COMMUNE_OFFICER = "commune_officer"
VILLAGE_HEAD = "village_head"
VOLUNTEER = "volunteer"
ROLES = (ADMIN, COMMUNE_OFFICER, VILLAGE_HEAD, VOLUNTEER)
STAFF = (ADMIN, COMMUNE_OFFICER)  # who manages a commune: villages, users, imports, exports
LEADERS = (*STAFF, VILLAGE_HEAD)  # who answers for places: prints door plates, exports lists
ROLE_LABELS = {
    ADMIN: "Quản trị hệ thống",
    COMMUNE_OFFICER: "Cán bộ xã",
    VILLAGE_HEAD: "Trưởng thôn",
    VOLUNTEER: "Thành viên Tổ công nghệ số",
}

user_village = Table(
    "user_village",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('admin','commune_officer','village_head','volunteer')", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    commune_id: Mapped[Optional[int]] = mapped_column(ForeignKey("commune.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[datetime]]

    commune: Mapped[Optional[Commune]] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary=user_village, order_by=Village.name)

    def set_password(self, password: str) -> None:
        # Argon2id by default (accounts/passwords.py); the test suite sets a cheaper method.
        self.password_hash = passwords.make(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is right; a right one made with an older method is hashed again
        with today's (saved with the sign-in)."""
        if not passwords.matches(self.password_hash, password):
            return False
        if passwords.outdated(self.password_hash):
            self.password_hash = passwords.make(password)
        return True

    def get_id(self) -> str:
        """The secret of this sign-in's server-side session: what Flask-Login's cookies carry."""
        # Never the user id: a cookie must stop working when its session ends (devices/sessions.py).
        secret = getattr(self, "session_secret", None)
        if secret is None:
            raise RuntimeError("sign in through survey_app.devices.sessions.start()")
        return secret

    def __eq__(self, other) -> bool:
        # UserMixin compares get_id(), which now names a sign-in, not the person.
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = object.__hash__  # as UserMixin's (one object per row in a session)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
