"""A door plate: an unguessable token printed as a QR code on a household's door."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

ACTIVE = text("revoked_at IS NULL")


class DoorPlate(db.Model):
    """One printed plate. Its token is not the household's own token, so a plate can be revoked
    (lost, photographed by a stranger) without changing any other link of the household."""

    __tablename__ = "door_plate"
    __table_args__ = (
        # At most one active plate per household, enforced by the database on both engines.
        Index(
            "uq_door_plate_active_household",
            "household_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[datetime]]
    revoked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    # No back-reference on Household: issuing a plate must not touch the household row (its
    # version drives the offline edits' conflict check).
    household: Mapped[Household] = relationship()
    created_by: Mapped[Optional[User]] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[Optional[User]] = relationship(foreign_keys=[revoked_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<DoorPlate household={self.household_id} active={self.active}>"
