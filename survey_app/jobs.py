"""Background jobs: the one mechanism for long tasks (exports, large imports, retention).

A job is a row (a model with ``JobState``'s columns): the row is the truth the pages read, from
any web worker. The queue (Huey) carries only the job's kind and id to a worker process
(``flask worker``), which claims the row, runs it in its own app context and session, and keeps
a heartbeat on it. The queue lives in a SQLite file under ``instance/`` by default (one machine,
no server to run) or in Redis when ``QUEUE_URL`` says ``redis://…``.

A worker killed mid-job loses the queue's message, not the job: its heartbeat stops, and the
reaper (a periodic task of every worker) puts the row back on the queue, up to MAX_ATTEMPTS
runs, then marks it failed with a message the page shows and a way to start it again. Every job
may therefore run more than once; each is written to make that harmless (an export writes its
file whole or not at all, an import commits in one transaction and checks its preview first).
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import String, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.timeutil import utcnow

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
STATUS_CHECK = "status IN ('queued', 'running', 'done', 'failed')"
STALE = timedelta(minutes=15)  # a queued or running row silent this long: nothing runs it
HEARTBEAT = 10.0  # seconds between a running job's signs of life
DEAD = timedelta(seconds=60)  # a running row silent this long: its worker died
REQUEUE_WAITING = timedelta(minutes=5)  # a queued row this old may have lost its message
MAX_ATTEMPTS = 3
PROGRESS_EVERY = 0.5  # seconds between progress writes
FAILED_MESSAGE = "Lỗi khi xử lý. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
INTERRUPTED_MESSAGE = (
    "Máy xử lý đã dừng giữa chừng {attempts} lần. Bấm “Chạy lại”; nếu vẫn lỗi, báo quản trị."
)
INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class JobState:
    """The columns and answers every job shares: status, progress, message, times."""

    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # runs started
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


# ---- the queue ------------------------------------------------------------------------------


def make_huey(url: str | None) -> Huey:
    """The queue ``QUEUE_URL`` names: ``redis://…`` (production), else a SQLite file
    (``sqlite:////path/queue.db``; unset: ``instance/queue.db``)."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("survey", url=url, results=False)
    path = Path(url.removeprefix("sqlite:///")) if url else INSTANCE / "queue.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("survey", filename=str(path), results=False)


huey = make_huey(os.environ.get("QUEUE_URL"))
KINDS: dict[str, tuple[Any, Callable[[int], None]]] = {}  # kind → (job model, runner)
_worker_app: Flask | None = None


def register(kind: str, model, runner: Callable[[int], None]) -> None:
    """``runner(job_id)`` runs a claimed ``model`` row in an app context (exports, imports)."""
    KINDS[kind] = (model, runner)


def init_app(app: Flask) -> None:
    """QUEUE_IMMEDIATE (the tests): a job runs in the request that starts it."""
    if app.config.get("QUEUE_IMMEDIATE"):
        huey.immediate = True


def enqueue(kind: str, job_id: int) -> None:
    """Send a committed job to the workers. A broker that is down leaves the row queued: the
    reaper sends it again, and the page says it is waiting."""
    try:
        _execute(kind, job_id)
    except Exception:
        if huey.immediate:
            raise
        log.exception("could not queue %s job %s; the reaper will retry", kind, job_id)


@huey.task()
def _execute(kind: str, job_id: int) -> None:
    run(kind, job_id)


def run(kind: str, job_id: int) -> None:
    """Claim the row and run it with a heartbeat; never raises (failures go on the row)."""
    model, runner = KINDS[kind]
    app = current_app._get_current_object() if has_app_context() else _worker_app  # type: ignore[attr-defined]
    if app is None:
        raise RuntimeError("jobs run in `flask worker` or in an app context")
    with app.app_context():
        try:
            if not claim(model, job_id):
                return  # already run, or running elsewhere: a message sent twice
            started = time.monotonic()
            log.info("%s job %s started", kind, job_id)
            with Heartbeat(model, job_id):
                runner(job_id)
            log.info("%s job %s ended in %.1f s", kind, job_id, time.monotonic() - started)
        except Exception:
            log.exception("%s job %s failed", kind, job_id)
            fail(model, job_id)
        finally:
            db.session.remove()


def claim(model, job_id: int) -> bool:
    """Move a queued row to running, once: two workers given the same job run it once."""
    table = model.__table__
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(table)
            .where(table.c.id == job_id, table.c.status == QUEUED)
            .values(status=RUNNING, attempts=table.c.attempts + 1, updated_at=utcnow())
        )
    return claimed.rowcount == 1


