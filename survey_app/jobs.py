"""Background jobs: the one mechanism for long tasks a page starts (exports, large imports).

A job is a row (a model with ``JobState``'s columns) and a daemon thread with its own app context
and session. The thread reports progress on the row through short separate transactions, so
the page that polls it sees each step; a job silent for STALE died with its process. A later
move to a real queue replaces ``launch`` only: the rows, states and progress stay as they are.
"""

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.timeutil import utcnow

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
STATUS_CHECK = "status IN ('queued', 'running', 'done', 'failed')"
STALE = timedelta(minutes=15)
PROGRESS_EVERY = 0.5  # seconds between progress writes
FAILED_MESSAGE = "Lỗi khi xử lý. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."


class JobState:
    """The columns and answers every job shares: status, progress, message, times."""

    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 when done)."""
        if self.status == DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)


def launch(name: str, target, *args) -> threading.Thread:
    """Run ``target(*args)`` for a committed job in a daemon thread."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    return thread


def in_context(app, work, *args) -> None:
    """Run ``work(*args)`` in its own app context and session (what a job's thread does)."""
    with app.app_context():
        try:
            work(*args)
        finally:
            db.session.remove()


def set_state(model, job_id: int, **values) -> None:
    """Update a job row in its own short transaction (the job's session may be mid-work)."""
    table = model.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.id == job_id).values(updated_at=utcnow(), **values)
        )


def fail(model, job_id: int, message: str = FAILED_MESSAGE) -> None:
    """Mark a job failed with a message for the user (logged by the caller if unexpected)."""
    set_state(model, job_id, status=FAILED, message=message[:500], finished_at=utcnow())


class Progress:
    """progress(done, total) → the job row, at most every PROGRESS_EVERY seconds."""

    def __init__(self, model, job_id: int):
        self.model, self.job_id, self.last = model, job_id, 0.0

    def __call__(self, done: int, total: int, **values) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY or (total and done >= total):
            self.last = now
            set_state(self.model, self.job_id, done=done, total=total, **values)


def status_of(job) -> str:
    """The job's status, 'failed' for a job whose thread died silently."""
    if job.status in (QUEUED, RUNNING) and job.updated_at < utcnow() - STALE:
        return FAILED
    return job.status


def files_dir(kind: str) -> Path:
    """Where a kind of job keeps its files: ``<KIND>_DIR`` from the settings, else
    ``instance/<kind>`` (``kind`` is "exports" or "imports")."""
    configured = current_app.config.get(f"{kind.upper()}_DIR")
    return Path(configured or Path(current_app.instance_path) / kind)


def purge_old_files(directory: Path, keep: timedelta) -> None:
    """Delete a job folder's files older than ``keep`` (uploads and exports hold personal data)."""
    if not directory.exists():
        return
    limit = time.time() - keep.total_seconds()
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
