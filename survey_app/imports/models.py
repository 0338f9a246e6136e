"""An upload on the import page: checked and previewed, then imported once the officer confirms.

Small files are checked in the request, large ones in the background (survey_app/jobs.py); either
way the upload waits on disk under the job's token until it is confirmed or cancelled.
"""

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
    # What running the job does next: "preview" (check and say what would change) or "import"
    # (write, if the data still gives the preview the officer confirmed: its digest, in
    # ``result["preview"]`` until the import replaces it).
    mode: Mapped[str] = mapped_column(String(10), default="preview", server_default="preview")
    # The outcome as the page shows it: the preview, or the summary of the import, or bad cells
    # (the first ERRORS_KEPT and their count), warnings, or why the file could not be read.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship()
    commune: Mapped[Commune] = relationship()

    def __repr__(self) -> str:
        return f"<ImportJob {self.token} {self.status}>"
