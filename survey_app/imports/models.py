"""A large import started on the page: run in the background, its result kept for the page."""

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.jobs import STATUS_CHECK, JobState
from survey_app.places.models import Commune
from survey_app.tokens import new_token


class ImportJob(JobState, db.Model):
    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, "status"),
        Index("ix_import_job_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The progress page's URL carries this token; it is also checked against the user.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(10), default="")  # check, write
    # The outcome as the page shows it: summary, or bad cells (the first MAX_ERRORS_SHOWN and
    # their count), warnings, or why the file could not be read.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship()
    commune: Mapped[Commune] = relationship()

    def __repr__(self) -> str:
        return f"<ImportJob {self.token} {self.status}>"
