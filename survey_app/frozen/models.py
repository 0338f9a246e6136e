"""A frozen report: what was asked, the moment its data was read, and what else it depended on.

The households, people and villages it counted are in the history (survey_app/history) as they
stood at ``data_at``; the commune's rules and targets, and the staff-entered results, are kept
here as they were, so its figures and its documents come out the same whatever changes later.
"""

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.places.models import Commune, Village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token


class FrozenReport(db.Model):
    __tablename__ = "frozen_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    village_id: Mapped[Optional[int]] = mapped_column(ForeignKey("village.id"))  # None: commune
    criteria_id: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    as_of: Mapped[date]  # the report's "số liệu đến" date (ages too)
    data_at: Mapped[datetime]  # the moment whose data it counts
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # rules and targets as they were
    manual: Mapped[dict[str, Any]] = mapped_column(JSON)  # staff-entered results as they were
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)  # the `indicators` JSON at freezing
    village_name: Mapped[str] = mapped_column(String(120), default="")  # as it was then
    frozen_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)

    commune: Mapped[Commune] = relationship()
    village: Mapped[Optional[Village]] = relationship()
    frozen_by: Mapped[User] = relationship()
