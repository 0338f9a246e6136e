"""Exports for the pages and the CLI. Services flush; the request or the CLI commits.

A page export is an ExportJob run by a queue worker (survey_app/jobs.py), so a long PDF shows
progress instead of a frozen page and never holds up a web worker: the job writes
``instance/exports/<token>.<ext>`` and reports progress on the job row through short separate
transactions. Every export — page or CLI — is audited with
who, scope, format and whether full (unmasked) data was asked for.
"""

import logging
import re
import secrets
import unicodedata
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from aggregation import default_as_of
from aggregation.documents import ExportError, ExportRequest, ExportResult, write
from survey_app import audit, jobs
from survey_app.access import can_see_village, commune_ids_stmt
from survey_app.exports.models import DONE, QUEUED, ExportJob
from survey_app.extensions import db
from survey_app.places.models import Commune
from survey_app.timeutil import utcnow

log = logging.getLogger(__name__)
FAILED_MESSAGE = "Lỗi khi tạo tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
KEEP_FILES = timedelta(hours=24)  # exported lists hold personal data: keep them one day only


def audit_export(actor, request: ExportRequest, fmt: str, via: str, **details) -> None:
    """One audit row per export: scope, set, year, format and whether data was unmasked."""
    place = request.village or request.commune
    audit.record(
        actor,
        "export",
        "village" if request.village is not None else "commune",
        place.token,
        via=via,
        scope=request.village.name if request.village is not None else "toàn xã",
        commune=request.commune.name,
        criteria=request.criteria_id,
        year=request.year,
        as_of=(request.as_of or default_as_of(request.year)).isoformat(),
        format=fmt,
        complement=request.complement,
        full_data=request.full_data,
        **details,
    )


@contextmanager
def snapshot(session):
    """One consistent view of the data for the whole export (REPEATABLE READ on PostgreSQL)."""
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    yield


def export_file(
    actor, request: ExportRequest, path: Path, fmt: str, via="cli", progress=None
) -> ExportResult:
    """Write ``request`` to ``path`` (all or nothing) and audit it; the caller commits.
    ``progress(done, total)``: rows written so far (the command's progress bar)."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with snapshot(db.session):
            result = write(db.session, request, partial, fmt, progress)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    audit_export(actor, request, result.fmt, via, file=path.name, rows=result.rows)
    return result


# ---- page exports: jobs run by a queue worker -------------------------------------------------


def start_job(actor, request: ExportRequest, fmt: str, directory: Path) -> ExportJob:
    """Record (and audit) an export to run in the background; old files are removed first."""
    purge_old_files(directory)
    job = ExportJob(
        user_id=actor.id,
        commune_id=request.commune.id,
        village_id=request.village.id if request.village is not None else None,
        criteria_id=request.criteria_id,
        year=request.year,
        as_of=request.as_of or default_as_of(request.year),
        fmt=fmt,
        complement=request.complement,
        full_data=request.full_data,
        status=QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    audit_export(actor, request, fmt, "web", job=job.token)
    return job


def restart(actor, job: ExportJob) -> None:
    """Queue a failed job again (audited like the export it repeats); the caller commits."""
    jobs.requeue(job)
    audit_export(actor, request_of(job), job.fmt, "web", job=job.token, restarted=True)


def launch(job_id: int) -> None:
    """Send the (committed) job to the queue's workers (survey_app/jobs.py)."""
    jobs.enqueue(KIND, job_id)


def run_job(job_id: int) -> None:
    """Write a claimed job's file, reporting progress (failures go on the job row)."""
    try:
        _run(job_id, jobs.files_dir("exports"))
    except ExportError as exc:
        jobs.fail(ExportJob, job_id, str(exc))
    except Exception:
        log.exception("export job %s failed", job_id)
        jobs.fail(ExportJob, job_id, FAILED_MESSAGE)


def _run(job_id: int, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"{job_id}.{secrets.token_hex(4)}.part"  # a rerun never meets it
    try:
        with snapshot(db.session):  # the job is read inside the export's one view of the data
            job = db.session.get_one(ExportJob, job_id)
            progress = jobs.Progress(ExportJob, job_id)
            result = write(db.session, request_of(job), partial, job.fmt, progress)
            name, final = download_name(job, result.fmt), f"{job.token}.{result.fmt}"
        partial.replace(directory / final)
    finally:
        partial.unlink(missing_ok=True)
    done = dict(done=result.rows, total=result.rows, finished_at=utcnow())
    jobs.set_state(ExportJob, job_id, status=DONE, fmt=result.fmt, file_name=name, **done)


KIND = "export"
jobs.register(KIND, ExportJob, run_job)


def request_of(job: ExportJob) -> ExportRequest:
    """The export a job stands for."""
    return ExportRequest(
        commune=job.commune,
        criteria_id=job.criteria_id,
        year=job.year,
        as_of=job.as_of,
        village=job.village,
        complement=job.complement,
        full_data=job.full_data,
    )


def job_for(user, token: str) -> ExportJob | None:
    """The user's own job ``token`` if its places are still theirs; None otherwise."""
    job = db.session.scalar(
        select(ExportJob).where(ExportJob.token == token, ExportJob.user_id == user.id)
    )
    if job is None:
        return None
    if job.village_id is not None:
        return job if can_see_village(user, job.village_id) else None
    allowed = db.session.scalar(
        select(Commune.id).where(
            Commune.id == job.commune_id, Commune.id.in_(commune_ids_stmt(user))
        )
    )
    return job if allowed is not None else None


def recent_jobs(user, limit: int = 10) -> list[ExportJob]:
    stmt = (
        select(ExportJob)
        .where(ExportJob.user_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def status_of(job: ExportJob) -> str:
    """The job's status, 'failed' for a job nothing has run for a long time."""
    return jobs.status_of(job)


def file_of(job: ExportJob, directory: Path) -> Path | None:
    """The finished file, if it is still kept."""
    path = directory / f"{job.token}.{job.fmt}"
    return path if job.status == DONE and path.exists() else None


def purge_old_files(directory: Path) -> None:
    """Delete exported files older than KEEP_FILES (they hold personal data)."""
    jobs.purge_old_files(directory, KEEP_FILES)


def download_name(job: ExportJob, fmt: str) -> str:
    """'minh-chung_hoang-kim_thanh-hoa-1829_2023_thon-1.xlsx' (ASCII, safe everywhere)."""
    parts = ["minh-chung", slug(job.commune.name), job.criteria_id, str(job.year)]
    if job.village is not None:
        parts.append(slug(job.village.name))
    return "_".join(parts) + f".{fmt}"


def slug(text: str) -> str:
    """'Thôn Đông Hưng' → 'thon-dong-hung'."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "x"
