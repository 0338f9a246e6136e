"""A commune's survey round and each village's sign-off in it."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.places.models import Commune, Village
from survey_app.timeutil import start_of_day_utc, utcnow
from survey_app.tokens import new_token


class SurveyRound(db.Model):
    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[Optional[datetime]]

    commune: Mapped[Commune] = relationship()
    opened_by: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def since(self) -> datetime:
        """The moment the round began: answers confirmed before it are carried forward."""
        return start_of_day_utc(self.starts_on)


class VillageSignoff(db.Model):
    """ "Trưởng thôn xác nhận": the village head's word that the village's round is done."""

    __tablename__ = "village_signoff"
    __table_args__ = (UniqueConstraint("round_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"))
    signed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[Optional[datetime]]
    reopened_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[Optional[datetime]]

    village: Mapped[Village] = relationship()
    signed_by: Mapped[Optional[User]] = relationship(foreign_keys=[signed_by_id])
    reopened_by: Mapped[Optional[User]] = relationship(foreign_keys=[reopened_by_id])

    @property
    def signed(self) -> bool:
        return self.signed_at is not None
