"""Large page imports as background jobs (survey_app/jobs.py), like exports.

The upload is saved under ``instance/imports/<token>.<ext>`` and deleted once read; the thread
checks and imports it with the same service as the CLI and the inline page (all or nothing, the
same bad-cell report) and keeps the outcome on the job row for the page to show. Progress: rows
read while checking, then households written.
"""

import logging
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from household_forms.import_template import CellError
from survey_app import audit, jobs
from survey_app.access import commune_ids_stmt
from survey_app.extensions import db
from survey_app.imports import services
from survey_app.imports.models import ImportJob
from survey_app.imports.reading import Limits
from survey_app.timeutil import utcnow

log = logging.getLogger(__name__)
KEEP_UPLOADS = timedelta(hours=24)  # a file left by a job that died: personal data, one day
ERRORS_KEPT = 1000  # the page shows this many bad cells and the count of the rest


class ImportBusy(Exception):
    """The commune already has an import running: two at once would only compete."""

    MESSAGE = "Xã đang có một tệp được nhập. Hãy đợi tệp đó xong rồi nhập tiếp."


def start_job(actor, commune, upload, directory: Path) -> ImportJob:
    """Save the upload and record (and audit) an import to run in the background."""
    if running_job(commune) is not None:
        raise ImportBusy(ImportBusy.MESSAGE)
    jobs.purge_old_files(directory, KEEP_UPLOADS)
    name = Path(upload.filename or "tep").name[:200]
    job = ImportJob(user_id=actor.id, commune_id=commune.id, file_name=name)
    db.session.add(job)
    db.session.flush()
    directory.mkdir(parents=True, exist_ok=True)
    upload.save(_upload_path(directory, job))
    audit.record(actor, "import_queued", "commune", commune.token, file=name, job=job.token)
    return job


def running_job(commune) -> ImportJob | None:
    """The commune's import still queued or running (a stale one has died and does not count)."""
    stmt = select(ImportJob).where(
        ImportJob.commune_id == commune.id, ImportJob.status.in_((jobs.QUEUED, jobs.RUNNING))
    )
    alive = [job for job in db.session.scalars(stmt) if jobs.status_of(job) != jobs.FAILED]
    return alive[0] if alive else None


def _upload_path(directory: Path, job: ImportJob) -> Path:
    return directory / f"{job.token}{Path(job.file_name).suffix.lower()}"


def launch(app, job: ImportJob, directory: Path, limits: Limits, today: date):
    """Run the (committed) job in the background."""
    return jobs.launch(f"import-{job.token}", run_job, app, job.id, directory, limits, today)


def run_job(app, job_id: int, directory: Path, limits: Limits, today: date) -> None:
    """Check and import the job's file; never raises (failures go on the job row)."""
    jobs.in_context(app, _run_safely, job_id, directory, limits, today)


def _run_safely(job_id: int, directory: Path, limits: Limits, today: date) -> None:
    try:
        _run(job_id, directory, limits, today)
    except Exception:
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        jobs.fail(ImportJob, job_id, "Lỗi khi nhập tệp; chưa nhập dữ liệu nào. Hãy thử lại.")


def _run(job_id: int, directory: Path, limits: Limits, today: date) -> None:
    job = db.session.get_one(ImportJob, job_id)
    path = _upload_path(directory, job)
    jobs.set_state(ImportJob, job_id, status=jobs.RUNNING, stage=services.CHECKING)
    try:
        with path.open("rb") as stream:
            outcome = services.import_file(
                job.user,
                job.commune,
                job.file_name,
                stream,
                today,
                limits,
                _progress(job_id),
                consent_by=services.vouched_by(job.user),
            )
        if outcome.summary is None:
            db.session.rollback()
        else:
            db.session.commit()
    finally:
        path.unlink(missing_ok=True)
    result = result_of(outcome)
    jobs.set_state(ImportJob, job_id, status=jobs.DONE, result=result, finished_at=utcnow())


def _progress(job_id: int):
    """progress(stage, done, total) → the job row.

    While writing, SQLite's single writer is the import's own transaction: a progress update
    from another connection would wait for it, so there the stage is shown without counts.
    """
    report = jobs.Progress(ImportJob, job_id)
    sqlite = db.engine.dialect.name == "sqlite"

    def progress(stage: str, done: int, total: int) -> None:
        if stage == services.WRITING and sqlite:
            if done == 0:
                jobs.set_state(ImportJob, job_id, stage=stage, done=0, total=total)
            return
        report(done, total, stage=stage)

    return progress


def result_of(outcome: services.ImportOutcome) -> dict:
    """The outcome as stored on the job (JSON)."""
    return {
        "file_error": outcome.file_error,
        "summary": asdict(outcome.summary) if outcome.summary else None,
        "errors": [asdict(error) for error in outcome.errors[:ERRORS_KEPT]],
        "error_count": len(outcome.errors),
        "warnings": outcome.warnings,
    }


def outcome_of(job: ImportJob) -> tuple[services.ImportOutcome, int]:
    """(the outcome the page shows, how many bad cells in all) of a finished job."""
    result = job.result or {}
    summary = result.get("summary")
    outcome = services.ImportOutcome(
        summary=services.ImportSummary(**summary) if summary else None,
        errors=[CellError(**error) for error in result.get("errors", [])],
        warnings=result.get("warnings", []),
        file_error=result.get("file_error"),
    )
    return outcome, result.get("error_count", 0)


def job_for(user, token: str) -> ImportJob | None:
    """The user's own import ``token`` if its commune is still theirs; None otherwise."""
    return db.session.scalar(
        select(ImportJob).where(
            ImportJob.token == token,
            ImportJob.user_id == user.id,
            ImportJob.commune_id.in_(commune_ids_stmt(user)),
        )
    )
