"""An officer's word that two people who look alike are two different people ("không trùng")."""

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.timeutil import utcnow


class NotDuplicate(db.Model):
    __tablename__ = "not_duplicate"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", "ordered"),  # one row per pair
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
