"""An export asked for on the pages: what, for whom, and how far the background job has got."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.jobs import DONE, FAILED, QUEUED, RUNNING, STATUS_CHECK, STATUSES, JobState
from survey_app.places.models import Commune, Village
from survey_app.tokens import new_token

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "STATUSES", "ExportJob"]


class ExportJob(JobState, db.Model):
    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, "status"),
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
    file_name: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
    commune: Mapped[Commune] = relationship()
    village: Mapped[Village | None] = relationship()

    def __repr__(self) -> str:
        return f"<ExportJob {self.token} {self.status}>"
