"""An export asked for on the pages: what, for whom, and how far the background job has got."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.places.models import Commune, Village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class ExportJob(db.Model):
    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", "status"),
        Index("ix_export_job_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Download URLs carry this token and are also checked against the requesting user.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"))
    criteria_id: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    as_of: Mapped[date]
    fmt: Mapped[str] = mapped_column(String(8))  # xlsx, pdf, csv, zip, docx
    complement: Mapped[bool] = mapped_column(default=False)
    full_data: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    commune: Mapped[Commune] = relationship()
    village: Mapped[Village | None] = relationship()

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 when done)."""
        if self.status == DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    def __repr__(self) -> str:
        return f"<ExportJob {self.token} {self.status}>"