def requeue(job) -> None:
    """Make a job queued as new: a failed export run again ("Chạy lại"), a confirmed import
    preview. The caller commits and then calls ``enqueue`` (or runs it in the request)."""
    job.status, job.message, job.attempts = QUEUED, "", 0
    job.done = job.total = 0
    job.finished_at, job.updated_at = None, utcnow()


class Heartbeat:
    """While a job runs, its row's ``updated_at`` moves every HEARTBEAT seconds."""

    def __init__(self, model, job_id: int):
        self.model, self.job_id = model, job_id
        self.stop = threading.Event()
        self.app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        table = self.model.__table__
        while not self.stop.wait(HEARTBEAT):
            try:
                with self.app.app_context(), db.engine.begin() as conn:
                    conn.execute(
                        update(table)
                        .where(table.c.id == self.job_id, table.c.status == RUNNING)
                        .values(updated_at=utcnow())
                    )
            except Exception:  # SQLite busy with the job's own write: the next beat will do
                log.warning("heartbeat of job %s missed", self.job_id, exc_info=True)


@huey.periodic_task(crontab(minute="*"))
def _reap_every_minute() -> None:
    with worker_context():
        reap()


@contextmanager
def worker_context() -> Iterator[None]:
    """The worker's app context, for its periodic tasks."""
    if _worker_app is None:
        raise RuntimeError("periodic tasks run in `flask worker`")
    with _worker_app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def reap(now: datetime | None = None) -> list[tuple[str, int]]:
    """Send again the jobs whose worker died (running, silent for DEAD) or whose message may
    be lost (queued for REQUEUE_WAITING); a job that died MAX_ATTEMPTS times is failed.
    Returns the (kind, id) sent again. Every worker runs this: each row moves only once."""
    now = now or utcnow()
    sent = []
    for kind, (model, _runner) in KINDS.items():
        table = model.__table__
        lost = or_(
            and_(table.c.status == RUNNING, table.c.updated_at < now - DEAD),
            and_(table.c.status == QUEUED, table.c.updated_at < now - REQUEUE_WAITING),
        )
        rows = db.session.execute(
            select(table.c.id, table.c.status, table.c.attempts, table.c.updated_at).where(lost)
        ).all()
        db.session.rollback()
        for row in rows:
            if row.status == RUNNING and row.attempts >= MAX_ATTEMPTS:
                message = INTERRUPTED_MESSAGE.format(attempts=row.attempts)
                _move(table, row, status=FAILED, message=message, finished_at=now)
            elif _move(table, row, status=QUEUED):
                sent.append((kind, row.id))
                enqueue(kind, row.id)
    if sent:
        log.warning("jobs sent again: %s", sent)
    return sent


def _move(table, row, **values) -> bool:
    """Update a row only if nobody touched it since it was read."""
    with db.engine.begin() as conn:
        moved = conn.execute(
            update(table)
            .where(
                table.c.id == row.id,
                table.c.status == row.status,
                table.c.updated_at == row.updated_at,
            )
            .values(updated_at=utcnow(), **values)
        )
    return moved.rowcount == 1


def serve(app: Flask, workers: int) -> None:
    """Run the queue's consumer in this process (``flask worker``) until a signal stops it."""
    global _worker_app
    _worker_app = app
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


# ---- the row's state ------------------------------------------------------------------------


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
    """The job's status, 'failed' for a job nothing has run for STALE (no worker, no reaper)."""
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
